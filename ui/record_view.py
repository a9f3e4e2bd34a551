"""For editors, on the Library page: the questions the documents did not answer and the answers
marked wrong, from the server's record (the same as `python -m retrieval report`)."""

from __future__ import annotations

import threading

import numpy as np
import streamlit as st

from retrieval import as_csv, dislikes, Engine, recorded_vectors, say, unanswered
from ui.html import esc, label
from ui.live_engine import get_record


_VECTORS: dict[str, dict[str, np.ndarray]] = {}  # model name -> {question: vector}, this process's memo
_VECTORS_LOCK = threading.Lock()
MAX_KEPT_VECTORS = 50_000  # emptied past this before a draw (a 384-number vector each: ~80 MB)


def question_vectors(engine, texts: list[str]) -> np.ndarray:
    """The recorded questions' vectors (``report.recorded_vectors``: kept in the record, each
    wording embedded once per model). Kept in memory by model name, not by engine, so they outlive
    a library change (which replaces the engine, not the model) and hold no engine."""
    embedder = engine.embedder
    # One lock over the lot: only editors draw the report, and two drawing at once embed once.
    with _VECTORS_LOCK:
        memo = _VECTORS.setdefault(embedder.name, {})
        if len(memo) > MAX_KEPT_VECTORS:
            memo.clear()
        return recorded_vectors(get_record(), embedder.name, embedder.encode, texts, memo)


def gaps_report(engine: Engine) -> None:
    record = get_record()
    st.subheader(say("report.title"), anchor=False)
    if not record.enabled:
        st.caption(label(say("report.off")))
        return
    gaps = unanswered(record, embed=lambda texts: question_vectors(engine, texts))
    disliked = dislikes(record)
    st.caption(label(say("report.intro", days=record.retention_days)))
    if not gaps and not disliked:
        st.info(label(say("report.nothing")))
        return
    column = {name: say(f"report.column.{name}") for name in ("asked", "question", "lacking", "latest", "wordings")}
    st.dataframe([{column["asked"]: g.count, column["question"]: g.example, column["lacking"]: ", ".join(g.missing),
                   column["latest"]: g.latest[:10], column["wordings"]: " | ".join(g.wordings[1:4])} for g in gaps],
                 hide_index=True, use_container_width=True)
    if disliked:
        st.markdown(f"**{esc(say('report.disliked'))}**", unsafe_allow_html=True)
        st.markdown("\n".join(f"- {esc(d.given_at[:10])} · {esc(d.question)}"
                              + (f" — “{esc(d.comment)}”" if d.comment else "") for d in disliked[:50]),
                    unsafe_allow_html=True)
    st.download_button(say("report.download"), as_csv(gaps, disliked), file_name="unanswered-questions.csv",
                       mime="text/csv", key="gaps_csv")
