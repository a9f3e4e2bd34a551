"""How one exchange of the chat is drawn: the question, then the answer box with its citation
(the paragraph folded under "Show in document"), the closest passages, or a refusal.

Each Streamlit element is a message resent on every rerun, so an answer is drawn as few elements
as possible: that keeps rerunning a long conversation cheap.
"""

from __future__ import annotations

import streamlit as st

from retrieval import Engine, Exchange, say, topic_hint, wording
from ui.compare_view import rows_html
from ui.html import answer_link, copy_link_html, esc, label, result_html, section_html
from ui.live_engine import get_record

LINKED = ("answer", "partial", "refusal", "comparison")  # kinds of exchange a link can ask again


def ask_next(question: str, exact: bool = False) -> None:
    """Ask this question on the next run; ``exact``: as typed, without spelling correction."""
    st.session_state.pending = (question, exact)


def searched(engine: Engine, answer: dict) -> list[str]:
    """The documents an answer searched that are still in the library."""
    chosen = (answer.get("filters") or {}).get("document") or [d["id"] for d in engine.documents]
    present = {d["id"] for d in engine.documents}
    return [d for d in chosen if d in present]


def missing_html(missing: list[str], documents: int) -> str:
    """'The document doesn't mention <i>a</i>, <i>b</i> or <i>c</i>.' (escaped)."""
    # Each term stands in as a marker, so the sentence is escaped once and the terms italicised; a
    # private-use character, since esc takes control characters out (#33) and no term keeps one.
    marker = "\ue000"
    words = esc(wording.missing_sentence([marker] * len(missing), documents))
    for term in missing:
        words = words.replace(marker, f"<i>{esc(term.replace(marker, ''))}</i>", 1)
    return words


def render_partial(answer: dict, show_scores: bool, documents: int, link: str) -> None:
    """Closest passages, plainly marked as possibly not answering: no answer box."""
    missing = answer.get("missing") or []
    note = (f"<b>{esc(say('answer.partial.lead'))}</b> — {esc(say('answer.partial.rest'))} "
            f"{missing_html(missing, documents)}" if missing else
            f"<b>{esc(say('answer.uncertain.lead'))}</b> — {esc(say('answer.uncertain.rest'))}")
    st.markdown(f'<div class="partial">{note}</div>'
                + "".join(f'<div class="more">{result_html(r, show_scores)}</div>' for r in answer["results"])
                + link, unsafe_allow_html=True)


def render_refusal(engine: Engine, answer: dict, link: str) -> None:
    """What was searched, what it covers, and a hint drawn from its own headings."""
    scope = wording.filter_label(answer.get("filters"))
    if scope:  # the filter is why: say so, and how to widen it
        control = "\ue000"  # the control's name in italics, placed into the escaped sentence
        rest = esc(say("answer.filtered_out.rest", control=control)).replace(
            control, f"<i>{esc(say('answer.filtered_out.control'))}</i>")
        st.markdown(f'<div class="refusal"><b>{esc(say("answer.filtered_out.lead", scope=scope))}</b> {rest}</div>'
                    f"{link}", unsafe_allow_html=True)
        return
    chosen = searched(engine, answer)
    titles = {d["id"]: d["title"] for d in engine.documents}
    many = len(chosen) > 1
    if not chosen:  # asked of documents removed since: the words stand, the contents are gone
        st.markdown(f'<div class="refusal"><b>{esc(wording.refusal(2))}</b></div><p>{esc(say("answer.removed_since"))}'
                    f"</p>{link}", unsafe_allow_html=True)
        return
    headings = [h for d in chosen for h in engine.sections(d)]
    covers = "; ".join((f"{esc(titles[d])}: " if many else "")
                       + ", ".join(f"<i>{esc(s)}</i>" for s in engine.sections(d)) for d in chosen)
    searched_in = ("<p>" + esc(say("answer.searched_in", titles="; ".join(titles[d] for d in chosen))) + "</p>"
                   if (answer.get("filters") or {}).get("document") else "")
    hint = topic_hint(headings)
    st.markdown(f'<div class="refusal"><b>{esc(wording.refusal(len(chosen)))}</b> '
                f'{esc(wording.refusal_detail(answer.get("missing") or (), len(chosen)))}</div>{searched_in}'
                + (f"<p>{esc(say('answer.covers', sections=chr(0xE000))).replace(chr(0xE000), covers)}</p>"
                   if covers else "")
                + (f'<div class="hint">{esc(hint)}</div>' if hint else "") + link, unsafe_allow_html=True)


