"""The chat page in-process with Streamlit's AppTest, on the real engine."""

import html
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
DOC = "panel-discussion-international-migration-and-development-2013-06-25"
INJECTIONS = ["![x](http://example.com/a.png)", "<script>alert(1)</script>", "[click](javascript:alert(1))",
              "**bold**"]


@pytest.fixture
def at(engine, settings, monkeypatch):
    monkeypatch.setenv("RETRIEVAL_INDEX_DIR", str(settings.index_dir))
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    return app


def ask(app, text):
    app.chat_input[0].set_value(text).run()
    assert not app.exception
    return app.chat_message[-1]


def shown(markdown_value: str) -> str:
    """What a reader sees of an element's Markdown: entities and backslash escapes undone."""
    return re.sub(r"\\([\\`*_\[\]<>#~$|:&+=.)-])", r"\1", html.unescape(markdown_value))


def passages(msg) -> list[str]:
    """What an answer shows of each result, as the reader sees it: the answer box's sentence for the
    first (its paragraph is folded under "Show in document"), then each passage ("More results",
    or all of them for closest passages without a box)."""
    boxed = [shown(b) for m in msg.markdown
             for b in re.findall(r'<div class="answer">(.*?)(?:<span class="who">.*?)?</div>', m.value)]
    return boxed + [shown(p) for m in msg.markdown for p in re.findall(r'<div class="passage">(.*?)</div>', m.value)]


def test_question_gets_highlighted_answer_and_citation(at):
    msg = ask(at, "Do migrants take jobs from native workers?")
    values = [m.value for m in msg.markdown]
    assert "did not compete for jobs with the native" in shown(values[0])
    # One copy of each text in the default view: the sentence in the box, not again in a passage
    # (its paragraph is folded under "Show in document").
    default_view = [shown(v) for v in values if 'class="docpara' not in v]
    assert sum(v.count("did not compete for jobs with the native") for v in default_view) == 1
    assert any('"Migration and development: drivers and impacts", para. 3, p. 1' in shown(v) for v in values)
    assert [e.label for e in at.expander][:2] == ["Show in document", "More results (2)"]


def test_show_in_document_marks_the_cited_paragraph_with_pages(at):
    ask(at, "Which ILO convention should be ratified?")
    doc = next(e for e in at.expander if e.label == "Show in document")
    body = " ".join(m.value for m in doc.markdown)
    assert 'class="docpara cited" data-para="12"' in body
    assert "p&#46; 3" in body


def test_empty_chat_shows_the_document_and_suggested_questions(at):
    text = " ".join(shown(m.value) for m in at.main.markdown)
    assert "Panel discussion on international migration and development" in text
    assert "Conclusions" in text and "25 June 2013" in text
    suggestions = [b for b in at.button if b.key and b.key.startswith("suggest_")]
    assert 4 <= len(suggestions) <= 6


def test_suggested_question_click_asks_it(at):
    at.button(key="suggest_1").click().run()
    assert not at.exception
    assert shown(at.chat_message[0].markdown[0].value) == "What did panellists say about remittances?"
    assert "Remittances were found" in passages(at.chat_message[1])[0]


def test_off_topic_question_gets_a_clear_refusal_with_sections(at):
    msg = ask(at, "What is the capital of France?")
    text = " ".join(shown(m.value) for m in msg.markdown)
    assert "doesn't cover this" in text
    assert "Conclusions" in text and "<mark>" not in text


def test_greeting_gets_a_short_reply_and_help_says_what_the_chat_does_not_a_search(at):
    msg = ask(at, "Hello!")
    text = " ".join(shown(m.value) for m in msg.markdown)
    assert text == "Hello. Ask me anything about the document."
    assert not at.expander or all(e.label != "Show in document" for e in at.expander)
    msg = ask(at, "what can you do?")
    text = " ".join(shown(m.value) for m in msg.markdown)
    assert "I answer questions about the document" in text and "Who said that?" in text


def test_follow_up_is_understood_with_the_previous_question(at):
    ask(at, "Which groups need extra protection?")
    msg = ask(at, "What about children?")
    text = " ".join(shown(m.value) for m in msg.markdown)
    assert "children" in text.lower()
    assert "Searched as: Which groups need extra protection? What about children?" in " ".join(
        shown(c.value) for c in msg.caption)


