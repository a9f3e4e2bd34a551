"""The Key points page: the documents' attributed sentences, grouped by kind, each cited and shown
in its document; a link a team lead can send a newcomer (…/key-points)."""

import streamlit as st

from retrieval import by_document, cite, grouped, key_points, key_points_export, say, wording
from ui import filters
from ui.html import esc, label, section_html
from ui.live_engine import get_live
from ui.page_behaviour import behave


def _draw_group(engine, docs: dict, title: str, members) -> None:
    """One group of a document's key points ("What was recommended"), each cited and shown in place."""
    st.subheader(label(say("points.group", title=title, count=len(members))), anchor=False)
    for p in members:
        sentence = p.passage.sentences[p.sentence_index]
        c = cite(p.passage, docs.get(p.passage.doc_id), sentence.page)
        who = sentence.attribution.label
        st.markdown(f'<div class="point">{esc(sentence.text)}'
                    + (f'<span class="who"> — {esc(who)}</span>' if who else "")
                    + f'</div><div class="cite">{esc(say("answer.source", citation=c.label))}</div>',
                    unsafe_allow_html=True)
        with st.expander(say("answer.show_in_document")):
            st.markdown(f'<p><b>{esc(p.passage.section or say("answer.title_block"))}</b></p>'
                        + section_html(engine, p.passage.doc_id, p.passage.section, p.passage.paragraph_overall),
                        unsafe_allow_html=True)


engine = get_live().current
with st.sidebar:
    chosen = filters.draw(engine)

st.title(say("points.title"), anchor=False)
points = key_points(engine.passages, speakers=chosen.speakers, agreements=chosen.agreements,
                    documents=chosen.documents)
docs = {d["id"]: d for d in engine.documents}
scope = wording.filter_label({k: sorted(v) for k, v in (("speaker", chosen.speakers),
                                                       ("agreement", chosen.agreements)) if v})
st.caption(label(say("points.intro")) + (" " + label(say("points.scope", scope=scope)) if scope else ""))
if not points:
    st.info(label(say("points.none_filtered" if scope else "points.none")))
else:
    left, right = st.columns(2)
    left.download_button(say("points.download.markdown"), key_points_export(points, docs, markdown=True),
                         file_name="key-points.md", mime="text/markdown", key="points_md")
    right.download_button(say("points.download.text"), key_points_export(points, docs, markdown=False),
                          file_name="key-points.txt", mime="text/plain", key="points_txt")
    parts = by_document(points)
    for doc_id, mine in parts:
        if len(parts) > 1:  # a library: each document's points under its own title
            st.header(label(docs.get(doc_id, {}).get("title") or mine[0].passage.doc_title), anchor=False)
        for title, members in grouped(mine):
            _draw_group(engine, docs, title, members)
behave(False, "points")
