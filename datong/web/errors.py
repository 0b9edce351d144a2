"""What a reader sees when a script run fails: a short notice in their language, never Streamlit's
error box (``st.App(on_script_error=...)`` in ``app.py``).

Readers never trigger this through the page: the data is checked at start-up
(:mod:`datong.web.readiness`). It is met by hand-written websocket messages whose widget
values no widget would send (Streamlit's own deserializers raise on them before the site's code
runs) and by bugs. Streamlit has logged the traceback for the maintainer already; the reader
gets a notice with a stable key (``st-key-script-error``), which the browser tests count as an
error like any other.
"""

from __future__ import annotations

import streamlit as st

FALLBACK = "出错了，请刷新页面。· 出錯了，請重新整理頁面。· Something went wrong. Please reload the page."


def notice_text() -> str:
    """The notice in the session's language, or in all three when that is not known yet."""
    try:
        from datong.i18n import LANGUAGES
        from datong.web import site_data

        lang = st.session_state.get("reader_lang")
        return site_data.texts(lang)("web.script_error") if lang in LANGUAGES else FALLBACK
    except Exception:
        return FALLBACK


def on_script_error(_error: Exception) -> bool:
    """Show the notice instead of the exception; True tells Streamlit not to show its own."""
    try:
        with st.container(key="script-error"):
            st.error(notice_text())
    except Exception:
        return False  # let Streamlit show its redacted box rather than nothing
    return True