def offered_html(offered: list[dict], question: str, link_base: str) -> str:
    """The other documents a reference fitted, each a link (new tab) asking ``question`` there."""
    if not link_base:
        return f'<div class="offered">{esc(wording.offered_line(offered))}</div>'
    links = "; ".join(
        f'<a href="{esc(answer_link(link_base, question, {"document": [d["id"]]}))}" target="_blank" rel="noopener" '
        f'title="{esc(say("scope.offered.link_title"))}">{esc(d["title"])}</a>' for d in offered[:6])
    said = say("scope.offered", titles="\x00")
    before, after = said.split("\x00")
    return f'<div class="offered">{esc(before)}{links}{"; …" if len(offered) > 6 else ""}{esc(after)}</div>'


def render_assistant(engine: Engine, ex: Exchange, show_scores: bool, key: str = "", link_base: str = "") -> None:
    kind = ex.kind
    if kind == "error":
        st.error(ex.text)
        return
    if kind in ("help", "more-none"):
        st.markdown(esc(ex.text))
        return
    answer = ex.answer.to_dict()
    state = "refusal" if kind == "refusal" else answer.get("confidence")
    linked = bool(link_base) and kind in LINKED
    link = copy_link_html(answer_link(link_base, ex.searched_as or ex.question, answer.get("filters"))) if linked else ""
    if kind == "refusal":
        render_refusal(engine, answer, f'<div class="cite">{link}</div>' if link else "")
        return
    scope = None if answer.get("named_documents") else wording.filter_label(answer.get("filters"))
    if answer.get("note"):
        st.caption(label(answer["note"]))
    if scope:
        st.caption(label(scope))
    still_there = searched(engine, answer)
    named = [d for d in engine.documents if d["id"] in answer.get("named_documents", [])]
    named_line = wording.scope_line(named, answer.get("not_in_library", []), answer.get("paragraph"),
                                    answer.get("paragraph_missing"))
    if named_line:  # the question named its document: said in one line, before the answers
        st.caption(label(named_line))
    elif (answer.get("filters") or {}).get("document") and still_there:
        titles = {d["id"]: d["title"] for d in engine.documents}
        st.caption(label(say("answer.searched_in", titles="; ".join(titles[i] for i in still_there))))
    if ex.text:  # "more" says what it continues; "Who said that?" answers in words first
        st.markdown(esc(ex.text), unsafe_allow_html=True)
    if kind == "about":  # about the answer just above: one line pointing to it, nothing redrawn
        return
    offered = [d for i in answer.get("offered", []) for d in engine.documents if d["id"] == i]
    if offered:  # the reference fitted several: the others, each a link asking the same question there
        st.markdown(offered_html(offered, ex.searched_as or ex.question, link_base), unsafe_allow_html=True)
    if kind == "comparison":
        render_comparison(ex.answer.comparison, link)
        return
    if answer.get("corrected") and kind == "answer":
        st.caption(f"{label(say('answer.showing_results_for'))} **{label(answer['searched_as'] or answer['corrected'])}**")
        st.button(label(say("answer.search_instead", question=ex.question)), key=f"exact_{key}", on_click=ask_next,
                  args=(ex.question, True), type="tertiary")
    elif answer.get("searched_as") and kind == "answer" and not ex.text:
        st.caption(label(say("answer.searched_as", question=answer["searched_as"])))  # what the user typed
    if state == "partial":
        render_partial(answer, show_scores, max(1, len(still_there)),
                       f'<div class="cite">{link}</div>' if link else "")
        return
    results = answer["results"]
    top = results[0]
    who = (top["citation"].get("attribution") or {}).get("label")
    said_by = f'<span class="who"> — {esc(who)}</span>' if who else ""
    # One copy of each text: the sentence in the box, its citation, and its paragraph (with the
    # rest of the section) folded under "Show in document".
    score = f'<div class="score">{esc(say("answer.score", score=top["score"]))}</div>' if show_scores else ""
    st.markdown(f'<div class="answer">{esc(top["highlight"])}{said_by}</div>'
                f'<div class="cite">{esc(say("answer.source", citation=top["citation"]["label"]))}{link}</div>{score}',
                unsafe_allow_html=True)
    c = top["citation"]
    with st.expander(say("answer.show_in_document")):
        st.markdown(f'<p><b>{esc(c["section"] or say("answer.title_block"))}</b></p>'
                    + section_html(engine, c["document"], c["section"], c["paragraph_overall"]),
                    unsafe_allow_html=True)
        if c.get("page") and is_pdf(engine, c["document"]):
            render_page(engine, c["document"], c["page"], top["highlight"], key)
    if top.get("also_in"):  # the same text in other versions, one click away
        with st.expander(wording.also_in_title(len(top["also_in"]))):
            st.markdown("".join(f'<div class="cite">{esc(a["label"])}</div>' for a in top["also_in"]),
                        unsafe_allow_html=True)
    if len(results) > 1:
        with st.expander(say("answer.more_results", count=len(results) - 1)):
            st.markdown("".join(f'<div class="more">{result_html(r, show_scores)}</div>' for r in results[1:]),
                        unsafe_allow_html=True)


