"""Resolving the document a question names against the documents' facts (no model)."""

from __future__ import annotations

from retrieval.answer.document_reference import (reference_words, resolve, without_document_words, without_naming_words,
                                                 without_reference)

LIBRARY = [
    {"id": "summary", "title": "Panel discussion on international migration and development"},
    {"id": "A_RES_79_171", "facts": {"symbol": "A/RES/79/171", "kind": "resolution", "session": 79,
                                     "adoption_date": "2024-12-17"}},
    {"id": "A_RES_80_210", "facts": {"symbol": "A/RES/80/210", "kind": "resolution", "session": 80,
                                     "adoption_date": "2025-12-15"}},
    {"id": "A_RES_80_2100", "facts": {"symbol": "A/RES/80/2100", "kind": "resolution", "session": 80,
                                      "adoption_date": "2025-12-19"}},
    {"id": "A_C.3_80_L.41", "facts": {"symbol": "A/C.3/80/L.41", "kind": "draft resolution", "session": 80,
                                      "distribution_date": "2025-11-04"}},
    {"id": "A_79_352", "facts": {"symbol": "A/79/352", "kind": "report", "session": 79,
                                 "distribution_date": "2024-10-15"}},
    {"id": "A_79_716", "facts": {"symbol": "A/79/716-S/2025/18", "kind": "letter", "session": 79,
                                 "distribution_date": "2025-01-09"}},
]


def ids(question: str) -> tuple[str, ...]:
    return resolve(question, LIBRARY).documents


def test_a_symbol_in_its_usual_spellings():
    assert ids("What does A/RES/79/171 say about hunger?") == ("A_RES_79_171",)
    assert ids("what does resolution 79/171 ask of States") == ("A_RES_79_171",)
    assert ids("In 80/210, what is said about famine?") == ("A_RES_80_210",)  # not 80/2100
    assert ids("Who submitted draft L.41?") == ("A_C.3_80_L.41",)
    assert ids("What does A/79/352 report on costs?") == ("A_79_352",)
    assert ids("What does S/2025/18 transmit?") == ("A_79_716",)  # either half of a joint symbol


def test_a_symbol_that_is_not_in_the_library_is_named_as_missing():
    ref = resolve("How many Member States voted for resolution 73/195?", LIBRARY)
    assert not ref.found and ref.missing == ("73/195",)


def test_kind_year_and_session_narrow_together():
    assert ids("In the 2025 resolution, what is said about famine?") == ("A_RES_80_210", "A_RES_80_2100")
    assert ids("What did the 2024 resolution on the right to food say?") == ("A_RES_79_171",)
    assert ids("What does the draft say about school meals?") == ("A_C.3_80_L.41",)
    assert ids("What did the eightieth session's draft ask?") == ("A_C.3_80_L.41",)
    assert ids("What does the report say about the budget?") == ("A_79_352",)


def test_a_body_written_before_the_kind_names_its_documents():
    drafts = LIBRARY + [{"id": "A_C.2_80_L.37", "facts": {"symbol": "A/C.2/80/L.37", "kind": "draft resolution",
                                                          "body": "Second Committee", "session": 80}}]
    drafts[4] = {**drafts[4], "facts": {**drafts[4]["facts"], "body": "Third Committee"}}
    assert resolve("What does the Third Committee draft say about school meals?", drafts).documents == ("A_C.3_80_L.41",)
    assert resolve("What does the Second Committee draft say on climate?", drafts).documents == ("A_C.2_80_L.37",)
    assert resolve("What does the draft say on climate?", drafts).documents == ("A_C.3_80_L.41", "A_C.2_80_L.37")
    # A body no document is by narrows nothing more than the kind.
    assert resolve("What does the Fifth Committee draft say?", drafts).documents == ("A_C.3_80_L.41", "A_C.2_80_L.37")


