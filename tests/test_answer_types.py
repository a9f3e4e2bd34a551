"""The kind of answer a question asks for, and the highlight's preference for a sentence that
carries it: hand-written cases, no model."""

import numpy as np

from retrieval.answer.answer_types import answer_type, asks_for_figure, carries, first_typed, operative_call
from retrieval.answer.ranking import RankingParams, choose_highlight


def test_questions_are_typed_by_what_they_ask_for():
    assert answer_type("When did the panel meet?") == "date"
    assert answer_type("In which year was the first dialogue held?") == "date"
    assert answer_type("How many segments were there?") == "number"
    assert answer_type("Why do people leave home?") == "cause"
    assert answer_type("What did participants recommend on data?") == "call"
    assert answer_type("How can xenophobia be countered?") == "call"
    assert answer_type("Who spoke about remittances?") == "who"
    assert answer_type("Who called for cheaper transfers?") == "who"
    assert answer_type("Which ILO convention was mentioned?") == "name"
    assert answer_type("Which African countries signed it?") == "name"
    assert answer_type("What are countries asked to do about isolated peoples?") == "call"  # a verb, not a name's adjective
    assert answer_type("What did the panel say about remittances?") is None


def test_who_wants_a_speaker_or_an_actor_and_which_wants_a_name():
    assert carries("who", "One participant called for addressing the mismatch.")
    assert carries("who", "The review was carried out by an independent team.")
    assert not carries("who", "Yet, the productive use of remittances needed to be enhanced.")
    assert carries("name", "Participants mentioned the ILO Convention on Domestic Workers.")
    assert not carries("name", "Remittances increased access to education.")


def test_a_dated_sentence_in_the_top_three_goes_first_only_for_exact_kinds():
    assert first_typed("date", [False, False, True]) == 2
    assert first_typed("date", [True, False, True]) == 0
    assert first_typed("date", [False, False, False, True]) == 0  # only the first three
    assert first_typed("number", [False, True]) == 1
    assert first_typed("call", [False, True]) == 0  # cue words are too loose to move a passage
    assert first_typed(None, [None, None]) == 0
    # Only a close passage goes first: one far behind is not the answer for holding a figure.
    assert first_typed("number", [False, True], [1.0, 0.7]) == 1
    assert first_typed("number", [False, True], [1.0, 0.2]) == 0
    assert first_typed("date", [False, False, True], [1.0, 0.9, 0.3]) == 0


def test_sentences_carry_dates_numbers_causes_and_calls():
    assert carries("date", "The panel met in New York on 25 June 2013.")
    assert not carries("date", "The panel met in New York.")
    assert carries("number", "It consisted of three thematic segments.")
    for said in ("The fleet landed twelve tonnes of cod.", "Fifteen States abstained.", "forty-two States voted.",
                 "Access by 2030 will require up to a sixfold increase in current rates of progress.",
                 "Remittances grew twice as fast as aid.", "The number of shelters has doubled."):
        assert carries("number", said), said
    assert not carries("number", "The fleet landed cod.")
    assert not carries("number", "Its manifold mandate was recalled.")  # "-fold" after a figure only
    assert carries("number", "Aid must double the resources for adaptation.")
    for said in ("It addresses the double burden of malnutrition.", "It recalls the triple planetary crisis."):
        assert not carries("number", said), said
    # A document's number, a paragraph's or a date is no count.
    for said in ("Recalling its resolution 64/292 of 28 July 2010 on the human right to water.",
                 "Reaffirming A/RES/80/216 and Security Council resolution 1539 (2004), para. 5.",
                 "Adopted in December 2025, as agreed in 2015.",
                 "12. In April 1982, UNICEF agreed to a special project.",  # the paragraph's own number
                 "19, The improvement of the situation remains a concern.",  # an old scan's "19."
                 "It remains one of my primary concerns; no one doubts it; they help one another."):
        assert not carries("number", said), said
    assert carries("number", "Recalling resolution 64/292, adopted by 122 votes to none.")
    assert carries("number", "Only one State abstained.")
    assert carries("cause", "Border measures were leading to more undocumented migrants.")
    assert carries("call", "Several participants called for better data.")
    assert carries("call", "More efforts were needed to protect women.")
    assert not carries("call", "Migrants were often overqualified.")
    assert not carries(None, "Anything at all, 2013.")


def test_the_highlight_prefers_the_sentence_of_the_asked_kind_only_when_it_is_nearly_as_close():
    params = RankingParams(highlight_type_weight=0.08, highlight_pair_margin=0.0)
    overlap = np.zeros(3)
    typed = np.array([0.0, 0.0, 1.0])
    assert choose_highlight(np.array([0.50, 0.30, 0.46]), overlap, params, typed) == (2, 2)
    assert choose_highlight(np.array([0.50, 0.30, 0.30]), overlap, params, typed) == (0, 0)
    assert choose_highlight(np.array([0.50, 0.30, 0.46]), overlap, params, None) == (0, 0)


def test_a_question_of_what_was_asked_wants_a_resolutions_call_not_its_recitals():
    assert answer_type("What help was requested for Montserrat after the eruption?") == "call"
    assert answer_type("Did the General Assembly ask countries to make their recovery green?") == "call"
    assert answer_type("What did the panel call on States to do?") == "call"
    assert answer_type("Why was it asked?") == "cause"
    assert operative_call("2. Calls upon the administering Power to provide urgent emergency assistance")
    assert operative_call("Urges Member States to adopt a climate-responsive approach")
    assert operative_call("10. Also strongly encourages States to")
    assert not operative_call("Noting the efforts of the administering Power to meet the emergency")
    assert not operative_call("Recalling its resolution 64/292, in which it called upon States")
    assert carries("call", "Urges Member States to adopt a climate-responsive approach")


def test_a_figure_is_asked_for_by_when_how_many_and_how_much_money_not_how_much_trust():
    def figure(question: str) -> bool:
        return asks_for_figure(question, answer_type(question))

    assert figure("When was the resolution adopted?")
    assert figure("How many UNRWA staff have been killed?")
    assert figure("How much did the basic services project cost?")
    assert figure("How much funding is needed each year?")
    assert not figure("How much trust has been built among governments?")
    assert not figure("Why do migrants move?")