def test_follow_up_shows_typed_markup_literally_in_searched_as(at):
    ask(at, "Which groups need extra protection?")
    msg = ask(at, "What about <b>children</b>?")
    searched = " ".join(c.value for c in msg.caption)
    assert "Searched as: Which groups need extra protection? What about <b>children</b>?" in shown(
        searched)
    assert not re.search(r"(?<!\\)<", searched)  # every "<" is text, none starts a tag


def test_more_shows_the_next_results_of_the_previous_question(at):
    first = ask(at, "What did panellists say about remittances?")
    first_texts = set(passages(first))
    more = ask(at, "more")
    more_texts = set(passages(more))
    assert len(first_texts) == 3 and len(more_texts) == 3 and not (more_texts & first_texts)
    said = " ".join(shown(m.value) for m in more.markdown)
    assert 'More on "What did panellists say about remittances?" (results 4 onwards' in said


@pytest.mark.parametrize("text", INJECTIONS)
def test_typed_markup_is_shown_literally(at, text):
    ask(at, text)
    user = at.chat_message[0].markdown[0].value
    assert shown(user) == text
    for ch in "<>[]()*!":
        if ch in text:
            assert ch not in user  # every markup character is an entity, so nothing renders


def test_clear_conversation_empties_the_chat(at):
    ask(at, "Who bears the costs of migration?")
    assert at.chat_message
    at.sidebar.button(key="clear").click().run()
    assert not at.exception and not at.chat_message


def test_download_is_a_short_briefing_with_who_said_it_and_citations_outside_the_quote(at):
    ask(at, "Who bears the costs of migration?")
    ask(at, "Why?")
    from retrieval.chat.transcript import conversation_export

    exchanges = at.session_state.exchanges
    md = conversation_export(exchanges, markdown=True)
    assert md.startswith("# Conversation about Panel discussion on international migration and development")
    assert "**1. Who bears the costs of migration?**" in md
    lines = md.splitlines()
    quote = next(line for line in lines if line.startswith("> Panellists concurred that the costs"))
    assert quote.endswith("— *consensus of panellists*")
    assert lines[lines.index(quote) + 2].endswith('"Migration and development: drivers and impacts", para. 5, p. 2')
    assert "*Searched as: Who bears the costs of migration? Why?*" in md.replace("\\", "")
    # It reads well as plain text too: dated, naming its documents, punctuation left alone.
    assert lines[2].startswith("Made on ") and lines[2].endswith(
        "UTC, from: Panel discussion on international migration and development.")
    assert "\\." not in md and "\\(" not in md and "\\-" not in md
    assert "Passage:" not in md
    assert "Passage: " in conversation_export(exchanges, markdown=True, passages=True)
    text = conversation_export(exchanges, markdown=False)
    assert "1. Who bears the costs of migration?" in text and "> " not in text and "**" not in text


def test_library_page_lists_the_document_and_opens_each_section(at):
    at.switch_page("app_pages/library.py").run()
    assert not at.exception
    labels = [e.label for e in at.main.expander]
    assert labels == ["Summary", "Migration and development: drivers and impacts",
                      "Facilitating labour mobility - protecting migrant rights",
                      "The 2013 High-level Dialogue and beyond", "Conclusions"]
    conclusions = at.main.expander[-1].markdown[0].value
    assert "The panel discussion concluded" in shown(conclusions)
    facts = " ".join(c.value for c in at.main.caption)
    assert "President of the General Assembly · New York · 25 June 2013 · TXT · 4 pages · 5 sections · 17 passages" in facts and "cannot be removed here" in facts
    assert not any(b.key and b.key.startswith("remove_") for b in at.button)  # the shipped document stays


def test_conversation_reads_in_the_order_it_was_asked(at):
    questions = ["Who bears the costs of migration?", "What did panellists say about remittances?",
                 "What is the capital of France?"]
    for q in questions:
        ask(at, q)
    users = [shown(m.markdown[0].value) for m in at.chat_message if m.name == "user"]
    assert users == questions
    roles = [m.name for m in at.chat_message]
    assert roles == ["user", "assistant"] * 3
    assert "doesn't cover this" in shown(at.chat_message[-1].markdown[0].value)


