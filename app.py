"""Back to Work: Datong (复工·大通) — the entry point: the web server, set-up and routing only.

Run with ``streamlit run app.py``. Streamlit imports this file once to find ``app``, the web
server (Streamlit inside :mod:`datong.web.server`'s middleware), whose start-up checks all
the data before the first reader (:mod:`datong.web.readiness`); then it runs this file as each
reader's script, which only routes. Chapters live in ``pages/``; logic in the ``datong`` package.
"""

import streamlit as st

from datong.web import routing

if routing.in_a_script_run():
    routing.route()
else:
    from datong.web import errors, server

    app = st.App(
        __file__, middleware=server.middleware(st.get_option("server.baseUrlPath")), lifespan=server.lifespan,
        on_script_error=errors.on_script_error,
    )  # fmt: skip
