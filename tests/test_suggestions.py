"""Suggested questions and refusal hints drawn from the documents' own headings (no model)."""

from retrieval.chat.suggestions import about_question, subject, suggested_questions, topic_hint


def test_a_heading_becomes_a_readable_question_about_its_subject():
    assert (about_question("Urban Water Resilience Report", "3. Leak reduction")
            == "What does the Urban Water Resilience Report say about leak reduction?")
    assert about_question("The Sahel Outlook", "NGO partnerships") == "What does The Sahel Outlook say about NGO partnerships?"


def test_headings_that_name_a_part_of_the_document_are_passed_over():
    for heading in ("Introduction", "1. Introduction", "Annex II", "Executive summary", "References", "Title block"):
        assert subject(heading) is None, heading
    docs = [{"id": "water", "title": "Urban Water Resilience Report"}]
    made = suggested_questions(docs, {"water": ["Introduction", "Leak reduction", "Summary", "Pressure management",
                                                "Metering"]}, {})
    assert made == ["What does the Urban Water Resilience Report say about leak reduction?",
                    "What does the Urban Water Resilience Report say about pressure management?"]


def test_every_document_gets_its_turn_its_own_questions_first_and_the_list_is_capped():
    docs = [{"id": "panel", "title": "Panel"}, {"id": "water", "title": "Water"}, {"id": "roads", "title": "Roads"}]
    made = suggested_questions(docs, {"water": ["Leaks", "Meters"], "roads": ["Potholes"]},
                               {"panel": ["Q1?", "Q2?", "Q3?"]}, limit=5)
    assert made == ["Q1?", "What does the Water say about leaks?", "What does the Roads say about potholes?",
                    "Q2?", "What does the Water say about meters?"]


def test_a_hint_names_only_the_searched_documents_subjects():
    assert topic_hint(["Introduction", "Leak reduction", "Metering", "Pressure management", "Tariffs"]) == (
        "Try a question about leak reduction, metering or pressure management.")
    assert topic_hint(["Introduction", "Annex"]) is None


def test_un_documents_are_named_by_symbol_and_asked_what_their_kind_does():
    """Facts as the masthead of real PDFs gives them (un_dev_facts.json): a report, a draft, a resolution."""
    import json

    from conftest import DATA

    facts = json.loads((DATA / "un_dev_facts.json").read_text())
    docs = [{"id": name, "title": facts[name]["title"], "facts": facts[name]}
            for name in ("A_79_19.en.pdf", "A_C.3_80_L.41.pdf", "A_RES_80_216.pdf")]
    made = suggested_questions(docs, {"A_79_19.en.pdf": ["I. Introduction", "Organizational session"]}, {})
    assert made == [
        "What does A/79/19 say about organizational session?",  # headings first, named by the symbol
        "What does the draft A/C.3/80/L.41 on the right to food propose?",
        "What does A/RES/80/216 on the human rights to safe drinking water and sanitation call for?",
    ]