def test_the_words_that_named_a_document_are_known():
    q = "What does the Third Committee draft say about school meals?"
    drafts = [{**d, "facts": {**d["facts"], "body": "Third Committee"}} if d["id"] == "A_C.3_80_L.41" else d
              for d in LIBRARY] + [{"id": "A_C.2_80_L.37", "facts": {"symbol": "A/C.2/80/L.37", "kind": "draft resolution",
                                                                     "body": "Second Committee", "session": 80}}]
    ref = resolve(q, drafts)
    assert ref.documents == ("A_C.3_80_L.41",) and ref.by == ("kind", "author")  # the spans overlap
    assert without_reference(q, ref) == q  # the ranking keeps the words
    assert reference_words(q, ref) == {"third", "committee", "draft"}
    dated = resolve("What does the 2024 resolution say about famine?", LIBRARY)
    assert reference_words("What does the 2024 resolution say about famine?", dated) == {"resolution"}  # not its year


def test_a_document_without_a_masthead_is_named_by_whose_its_title_says_it_is():
    statements = LIBRARY + [
        {"id": "ph", "title": "Statement by the Secretary of Foreign Affairs of the Republic of the Philippines"},
        {"id": "mx", "title": "Statement by the Minister for Foreign Affairs of Mexico", "author": None}]
    assert resolve("What does the Philippines' statement say about migrants?", statements).documents == ("ph",)
    assert resolve("What did Mexico's statement say on climate?", statements).documents == ("mx",)
    assert resolve("What did Chile's statement say on climate?", statements).documents == ()  # no such one
    assert resolve("What does the 2024 resolution say about famine?", statements).documents == ("A_RES_79_171",)


def test_a_country_is_named_by_any_of_its_names():
    # A statement's title gives the State's official name; a question, the name people say.
    statements = LIBRARY + [
        {"id": "mx", "title": "Statement by the United Mexican States at the General Debate of the eightieth session"},
        {"id": "uk", "title": "Statement by the United Kingdom of Great Britain and Northern Ireland"},
        {"id": "ng", "title": "Statement by the Republic of the Niger"}]
    assert resolve("What did Mexico's statement say on migrant children?", statements).documents == ("mx",)
    assert resolve("In the statement by the United Kingdom, what is said about climate?", statements).documents == ("uk",)
    assert resolve("What does the Niger's statement say?", statements).documents == ("ng",)
    assert resolve("What does Nigeria's statement say?", statements).documents == ()  # not the Niger


def test_the_words_of_whose_and_what_kind_a_document_is_are_not_searched_in_it():
    statements = LIBRARY + [{"id": "ph", "title": "Statement by the Republic of the Philippines"}]
    asked = "What did the Philippines' statement say about remittances?"
    reference = resolve(asked, statements)
    assert reference.documents == ("ph",)
    assert without_naming_words(asked, reference) == "What did the statement say about remittances?"
    # A question that is only the reference keeps its words: they are what it asks about.
    only = "What does the Philippines' statement say?"
    assert without_naming_words(only, resolve(only, statements)) == only
    # The same words elsewhere in the question are its subject: they stay.
    again = "What did the Philippines' statement say about seafarers from the Philippines?"
    assert without_naming_words(again, resolve(again, statements)) == \
        "What did the statement say about seafarers from the Philippines?"
    sg = "What does the Secretary-General's report say about the Secretary-General's envoy?"
    reference = resolve(sg, LIBRARY)
    assert reference.found and without_naming_words(sg, reference).endswith("about the Secretary-General's envoy?")


def test_a_text_without_a_masthead_is_of_the_kind_its_title_says():
    texts = LIBRARY + [
        {"id": "protocol", "title": "Protocol against the Smuggling of Migrants by Land, Sea and Air"},
        {"id": "crc", "title": "Convention on the Rights of the Child"},
        {"id": "brief", "title": "Policy brief: remittances in a time of crisis"},
        {"id": "res", "title": "Convention on the Rights of the Child", "facts": {"kind": "resolution"}}]
    assert resolve("What does the Protocol say about smugglers?", texts).documents == ("protocol",)
    assert resolve("Under the Convention, what must States ensure?", texts).documents == ("crc",)  # not the resolution
    assert resolve("What does the policy brief recommend?", texts).documents == ("brief",)
    assert resolve("What does the Declaration say?", texts).documents == ()  # none is one
    assert resolve("What does the Convention on the Rights of the Child say on play?", texts).documents == ("crc",)
    # Another text of the same kind, or the word used for something else, names none of them.
    for asked in ("How is the protocol of the meeting kept?",
                  "Which States have ratified the Convention on Biological Diversity?",
                  "What did the panel say about the International Convention on Migrant Workers?",
                  "How does the Secretary-General describe the Optional Protocol on children?"):
        assert resolve(asked, texts).documents == (), asked


