"""A paragraph named in a question ("A/RES/79/217, para. 15 (p)"): read from the words (no model),
then looked up in the real resolutions of the versions library."""

from __future__ import annotations

import pytest

from retrieval.answer.paragraph_reference import at_end, find_paragraph_reference, names_paragraph, \
    without_paragraph_reference


@pytest.mark.parametrize("question, label, rest", [
    ("What does A/RES/79/217, para. 15 (p) say?", "para. 15 (p)", "What does A/RES/79/217 say?"),
    ("What does paragraph 18 of A/RES/80/210 say?", "para. 18", "What does A/RES/80/210 say?"),
    ("A/RES/79/159, para. 2", "para. 2", "A/RES/79/159"),
    ("whom does operative paragraph 4 of 80/216 call upon?", "para. 4", "whom does 80/216 call upon?"),
    ("OP2 of L.41: what is decided?", "para. 2", "L.41: what is decided?"),
    ("para 12(b) of 80/190", "para. 12 (b)", "80/190"),
    ("What is sub-paragraph (c) of paragraph 22 of 80/190 about?", "para. 22 (c)", "What is 80/190 about?"),
    ("What does the third preambular paragraph of 80/216 recall?", "preambular para. 3", "What does 80/216 recall?"),
    ("PP 3 of 80/216", "preambular para. 3", "80/216"),
    ("paragraph 4 of the preamble of 79/171", "preambular para. 4", "79/171"),
    ("What does the first operative paragraph of 80/188 reaffirm?", "para. 1", "What does 80/188 reaffirm?"),
    ("paragraph 3, subparagraph (b) of 80/190", "para. 3 (b)", "80/190"),
    ("What does the 21st operative paragraph of 80/190 ask?", "para. 21", "What does 80/190 ask?"),
    ("What does the second paragraph of the preamble of 80/216 recall?", "preambular para. 2",
     "What does 80/216 recall?"),
])
def test_a_paragraph_is_read_in_the_ways_un_staff_cite_it(question, label, rest):
    found = find_paragraph_reference(question)
    assert found is not None and found.label == label
    assert without_paragraph_reference(question, found) == rest


@pytest.mark.parametrize("question", [
    "What does the resolution recall of article 9, paragraphs 1 to 4, of the Paris Agreement?",
    "Which are paragraphs 3 to 5 of 80/210 about?",  # a range is searched as it is
    "What does paragraph 2 of article 9 require?",
    "What does paragraph 5 of the Paris Agreement say on finance?",
    "What is on pp. 3-5 of the report?",  # pages
    "How does the resolution describe remittances?",
    "Which paragraph is about remittances?",
    "paragraphs 5, 6 and 7 of 80/210", "paragraphs 5 or 6 of 80/210", "paragraph 5 et seq. of 80/210",
    "para. 5 bis of 80/210",  # numbered apart from para. 5
    "What does 80/210 say about paragraph 5 of the 2030 Agenda?",
    "paragraph 5 of the Sendai Framework for Disaster Risk Reduction",
    "article 4 of the Paris Agreement, paragraph 15", "annex, paragraph 8",
    "the twenty-first preambular paragraph",  # not the first
])
def test_a_paragraph_of_another_text_a_range_or_a_page_is_no_reference(question):
    # In a library with no text set out in articles (a treaty), an article is another text's.
    assert find_paragraph_reference(question, articles=False) is None


@pytest.mark.parametrize("question, label, rest", [
    ("What does article 6, paragraph 2 say about rest?", "art. 6, para. 2", "What does say about rest?"),
    ("What does art. 3 (2) of the Convention allow?", "art. 3, para. 2", "What does the Convention allow?"),
    ("What does paragraph 2 of article 9 require?", "art. 9, para. 2", "What does require?"),
    ("What does the Protocol say in article 6?", "art. 6", "What does the Protocol say?"),
    ("article 4 of the Paris Agreement, paragraph 15", "art. 4", "the Paris Agreement, paragraph 15"),
])
def test_a_treatys_article_and_its_paragraph_are_read(question, label, rest):
    found = find_paragraph_reference(question)
    assert found is not None and found.label == label and found.article
    assert without_paragraph_reference(question, found) == rest


