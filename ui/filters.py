"""The sidebar's filters (which documents, who said it, how strongly agreed), shared by the Chat
and Key points pages, and the filters a link to an answer carries."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from retrieval import AGREEMENTS, Engine, listing_label, MAX_QUESTION_CHARS, say, SPEAKERS

# Widget values that must outlive a page that does not draw them (Streamlit forgets a widget's
# value on a run that does not draw it); the entry point re-assigns them on every run.
KEPT = ("doc_filter", "speaker_filter", "agreement_filter", "top_k", "show_scores", "export_passages")


@dataclass(frozen=True)
class Filters:
    documents: set[str] | None
    speakers: set[str] | None
    agreements: set[str] | None


def keep_current(engine: Engine) -> None:
    """Drop from the document filter any document no longer in the library (removed meanwhile)."""
    chosen = st.session_state.get("doc_filter")
    if chosen:
        present = {d["id"] for d in engine.documents}
        kept = [d for d in chosen if d in present]
        if kept != list(chosen):
            st.session_state.doc_filter = kept


def take_from_link(engine: Engine) -> str | None:
    """The question a link asks (``?q=…``), once: its filters set as the sidebar's, the address
    then cleared so that a rerun does not ask it again. Capped like a typed question; unknown
    filter values are ignored."""
    params = st.query_params
    question = params.get("q")
    if question is None:
        return None
    present = {d["id"] for d in engine.documents}
    docs = [d for d in params.get_all("doc") if d in present]
    speaker, agreement = params.get("speaker"), params.get("agreement")
    st.session_state.doc_filter = docs
    st.session_state.speaker_filter = speaker if speaker in SPEAKERS else "anyone"
    st.session_state.agreement_filter = agreement if agreement in AGREEMENTS else "any"
    params.clear()
    question = question[: MAX_QUESTION_CHARS + 1]  # the engine says it is too long, as when typed
    return question if question.strip() else None


def draw(engine: Engine) -> Filters:
    """The filters in the sidebar; returns what they select."""
    state = st.session_state
    keep_current(engine)
    documents = None
    if len(engine.documents) > 1:
        # Options named "symbol — title" (#32): typing a symbol or a title's words narrows them.
        titles = {d["id"]: listing_label(d) for d in engine.documents}
        st.multiselect(say("filters.documents"), list(titles), format_func=titles.get, key="doc_filter",
                       placeholder=say("filters.documents.placeholder"))
        documents = set(state.get("doc_filter") or []) or None
    st.subheader(say("filters.who"))
    st.selectbox(say("filters.speaker"), ["anyone", *SPEAKERS], key="speaker_filter", help=say("filters.speaker.help"))
    st.selectbox(say("filters.agreement"), ["any", *AGREEMENTS], key="agreement_filter",
                 help=say("filters.agreement.help"))
    speakers = {state.speaker_filter} if state.get("speaker_filter", "anyone") != "anyone" else None
    agreements = {state.agreement_filter} if state.get("agreement_filter", "any") != "any" else None
    return Filters(documents, speakers, agreements)
