"""Search on the real model and index: answers, highlights, citations, refusals, quality."""

import json

import pytest

from conftest import DATA, DOC_ID, SHARED_DEV
from retrieval.config import MAX_QUESTION_CHARS
from retrieval.answer.engine import QuestionError
from retrieval.dev.evaluation import evaluate, load_questions, squash
from retrieval.index.lexical import tokenize


def test_jobs_question_gets_the_no_competition_sentence_first(engine):
    answer = engine.ask("Do migrants take jobs from native workers?")
    assert answer.answered
    top = answer.results[0]
    assert "did not compete for jobs with the native-born population" in top.highlight
    assert top.citation.section == "Migration and development: drivers and impacts"
    assert top.citation.paragraph == 3 and top.citation.page == 1


def test_ilo_domestic_workers_sentence_is_cited_in_the_2013_section_page_3(engine):
    answer = engine.ask("Which ILO convention on domestic workers should be ratified?")
    top = answer.results[0]
    assert "Convention concerning Decent Work for Domestic Workers" in top.highlight
    c = top.citation
    assert (c.document, c.section, c.page, c.paragraph) == (DOC_ID, "The 2013 High-level Dialogue and beyond", 3, 2)
    assert c.label == ('Panel discussion on international migration and development (New York, 25 June 2013), '
                       '"The 2013 High-level Dialogue and beyond", para. 2, p. 3')


def test_highlight_is_a_verbatim_sentence_of_the_passage(engine):
    for q in ["What did panellists say about remittances?", "Who pays for migration?", "What about xenophobia?"]:
        for r in engine.ask(q, top_k=3).results:
            assert r.text[r.highlight_start : r.highlight_end] == r.highlight


def test_top_three_results_are_distinct(engine):
    for q in ["migration", "What did participants call for?", "rights of migrants"]:
        results = engine.ask(q, top_k=3).results
        assert len({r.text for r in results}) == len(results) == 3
        assert len({(r.citation.document, r.citation.paragraph_overall) for r in results}) == 3


@pytest.mark.parametrize("question", ["What is the capital of France?", "How do I reset my password?",
                                      "Who won the football world cup in 2018?"])
def test_off_topic_questions_are_refused(engine, question):
    answer = engine.ask(question)
    assert not answer.answered and answer.results == []


def test_empty_question_is_an_error_and_long_one_is_cut_with_a_note(engine):
    with pytest.raises(QuestionError):
        engine.ask("   \n\t ")
    answer = engine.ask("What about remittances? " * 100)
    assert answer.note and str(MAX_QUESTION_CHARS) in answer.note
    assert answer.answered


def test_odd_unicode_and_markup_do_not_break_search(engine):
    for q in ["ｍｉｇｒａｎｔｓ ｒｅｍｉｔｔａｎｃｅｓ", "remittances\u200b\u0000?", "<script>alert(1)</script>",
              "**bold** [x](javascript:alert(1))", "🙂🙂", "ремиттансы"]:
        engine.ask(q)  # no exception
    assert engine.ask("ｒｅｍｉｔｔａｎｃｅｓ").results[0].text.startswith("Remittances")


def _report(engine, path):
    return evaluate(lambda q: engine.ask(q, top_k=5), load_questions(path)).figures()


def test_quality_on_shared_dev_set_meets_the_floor(engine):
    if not SHARED_DEV.exists():
        pytest.skip(f"{SHARED_DEV} not present")
    fig = _report(engine, SHARED_DEV)
    assert fig["hit@1"] >= 0.85 and fig["hit@3"] >= 0.95
    assert fig["off_topic_answered"] == [] and fig["answerable_refused"] == []


def test_quality_on_project_set_meets_the_floor(engine):
    fig = _report(engine, DATA / "questions.jsonl")
    assert fig["hit@1"] >= 0.85 and fig["hit@3"] >= 0.95
    assert fig["off_topic_answered"] == [] and fig["answerable_refused"] == []


def test_the_second_model_ranks_better_than_the_first_alone(engine):
    assert engine.second is not None
    pair = _report(engine, DATA / "questions.jsonl")
    first_alone = _report(engine.single_model(), DATA / "questions.jsonl")
    assert pair["hit@1"] > first_alone["hit@1"] and pair["mrr@5"] > first_alone["mrr@5"]


