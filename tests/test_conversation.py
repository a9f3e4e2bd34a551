"""Conversation rules (pure) and respond() on the real engine."""

import pytest

from retrieval.conversation import Turn, contextualize, is_follow_up, is_more, is_small_talk, respond


@pytest.mark.parametrize("text", ["hi", "Hello!", "thanks", "Thank you very much.", "help", "what can you do?"])
def test_small_talk_is_recognised(text):
    assert is_small_talk(text)


@pytest.mark.parametrize("text", ["Translate 'good morning' into Spanish", "Who helped migrants?", "hello world of migration"])
def test_questions_are_not_small_talk(text):
    assert not is_small_talk(text)


def test_more_and_follow_ups():
    assert is_more("tell me more") and is_more("More.") and not is_more("more on remittances")
    for text in ["What about women?", "Why?", "And the costs?", "And in countries of origin?", "Who said that?"]:
        assert is_follow_up(text), text
    for text in ["What did panellists say about remittances?", "Do migrants compete for jobs with native workers?"]:
        assert not is_follow_up(text), text


def test_contextualize_joins_only_elliptical_questions():
    assert contextualize("What about women?", "Which groups need protection?") == \
        "Which groups need protection? What about women?"
    assert contextualize("Who bears the costs of migration?", "Which groups?") == "Who bears the costs of migration?"
    assert contextualize("Why?", None) == "Why?"


def test_respond_more_pages_through_results(engine):
    first = respond(engine, "What did panellists say about remittances?", [], top_k=2)
    history = [Turn("What did panellists say about remittances?", first.searched_as, True, first.shown)]
    more = respond(engine, "more", history, top_k=2)
    assert more.kind == "answer" and more.shown == 4
    assert not {r.text for r in first.answer.results} & {r.text for r in more.answer.results}


def test_respond_follow_up_finds_the_right_passage(engine):
    first = respond(engine, "Which groups need extra protection?", [], top_k=3)
    history = [Turn("Which groups need extra protection?", first.searched_as, True, first.shown)]
    follow = respond(engine, "What about children?", history, top_k=3)
    assert follow.answer.answered and "children" in follow.answer.results[0].text
    assert follow.answer.searched_as == "Which groups need extra protection? What about children?"


def test_conversation_set_second_turns_are_answered_with_the_previous_turn(engine):
    from conftest import DATA
    from retrieval.evaluation import evaluate_conversations, load_questions

    report = evaluate_conversations(engine, load_questions(DATA / "conversations.jsonl"))
    assert report["exchanges"] >= 15
    assert report["second_turn_hit@1_with_context"] >= 0.85
    assert report["second_turn_hit@1_with_context"] > report["second_turn_hit@1_without_context"]