def test_a_month_before_the_year_narrows_further_when_a_document_of_that_month_is_there():
    assert ids("What does the December 2025 resolution say about famine?") == ("A_RES_80_210", "A_RES_80_2100")
    assert ids("What does the 2025 resolution say about famine?") == ("A_RES_80_210", "A_RES_80_2100")
    letters = LIBRARY + [{"id": "A_79_768", "facts": {"symbol": "A/79/768-S/2025/75", "kind": "letter", "session": 79,
                                                      "distribution_date": "2025-02-03"}}]
    assert resolve("In the January 2025 letter, what is said?", letters).documents == ("A_79_716",)
    assert resolve("In the 2025 letter, what is said?", letters).documents == ("A_79_716", "A_79_768")
    # No resolution of March 2025: the month narrows nothing, the year still does.
    assert ids("What does the March 2025 resolution say about famine?") == ("A_RES_80_210", "A_RES_80_2100")


def test_nothing_named_is_nothing_narrowed():
    assert ids("What is said about remittances?") == ()
    assert ids("What does the resolution say about hunger?") == ()  # three resolutions: none in particular
    assert ids("What happened in 1990?") == ()  # no document of that year


def test_the_symbol_is_taken_out_of_the_searched_text():
    ref = resolve("What does resolution 79/171 say about hunger?", LIBRARY)
    assert without_reference("What does resolution 79/171 say about hunger?", ref) == "What does say about hunger?"
    year = resolve("In the 2025 resolution, what about famine?", LIBRARY)
    assert without_reference("In the 2025 resolution, what about famine?", year) == \
        "In the 2025 resolution, what about famine?"


def test_versions_of_a_paragraph_are_one_group_and_formulas_are_not():
    from retrieval.answer.versions import document_rank, preferred_version, version_groups

    texts = [
        "10. Calls upon States to ensure that food systems are resilient to climate shocks and that "
        "smallholder farmers have access to credit, seeds and markets;",
        "12. Also calls upon States to ensure that food systems are resilient to climate shocks and that "
        "smallholder farmers have access to credit, seeds and markets;",
        "3. Calls upon States to ensure that children in conflict have access to schools and to protection "
        "from recruitment by armed groups;",
        "10. Calls upon States to ensure that food systems are resilient to climate shocks and that "
        "smallholder farmers have access to credit, seeds and markets;",  # the same document twice
    ]
    groups = version_groups(texts, ["A_RES_79_171", "A_RES_80_210", "A_RES_80_210", "A_RES_79_171"])
    assert groups[0] == groups[1] != groups[2]
    assert groups[3] != groups[0] or groups[3] == groups[1]  # joined only through its other version
    meta = {"A_RES_79_171": {"facts": {"kind": "resolution", "adoption_date": "2024-12-17"}},
            "A_RES_80_210": {"facts": {"kind": "resolution", "adoption_date": "2025-12-15"}},
            "L41": {"facts": {"kind": "draft resolution", "distribution_date": "2026-01-01"}}}
    rank = {d: document_rank(m) for d, m in meta.items()}
    assert preferred_version([0, 1], rank, ["A_RES_79_171", "A_RES_80_210"]) == 1  # the latest adopted
    assert preferred_version([0, 1], rank, ["L41", "A_RES_79_171"]) == 1  # adopted before a later draft