@pytest.mark.parametrize("question", ["What do articles 3 to 5 say?", "article 3 and 4", "article 3 to 5",
                                      "articles 3, 4 and 5"])
def test_a_range_of_articles_is_no_reference(question):
    assert find_paragraph_reference(question) is None


def test_an_article_reference_names_no_paragraph_of_a_resolution():
    # "article 4 of the Paris Agreement, paragraph 15": with articles, the article is read, and the
    # paragraph after it is never taken for the resolution's own para. 15.
    found = find_paragraph_reference("article 4 of the Paris Agreement, paragraph 15")
    assert found.article == "4" and found.number is None


def test_a_paragraph_names_its_sub_paragraphs_and_a_sub_paragraph_only_itself():
    para = find_paragraph_reference("paragraph 15")
    sub = find_paragraph_reference("para. 15 (p)")
    preamble = find_paragraph_reference("preambular paragraph 15")
    assert names_paragraph(para, "15", None) and names_paragraph(para, "15 (p)", None)
    assert not names_paragraph(para, "150", None) and not names_paragraph(para, "5", None)
    assert names_paragraph(sub, "15 (p)", None) and not names_paragraph(sub, "15", None)
    assert not names_paragraph(sub, "15 (q)", None)
    assert names_paragraph(preamble, None, 15) and not names_paragraph(preamble, "15", None)


def test_a_paragraph_named_with_its_document_is_the_answer_in_every_resolution(versions_engine):
    """Asked by number, for every numbered and preambular paragraph form and in every resolution
    and draft of the library (drafts and resolutions share their numbers): the paragraph of the
    document named comes first, in the box, said in the line before the answers."""
    engine = versions_engine
    passages = engine.index.passages
    asked = 0
    for doc in engine.documents:
        symbol = (doc.get("facts") or {}).get("symbol")
        own = [p for p in passages if p.doc_id == doc["id"] and not p.footnote]
        numbered = [p for p in own if p.number and p.number.isdigit()]
        preambular = [p for p in own if p.preambular]
        if not symbol or not numbered or not preambular:
            continue
        for question, wanted in ((f"What does paragraph {numbered[2].number} of {symbol} say?", numbered[2]),
                                 (f"{symbol}, para. {numbered[-1].number}", numbered[-1]),
                                 (f"What does preambular paragraph {preambular[1].preambular} of {symbol} recall?",
                                  preambular[1])):
            answer = engine.ask(question)
            top = answer.results[0]
            assert answer.confidence == "answer" and answer.named_documents == (doc["id"],), question
            shown = passages[top.passage_id]
            assert shown.doc_id == doc["id"] and shown.paragraph_label == wanted.paragraph_label, question
            assert answer.paragraph == wanted.paragraph_label, question
            asked += 1
    assert asked >= 9  # three questions to each of the four resolutions and drafts


def test_a_paragraph_the_document_lacks_is_said_and_the_search_goes_on(versions_engine):
    from retrieval.chat.wording import scope_line

    answer = versions_engine.ask("What does paragraph 412 of A/RES/80/216 say about sanitation?")
    assert answer.paragraph_missing == "para. 412" and answer.paragraph is None
    assert answer.results and all(r.citation.document == "A_RES_80_216" for r in answer.results)
    named = [d for d in versions_engine.documents if d["id"] in answer.named_documents]
    line = scope_line(named, answer.not_in_library, answer.paragraph, answer.paragraph_missing)
    assert line == f"{named[0]['title']} has no para. 412."


def test_a_paragraph_without_a_document_to_look_in_changes_nothing(versions_engine, engine):
    # A library of several documents and none named: the number is no reference to any of them.
    many = versions_engine.ask("What does paragraph 3 say about the rights of the child?")
    assert many.paragraph is None and many.paragraph_missing is None
    # The shipped summary numbers none of its paragraphs (they are cited by their place in their
    # segment): no paragraph is looked up, nothing is said missing.
    one = engine.ask("What does paragraph 3 say about remittances?")
    assert one.paragraph is None and one.paragraph_missing is None and one.results


