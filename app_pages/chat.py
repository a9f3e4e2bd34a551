"""The Chat page: the question box, the conversation, and in the sidebar what a question needs
(filters, settings, downloads)."""

from dataclasses import replace

import streamlit as st

from retrieval import (
    conversation_export, Exchange, format_date, keep_question_vector, keep_recent, MAX_QUESTION_CHARS,
    QuestionError, respond, say
)
from ui import filters
from ui.answer_view import ask_next, render_exchange
from ui.documents import document_card, welcome_questions
from ui.html import esc, label as md_label
from ui.live_engine import get_live, get_record, log
from ui.page_behaviour import behave

live = get_live()
engine = live.current
state = st.session_state
state.setdefault("exchanges", [])
state.setdefault("export_passages", False)
state.setdefault("top_k", engine.settings.top_k)
state.setdefault("show_scores", False)
many = len(engine.documents) > 1
doc = document_card(engine)

st.title(say("chat.title.many", count=len(engine.documents)) if many else say("chat.title.one"), anchor=False)
first_visit = not state.get("page_set_up")  # the focus once per visit: never taken from the reader again
state.page_set_up = True
if state.get("notice"):
    st.success(md_label(state.pop("notice")))
# One placeholder whatever the library holds: a widget whose label changes is a new widget,
# and a question typed while another session adds a document would be lost.
prompt = st.chat_input(say("chat.placeholder"), key="question")
exact = False
linked = filters.take_from_link(engine)  # before the filters are drawn: the link sets them
if linked is not None:
    prompt = linked
elif state.get("pending"):
    (prompt, exact), state.pending = state.pending, None

with st.sidebar:
    chosen = filters.draw(engine)

if prompt is not None:
    # What is kept and redrawn is capped like what is searched: a huge paste cannot grow the page.
    shown = prompt if len(prompt) <= MAX_QUESTION_CHARS else prompt[:MAX_QUESTION_CHARS] + " …"
    try:
        ex = respond(engine, prompt, state.exchanges, state.top_k, chosen.documents, exact=exact,
                     speakers=chosen.speakers, agreements=chosen.agreements)
    except QuestionError as exc:
        ex = Exchange(prompt, "help", text=str(exc))
    except Exception as exc:  # keep the chat alive whatever the engine raised
        log.exception("search failed")
        ex = Exchange(prompt, "error", text=say("chat.search_failed", error=exc.__class__.__name__))
    record_id = None
    # Questions only: not small talk, not "about" the last answer, not "more" (which continues a
    # search, so it has shown more results than its own).
    if ex.answer is not None and ex.kind in ("answer", "refusal", "comparison") and ex.shown <= len(ex.answer.results):
        searched = sorted(chosen.documents) if chosen.documents else [d["id"] for d in engine.documents]
        record_id = get_record().answer(ex.searched_as or shown, ex.answer, searched)
        if record_id is not None:
            keep_question_vector(get_record(), engine.embedder.name, engine.embedder.encode, ex.searched_as or shown,
                                 ex.answer.confidence, ex.answer.missing)
    state.exchanges = keep_recent(state.exchanges + [replace(ex, question=shown, record_id=record_id)])
    state.asked = state.get("asked", 0) + 1

with st.sidebar:
    st.subheader(say("chat.settings"))
    st.slider(say("chat.results"), 1, 8, key="top_k")
    st.toggle(say("chat.show_scores"), key="show_scores")
    if st.button(say("chat.clear"), key="clear", use_container_width=True):
        state.exchanges = []
    st.toggle(say("chat.export_passages"), key="export_passages")
    for markdown, label, name, mime in ((True, say("chat.download.markdown"), "conversation.md", "text/markdown"),
                                        (False, say("chat.download.text"), "conversation.txt", "text/plain")):
        st.download_button(label, conversation_export(state.exchanges, markdown=markdown,
                                                      passages=state.export_passages),
                           file_name=name, mime=mime, key="download" if markdown else "download_text",
                           use_container_width=True, disabled=not state.exchanges)

if not state.exchanges:
    if many:
        st.markdown(esc(say("chat.welcome.many", count=len(engine.documents))), unsafe_allow_html=True)
        st.markdown("\n".join(f"- **{esc(d['title'])}**" + "".join(f" · {esc(x)}" for x in (
            d.get("author"), format_date(d.get("date"))) if x) for d in engine.documents), unsafe_allow_html=True)
        st.page_link("app_pages/key_points.py", label=md_label(say("chat.welcome.key_points.many")),
                     icon=":material/format_list_bulleted:")
    else:
        st.markdown(
            f"{esc(say('chat.welcome.one'))} **{esc(doc.get('title', ''))}**"
            + (esc(say("chat.welcome.one.by", author=doc["author"])) if doc.get("author") else "")
            + (f", {esc(doc['place'])}" if doc.get("place") else "")
            + (f", {esc(format_date(doc.get('date')))}" if doc.get("date") else "")
            + esc(say("chat.welcome.one.end")),
            unsafe_allow_html=True,
        )
        st.markdown(f"**{esc(say('chat.welcome.sections'))}** " + " · ".join(esc(s) for s in engine.sections()),
                    unsafe_allow_html=True)
        st.page_link("app_pages/key_points.py",
                     label=md_label(say("chat.welcome.key_points.one")),
                     icon=":material/format_list_bulleted:")
    st.markdown(f"**{esc(say('chat.welcome.try'))}**", unsafe_allow_html=True)
    for i, q in enumerate(welcome_questions(engine)):
        st.button(md_label(q), key=f"suggest_{i}", on_click=ask_next, args=(q,))

# One container per exchange, in reading order, filled newest first: the browser shows the new
# answer as soon as it is drawn, while the earlier (unchanged) exchanges are resent into the
# places they already hold, so nothing on screen moves or blinks.
link_base = str(st.context.url or "/")
boxes = [st.container() for _ in state.exchanges]
for n, (box, ex) in reversed(list(enumerate(zip(boxes, state.exchanges)))):
    with box:
        render_exchange(engine, ex, state.show_scores, key=str(n), link_base=link_base)
behave(first_visit, "chat", asked=state.get("asked", 0), last=len(state.exchanges))
