"""Streamlit chat over the corpus: UI only; all search and conversation logic is in `retrieval`."""

from __future__ import annotations

import functools
from dataclasses import replace
import logging
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import streamlit as st

_log = logging.getLogger("retrieval")
if not _log.handlers:  # the engine says when it loads a model or rebuilds the index
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _log.addHandler(_handler)
    _log.setLevel(logging.INFO)

from retrieval import wording
from retrieval.attribution import AGREEMENTS, SPEAKERS
from retrieval.citation import cite, format_date
from retrieval.config import MAX_QUESTION_CHARS, Settings
from retrieval.conversation import Exchange, keep_recent, respond
from retrieval.key_points import grouped, key_points
from retrieval.transcript import conversation_export, key_points_export
from retrieval.engine import Engine, QuestionError
from retrieval.formats import SUPPORTED_SUFFIXES, IngestError
from retrieval.writer import LibraryBusy
from retrieval.live import LiveEngine

SUGGESTED = [
    "Do migrants take jobs from native workers?",
    "What did panellists say about remittances?",
    "Which groups of migrants need better protection?",
    "How can xenophobia be countered?",
    "What should happen to the Global Forum on Migration and Development?",
]

st.set_page_config(page_title="Ask the panel summary", page_icon="🌍", layout="centered")
st.markdown(
    """<style>
    .answer {font-size:1.15rem; line-height:1.55; border-left:4px solid #1f6feb; padding:.4rem .8rem;
             background:#f3f7ff; border-radius:4px; margin-bottom:.3rem;}
    .who {color:#1f4fb0; font-size:.95rem; font-style:italic; white-space:nowrap;}
    .cite {color:#444; font-size:.88rem; margin:.2rem 0 .6rem 0;}
    .passage {color:#333; line-height:1.5;}
    .passage mark, .docpara.cited {background:#fff3b0;}
    .docpara {padding:.3rem .5rem; margin:.3rem 0; border-radius:4px;}
    .docpara.cited {border-left:4px solid #e0a800;}
    .page {color:#888; font-size:.8rem; margin-right:.4rem;}
    .score, .hint {color:#777; font-size:.8rem;}
    .more {margin-bottom:.8rem;}
    .point {line-height:1.5; border-left:4px solid #1f6feb; padding:.2rem .7rem; margin-top:.6rem;}
    .partial {border-left:4px solid #b26a00; background:#fff8ec; padding:.4rem .8rem; border-radius:4px;
              margin-bottom:.5rem;}
    </style>""",
    unsafe_allow_html=True,
)


_ESCAPES = {ch: f"&#{ord(ch)};" for ch in "&<>\"'\\`*_{}[]()#+-.!|~$:"}


@functools.lru_cache(maxsize=8192)  # the history re-renders the same texts on every rerun
def esc(text: str) -> str:
    """Escape text for st.markdown(unsafe_allow_html=True): HTML and Markdown are shown literally."""
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def load_engine() -> Engine:
    engine = Engine.load(Settings.from_env())
    engine.speller.warm()  # once per server, not on a visitor's first misspelt question
    return engine


@st.cache_resource(show_spinner="Loading the models and the index (the first start builds the index)…")
def get_live() -> LiveEngine:
    """One engine for every session; a new document is indexed in the background meanwhile."""
    return LiveEngine(load_engine)


def document_card(engine: Engine) -> dict:
    """The document a one-document library is about (the shipped one when there are several)."""
    shipped = [d for d in engine.documents if d["id"] in engine.protected]
    return (shipped or engine.documents or [{"title": "the corpus"}])[0]


@functools.lru_cache(maxsize=256)  # drawn on every rerun
def document_facts(engine: Engine, doc_id: str) -> str:
    """'PDF · 3 pages · 2 sections · 5 passages' for the library."""
    doc = next(d for d in engine.documents if d["id"] == doc_id)
    own = [p for p in engine.passages if p.doc_id == doc_id]
    kind = Path(doc.get("file", "")).suffix.lstrip(".").upper() or "text"
    pages = max((p.page_end or 0 for p in own), default=0)
    parts = [kind] + ([f"{pages} page{'s' * (pages != 1)}"] if pages else [])
    sections = len(engine.sections(doc["id"]))
    parts += [f"{sections} section{'s' * (sections != 1)}", f"{len(own)} passage{'s' * (len(own) != 1)}"]
    return " · ".join(parts)