def test_project_question_set_is_in_a_newcomers_words(engine):
    questions = load_questions(DATA / "questions.jsonl")
    answerable = [q for q in questions if q["gold"]]
    assert len(answerable) >= 40 and len(questions) - len(answerable) >= 10
    sentences = [s.text for p in engine.passages for s in p.sentences]
    no_shared_word = 0
    for q in answerable:
        answering = [s for s in sentences if any(squash(g) in squash(s) for g in q["gold"])]
        assert answering, f"{q['id']}: gold fragment not in the document"
        if not any(set(tokenize(q["question"])) & set(tokenize(s)) for s in answering):
            no_shared_word += 1
    assert no_shared_word * 2 >= len(answerable)


def test_results_say_who_said_it(engine):
    top = engine.ask("What did one participant call for?").results[0]
    assert top.highlight.startswith("One participant called for")
    assert top.citation.attribution == {"speaker": "one participant", "agreement": "one", "label": "one participant"}
    consensus = engine.ask("On what was there consensus?").results[0].citation.attribution
    assert consensus["agreement"] == "consensus"


def _sets():
    sets = [DATA / "questions.jsonl", DATA / "paraphrase_questions.jsonl"]
    return sets + ([SHARED_DEV] if SHARED_DEV.exists() else [])


def test_near_topic_questions_are_mostly_refused_or_marked_partial_with_a_missing_term(engine):
    # Measured 25/40 (README, "Honest answers"); the floor guards against losing the state.
    fig = _report(engine, DATA / "near_topic_questions.jsonl")
    honest, total = map(int, fig["near_topic_honest"].split("/"))
    assert total >= 30 and honest / total >= 0.5


def test_answerable_questions_are_seldom_said_to_name_what_the_document_lacks(engine):
    for path in _sets():
        answerable = [q for q in load_questions(path) if q["gold"]]
        answers = [engine.ask(q["question"], top_k=5) for q in answerable]
        flagged = [q["id"] for q, a in zip(answerable, answers) if not a.answered or a.reason == "missing"]
        # #10's target: at most 5 % (measured 0/50, 1/65, 0/36); the box's own abstentions
        # ("uncertain") are measured by the risk–coverage test.
        assert len(flagged) / len(answerable) <= 0.05, (path.name, flagged)


def test_a_question_naming_only_what_the_document_lacks_is_refused_and_says_what(engine):
    answer = engine.ask("Who heads Interpol?")
    assert (answer.answered, answer.confidence, answer.missing, answer.results) == (False, "none", ("Interpol",), [])


def test_a_date_question_highlights_the_sentence_that_holds_the_date(engine):
    question = "On what date was the panel discussion held?"
    assert "25 June 2013" in engine.ask(question).results[0].highlight
    # Without the answer-type bonus the closest sentence is another one of the same passage.
    assert "25 June 2013" not in engine.with_params(highlight_type_weight=0).ask(question).results[0].highlight


def test_typo_copies_score_within_003_of_the_clean_sets_with_no_extra_refusals(engine, tmp_path):
    from make_typo_set import typo_set

    for path in _sets():
        clean = _report(engine, path)
        typo_path = tmp_path / path.name
        typo_path.write_text("".join(json.dumps(r) + "\n" for r in typo_set(load_questions(path))))
        typos = _report(engine, typo_path)
        assert typos["hit@1"] >= clean["hit@1"] - 0.03, path.name
        assert typos["false_refusals"] <= clean["false_refusals"], path.name


def test_typo_copy_generator_changes_one_or_two_long_words_and_is_seeded():
    from make_typo_set import typo_set

    rows = load_questions(DATA / "questions.jsonl")
    first, again = typo_set(rows), typo_set(rows)
    assert first == again
    changed = [(a["question"], b["question"]) for a, b in zip(rows, first) if a["question"] != b["question"]]
    assert len(changed) >= 0.8 * sum(1 for r in rows if r["gold"])
    for clean, typo in changed:
        diffs = sum(x != y for x, y in zip(clean.split(), typo.split()))
        assert 1 <= diffs <= 2 and len(clean.split()) == len(typo.split())


def test_highlight_is_short_on_average(engine):
    for path in _sets():
        assert _report(engine, path)["highlight_length"] <= 1.5


TWIN_PARAGRAPHS = """# Harvest Notes

## Northern farms

The cabins of the seasonal pickers on the northern farms were inspected twice a season by the labour inspectorate.

## Southern farms

The cabins of the seasonal pickers on the southern farms were inspected twice a season by the labour inspectorate.
"""