def test_questions_about_a_documents_facts():
    from retrieval.answer.fact_questions import fact_asked, printed_fact, with_marked_footnote

    assert fact_asked("When was resolution 80/216 adopted?") == "adoption_date"
    assert fact_asked("On what day did the Assembly adopt the text on water?") == "adoption_date"
    assert fact_asked("Who submitted draft L.41?") == "sponsors"
    assert fact_asked("Which countries put forward the draft on the right to food?") == "sponsors"
    assert fact_asked("Which committee's report was it adopted on?") == "committee_report"
    assert fact_asked("When was the report on the Geneva renovation issued?") == "distribution_date"
    assert fact_asked("Under which agenda item was it considered?") == "agenda_item"
    assert fact_asked("Under which agenda items was the letter circulated?") == "agenda_item"  # a letter's several
    assert fact_asked("What agenda item is resolution 80/216 under?") == "agenda_item"
    assert fact_asked("Under which General Assembly agenda items did Ukraine ask for its letter to be circulated?") \
        == "agenda_item"
    for asked in ("How many agenda items concern climate?", "What are the agenda items of the session on migration?",
                  "What does the resolution say about agenda items for the next session?"):
        assert fact_asked(asked) is None, asked  # about agenda items, not the document's own
    assert fact_asked("On whose behalf was draft L.37 put forward?") == "sponsors"
    # A sponsor's mark calls the footnote that says on whose behalf; a line without one is as printed.
    notes = ["** Reissued for technical reasons.", "* On behalf of the Group of 77 and China."]
    assert with_marked_footnote("Iraq:* draft resolution", notes) == \
        "Iraq:* draft resolution (* On behalf of the Group of 77 and China.)"
    assert with_marked_footnote("Mexico: draft resolution", notes) == "Mexico: draft resolution"
    assert with_marked_footnote("Iraq:* draft resolution", ["1 Resolution 55/2."]) == "Iraq:* draft resolution"
    assert fact_asked("What does the resolution say about remittances?") is None
    assert fact_asked("When did the panel discussion take place?") is None
    # The words between the question word and its verb may be a whole title.
    assert fact_asked("On what date was the resolution on the human rights to safe drinking water and "
                      "sanitation, 80/216, adopted?") == "adoption_date"
    # A fact asked only in a later clause: the question asks for a paragraph, not the fact.
    assert fact_asked("In resolution 80/188, what report is the Secretary-General asked to produce, and for "
                      "which session?") is None
    assert fact_asked("Which session adopted resolution 80/188?") == "session"
    # What a document is, and whose: its printed title.
    assert fact_asked("What is A/79/352?") == "title"
    assert fact_asked("Who signed the letter A/79/716?") == "title"
    assert fact_asked("What is the report called?") == "title"
    assert fact_asked("Who wrote that the costs of migration fall on migrants?") is None  # a passage's author
    assert fact_asked("How and when was resolution 80/216 adopted?") == "adoption_date"  # two opening words
    # Questions about what a document says, though they begin like one about what it is.
    for about_its_text in ("What is A/RES/80/216 asking Member States to do?",
                           "What is the report A/79/352 saying about remittances?",
                           "What does the resolution say about the title to land?",
                           "What is the title of the section on water?",
                           "Who sent the text messages warning migrants?",
                           "what is a/b testing in the report?"):
        assert fact_asked(about_its_text) is None, about_its_text
    facts = {"printed": {"adoption_date": "Resolution adopted by the General Assembly on 18 December 2025"}}
    assert printed_fact(facts, "adoption_date").endswith("18 December 2025")
    assert printed_fact(facts, "sponsors") is None and printed_fact(None, "sponsors") is None
    # The Official Records a report is published in; an agenda item with the item's title.
    assert fact_asked("In which Official Records supplement is the committee's report published?") == "official_records"
    assert fact_asked("What supplement number does A/79/19 have?") == "official_records"
    assert fact_asked("What does the report say about the supplementary budget?") is None
    item = {"printed": {"agenda_item": "Item 108 of the provisional agenda", "agenda_subject": "QUESTION OF EAST TIMOR",
                        "title": "Progress report of the Secretary-General"}}
    assert printed_fact(item, "agenda_item") == "Item 108 of the provisional agenda: QUESTION OF EAST TIMOR"
    assert printed_fact(item, "title") == "QUESTION OF EAST TIMOR: Progress report of the Secretary-General"