def test_scores_are_hidden_unless_asked_for(at):
    msg = ask(at, "Who bears the costs of migration?")
    assert "score" not in " ".join(m.value for m in msg.markdown)
    at.sidebar.toggle(key="show_scores").set_value(True).run()
    assert not at.exception
    scores = re.findall(r'class="score">score (\d\.\d{3})<', " ".join(shown(m.value) for m in at.chat_message[-1].markdown))
    assert len(scores) == 3 and scores == sorted(scores, reverse=True)


def test_answer_names_who_said_it(at):
    msg = ask(at, "What did one participant call for?")
    assert "— one participant" in shown(msg.markdown[0].value)


def test_document_filter_limits_answers_to_chosen_documents(engine, tmp_path, monkeypatch):
    import shutil

    import streamlit as st

    from conftest import CORPUS
    from test_ingest import PDF_PAGES, make_pdf

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    make_pdf(corpus / "fishing-fleet.pdf", PDF_PAGES)
    monkeypatch.setenv("RETRIEVAL_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("RETRIEVAL_INDEX_DIR", str(tmp_path / "index"))
    st.cache_resource.clear()  # this test needs an engine over its own corpus
    try:
        app = AppTest.from_file(APP, default_timeout=120).run()
        assert not app.exception
        app.multiselect(key="doc_filter").set_value(["fishing-fleet"]).run()
        msg = ask(app, "Is training needed before working at sea?")
        cites = [shown(m.value) for m in msg.markdown if 'class="cite"' in m.value]
        assert cites and all("fishing fleet" in c for c in cites)
    finally:
        st.cache_resource.clear()


def test_question_on_something_the_document_never_mentions_shows_closest_passages_not_an_answer(at):
    msg = ask(at, "What did panellists say about migrants from Syria?")
    body = " ".join(shown(m.value) for m in msg.markdown)
    assert 'class="partial"' in body and "Closest passages" in body and "may not answer" in body
    assert "mention <i>Syria</i>" in body
    assert 'class="answer"' not in body  # no answer box: nothing is presented as what the panel said
    assert passages(msg)  # the closest passages are still shown, with citations
    assert "Source: Panel discussion" in body


def test_an_uncertain_answer_shows_the_closest_passages_without_a_box(at):
    msg = ask(at, "How many people attended the panel discussion?")
    body = " ".join(shown(m.value) for m in msg.markdown)
    assert 'class="partial"' in body and "The closest passages</b> — they may not answer this exactly" in body
    assert "mention" not in body  # nothing is missing: the evidence was too weak
    assert 'class="answer"' not in body and passages(msg)


def test_question_naming_only_what_the_document_lacks_is_refused_saying_what_it_lacks(at):
    msg = ask(at, "Who is the current Secretary-General of NATO?")
    body = " ".join(shown(m.value) for m in msg.markdown)
    assert 'class="refusal"' in body and "The document doesn't mention Secretary-General or NATO." in body
    assert not passages(msg)


def test_misspelt_question_is_corrected_and_can_be_searched_as_typed(at):
    typed = "What did panellists say about remmitances?"
    msg = ask(at, typed)
    captions = " ".join(shown(c.value) for c in msg.caption)
    assert "Showing results for: **What did panellists say about remittances?**" in captions
    assert "Remittances were found to increase access" in " ".join(shown(m.value) for m in msg.markdown)
    button = next(b for b in msg.button if b.label == f"Search instead for: {typed}")
    button.click().run()
    assert not at.exception
    again = at.chat_message[-1]
    assert shown(at.chat_message[-2].markdown[0].value) == typed
    assert "Showing results for" not in " ".join(shown(c.value) for c in again.caption)


def test_a_huge_question_is_cut_on_the_page_too(at):
    ask(at, "What about remittances? " + "x" * 50_000)
    typed = shown(at.chat_message[-2].markdown[0].value)
    assert len(typed) <= 1002 and typed.endswith(" …")
    assert "cut to its first 1000 characters" in " ".join(shown(c.value) for c in at.chat_message[-1].caption)


def test_an_engine_that_cannot_start_is_explained_without_a_traceback_or_path(tmp_path, monkeypatch):
    import streamlit as st

    monkeypatch.setenv("RETRIEVAL_CORPUS_DIR", str(tmp_path / "no-such-corpus"))
    st.cache_resource.clear()
    try:
        app = AppTest.from_file(APP, default_timeout=60).run()
        assert not app.exception
        text = " ".join(e.value for e in app.error)
        assert "could not start" in text and str(tmp_path) not in text and "Traceback" not in text
    finally:
        st.cache_resource.clear()  # the next test loads the real engine again


def test_key_points_page_is_linked_from_the_welcome_grouped_and_cited(at):
    assert [link.proto.page for link in at.get("page_link")] == ["key-points"]  # its own address
    at.switch_page("app_pages/key_points.py").run()
    assert not at.exception
    headers = [h.value for h in at.subheader]
    assert any(h.startswith("Consensus and widespread support (") for h in headers)
    assert any(h.startswith("Recommended or called for (") for h in headers)
    body = " ".join(shown(m.value) for m in at.main.markdown)
    assert "The experts cautioned that migration was not a panacea" in body and "— experts" in body
    assert "Source: Panel discussion on international migration and development" in body
    assert sum(1 for e in at.expander if e.label == "Show in document") >= 25
    assert {b.label for b in at.get("download_button")} >= {"Download key points (Markdown)",
                                                             "Download key points (text)"}
    # The filters chosen in the chat hold on this page too (and back).
    at.sidebar.selectbox(key="speaker_filter").set_value("experts").run()
    assert all("— experts" in shown(m.value) for m in at.main.markdown if 'class="point"' in m.value)
    at.switch_page("app_pages/chat.py").run()
    assert at.session_state["speaker_filter"] == "experts" and any(b.key == "suggest_0" for b in at.button)


def test_experts_filter_answers_only_from_the_experts_and_says_so(at):
    at.sidebar.selectbox(key="speaker_filter").set_value("experts").run()
    msg = ask(at, "What did they say about poverty?")
    assert "Only what the experts said" in " ".join(shown(c.value) for c in msg.caption)
    assert "The experts cautioned that migration was not a panacea" in shown(msg.markdown[0].value)
    refused = ask(at, "What did they say about remittances?")
    assert "Only what the experts said: nothing answers this." in shown(refused.markdown[0].value)


def test_who_said_that_is_answered_from_the_answer_just_shown(at):
    first = ask(at, "What did one participant call for?")
    assert "One participant called for" in shown(first.markdown[0].value)
    msg = ask(at, "Who said that?")
    body = " ".join(shown(m.value) for m in msg.markdown)
    assert body == "That was said by one participant."  # one line pointing to the answer above
    assert "One participant called for addressing the mismatch" not in body  # nothing redrawn
    assert "Searched as" not in " ".join(shown(c.value) for c in msg.caption)


def test_why_with_nothing_more_in_the_document_says_so_above_the_passage(at):
    ask(at, "Who bears the costs of migration?")
    msg = ask(at, "Why?")
    assert "The document says nothing more about why than this passage" in shown(msg.markdown[0].value)


@pytest.fixture
def library(tmp_path, monkeypatch):
    """A library of three documents: the panel .txt, a .pdf and a .docx made here."""
    import shutil

    import streamlit as st

    from test_ingest import PDF_PAGES, make_docx, make_pdf

    corpus = tmp_path / "corpus"
    shutil.copytree(Path(APP).parent / "corpus", corpus)
    make_pdf(corpus / "fishing-fleet.pdf", PDF_PAGES)
    make_docx(corpus / "seasonal-labour.docx")
    monkeypatch.setenv("RETRIEVAL_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("RETRIEVAL_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("RETRIEVAL_EDITOR_KEY", "library-key")
    st.cache_resource.clear()
    yield corpus
    st.cache_resource.clear()


def test_a_library_of_three_documents_is_shown_searched_and_managed(library, engine):
    app = AppTest.from_file(APP, default_timeout=180).run()
    assert not app.exception
    assert app.title[0].value == "Ask 3 documents"
    welcome = " ".join(shown(m.value) for m in app.main.markdown)
    assert "Annual review of seasonal labour" in welcome and "fishing fleet" in welcome
    suggestions = [b.label for b in app.button if b.key and b.key.startswith("suggest_")]
    assert "What does the Annual review of seasonal labour say about housing conditions?" in suggestions
    assert "What did panellists say about remittances?" in suggestions  # the shipped one's own
    app.switch_page("app_pages/library.py").run()
    assert [h.value for h in app.main.subheader][:3] == [  # newest first
        "Annual review of seasonal labour", "fishing fleet",
        "Panel discussion on international migration and development"]
    facts = " ".join(c.value for c in app.main.caption)
    assert "Farm Labour Unit · 3 March 2025 · DOCX · 2 sections · 2 passages" in facts
    housing = next(e for e in app.main.expander if e.label == "Housing conditions")
    assert "p. None" not in str(housing)
    app.switch_page("app_pages/chat.py").run()
    # Citations name the document by its title; the filter is said in each answer.
    app.sidebar.multiselect(key="doc_filter").set_value(["seasonal-labour"]).run()
    msg = ask(app, "How were fruit pickers paid?")
    body = " ".join(shown(m.value) for m in msg.markdown)
    assert "paid by the crate" in body and "Source: Annual review of seasonal labour (3 March 2025), \"Pay\", para. 1" in body
    assert "Searched in: Annual review of seasonal labour" in " ".join(shown(c.value) for c in msg.caption)
    refused = ask(app, "What did panellists say about remittances?")
    text = shown(refused.markdown[0].value)
    assert "doesn't cover this" in text and "Searched in: Annual review of seasonal labour" in text
    # The hint names what the searched document covers, not the panel's topics.
    assert "Try a question about housing conditions or pay." in text and "remittances, labour" not in text
    # Removal asks first, says what it removed by title, and leaves no stale filter.
    app.sidebar.multiselect(key="doc_filter").set_value(["fishing-fleet", "seasonal-labour"]).run()
    app.switch_page("app_pages/library.py").run()
    assert not any(b.key and b.key.startswith("remove_") for b in app.button)  # not an editor yet
    assert not app.get("file_uploader")
    unlock(app, "library-key")
    assert not any(b.key == f"remove_{DOC}" for b in app.button)
    second = AppTest.from_file(APP, default_timeout=180).run()  # another editor, about to remove it too
    second.switch_page("app_pages/library.py").run()
    unlock(second, "library-key")
    second.button(key="remove_fishing-fleet").click().run()
    app.button(key="remove_fishing-fleet").click().run()
    app.button(key="remove_yes_fishing-fleet").click().run()
    second.button(key="remove_yes_fishing-fleet").click().run()
    assert "fishing fleet had already been removed from the library (by someone else)." in [
        shown(s.value) for s in second.success]
    assert not second.error
    assert not app.exception and not (library / "fishing-fleet.pdf").exists()
    assert "Removed fishing fleet. It is no longer searched." in [shown(s.value) for s in app.success]
    app.switch_page("app_pages/chat.py").run()
    assert app.title[0].value == "Ask 2 documents" and app.session_state["doc_filter"] == ["seasonal-labour"]
    other = AppTest.from_file(APP, default_timeout=180).run()  # another session sees the same library
    assert other.title[0].value == "Ask 2 documents"
    from retrieval.server.record import Record

    changes = Record(library.parent / "index" / "record.sqlite3").rows("changes")
    assert [(c["action"], c["document"], c["role"]) for c in changes] == [("remove", "fishing-fleet", "editor")]


def test_an_editor_corrects_a_real_resolutions_title_on_the_library_page(tmp_path, monkeypatch, engine):
    """#30: the title as the document prints it, corrected by an editor for everyone; written to
    its sidecar, shown as text, the symbol still added, nothing embedded again, in the record."""
    import json
    import shutil

    import streamlit as st

    from retrieval.server.record import Record

    resolution = Path(APP).parent.parent / "shared" / "un-documents" / "dev" / "A_RES_80_216.pdf"
    if not resolution.exists():
        pytest.skip(f"the real UN documents are not beside the project ({resolution.parent})")
    corpus = tmp_path / "corpus"
    shutil.copytree(Path(APP).parent / "corpus", corpus)
    shutil.copy(resolution, corpus)
    monkeypatch.setenv("RETRIEVAL_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("RETRIEVAL_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("RETRIEVAL_EDITOR_KEY", "library-key")
    st.cache_resource.clear()
    try:
        app = AppTest.from_file(APP, default_timeout=300).run()
        app.switch_page("app_pages/library.py").run()
        assert not app.get("text_input") or not any(w.key == "title_A_RES_80_216" for w in app.text_input)
        unlock(app, "library-key")
        field = app.text_input(key="title_A_RES_80_216")
        assert field.value == "The human rights to safe drinking water and sanitation"  # its own, no symbol
        assert not any(w.key and w.key.startswith("title_panel") for w in app.text_input)  # shipped: not here
        save = lambda: next(b for b in app.button if b.label == "Save the title")  # noqa: E731
        field.input("  ")
        save().click().run()  # a form sends its fields with its button
        assert any("needs at least one word" in shown(e.value) for e in app.error)
        app.text_input(key="title_A_RES_80_216").input("Water <b>and</b> sanitation")
        save().click().run()
        assert not app.exception
        assert "Now listed and cited as Water <b>and</b> sanitation (A/RES/80/216)." in [
            shown(s.value) for s in app.success]
        assert "Water <b>and</b> sanitation (A/RES/80/216)" in [shown(h.value) for h in app.main.subheader]
        assert json.loads((corpus / "A_RES_80_216.meta.json").read_text())["title"] == "Water <b>and</b> sanitation"
        manifest = json.loads((tmp_path / "index" / "manifest.json").read_text())
        assert manifest["embedded_documents"] == []
        other = AppTest.from_file(APP, default_timeout=300).run()  # another session: the new title
        other.sidebar.multiselect(key="doc_filter").set_value(["A_RES_80_216"]).run()
        msg = ask(other, "What does it say about the right to safe drinking water?")
        assert "Source: Water <b>and</b> sanitation (A/RES/80/216" in " ".join(shown(m.value) for m in msg.markdown)
        changes = Record(tmp_path / "index" / "record.sqlite3").rows("changes")
        assert [(c["action"], c["document"]) for c in changes] == [("retitle", "A_RES_80_216")]
    finally:
        st.cache_resource.clear()


def test_a_link_asks_its_question_on_arrival_with_its_filters_once(engine, settings, monkeypatch):
    monkeypatch.setenv("RETRIEVAL_INDEX_DIR", str(settings.index_dir))
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["q"] = "What did they say about poverty?"
    app.query_params["speaker"] = "experts"
    app.query_params["agreement"] = "<b>not a level</b>"  # unknown values are ignored
    app.run()
    assert not app.exception
    assert app.session_state["speaker_filter"] == "experts" and app.session_state["agreement_filter"] == "any"
    msg = app.chat_message[-1]
    assert "Only what the experts said" in " ".join(shown(c.value) for c in msg.caption)
    assert "The experts cautioned that migration was not a panacea" in shown(msg.markdown[0].value)
    # The link is followed once: another run (a click anywhere) does not ask it again.
    app.sidebar.toggle(key="show_scores").set_value(True).run()
    assert len(app.chat_message) == 2


def test_every_answer_has_a_link_that_asks_it_again_escaped(at):
    msg = ask(at, 'Who bears the costs of migration? <script>"x"</script> & more')
    links = re.findall(r'<a class="copy-link" href="([^"]*)"', " ".join(m.value for m in msg.markdown))
    assert len(links) == 1 and "<" not in links[0] and '"' not in links[0]
    from urllib.parse import parse_qs, urlsplit
    query = parse_qs(urlsplit(html.unescape(links[0])).query)
    assert query["q"] == ['Who bears the costs of migration? <script>"x"</script> & more']
    refused = ask(at, "What is the capital of France?")
    assert 'class="copy-link"' in " ".join(m.value for m in refused.markdown)


def test_a_huge_question_in_a_link_is_cut_like_a_typed_one(engine, settings, monkeypatch):
    monkeypatch.setenv("RETRIEVAL_INDEX_DIR", str(settings.index_dir))
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["q"] = "What about remittances? " + "x" * 50_000
    app.run()
    assert not app.exception
    typed = shown(app.chat_message[-2].markdown[0].value)
    assert len(typed) <= 1002 and typed.endswith(" …")


def unlock(app, key: str) -> None:
    app.text_input(key="typed_key").input(key)
    next(b for b in app.button if b.label == "Unlock editing").click().run()
    assert not app.exception


def test_without_a_key_a_server_reachable_from_elsewhere_is_read_only(at):
    # AppTest binds no address: as a server on every interface, with no RETRIEVAL_EDITOR_KEY.
    at.switch_page("app_pages/library.py").run()
    assert "read-only" in " ".join(i.value for i in at.info)
    assert not at.get("file_uploader") and not any(b.key and b.key.startswith("remove_") for b in at.button)


def test_the_editor_key_unlocks_editing_and_wrong_keys_are_limited(engine, settings, monkeypatch):
    import streamlit as st

    monkeypatch.setenv("RETRIEVAL_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("RETRIEVAL_EDITOR_KEY", "correct horse")
    st.cache_resource.clear()  # a fresh count of wrong keys
    try:
        app = AppTest.from_file(APP, default_timeout=60).run()
        app.switch_page("app_pages/library.py").run()
        assert not app.get("file_uploader")
        unlock(app, "wrong")
        assert "That is not the editor key." in [e.value for e in app.error]
        assert "correct horse" not in str(app.query_params)
        unlock(app, "correct horse")
        assert app.get("file_uploader")  # an editor now
        app.button(key="lock").click().run()
        assert not app.get("file_uploader")
        for _ in range(4):
            unlock(app, "guess")
        unlock(app, "correct horse")  # the right key, but after five wrong ones in ten minutes
        assert any("Too many wrong keys" in e.value for e in app.error) and not app.get("file_uploader")
        other = AppTest.from_file(APP, default_timeout=60).run()  # a new session does not reset the count
        other.switch_page("app_pages/library.py").run()
        unlock(other, "correct horse")
        assert any("Too many wrong keys" in e.value for e in other.error)
    finally:
        st.cache_resource.clear()


def test_questions_are_recorded_and_feedback_given_on_the_page_reaches_the_report(engine, settings, monkeypatch,
                                                                                   tmp_path):
    import streamlit as st

    from retrieval.server.record import Record
    from retrieval.server.report import dislikes, unanswered

    monkeypatch.setenv("RETRIEVAL_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("RETRIEVAL_RECORD", str(tmp_path / "record.sqlite3"))
    st.cache_resource.clear()  # the record's place is read when the server starts
    try:
        app = AppTest.from_file(APP, default_timeout=60).run()
        ask(app, "Who bears the costs of migration?")
        ask(app, "How many migrants live in Qatar?")
        ask(app, "hello")  # small talk is not a question for the report
        ask(app, "more")
        feedback = app.get("feedback")
        record = Record(tmp_path / "record.sqlite3")
        ids = [q["id"] for q in record.rows("questions")]
        assert [f.key for f in feedback] == [f"fb_{i}" for i in ids] and len(ids) == 2  # one per question asked
        feedback[0].set_value(1).run()  # 👍, then changed to 👎 with a comment: counted once
        app.get("feedback")[0].set_value(0).run()
        app.text_input(key=f"fbc_{ids[0]}").input("It answers who pays, not what it costs").run()
        assert not app.exception
        assert "Thank you: your rating and note are kept." in [c.value for c in app.caption]
        assert [(q["question"], q["state"]) for q in record.rows("questions")] == [
            ("Who bears the costs of migration?", "answer"), ("How many migrants live in Qatar?", "partial")]
        assert [(f["rating"], f["comment"]) for f in record.rows("feedback")] == [
            (-1, "It answers who pays, not what it costs")]
        assert [g.missing for g in unanswered(record)] == [["Qatar"]]
        assert [d.comment for d in dislikes(record)] == ["It answers who pays, not what it costs"]
        # The Library page shows editors the same (AppTest binds no address: the key makes an editor).
        monkeypatch.setenv("RETRIEVAL_EDITOR_KEY", "k")
        app.switch_page("app_pages/library.py").run()
        assert not any(h.value == "Questions the documents did not answer" for h in app.subheader)
        unlock(app, "k")
        table = app.dataframe[0].value
        assert list(table["question"]) == ["How many migrants live in Qatar?"] and list(table["asked"]) == [1]
        assert "It answers who pays, not what it costs" in " ".join(m.value for m in app.main.markdown)
        assert any(b.label == "Download as CSV" for b in app.get("download_button"))
    finally:
        st.cache_resource.clear()


def test_a_question_the_report_groups_by_wording_is_kept_with_its_vector(engine, settings, monkeypatch, tmp_path):
    """#33: the chat page keeps the vector of each refused or partial question that names no
    missing term (the ones the report groups by wording), so the report's first draw after a
    start embeds nothing."""
    import numpy as np
    import streamlit as st

    from retrieval.server.record import Record

    monkeypatch.setenv("RETRIEVAL_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("RETRIEVAL_RECORD", str(tmp_path / "record.sqlite3"))
    st.cache_resource.clear()
    try:
        app = AppTest.from_file(APP, default_timeout=60).run()
        for question in ("What should be done next?", "What happened at the meeting?",
                         "How many migrants live in Qatar?", "Who bears the costs of migration?"):
            ask(app, question)
        assert not app.exception
        record = Record(tmp_path / "record.sqlite3")
        grouped = {q["question"] for q in record.rows("questions")
                   if q["state"] in ("none", "partial") and q["missing"] == "[]"}
        kept = record.vectors(engine.embedder.name)
        assert grouped and set(kept) == grouped
        for question, blob in kept.items():
            vector = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
            assert float(vector @ engine.embedder.encode([question])[0]) > 0.99
    finally:
        st.cache_resource.clear()


def test_the_library_finds_sorts_and_pages_real_un_documents(versions_engine, versions_settings, monkeypatch):
    """Five real UN PDFs and the shipped summary, two a page: found by a symbol as typed, sorted by
    date or symbol, paged; the chat's "Search only in" names each by its symbol (#32)."""
    from retrieval.chat import catalogue

    monkeypatch.setenv("RETRIEVAL_CORPUS_DIR", str(versions_settings.corpus_dir))
    monkeypatch.setenv("RETRIEVAL_INDEX_DIR", str(versions_settings.index_dir))
    monkeypatch.setattr(catalogue, "PER_PAGE", 2)
    app = AppTest.from_file(APP, default_timeout=180).run()
    assert not app.exception
    symbol = lambda text: (re.search(r"A/[A-Z0-9./]*\d", text) or re.search(".*", text)).group(0)  # noqa: E731
    # Each option names its document's symbol, which typing it finds (the titles end in theirs).
    options = app.sidebar.multiselect(key="doc_filter").options
    assert sorted(symbol(o) for o in options if "A/" in o) == [
        "A/C.3/80/L.20", "A/C.3/80/L.47", "A/RES/80/188", "A/RES/80/190", "A/RES/80/216"]
    app.switch_page("app_pages/library.py").run()
    assert not app.exception
    heads = lambda: [h.value for h in app.main.subheader]  # noqa: E731
    captions = lambda: " ".join(c.value for c in app.main.caption)  # noqa: E731
    first = heads()
    assert len(first) == 2 and "Showing 1–2 of 6 documents." in captions()
    assert all("A/" in h for h in first)  # the newest: 2025 texts, not the 2013 summary
    app.number_input(key="library_page").set_value(3).run()
    assert "Showing 5–6 of 6 documents." in captions()
    assert heads()[-1] == "Panel discussion on international migration and development"  # the oldest, last
    app.text_input(key="library_query").set_value("a/res/80/216").run()
    assert [symbol(h) for h in heads()] == ["A/RES/80/216"]
    assert app.session_state["library_page"] == 1  # a new search starts on its first page
    app.text_input(key="library_query").set_value("L.").run()
    app.selectbox(key="library_sort").set_value("symbol").run()
    assert [symbol(h) for h in heads()] == ["A/C.3/80/L.20", "A/C.3/80/L.47"]
    # A document with a version before it in the library links to what changed since (#34).
    app.text_input(key="library_query").set_value("80/216").run()
    links = [(link.proto.label, link.proto.page, link.proto.query_string) for link in app.get("page_link")]
    assert ("What changed since A/C.3/80/L.47", "compare", "a=A_C.3_80_L.47&b=A_RES_80_216") in links, links
    app.text_input(key="library_query").set_value("L.47").run()
    assert not [x for x in app.get("page_link") if x.proto.page == "compare"]  # the first version: nothing before
    app.text_input(key="library_query").set_value("<b>no such text</b>").run()
    said = shown(app.info[0].value)
    assert heads() == [] and "No document's symbol, title or facts has every word of “<b>no such text</b>”" in said
    assert "<b>" not in app.info[0].value  # the markup is shown as text, never drawn