def test_a_question_whose_best_two_passages_tie_gets_no_box_and_says_uncertain(tmp_path, embedder):
    import shutil

    from conftest import CORPUS
    from retrieval.config import Settings
    from retrieval.answer.engine import Engine

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "harvest-notes.md").write_text(TWIN_PARAGRAPHS)
    engine = Engine.load(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), embedder=embedder)
    for view in (engine, engine.single_model()):
        answer = view.ask("Where were the seasonal pickers housed?")
        assert (answer.answered, answer.confidence, answer.reason, answer.missing) == (True, "partial", "uncertain", ())
        assert answer.evidence.passage_margin < 0.03 and 0.0 <= answer.confidence_score <= 1.0
        # The closest passages are still given: both twins, first and second.
        assert {r.citation.section for r in answer.results[:2]} == {"Northern farms", "Southern farms"}
        assert answer.to_dict()["reason"] == "uncertain"


def test_the_box_is_shown_when_the_calibrated_confidence_reaches_the_threshold(engine):
    answer = engine.ask("Do migrants take jobs from native workers?")
    assert answer.confidence == "answer" and answer.reason is None
    assert answer.confidence_score >= engine.calibration.threshold
    # The same question with the threshold above its confidence: the closest passages, no box.
    from dataclasses import replace as changed

    strict = engine.with_calibration(changed(engine.calibration, threshold=min(answer.confidence_score + 0.01, 1.0)))
    held = strict.ask("Do migrants take jobs from native workers?")
    assert (held.confidence, held.reason) == ("partial", "uncertain")
    assert [r.text for r in held.results] == [r.text for r in answer.results]


def test_a_figure_asked_for_and_not_in_the_answers_sentence_gets_no_box(engine):
    """"How many …?" answered by a sentence with no figure in it: the closest passages, no box,
    however confident the calibrator (its threshold set to 0 here); "How much trust …?" asks for a
    degree, not a figure, and keeps its box."""
    from dataclasses import replace as changed

    lenient = engine.with_calibration(changed(engine.calibration, threshold=0.0))
    count = lenient.ask("How many migrants send remittances home?")
    assert count.results[0].carries_type is False
    assert (count.answered, count.confidence, count.reason) == (True, "partial", "uncertain")
    degree = lenient.ask("How much trust has been built among governments since the first dialogue?")
    assert degree.results[0].carries_type is False and degree.confidence == "answer"


def test_box_precision_and_uncovered_share_on_the_held_out_half(engine):
    # The targets of selective answering, on the half the calibrator was not fitted on
    # (README, "The answer box"): measured 0.904 precision, 7 % uncovered boxed for the pair.
    from retrieval.answer.selective import half

    questions = [q for name in ("questions.jsonl", "paraphrase_questions.jsonl", "near_topic_questions.jsonl",
                                "newcomer_questions.jsonl") for q in load_questions(DATA / name) if half(q["id"]) == 1]
    fig = evaluate(lambda text: engine.ask(text, top_k=5), questions).figures()
    boxed, uncovered = map(int, fig["near_topic_boxed"].split("/"))
    assert fig["box_precision"] >= 0.88 and fig["box_coverage"] >= 0.7
    assert boxed / uncovered <= 0.15
    assert fig["false_refusals"] == 0


def test_footnotes_come_after_the_text_and_never_fill_the_box(versions_engine):
    """Real resolutions' footnotes ("See Official Records of the General Assembly, … Supplement
    No. 53"): searchable, but on a page of results after every body passage, and never boxed."""
    index = versions_engine.index
    assert any(p.footnote for p in index.passages)
    for question in ["Official Records of the General Assembly Supplement No. 53",
                     "the report of the Human Rights Council in the Official Records",
                     "Official Records of the Human Rights Council, supplement"]:
        answer = versions_engine.ask(question, top_k=5)
        kinds = [index.passages[r.passage_id].footnote for r in answer.results]
        assert any(kinds), question  # the question is about footnotes: some are found
        assert kinds == sorted(kinds), (question, kinds)  # body passages first, then footnotes
        if kinds[0]:
            assert answer.confidence != "answer", question


def test_every_result_carries_its_documents_facts_in_the_json(versions_engine):
    answer = versions_engine.ask("In A/RES/80/216, what are States called upon to do about sanitation?", top_k=3)
    facts = [r.to_dict()["document_facts"] for r in answer.results]
    assert facts[0]["symbol"] == "A/RES/80/216" and facts[0]["adoption_date"] == "2025-12-18"
    assert facts[0]["title"] == "The human rights to safe drinking water and sanitation"
    assert all("printed" not in f for f in facts)
    json.dumps(answer.to_dict())  # the whole answer still serialises
