"""Back to Work: Datong (复工·大通) — the entry point: the web server, set-up and routing only.

Run with ``streamlit run app.py``. Streamlit imports this file once to find ``app``, the web
server (Streamlit plus :mod:`datong.web.server`'s redirect for nested addresses), and then runs
it as each reader's script, which only loads the cached data and routes. Chapters live in
``pages/``; logic in the ``datong`` package.
"""

import streamlit as st
from starlette.middleware import Middleware

from datong.web import routing, server, site_data

if routing.in_a_script_run():
    site_data.warm()  # cached: loads and validates the data once per server process
    routing.route()
else:
    app = st.App(__file__, middleware=[Middleware(server.NestedPathRedirect, base_url_path=st.get_option("server.baseUrlPath"))])
