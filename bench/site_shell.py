"""Second baseline for bench_pages.py: the site's own shell around an empty chapter.

Everything ``app.py`` does for any chapter runs (language, navigation, the switcher, the
``<html lang>`` script, the source line); the chapter itself is replaced by its heading. A
chapter's ratio to this says what the chapter adds to the part every page pays.
"""

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from datong.web import routing, site_data


def heading_only(page: StreamlitPage) -> None:
    st.title(page.title, anchor=False)


site_data.warm()
run_chapter = StreamlitPage.run
StreamlitPage.run = heading_only
try:
    routing.route()
finally:
    StreamlitPage.run = run_chapter  # the chapters timed in the same process run for real
