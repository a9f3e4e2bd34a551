"""Streamlit entry point: declares the pages (Chat, Key points, Library, Compare) and starts the one that
was asked for. Each page is a small module in `app_pages/` that only draws; the parts they share
are in `ui/`; every search and library change is done by `retrieval`.

`make run` starts it through `ui.server`, which loads the search engine before the first visitor.
"""

import streamlit as st

from retrieval import say

from ui import filters, roles
from ui.html import STYLE
from ui.live_engine import get_live, log, show_engine_log

show_engine_log()
st.set_page_config(page_title=say("app.title"), page_icon="🌍", layout="centered")
st.markdown(STYLE, unsafe_allow_html=True)

# Re-assigned on every run so that a filter or setting chosen on one page holds on the others.
for key in filters.KEPT:
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]

roles.note_session_rights()  # before any page: the upload endpoint asks who may add

page = st.navigation([
    st.Page("app_pages/chat.py", title=say("app.page.chat"), icon=":material/chat:", default=True),
    st.Page("app_pages/key_points.py", title=say("app.page.key_points"), icon=":material/format_list_bulleted:", url_path="key-points"),
    st.Page("app_pages/library.py", title=say("app.page.library"), icon=":material/library_books:", url_path="library"),
    st.Page("app_pages/compare.py", title=say("app.page.compare"), icon=":material/compare_arrows:", url_path="compare"),
])
try:
    get_live()
except Exception:  # the page explains without a traceback or server paths; the log has them
    log.exception("the search engine could not start")
    st.error(say("app.engine_failed"))
    st.stop()
page.run()