def test_who_wrote_or_submitted_a_document_narrows_to_it():
    """Against the facts of the dev PDFs as a person read them (un_dev_facts.json): an author in
    the title, sponsors of a draft, a committee, a permanent representative."""
    import json

    from conftest import DATA

    facts = json.loads((DATA / "un_dev_facts.json").read_text())
    docs = [{"id": name, "title": f["title"], "facts": f} for name, f in facts.items()]
    found = lambda q: resolve(q, docs).documents  # noqa: E731
    assert found("What does the Secretary-General's report say about East Timor?") == ("A_39_361.en.pdf",)
    assert found("In Iraq's draft, what is said about adaptation?") == ("A_C.2_80_L.37.pdf",)
    assert found("What did the report of the Special Committee on Peacekeeping Operations recommend?") == (
        "A_79_19.en.pdf",)
    assert found("What did the Permanent Representative of Ukraine's letter say?") == ("A_79_768.en.pdf",)
    # Every sponsor named must be among the draft's.
    two = found("What does the draft submitted by Honduras and Mexico say about children?")
    assert two and all({"Honduras", "Mexico"} <= set(facts[d]["sponsors"]) for d in two)
    # A name every candidate shares, or none has, narrows nothing.
    assert found("What does the General Assembly's resolution say about water?") == ()
    assert found("What does the Philippines' statement say about migrants?") == ()
    assert resolve("In Iraq's draft, what is said about adaptation?", docs).by == ("kind", "author")


def test_a_sponsor_is_matched_by_its_whole_name():
    """Found by a second reader: "Niger" is not "Nigeria", "Mali" not "Somalia"."""
    library = [
        {"id": "l1", "facts": {"symbol": "A/C.3/80/L.1", "kind": "draft resolution", "sponsors": ["Nigeria"]}},
        {"id": "l2", "facts": {"symbol": "A/C.3/80/L.2", "kind": "draft resolution", "sponsors": ["Mali", "Niger"]}},
        {"id": "l3", "facts": {"symbol": "A/C.3/80/L.3", "kind": "draft resolution",
                               "sponsors": ["Bolivia (Plurinational State of)"]}},
        {"id": "r1", "facts": {"symbol": "A/79/1", "kind": "report",
                               "title": "Report of the Secretary-General on the situation of human rights in Iran"}},
        {"id": "r2", "facts": {"symbol": "A/79/2", "kind": "report", "title": "Report of the Human Rights Council"}},
    ]
    assert resolve("What does Niger's draft say?", library).documents == ("l2",)
    assert resolve("What does Nigeria's draft say?", library).documents == ("l1",)
    assert resolve("What does Somalia's draft say?", library).documents == ()
    assert resolve("What does the draft by Bolivia say?", library).documents == ("l3",)
    assert resolve("What does the Secretary-General's report say?", library).documents == ("r1",)


def test_a_symbol_misread_by_ocr_is_repaired_in_its_number_parts_only():
    from retrieval.ingest.un_document import repaired_symbol

    assert repaired_symbol("A/39/36I") == "A/39/361"  # the 1984 scan's masthead as Tesseract reads it
    assert repaired_symbol("E/CN.4/1O2") == "E/CN.4/102"
    for kept in ("A/RES/80/216", "A/C.3/80/L.41", "A/79/716-S/2025/18", "A/CONF.171/13", "S/RES/2720"):
        assert repaired_symbol(kept) == kept