def test_a_follow_up_naming_only_a_paragraph_reads_it_in_the_document_asked_about_before(versions_engine):
    from retrieval.chat.conversation import respond

    first = respond(versions_engine, "What does A/RES/80/216, para. 3 say?", [], top_k=3)
    assert first.answer.paragraph == "para. 3"
    follow = respond(versions_engine, "And para. 5?", [first], top_k=3)
    top = versions_engine.index.passages[follow.answer.results[0].passage_id]
    assert follow.answer.paragraph == "para. 5" and follow.answer.named_documents == ("A_RES_80_216",)
    assert top.doc_id == "A_RES_80_216" and top.paragraph_label == "para. 5"
    # Without a question before it naming one, a library of several documents has no document to
    # read "para. 5" in.
    alone = respond(versions_engine, "And para. 5?", [], top_k=3)
    assert alone.answer.paragraph is None


@pytest.mark.parametrize("question, meant", [
    ("para. 3 of the 2025 resolution on water", "A_RES_80_216"),
    ("What does paragraph 4 of the 2025 resolution on the rights of the child say?", "A_RES_80_190"),
])
def test_a_paragraph_of_one_of_several_documents_meant_is_that_of_the_one_the_subject_points_to(
        versions_engine, question, meant):
    """A year and a kind name the library's three 2025 resolutions: the paragraph is read in the one
    whose passages the subject ranks first, and the line names that one only (the same number in the
    others is another paragraph)."""
    answer = versions_engine.ask(question)
    shown = [versions_engine.index.passages[r.passage_id] for r in answer.results]
    assert answer.named_documents == (meant,) and shown[0].doc_id == meant
    assert all(p.doc_id == meant for p in shown if p.paragraph_label == answer.paragraph)


def test_a_follow_up_reads_the_paragraph_in_the_document_it_names_else_in_the_one_named_before(versions_engine):
    """The previous question's document is the one meant only when this one names none, and only
    when that question named one: after two symbols, "And para. 4?" has no one document to read."""
    from retrieval.chat.conversation import respond

    first = respond(versions_engine, "What does A/RES/80/216, para. 3 say?", [], top_k=3)
    other = respond(versions_engine, "And para. 5 of A/RES/80/190?", [first], top_k=3)
    assert other.answer.named_documents == ("A_RES_80_190",) and other.answer.paragraph == "para. 5"
    assert versions_engine.index.passages[other.answer.results[0].passage_id].doc_id == "A_RES_80_190"
    two = respond(versions_engine, "What do A/RES/80/216 and A/RES/80/190 say about clean water?", [], top_k=3)
    after_two = respond(versions_engine, "And para. 4?", [two], top_k=3)
    assert after_two.answer.paragraph is None


def test_a_paragraph_of_a_document_outside_those_chosen_is_not_read_in_them(versions_engine):
    chosen = versions_engine.ask("What does paragraph 5 of A/RES/80/216 say?", documents={"A_RES_80_190"})
    assert chosen.paragraph is None
    assert all(r.citation.document == "A_RES_80_190" for r in chosen.results)
    inside = versions_engine.ask("What does paragraph 5 of A/RES/80/190 say?", documents={"A_RES_80_190"})
    assert inside.paragraph == "para. 5"


def test_more_pages_through_the_paragraph_and_its_sub_paragraphs(versions_engine):
    """A paragraph with sub-paragraphs is longer than one page of results: "more" shows the next of
    its parts, in order, then what the search found."""
    engine = versions_engine
    passages = engine.index.passages
    parts = {}
    for p in passages:
        if p.doc_id == "A_RES_80_190" and p.number and "(" in p.number:
            parts.setdefault(p.number.split()[0], []).append(p)
    number, subs = max(parts.items(), key=lambda kv: len(kv[1]))
    assert len(subs) >= 4
    question = f"What does paragraph {number} of A/RES/80/190 say?"
    seen = []
    for offset in (0, 2, 4):
        page = engine.ask(question, top_k=2, offset=offset)
        seen += [passages[r.passage_id] for r in page.results]
    labels = [p.paragraph_label for p in seen]
    own = [p.paragraph_label for p in sorted((p for p in passages if p.doc_id == "A_RES_80_190" and (
        p.number == number or (p.number or "").startswith(number + " ("))), key=lambda p: p.id)]
    assert labels[:len(own[:6])] == own[:6]