def suggested_questions(engine: Engine) -> list[str]:
    """The panel's five hand-written questions, and for every other document two from its headings."""
    questions = list(SUGGESTED) if engine.protected else []
    for doc in engine.documents:
        if doc["id"] in engine.protected:
            continue
        for heading in engine.sections(doc["id"])[:2]:
            questions.append(f"What does {doc['title']} say about {heading[:1].lower() + heading[1:]}?")
    return questions[:8]


def remove_from_library(live: LiveEngine, doc_id: str) -> None:
    try:
        title = live.remove(doc_id)
        st.session_state.notice = f"Removed {title}."
    except (IngestError, LibraryBusy) as exc:
        st.session_state.upload_error = wording.failure_reason(exc)
    st.session_state.pop("confirm_remove", None)


def marked_passage(result: dict) -> str:
    text, (a, b) = result["text"], result["highlight_span"]
    return f'<div class="passage">{esc(text[:a])}<mark>{esc(text[a:b])}</mark>{esc(text[b:])}</div>'


@functools.lru_cache(maxsize=256)  # the same sections are drawn on every rerun
def section_html(engine: Engine, doc_id: str, section: str | None, cited: int | None = None) -> str:
    """A section's paragraphs with page numbers; the cited paragraph (overall number) marked."""
    parts = []
    for p in engine.passages:
        if p.doc_id != doc_id or p.section != section:
            continue
        if p.page_start is None:  # formats without pages (Word, Markdown)
            pages = ""
        else:
            pages = (f"p. {p.page_start}" if p.page_start == p.page_end else f"pp. {p.page_start}–{p.page_end}") + " · "
        cls = "docpara cited" if p.paragraph_overall == cited else "docpara"
        parts.append(f'<div class="{cls}" data-para="{p.paragraph_overall}"><span class="page">'
                     f'{esc(pages)}para. {p.paragraph}</span>{esc(p.text)}</div>')
    return "\n".join(parts)


def result_html(result: dict, show_scores: bool) -> str:
    """A result's passage with its sentence marked, then its citation (and score when asked)."""
    score = f'<div class="score">score {result["score"]:.3f}</div>' if show_scores else ""
    return (marked_passage(result) + f'<div class="cite">Source: {esc(result["citation"]["label"])}</div>'
            + score)


# Each Streamlit element is a message resent on every rerun, so an answer is drawn as few
# elements as possible: that keeps rerunning a long conversation cheap.
def missing_sentence(missing: list[str]) -> str:
    """'The document doesn't mention <i>a</i>, <i>b</i> or <i>c</i>.' (escaped)."""
    names = [f"<i>{esc(m)}</i>" for m in missing]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"The document doesn&#39;t mention {listed}&#46;"


def render_partial(answer: dict, show_scores: bool) -> None:
    """Closest passages, plainly marked as possibly not answering: no answer box."""
    note = (f'<b>Closest passages</b> — these may not answer the question&#46; {missing_sentence(answer["missing"])}'
            if answer.get("missing") else "<b>The closest passages</b> — they may not answer this exactly&#46;")
    st.markdown(f'<div class="partial">{note}</div>'
                + "".join(f'<div class="more">{result_html(r, show_scores)}</div>' for r in answer["results"]),
                unsafe_allow_html=True)