def test_a_question_naming_a_document_is_answered_from_it_though_other_versions_say_it_closer(versions_engine):
    """Resolutions repeat their closing requests in near-identical words. A question that names
    one is answered from that one, even where another document's sentence is closer to it than
    any of the named document's (a filter chosen in the page would refuse: "not said there")."""
    engine = versions_engine
    asked = 0
    for doc in engine.documents:
        symbol = (doc.get("facts") or {}).get("symbol")
        if not symbol or "/RES/" not in symbol:
            continue
        question = f"In {symbol}, what is the Secretary-General requested to submit, and to which session?"
        answer = engine.ask(question)
        asked += 1
        assert answer.answered and answer.results, (symbol, answer.confidence)
        assert {r.citation.document for r in answer.results} == {doc["id"]}
        assert "Secretary-General" in answer.results[0].text
    assert asked >= 3


def _titled(title: str, body: str | None = None) -> dict:
    return {"id": "d", "facts": {"title": title, "body": body}}


def test_words_that_only_name_the_document_are_not_searched():
    food = [_titled("Agriculture development, food security and nutrition")]
    assert without_document_words("What child stunting figures are given in the 2024 resolution on agriculture "
                                  "development and food security?", food) \
        == "What child stunting figures are given in the 2024 resolution?"
    draft = [_titled("The right to food", "Third Committee")]
    assert without_document_words("What does the Third Committee draft on the right to food say about school "
                                  "meals?", draft) == "What does draft say about school meals?"
    # Its author names it too: within the Secretary-General's report, "Secretary-General" is everywhere.
    report = [{"id": "r", "facts": {"title": "Strategic heritage plan", "author": "Secretary-General"}}]
    assert without_document_words("What does the Secretary-General's report say about the visitor centre?", report) \
        == "What does report say about the visitor centre?"


def test_title_words_out_of_the_titles_order_or_all_that_is_asked_stay():
    disability = [_titled("Inclusive development for and with persons with disabilities")]
    asked = "By when does it want the flagship report on disability and development?"
    assert without_document_words(asked, disability) == asked  # not the title's phrase: what is asked
    water = [_titled("The human rights to safe drinking water and sanitation")]
    assert without_document_words("What does it say about safe drinking water?", water) \
        == "What does it say about safe drinking water?"  # nothing else would be left to search
    assert without_document_words("What is said about safe drinking water in schools and hospitals?", water) \
        == "What is said about in schools and hospitals?"
    assert without_document_words("What about food?", [{"id": "x"}]) == "What about food?"  # no facts, no title


def test_a_kind_and_date_that_no_document_has_is_said_to_be_missing():
    ref = resolve("What did the 2019 resolution on food say about famine?", LIBRARY)
    assert not ref.found and ref.missing == ("A 2019 resolution",)
    assert resolve("What does the resolution of 2019 say?", LIBRARY).missing == ("A 2019 resolution",)
    assert resolve("In the draft of the seventy-fifth session, what is said?", LIBRARY).missing == (
        "A draft resolution of the 75th session",)
    assert ids("What did the 2024 resolution say about hunger?") == ("A_RES_79_171",)  # one that is there
    # A year that dates something else names no document, missing or not.
    ref = resolve("What does the resolution say about the 2030 Agenda?", LIBRARY)
    assert not ref.found and ref.missing == ()
    assert resolve("What did the panel say in 2019 about the resolution?", LIBRARY).missing == ()
    # The year goes with the kind that named the document, not with another one nor across "the".
    assert resolve("What did the report say about the 2019 resolution?", LIBRARY).missing == ()
    assert resolve("By 2030 the resolution asks States to do what?", LIBRARY).missing == ()


def test_a_year_dates_a_document_only_when_written_with_its_kind():
    assert ids("What does the 2024 resolution say about famine?") == ("A_RES_79_171",)
    assert ids("What did the 2025 General Assembly resolution say about famine?") == ("A_RES_80_210", "A_RES_80_2100")
    assert ids("What does the letter of 2025 transmit?") == ("A_79_716",)
    # A year of what is asked about dates no document.
    for asked in ("How many people lacked basic hand-washing facilities as of 2023?",
                  "Did the committee agree on its recommendations in March 2025?",
                  "How many staff members have been killed since October 2024?",
                  "Since 2024 how many States report progress?"):  # "report" a verb, not a dated report
        assert "year" not in resolve(asked, LIBRARY).by, asked
    assert ids("As of 2023, what did the 2024 resolution decide on famine?") == ("A_RES_79_171",)