def render_comparison(reply, link: str) -> None:
    """A comparison's differences, most substantive first (the first ten open, the rest folded),
    and a link to the Compare page with the whole alignment."""
    c = reply.comparison
    if c is None:
        return
    rows = list(reply.rows)
    st.markdown(rows_html(rows[:10], c.a_label, c.b_label) + (f'<div class="cite">{link}</div>' if link else ""),
                unsafe_allow_html=True)
    if len(rows) > 10:
        with st.expander(say("answer.more_differences", count=len(rows) - 10)):
            st.markdown(rows_html(rows[10:], c.a_label, c.b_label), unsafe_allow_html=True)
    st.page_link("app_pages/compare.py", label=say("answer.open_comparison"), icon=":material/compare_arrows:",
                 query_params={"a": c.a, "b": c.b})


def is_pdf(engine: Engine, doc_id: str) -> bool:
    return any(d["id"] == doc_id and str(d.get("file", "")).lower().endswith(".pdf") for d in engine.documents)


def render_page(engine: Engine, doc_id: str, page: int, sentence: str, key: str) -> None:
    """The printed page beside the text, on request (an image is heavy to resend on every rerun)."""
    if not st.toggle(say("answer.page_toggle", page=page), key=f"page_{key}"):
        return
    try:
        view = engine.page_view(doc_id, page, sentence)
        if view is not None:
            st.image(view.png, caption=say("answer.page_marked" if view.marked else "answer.page_unmarked",
                                           page=view.page))
    except Exception as exc:  # a damaged, vanished or oversized file costs only the picture
        st.caption(label(say("answer.page_failed", error=exc.__class__.__name__)))


def give_feedback(record_id: int) -> None:
    """👍 or 👎 on a recorded answer (st.feedback's 1 or 0): kept, or changed if given before."""
    state = st.session_state
    value = state.get(f"fb_{record_id}")
    given = state.setdefault("feedback_ids", {})
    if value is None:
        return
    rating = 1 if value == 1 else -1
    if record_id in given:
        get_record().rerate(given[record_id], rating)
    else:
        given[record_id] = get_record().feedback(record_id, rating)


def give_comment(record_id: int) -> None:
    feedback_id = st.session_state.get("feedback_ids", {}).get(record_id)
    text = st.session_state.get(f"fbc_{record_id}") or ""
    if feedback_id is not None and text.strip():
        get_record().comment(feedback_id, text)
        st.session_state.setdefault("commented", set()).add(record_id)


@st.fragment
def render_feedback(record_id: int) -> None:
    """👍 / 👎 under an answer; after a 👎, an optional line on what was wrong. A fragment: a click
    reruns only this, not the whole conversation (with many sessions at once, that is the cost)."""
    st.feedback("thumbs", key=f"fb_{record_id}", on_change=give_feedback, args=(record_id,))
    state = st.session_state
    if state.get(f"fb_{record_id}") == 0:
        st.text_input(say("answer.feedback.what_was_wrong"), key=f"fbc_{record_id}",
                      on_change=give_comment, args=(record_id,), max_chars=1000)
    if state.get(f"fb_{record_id}") is not None and record_id in state.get("feedback_ids", {}):
        # Said, so a person knows it counted (and a rating the record could not keep is not hidden).
        if state.feedback_ids[record_id] is None:
            st.caption(say("answer.feedback.not_kept"))
        elif record_id in state.get("commented", ()):
            st.caption(say("answer.feedback.kept_with_note"))
        else:
            st.caption(say("answer.feedback.kept"))


def render_exchange(engine: Engine, ex: Exchange, show_scores: bool, key: str, link_base: str = "") -> None:
    with st.chat_message("user"):
        st.markdown(esc(ex.question), unsafe_allow_html=True)
    with st.chat_message("assistant"):
        render_assistant(engine, ex, show_scores, key, link_base)
        if ex.record_id is not None and get_record().enabled:
            render_feedback(ex.record_id)