def render_assistant(engine: Engine, ex: Exchange, show_scores: bool, key: str = "") -> None:
    kind = ex.kind
    if kind == "error":
        st.error(ex.text)
        return
    if kind in ("help", "more-none"):
        st.markdown(esc(ex.text))
        return
    answer = ex.answer.to_dict()
    scope = wording.filter_label(answer.get("filters"))
    if kind == "refusal":
        chosen = (answer.get("filters") or {}).get("document") or [d["id"] for d in engine.documents]
        many = len(chosen) > 1
        titles = {d["id"]: d["title"] for d in engine.documents}
        sections = "; ".join((f"{esc(titles.get(d, d))}: " if many else "")
                             + ", ".join(f"<i>{esc(s)}</i>" for s in engine.sections(d)) for d in chosen)
        if scope:  # the filter is why: say so, and how to widen it
            st.markdown(f'<div class="refusal"><b>{esc(scope)}: nothing answers this.</b> The chosen speakers '
                        "did not say anything close enough&#46; Set <i>Who said it</i> back to anyone to search "
                        "the whole document&#46;</div>", unsafe_allow_html=True)
            return
        searched_in = ("<p>Searched in: " + esc("; ".join(titles.get(d, d) for d in chosen)) + "</p>"
                       if (answer.get("filters") or {}).get("document") else "")
        st.markdown(f'<div class="refusal"><b>{esc(wording.REFUSAL)}</b> {esc(wording.refusal_detail(answer.get("missing") or ()))}'
                    f'</div>{searched_in}<p>It covers: {sections}.</p><div class="hint">Try '
                    "rephrasing with the document&#39;s topics, e&#46;g&#46; remittances, labour mobility, "
                    "migrant rights&#46;</div>", unsafe_allow_html=True)
        return
    if answer.get("note"):
        st.caption(esc(answer["note"]))
    if scope:
        st.caption(esc(scope))
    if answer.get("filters", {}) and answer["filters"].get("document"):
        titles = {d["id"]: d["title"] for d in engine.documents}
        st.caption("Searched in: " + esc("; ".join(titles.get(i, i) for i in answer["filters"]["document"])))
    if ex.text:  # "more" says what it continues; "Who said that?" answers in words first
        st.markdown(esc(ex.text), unsafe_allow_html=True)
    if kind == "about":  # about the answer just above: one line pointing to it, nothing redrawn
        return
    if answer.get("corrected") and kind == "answer":
        st.caption(f"Showing results for: **{esc(answer['searched_as'] or answer['corrected'])}**")
        st.button(f"Search instead for: {ex.question}", key=f"exact_{key}", on_click=queue,
                  args=(ex.question, True), type="tertiary")
    elif answer.get("searched_as") and kind == "answer" and not ex.text:
        st.caption(f"Searched as: {esc(answer['searched_as'])}")  # it holds what the user typed
    if answer.get("confidence") == "partial":
        render_partial(answer, show_scores)
        return
    results = answer["results"]
    top = results[0]
    who = (top["citation"].get("attribution") or {}).get("label")
    said_by = f'<span class="who"> — {esc(who)}</span>' if who else ""
    # One copy of each text: the sentence in the box, its citation, and its paragraph (with the
    # rest of the section) folded under "Show in document".
    score = f'<div class="score">score {top["score"]:.3f}</div>' if show_scores else ""
    st.markdown(f'<div class="answer">{esc(top["highlight"])}{said_by}</div>'
                f'<div class="cite">Source: {esc(top["citation"]["label"])}</div>{score}', unsafe_allow_html=True)
    c = top["citation"]
    with st.expander("Show in document"):
        st.markdown(f'<p><b>{esc(c["section"] or "Title block")}</b></p>'
                    + section_html(engine, c["document"], c["section"], c["paragraph_overall"]),
                    unsafe_allow_html=True)
    if len(results) > 1:
        with st.expander(f"More results ({len(results) - 1})"):
            st.markdown("".join(f'<div class="more">{result_html(r, show_scores)}</div>' for r in results[1:]),
                        unsafe_allow_html=True)


def render_exchange(engine: Engine, ex: Exchange, show_scores: bool, key: str) -> None:
    with st.chat_message("user"):
        st.markdown(esc(ex.question), unsafe_allow_html=True)
    with st.chat_message("assistant"):
        render_assistant(engine, ex, show_scores, key)