def test_a_kind_named_but_not_spoken_of_there_searches_the_whole_library(versions_engine):
    """ "According to the draft, …" about what only another document speaks of: the drafts are not
    what is meant (a report a resolution asks for, a speaker's draft), so the whole library is
    searched and the answer says no document was named."""
    answer = versions_engine.ask("According to the draft, what did the panellists say about remittances?")
    assert not answer.named_documents and answer.results
    assert answer.results[0].citation.document not in {"A_C.3_80_L.47", "A_C.3_80_L.20"}
    assert "remittance" in answer.results[0].text.lower()
    # Named by kind and speaking to it, the draft is still the one searched.
    named = versions_engine.ask("What does the draft say about the human right to sanitation?")
    assert set(named.named_documents) <= {"A_C.3_80_L.47", "A_C.3_80_L.20"} and named.named_documents



def test_a_year_dates_a_kind_written_after_words_of_its_title():
    titled = [
        {"id": "A_RES_79_171", "facts": {"symbol": "A/RES/79/171", "kind": "resolution", "title": "The right to food",
                                         "adoption_date": "2024-12-17"}},
        {"id": "A_RES_79_206", "facts": {"symbol": "A/RES/79/206", "kind": "resolution", "adoption_date": "2024-12-19",
                                         "title": "Protection of global climate for present and future generations"}},
        {"id": "A_RES_80_210", "facts": {"symbol": "A/RES/80/210", "kind": "resolution", "title": "The right to food",
                                         "adoption_date": "2025-12-18"}},
        {"id": "A_79_352", "facts": {"symbol": "A/79/352", "kind": "report", "distribution_date": "2024-10-15",
                                     "title": "Eleventh annual progress report on the strategic heritage plan"}},
    ]
    found = resolve("What does paragraph 5 of the 2024 right to food resolution say?", titled)
    assert found.documents == ("A_RES_79_171",) and "year" in found.by  # of the two of 2024, on food
    # Words every title holds date nothing: "as of 2024" dates what is asked about.
    assert "year" not in resolve("As of 2024 the resolution notes how many people were hungry?", titled).by
    # Words between that are in no title of that kind date nothing.
    assert "year" not in resolve("Since 2024 how many States report on food?", titled).by
    assert "year" not in resolve("In 2024 food prices and the resolution", titled).by


def test_a_reference_that_fits_several_searches_the_closest_and_offers_the_others(versions_engine):
    """#31: "the 2025 resolution" fits the library's three resolutions of 2025: the one the subject
    points to is searched, said in the line before the answers, and the other two are offered."""
    from retrieval.chat.wording import offered_line

    answer = versions_engine.ask("What does the 2025 resolution say about birth registration?")
    assert answer.named_documents == ("A_RES_80_190",)
    assert set(answer.offered) == {"A_RES_80_216", "A_RES_80_188"}
    assert answer.results and all(r.citation.document == "A_RES_80_190" for r in answer.results)
    titles = {d["id"]: d for d in versions_engine.documents}
    line = offered_line([titles[i] for i in answer.offered])
    assert line.startswith("The question also fits ") and "(A/RES/80/188)" in line
    # "more" pages through the same document.
    more = versions_engine.ask("What does the 2025 resolution say about birth registration?", offset=2)
    assert more.named_documents == ("A_RES_80_190",) and all(r.citation.document == "A_RES_80_190"
                                                             for r in more.results)
    # A fact of "the 2025 resolution" is no fact of any one of them: none is chosen for it.
    assert not versions_engine.ask("When was the 2025 resolution adopted?").offered
    # Symbols written are all meant: nothing is offered, every one is searched.
    both = versions_engine.ask("What do A/RES/80/216 and A/RES/80/190 say about clean water?")
    assert set(both.named_documents) == {"A_RES_80_216", "A_RES_80_190"} and not both.offered
