"""The baseline of bench/load.py and bench/browser.py: a bare Streamlit page with one heading.

The benches copy this file into a temporary folder and serve it from there, once with
Streamlit's defaults (no config file: what any peer Streamlit app gets) and once beside a copy
of the site's ``.streamlit/config.toml`` (the floor for that config).
"""

import streamlit as st

st.title("Baseline")