def add_uploaded(live: LiveEngine, name: str, data: bytes, replace: bool = False) -> None:
    """Check an uploaded file (the same gate as `python -m retrieval add`) and index it in the
    background; the person who added it sees how it went."""
    state = st.session_state
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("upload" + Path(name).suffix.lower()[:10])  # the name as sent may be unsafe
        path.write_bytes(data)
        try:
            state.my_jobs.append(live.add(path, name, replace=replace))
            state.pop("replace_offer", None)
        except IngestError as exc:
            message = str(exc)
            if "replacing it must be asked for" in message:
                state.replace_offer = (name, data)
            else:
                state.upload_error = message
        except OSError:
            _log.exception("adding %s failed", name)
            state.upload_error = f"{name}: the server could not store the file; nothing was added"


@st.fragment(run_every=2)
def indexing_status(live: LiveEngine) -> None:
    """What became of this session's additions; polls while one is being indexed."""
    jobs = st.session_state.my_jobs
    for job in jobs:
        if job.state == "indexing":
            st.info(f"Indexing {esc(job.file_name)}… answers come from the current library until it is ready.")
        elif job.state == "ready":
            st.success(f"Added {esc(job.doc_id)}.")
        else:
            st.error(f"Could not add {esc(job.file_name)}: {esc(job.reason)}")
    if st.session_state.get("shown_states") != [j.state for j in jobs]:
        first = "shown_states" not in st.session_state
        st.session_state.shown_states = [j.state for j in jobs]
        if not first and not live.busy:
            st.rerun(scope="app")  # the new library: sidebar, filter, welcome


def queue(question: str, exact: bool = False) -> None:
    """Ask this question on the next run; ``exact``: as typed, without spelling correction."""
    st.session_state.pending = (question, exact)


# What the page does in the browser that Streamlit does not (a v2 component: its script runs in
# the page itself, no iframe):
# - on a new visit the question box takes the focus and comes right after the "Skip to main
#   content" link in the tab order, and the page stays at its top (a phone otherwise opens
#   scrolled to the box);
# - after each new question, the question's top is brought to the top of the screen, so its
#   answer is read from its start on a phone or a short window (the page otherwise stays where it
#   was, showing an older answer);
# - a new view (Key points) opens at its top;
# - an expander that opens ("Show in document", "More results") keeps its own top in view.
PAGE_BEHAVIOUR_JS = """
export default function (component) {
  const data = component.data || {};
  const doc = document;
  const scrollers = () => [doc.scrollingElement, ...doc.querySelectorAll(
    '[data-testid="stAppScrollToBottomContainer"], [data-testid="stMain"]')].filter(Boolean);
  // A wheel turn upwards first: the chat's stick-to-bottom scrolling lets go only when the reader
  // scrolls up (a position set from a script alone is pulled back to the bottom as content grows).
  const letGo = () => scrollers().forEach((el) => el.dispatchEvent(new WheelEvent("wheel", {deltaY: -120, bubbles: true})));
  const toTop = () => { letGo(); scrollers().forEach((el) => { el.scrollTop = 0; }); };
  // Gone from the page (another view drawn): nothing to hold, and no wheel turn to close a menu.
  const bringUp = (element) => {
    if (!element.isConnected) return false;
    letGo();
    element.scrollIntoView({block: "start"});
  };
  // Streamlit's chat keeps its scroll at the bottom while content is drawn: hold a position for
  // a moment, until the drawing is over or the reader scrolls, types, touches or clicks.
  const hold = (place, ms) => {
    let stop = false;
    const cancel = (event) => { if (event.isTrusted) stop = true; };
    ["wheel", "touchstart", "keydown", "pointerdown"].forEach((e) => doc.addEventListener(e, cancel, {capture: true}));
    const started = Date.now();
    const tick = () => { if (stop || place() === false) return; if (Date.now() - started < ms) setTimeout(tick, 100); };
    tick();
  };
  if (!window.__pageBehaviour) {
    window.__pageBehaviour = {asked: -1, view: null};
    doc.addEventListener("toggle", (event) => {
      const details = event.target;
      if (details.tagName === "DETAILS" && details.open) {
        hold(() => bringUp(details), 3000);  // it animates open, and the chat may pull to the bottom
      }
    }, true);
  }
  const state = window.__pageBehaviour;
  let tries = 0;
  function run() {
    if (data.focus) {
      const box = doc.querySelector('[data-testid="stChatInputTextArea"]');
      if (!box) { if (tries++ < 100) setTimeout(run, 100); return; }
      const skip = doc.querySelector('a[href="#stMain"]');
      if (skip) skip.setAttribute("tabindex", "1");
      box.setAttribute("tabindex", "2");
      box.focus({preventScroll: true});
      hold(toTop, 600);  // on a new page the top matters, not the question box at the bottom
      data.focus = false;
    }
    if (data.view !== state.view) {
      state.view = data.view;
      if (data.view === "points") { hold(toTop, 1500); return; }
    }
    if (data.asked > 0 && data.asked !== state.asked) {
      const messages = doc.querySelectorAll('[data-testid="stChatMessage"]');
      const question = messages[2 * (data.last - 1)];
      if (!question) { if (tries++ < 100) setTimeout(run, 50); return; }
      state.asked = data.asked;
      hold(() => bringUp(question), 1500);
    }
  }
  run();
}
"""
page_behaviour = st.components.v2.component("page_behaviour", js=PAGE_BEHAVIOUR_JS)