def test_a_report_that_carries_draft_resolutions_answers_with_its_own_paragraph(tmp_path_factory, embedder):
    """A/52/613, the Fourth Committee's report, carries the draft resolutions it recommends, each
    numbered from 1 again: "paragraph 5" of the report is its own, not theirs."""
    import shutil

    from retrieval.answer.engine import Engine
    from retrieval.config import PROJECT_ROOT, Settings

    corpus = tmp_path_factory.mktemp("report-corpus")
    shutil.copy(PROJECT_ROOT.parent / "shared" / "un-documents" / "dev" / "A_52_613.en.pdf", corpus)
    engine = Engine.load(Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("report-index")),
                         embedder=embedder)
    answer = engine.ask("What does paragraph 5 of the report say?")
    shown = [engine.index.passages[r.passage_id] for r in answer.results if r.passage_id is not None]
    fives = [p for p in engine.index.passages if p.number == "5" and not p.footnote]
    assert len({p.section for p in fives}) > 1  # the report's and its drafts' paragraphs 5
    first_five = min(fives, key=lambda p: p.id)
    assert answer.paragraph == "para. 5" and shown[0].id == first_five.id
    assert [p for p in shown if p.number == "5"] == [first_five]


def test_the_last_paragraph_is_the_documents_highest_number_or_last_preambular_place():
    last = find_paragraph_reference("What does the last paragraph of 80/216 decide?")
    assert last.last == "operative" and without_paragraph_reference("What does the last paragraph of 80/216 decide?",
                                                                     last) == "What does 80/216 decide?"
    assert at_end(last, ["1", "2", "12 (a)", "12 (b)", "3", None], [1, 2]).label == "para. 12"
    assert at_end(last, [None], [1, 2]) is None  # a text that numbers nothing has no last numbered paragraph
    preamble = find_paragraph_reference("the last paragraph of the preamble of 80/216")
    assert preamble.last == "preambular" and at_end(preamble, ["1"], [None, 1, 7, 2]).label == "preambular para. 7"
    assert find_paragraph_reference("the last preambular paragraph").last == "preambular"
    assert find_paragraph_reference("At last, what does paragraph 5 say?").label == "para. 5"
    assert find_paragraph_reference("the second-to-last paragraph of 80/210") is None
    assert find_paragraph_reference("the last paragraph of paragraph 12 of 80/210").label == "para. 12"
    asked = "What does 80/210 say in its last paragraph?"
    assert without_paragraph_reference(asked, find_paragraph_reference(asked)) == "What does 80/210 say?"


def test_the_last_operative_and_preambular_paragraphs_of_every_resolution(versions_engine):
    engine = versions_engine
    passages = engine.index.passages
    asked = 0
    for doc in engine.documents:
        symbol = (doc.get("facts") or {}).get("symbol")
        own = [p for p in passages if p.doc_id == doc["id"] and not p.footnote]
        numbers = [int(p.number.split()[0]) for p in own if p.number]
        places = [p.preambular for p in own if p.preambular]
        if not symbol or not numbers or not places:
            continue
        operative = engine.ask(f"What does the last operative paragraph of {symbol} decide?")
        assert operative.paragraph == f"para. {max(numbers)}"
        assert passages[operative.results[0].passage_id].doc_id == doc["id"]
        preamble = engine.ask(f"What does the last preambular paragraph of {symbol} say?")
        assert preamble.paragraph == f"preambular para. {max(places)}"
        assert passages[preamble.results[0].passage_id].preambular == max(places)
        asked += 1
    assert asked >= 4


@pytest.mark.parametrize("question, label, instrument", [
    ("Compare article 3 and the preamble", "art. 3", False),
    ("article 3 together with article 1", "art. 3", False),
    ("What does Article 6.2 say on rest?", "art. 6, para. 2", False),
    ("What does article 5 bis say?", "art. 5 bis", False),
    ("art. 3 (2) (a) of the Convention", "art. 3, para. 2 (a)", False),
    ("What does article 3 of the Convention say?", "art. 3", False),
    ("What does the resolution say about article 9 of the Paris Agreement?", "art. 9", True),
    ("article 1 of the Charter of the United Nations", "art. 1", True),
])
def test_an_article_and_whether_it_is_of_an_instrument_the_question_names(question, label, instrument):
    found = find_paragraph_reference(question)
    assert found.label == label and found.instrument is instrument
