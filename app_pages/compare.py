"""The Compare page (``/compare?a=…&b=…``): what changed between two versions of a text, paragraph
by paragraph, each side cited; the address holds the two documents, so it opens the same
comparison for whoever it is sent to. Draws only: the comparison is the engine's."""

import streamlit as st

from retrieval import CompareAsk, comparison_document, ComparisonReply, say, short_name, Targets, wording
from ui.compare_view import rows_html
from ui.html import esc, label as md_label
from ui.live_engine import get_live
from ui.page_behaviour import behave

engine = get_live().current
versions = engine.versions
documents = {d["id"]: d for d in engine.documents}
ids = list(documents)

st.title(say("compare.title"), anchor=False)
st.caption(md_label(say("compare.intro")))

params = st.query_params
asked = [versions.find_document(params.get(k, "")) if params.get(k) else None for k in ("a", "b")]
unknown = [params.get(k) for k, found in zip(("a", "b"), asked) if params.get(k) and found is None]
if unknown:
    st.warning(md_label(say("compare.unknown", names=", ".join(unknown))))
if all(asked):
    asked = list(versions.in_order(*asked)) if asked[0] != asked[1] else asked
families = versions.families
default = asked if all(asked) else (families[0][-2:] if families else ids[:2])


def label(doc_id: str) -> str:
    meta = documents.get(doc_id, {})
    symbol = short_name(meta)
    title = (meta.get("facts") or {}).get("title") or meta.get("title") or doc_id
    return symbol if symbol == title else f"{symbol} — {title}"


if len(ids) < 2:
    st.info(md_label(say("compare.one_document")))
    behave(False, "compare")
    st.stop()

if families:
    with st.expander(say("compare.families", count=len(families)), expanded=not all(asked)):
        for fam in families:
            st.markdown(esc(" → ".join(short_name(documents[d]) for d in fam)) + " · "
                        + esc((documents[fam[-1]].get("facts") or {}).get("title") or documents[fam[-1]]["title"]))
            st.page_link("app_pages/compare.py", label=md_label(say("compare.family_link",
                                                                 older=short_name(documents[fam[-2]]),
                                                                 newer=short_name(documents[fam[-1]]))),
                         query_params={"a": fam[-2], "b": fam[-1]})

# The address decides what is shown when it names two documents (a link followed, a page reloaded);
# after that, the choices made here (and the address follows them).
state = st.session_state
if all(asked) and state.get("compare_applied") != tuple(asked):
    state["compare_a"], state["compare_b"] = asked
    state["compare_applied"] = tuple(asked)
for key, doc_id in (("compare_a", default[0]), ("compare_b", default[1])):
    if state.get(key) not in documents:
        state[key] = doc_id
left, right = st.columns(2)
with left:
    a = st.selectbox(say("compare.older"), ids, format_func=label, key="compare_a")
with right:
    b = st.selectbox(say("compare.newer"), ids, format_func=label, key="compare_b")
if a == b:
    st.info(md_label(say("compare.same")))
    behave(False, "compare")
    st.stop()
a, b = versions.in_order(a, b)
if (params.get("a"), params.get("b")) != (a, b):
    st.query_params.update({"a": a, "b": b})  # the address says what is shown
state["compare_applied"] = (a, b)

comparison = versions.compare(a, b)
every = st.toggle(say("compare.every"), key="compare_all")
rows = tuple(comparison.pairs if every else comparison.by_substance())
reply = ComparisonReply(CompareAsk("changes"), Targets(a, b), comparison, rows)
st.markdown(f"**{esc(wording.comparison_reply(reply, documents))}**", unsafe_allow_html=True)
for older, doc_id in ((True, a), (False, b)):
    meta = documents[doc_id]
    side = say("compare.side.older" if older else "compare.side.newer", title=meta["title"])
    st.caption(md_label(side + (f" · {wording.un_facts_line(meta.get('facts'))}" if meta.get("facts") else "")))
st.markdown(rows_html(rows, comparison.a_label, comparison.b_label), unsafe_allow_html=True)

name = f"compare-{a}-{b}".replace("/", "_")
c1, c2 = st.columns(2)
c1.download_button(say("compare.download.markdown"), comparison_document(reply, documents, markdown=True),
                   file_name=f"{name}.md", mime="text/markdown", key="compare_md")
c2.download_button(say("compare.download.text"), comparison_document(reply, documents, markdown=False),
                   file_name=f"{name}.txt", mime="text/plain", key="compare_txt")
behave(False, "compare")
