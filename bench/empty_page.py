"""Baseline for bench_pages.py: the emptiest page Streamlit can run, with a heading."""

import streamlit as st

st.title("Baseline")