def show_points() -> None:
    st.session_state.view = "points"


def show_chat() -> None:
    st.session_state.view = "chat"


def render_key_points(engine: Engine, documents: set[str] | None, speakers: set[str] | None,
                      agreements: set[str] | None) -> None:
    """The document's attributed sentences, grouped by kind, each cited and shown in the document."""
    st.button("← Back to the chat", key="back_to_chat", on_click=show_chat)
    st.header("Key points")
    points = key_points(engine.passages, speakers=speakers, agreements=agreements, documents=documents)
    docs = {d["id"]: d for d in engine.documents}
    scope = wording.filter_label({k: sorted(v) for k, v in (("speaker", speakers), ("agreement", agreements)) if v})
    st.caption("The document's own sentences that say who said them, grouped by kind; each is cited."
               + (f" {esc(scope)}." if scope else ""))
    if not points:
        st.info("No attributed statements match these filters." if scope else
                "This document has no attributed statements: it does not say who said what.")
        return
    left, right = st.columns(2)
    left.download_button("Download key points (Markdown)", key_points_export(points, docs, markdown=True),
                         file_name="key-points.md", mime="text/markdown", key="points_md")
    right.download_button("Download key points (text)", key_points_export(points, docs, markdown=False),
                          file_name="key-points.txt", mime="text/plain", key="points_txt")
    for title, members in grouped(points):
        st.subheader(f"{title} ({len(members)})")
        for p in members:
            sentence = p.passage.sentences[p.sentence_index]
            c = cite(p.passage, docs.get(p.passage.doc_id), sentence.page)
            who = sentence.attribution.label
            st.markdown(f'<div class="point">{esc(sentence.text)}'
                        + (f'<span class="who"> — {esc(who)}</span>' if who else "")
                        + f'</div><div class="cite">Source: {esc(c.label)}</div>', unsafe_allow_html=True)
            with st.expander("Show in document"):
                st.markdown(f'<p><b>{esc(p.passage.section or "Title block")}</b></p>'
                            + section_html(engine, p.passage.doc_id, p.passage.section, p.passage.paragraph_overall),
                            unsafe_allow_html=True)


