"""A bare page that draws what a chapter draws, element for element, with nothing behind it.

The third baseline of ``bench/load.py`` (bare-e): served beside a copy of the site's config,
asked with a query that counts each element type a chapter's run sent (``?markdown=8&heading=4
&vega_lite_chart=4&blocks=12...``, read from the chapter's own run over the websocket). Each is
drawn with placeholder content; ``blocks`` empty containers stand for the chapter's layout
blocks. What the site costs above this page is its own work (data, text, layout); what this page
costs above the one-heading page is Streamlit's work for that many elements.

A chart's rows are one dataset, an Arrow table built once, as the site passes its charts' data.
Rows given as ``data.values`` go through pandas on every run instead: four such charts cost
5 ms more per new reader than four of these (18.7 against 13.7 ms, one run of 7 rounds), which
had made this floor higher than the site's own path and flattered the site's ratio to it.
"""

import streamlit as st

ENCODING = {"x": {"field": "x", "type": "nominal"}, "y": {"field": "y", "type": "quantitative"}}


@st.cache_resource
def rows():
    """Six rows as an Arrow table, built once, as the site builds its charts' data."""
    import pyarrow as pa

    return pa.table({"x": [f"{i}" for i in range(6)], "y": [i * 3 for i in range(6)]})


def spec() -> dict:
    """A fresh spec each time: Streamlit moves the datasets out of the one it is given."""
    return {"data": {"name": "rows"}, "datasets": {"rows": rows()}, "mark": "bar", "encoding": ENCODING}


TEXT = "A line of placeholder text, about as long as one of the chapter's paragraphs. " * 3
DRAW = {
    "markdown": lambda i: st.markdown(TEXT),
    "heading": lambda i: st.header(f"Heading {i}", anchor=False),
    "html": lambda i: st.html(f"<p>html {i}</p>"),
    "page_link": lambda i: st.page_link(f"https://example.org/{i}", label=f"Link {i}"),
    "button_group": lambda i: st.segmented_control("Choice", ["A", "B", "C"], default="A", key=f"group-{i}"),
    "vega_lite_chart": lambda i: st.vega_lite_chart(spec(), key=f"chart-{i}"),
    "slider": lambda i: st.slider("Slider", 0.0, 1.0, 0.5, key=f"slider-{i}"),
    "button": lambda i: st.button("Button", key=f"button-{i}"),
    "selectbox": lambda i: st.selectbox("Select", ["a", "b", "c"], key=f"select-{i}"),
    "code": lambda i: st.code("x = 1"),
    "download_button": lambda i: st.download_button("Download", b"x,y\n1,2\n", file_name="x.csv", key=f"download-{i}"),
}


def count(name: str) -> int:
    try:
        return max(0, min(200, int(st.query_params.get(name, "0"))))
    except ValueError:
        return 0


for _ in range(count("blocks")):
    st.container()
for kind, draw in DRAW.items():
    for i in range(count(kind)):
        draw(i)
