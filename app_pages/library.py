"""The Library page: the documents searched, their contents, and adding, removing or retitling one."""

from pathlib import Path

import streamlit as st

from retrieval import catalogue, format_date, MAX_FIELD_CHARS, say, short_name, SUPPORTED_SUFFIXES, wording
from ui.documents import document_facts
from ui.html import label, section_html
from ui.library_changes import add_uploaded, indexing_status, remove, retitle
from ui.live_engine import get_live
from ui.page_behaviour import behave
from ui import roles
from ui.record_view import gaps_report

live = get_live()
state = st.session_state
state.setdefault("my_jobs", [])
editor = roles.can_edit()
if state.get("remove_now"):  # confirmed: done here, in the run, so the page can say it is happening
    doc_id, title = state.pop("remove_now")
    if editor:  # checked again when it is done, not only when the button was drawn
        remove(live, doc_id, title)
if state.get("retitle_now"):
    doc_id, typed = state.pop("retitle_now")
    if editor:
        retitle(live, doc_id, typed)
engine = live.current

st.title(say("library.title"), anchor=False)
st.caption(label(say("library.intro")))
if state.get("notice"):
    st.success(label(state.pop("notice")))
documents = engine.documents
shown = documents
if len(documents) > 1:
    # A library of hundreds (#32): found by symbol or words, sorted, a page at a time.
    looked_for, order = st.columns([3, 1])
    query = looked_for.text_input(say("library.find"), key="library_query",
                                  placeholder=say("library.find.placeholder"))
    sort = order.selectbox(say("library.sort"), catalogue.SORTS, key="library_sort")
    shown = catalogue.find_documents(documents, query, sort)
    if (query, sort) != state.get("library_looked_for"):  # a new search starts on its first page
        state.library_looked_for = (query, sort)
        state.library_page = 1
    page = catalogue.page_of(shown, state.get("library_page", 1))
    if not shown:
        st.info(label(wording.no_document_found(query)))
    else:
        st.caption(label(wording.documents_shown(page.first, page.first + len(page.items) - 1, page.total,
                                               len(documents))))
    if page.pages > 1:
        state.library_page = page.number  # within range after a removal shortened the list
        st.number_input(say("library.page"), min_value=1, max_value=page.pages, step=1, key="library_page")
    shown = page.items
by_id = {d["id"]: d for d in documents}
# Each document's version before it, in the families of versions the library holds (oldest first).
version_before = {later: earlier for family in (engine.versions.families if len(documents) > 1 else [])
                  for earlier, later in zip(family, family[1:])}
for d in shown:
    st.subheader(label(catalogue.listing_label(d)), anchor=False)
    with st.container():
        meta = [d.get("author"), d.get("place"), format_date(d.get("date")), document_facts(engine, d["id"])]
        st.caption(" · ".join(label(x) for x in meta if x))
        for line in (wording.un_facts_line(d.get("facts")), wording.language_note(d.get("language"))):
            if line:
                st.caption(label(line))
        before = version_before.get(d["id"])
        if before:  # another version of this text is in the library: the Compare view, one click away
            st.page_link("app_pages/compare.py", icon=":material/compare_arrows:",
                         label=label(wording.compare_with_version_before(short_name(by_id[before]))),
                         query_params={"a": before, "b": d["id"]})
        if d["id"] in engine.protected:
            st.caption(label(say("library.shipped")))
        elif not editor:
            pass
        elif state.get("confirm_remove") == d["id"]:
            st.warning(label(say("library.remove_confirm", title=d["title"])))
            st.button(say("library.remove_yes"), key=f"remove_yes_{d['id']}",
                      on_click=lambda i=d["id"], t=d["title"]: state.update(remove_now=(i, t)))
            st.button(say("library.remove_no"), key=f"remove_no_{d['id']}",
                      on_click=lambda: state.pop("confirm_remove", None))
        else:
            st.button(say("library.remove"), key=f"remove_{d['id']}",
                      on_click=lambda i=d["id"]: state.update(confirm_remove=i))
        if editor and d["id"] not in engine.protected:
            with st.expander(say("library.retitle")), st.form(f"retitle_{d['id']}", border=False):
                st.text_input(say("library.retitle.field"), value=catalogue.own_title(d), key=f"title_{d['id']}",
                              max_chars=MAX_FIELD_CHARS)
                st.form_submit_button(say("library.retitle.save"), on_click=lambda i=d["id"]: state.update(
                    retitle_now=(i, state[f"title_{i}"])))
    for section in engine.sections(d["id"]):
        with st.expander(label(section)):
            st.markdown(section_html(engine, d["id"], section), unsafe_allow_html=True)

if editor:
    st.subheader(say("library.add.title"), anchor=False)
    upload = st.file_uploader(say("library.add.uploader"),
                              type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
                              key=f"upload_{state.get('upload_round', 0)}")
    if upload is not None and state.get("uploaded") != upload.file_id:
        state.uploaded = upload.file_id
        add_uploaded(live, upload.name, upload.getvalue())
    if state.get("upload_error"):
        st.error(label(state.pop("upload_error")))
    if state.get("replace_offer"):
        name, data = state.replace_offer
        st.warning(label(say("library.add.exists", name=Path(name).stem)))
        if st.button(label(say("library.add.replace", name=name)), key="confirm_replace"):
            add_uploaded(live, name, data, replace=True)
            st.rerun()
    if state.my_jobs:
        indexing_status(live)
    gaps_report(live.current)
    if roles.editor_key():
        st.button(say("library.stop_editing"), key="lock", on_click=lambda: state.update(editor=False))
elif roles.editor_key():
    st.subheader(say("library.change.title"), anchor=False)
    st.caption(label(say("library.change.intro")))
    with st.form("unlock", clear_on_submit=True):
        typed = st.text_input(say("library.key"), type="password", key="typed_key")
        if st.form_submit_button(say("library.unlock")):
            problem = roles.unlock(typed)
            if problem:
                st.error(label(problem))
            else:
                st.rerun()
elif roles.bound_to_loopback():
    # A loopback server reached by another name: a foreign page through DNS rebinding, or a proxy.
    st.info(label(say("library.read_only.loopback")))
else:
    st.info(label(say("library.read_only")))
behave(False, "library")