def main() -> None:
    try:
        live = get_live()
    except Exception:  # the page explains without a traceback or server paths; the log has them
        _log.exception("the search engine could not start")
        st.error("The search engine could not start. Whoever runs this server can find the reason in its log.")
        st.stop()
    engine = live.current
    state = st.session_state
    state.setdefault("my_jobs", [])
    state.setdefault("exchanges", [])
    state.setdefault("export_passages", False)
    state.setdefault("top_k", engine.settings.top_k)
    state.setdefault("show_scores", False)
    doc = document_card(engine)
    sections = engine.sections()

    many = len(engine.documents) > 1
    st.title(f"Ask {len(engine.documents)} documents" if many else "Ask the panel summary")
    first_visit = not state.get("page_set_up")  # the focus once per visit: never taken from the reader again
    state.page_set_up = True
    if state.get("notice"):
        st.success(esc(state.pop("notice")))
    # One placeholder whatever the library holds: a widget whose label changes is a new widget,
    # and a question typed while another session adds a document would be lost.
    prompt = st.chat_input("Ask a question…", key="question")
    exact = False
    if state.get("pending"):
        (prompt, exact), state.pending = state.pending, None

    speakers = {state.speaker_filter} if state.get("speaker_filter", "anyone") != "anyone" else None
    agreements = {state.agreement_filter} if state.get("agreement_filter", "any") != "any" else None
    if prompt is not None:
        state.view = "chat"
        # What is kept and redrawn is capped like what is searched: a huge paste cannot grow the page.
        shown = prompt if len(prompt) <= MAX_QUESTION_CHARS else prompt[:MAX_QUESTION_CHARS] + " …"
        try:
            chosen = set(state.get("doc_filter") or []) or None
            ex = respond(engine, prompt, state.exchanges, state.top_k, chosen, exact=exact,
                         speakers=speakers, agreements=agreements)
        except QuestionError as exc:
            ex = Exchange(prompt, "help", text=str(exc))
        except Exception as exc:  # keep the chat alive whatever the engine raised
            _log.exception("search failed")
            ex = Exchange(prompt, "error", text=f"Sorry, something went wrong while searching "
                                                f"({exc.__class__.__name__}). Please try again or rephrase.")
        state.exchanges = keep_recent(state.exchanges + [replace(ex, question=shown)])
        state.asked = state.get("asked", 0) + 1

    with st.sidebar:
        if not many:
            st.header("The document")
            st.markdown(f"**{esc(doc.get('title', ''))}**", unsafe_allow_html=True)
            meta = [doc.get("author"), doc.get("place"), format_date(doc.get("date"))]
            st.caption(" · ".join(esc(x) for x in meta if x))
            st.subheader("Contents")
            for s in sections:
                with st.expander(s):
                    st.markdown(section_html(engine, doc.get("id"), s), unsafe_allow_html=True)
        else:
            st.header("Library")
            st.caption("Shared by everyone using this server.")
            for d in engine.documents:
                with st.expander(d["title"]):
                    st.caption(esc(document_facts(engine, d["id"])))
                    st.markdown("".join(f"<p><b>{esc(s)}</b></p>" + section_html(engine, d["id"], s)
                                        for s in engine.sections(d["id"])), unsafe_allow_html=True)
                    if d["id"] in engine.protected:
                        st.caption("Shipped with this chat: it cannot be removed here.")
                    elif state.get("confirm_remove") == d["id"]:
                        st.warning(f"Remove {esc(d['title'])} for everyone?")
                        st.button("Yes, remove it", key=f"remove_yes_{d['id']}", on_click=remove_from_library,
                                  args=(live, d["id"]))
                    else:
                        st.button("Remove from the library", key=f"remove_{d['id']}",
                                  on_click=lambda i=d["id"]: state.update(confirm_remove=i))
            titles = {d["id"]: d["title"] for d in engine.documents}
            st.multiselect("Search only in", list(titles), format_func=titles.get, key="doc_filter",
                           placeholder="All documents")
        upload = st.file_uploader("Add a document (shared with everyone using this server)", type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
                                  key="upload")
        if upload is not None and state.get("uploaded") != upload.file_id:
            state.uploaded = upload.file_id
            add_uploaded(live, upload.name, upload.getvalue())
        if state.get("upload_error"):
            st.error(esc(state.pop("upload_error")))
        if state.get("replace_offer"):
            name, data = state.replace_offer
            st.warning(f"A document named {esc(Path(name).stem)} is already in the library.")
            if st.button(f"Replace it with {name}", key="confirm_replace"):
                add_uploaded(live, name, data, replace=True)
                st.rerun()
        if state.my_jobs:
            indexing_status(live)
        st.subheader("Who said it")
        st.selectbox("Speaker", ["anyone", *SPEAKERS], key="speaker_filter",
                     help="Answer only from what these speakers said")
        st.selectbox("Agreement", ["any", *AGREEMENTS], key="agreement_filter",
                     help="Answer only from statements with this strength of agreement")
        st.button("Key points", key="open_points", on_click=show_points, use_container_width=True,
                  help="What was agreed, called for, cautioned and concluded, in the document's words")
        st.subheader("Settings")
        st.slider("Number of results", 1, 8, key="top_k")
        st.toggle("Show scores", key="show_scores")
        if st.button("Clear conversation", key="clear", use_container_width=True):
            state.exchanges = []
        st.toggle("Include passages in the download", key="export_passages")
        for markdown, label, name, mime in ((True, "Download conversation (Markdown)", "conversation.md", "text/markdown"),
                                            (False, "Download conversation (text)", "conversation.txt", "text/plain")):
            st.download_button(label, conversation_export(state.exchanges, markdown=markdown,
                                                          passages=state.export_passages),
                               file_name=name, mime=mime, key="download" if markdown else "download_text",
                               use_container_width=True, disabled=not state.exchanges)

    if state.get("view") == "points":
        render_key_points(engine, set(state.get("doc_filter") or []) or None, speakers, agreements)
        behave(first_visit, "points")
        return

    if not state.exchanges and many:
        st.markdown(f"This chat answers from {len(engine.documents)} documents, shared by everyone using this "
                    "server. Every answer is a sentence of a document itself, with its citation:")
        st.markdown("\n".join(f"- **{esc(d['title'])}**" + "".join(f" · {esc(x)}" for x in (
            d.get("author"), format_date(d.get("date"))) if x) for d in engine.documents), unsafe_allow_html=True)
        st.button("Read the key points: what was agreed, called for and cautioned", key="welcome_points",
                  on_click=show_points)
        st.markdown("**Try a question:**")
        for i, q in enumerate(suggested_questions(engine)):
            st.button(q, key=f"suggest_{i}", on_click=queue, args=(q,))
    elif not state.exchanges:
        st.markdown(
            f"This chat answers from one document only: **{esc(doc.get('title', ''))}**, "
            f"a summary by the {esc(doc.get('author') or 'author')} of a panel held in "
            f"{esc(doc.get('place') or '')} on {esc(format_date(doc.get('date')) or '')}. "
            "Every answer is a sentence of the document itself, with its section, paragraph and page.",
            unsafe_allow_html=True,
        )
        st.markdown("**Sections:** " + " · ".join(esc(s) for s in sections), unsafe_allow_html=True)
        st.button("New to the subject? Read the key points: what was agreed, called for and cautioned",
                  key="welcome_points", on_click=show_points)
        st.markdown("**Try a question:**")
        for i, q in enumerate(SUGGESTED):
            st.button(q, key=f"suggest_{i}", on_click=queue, args=(q,))

    # One container per exchange, in reading order, filled newest first: the browser shows the new
    # answer as soon as it is drawn, while the earlier (unchanged) exchanges are resent into the
    # places they already hold, so nothing on screen moves or blinks.
    boxes = [st.container() for _ in state.exchanges]
    for n, (box, ex) in reversed(list(enumerate(zip(boxes, state.exchanges)))):
        with box:
            render_exchange(engine, ex, state.show_scores, key=str(n))
    behave(first_visit, "chat", asked=state.get("asked", 0), last=len(state.exchanges))


def behave(focus: bool, view: str, asked: int = 0, last: int = 0) -> None:
    """Mount the page's browser behaviour (``PAGE_BEHAVIOUR_JS``) with this run's facts: ``asked``
    counts the questions of this visit, so a new one is scrolled to (exchange ``last``)."""
    page_behaviour(data={"focus": focus, "view": view, "asked": asked, "last": last}, key="page_behaviour",
                   height=0)

main()
