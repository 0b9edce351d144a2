"""Back to Work: Datong (复工·大通) — the entry point: set-up and routing only.

Run with ``streamlit run app.py``. Chapters live in ``pages/``; logic in the ``datong`` package.
"""

from datong import routing, site_data

site_data.warm()  # cached: loads and validates the data once per server process
routing.route()
