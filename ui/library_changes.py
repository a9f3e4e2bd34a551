"""Adding, removing and retitling documents from the page: the same checks as the CLI, what the
person who made the change is told (by the document's title), and no stale state left behind."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from retrieval import AlreadyInLibrary, IngestError, LibraryBusy, LiveEngine, say, scratch_folder, wording
from ui.html import label

log = logging.getLogger("retrieval")


def title_of(live: LiveEngine, doc_id: str) -> str:
    return next((d["title"] for d in live.current.documents if d["id"] == doc_id), doc_id)


def add_uploaded(live: LiveEngine, name: str, data: bytes, replace: bool = False) -> None:
    """Check an uploaded file (the same gate as `python -m retrieval add`) and index it in the
    background; the person who added it sees how it went."""
    state = st.session_state
    with scratch_folder(live.current.settings.index_dir) as tmp:
        path = tmp / ("upload" + Path(name).suffix.lower()[:10])  # the name as sent may be unsafe
        path.write_bytes(data)
        try:
            job = live.add(path, name, replace=replace)
            # One notice per document: a replacement's supersedes the first addition's.
            state.my_jobs = [j for j in state.my_jobs if j.doc_id != job.doc_id] + [job]
            state.pop("replace_offer", None)
        except AlreadyInLibrary:
            state.replace_offer = (name, data)
        except IngestError as exc:
            state.upload_error = str(exc)
        except OSError:
            log.exception("adding a document failed")
            state.upload_error = say("library.not_stored", name=name)


def remove(live: LiveEngine, doc_id: str, title: str | None = None) -> None:
    """Remove a document for everyone, saying so while it happens and after, by its title (as the
    page showed it: another editor may have removed it meanwhile); this session's notices about
    adding it and its file in the uploader go with it."""
    state = st.session_state
    title = title or title_of(live, doc_id)
    try:
        with st.spinner(label(say("library.removing", title=title))):
            live.remove(doc_id)
        state.notice = say("library.removed", title=title)
        state.my_jobs = [j for j in state.my_jobs if j.doc_id != doc_id]
        state.upload_round = state.get("upload_round", 0) + 1  # a new, empty uploader
        state.pop("shown_states", None)
    except (IngestError, LibraryBusy) as exc:
        if isinstance(exc, IngestError) and doc_id not in {d["id"] for d in live.current.documents}:
            state.notice = say("library.already_removed", title=title)
        else:
            state.upload_error = wording.failure_reason(exc)
    state.pop("confirm_remove", None)


@st.fragment(run_every=2)
def indexing_status(live: LiveEngine) -> None:
    """What became of this session's additions; polls while one is being indexed."""
    jobs = st.session_state.my_jobs
    for job in jobs:
        if job.state == "indexing":
            where = ""
            if job.pages_read and not job.progress:
                done, total = job.pages_read
                where = say("library.indexing.ocr", done=done, total=total)
            if job.progress:
                model, models, done, total = job.progress
                where = (say("library.indexing.embedded_model", done=done, total=total, model=model, models=models)
                         if models > 1 else say("library.indexing.embedded", done=done, total=total))
            st.info(label(say("library.indexing", name=job.file_name, where=where)))
        elif job.state == "ready":
            st.success(label(say("library.added", title=title_of(live, job.doc_id))))
        else:
            st.error(label(say("library.not_added", name=job.file_name, reason=job.reason)))
    if st.session_state.get("shown_states") != [j.state for j in jobs]:
        first = "shown_states" not in st.session_state
        st.session_state.shown_states = [j.state for j in jobs]
        if not first and not live.busy:
            st.rerun(scope="app")  # the new library: the list, the filters, the welcome


def retitle(live: LiveEngine, doc_id: str, typed: str) -> None:
    """Correct a document's title for everyone (#30), saying so by the title it has now."""
    state = st.session_state
    try:
        with st.spinner(label(say("library.retitling", title=title_of(live, doc_id)))):
            live.retitle(doc_id, typed)
        state.notice = say("library.retitled", title=title_of(live, doc_id))
        state.pop("shown_states", None)  # answers drawn before name the document by its old title
    except (IngestError, LibraryBusy, OSError) as exc:
        state.upload_error = wording.failure_reason(exc)
    except Exception as exc:  # the reload failed: the old title is back and still served
        log.exception("retitling %s failed", doc_id)
        state.upload_error = wording.failure_reason(exc)
