"""Which of Streamlit's script chunks a chart needs, so a chapter with charts can ask for them early.

Streamlit's front end loads its chart component (and Vega, about 1 MB of script) only when the
first chart arrives over the websocket, after the page has loaded, connected and run. A page
that names those chunks in ``<link rel="modulepreload">`` fetches and compiles them while it
connects instead. The names are hashed per Streamlit build, so they are read from the build
itself (``index.html`` and its entry script's dependency map), once per process. Where the build
does not read as expected, nothing is preloaded: the page works as before, only not sooner.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

CHART_COMPONENT = "ArrowVegaLiteChart"  # the front-end component behind st.vega_lite_chart
_SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,120}\.js")


def chart_chunks_in(static: Path) -> tuple[str, ...]:
    """The script files under ``static/js`` the chart component loads that ``index.html`` does not
    already preload, in the build's order; () where the build is not laid out as expected."""
    try:
        index = (static / "index.html").read_text(encoding="utf-8")
        entry = re.search(r'<script type="module"[^>]*src="\./static/js/([^"]+)"', index)
        if entry is None:
            return ()
        loaded = {entry.group(1), *re.findall(r'rel="modulepreload"[^>]*href="\./static/js/([^"]+)"', index)}
        main = (static / "static" / "js" / entry.group(1)).read_text(encoding="utf-8")
    except OSError:
        return ()
    table = re.search(r"m\.f\|\|\(m\.f=\[([^\]]*)\]", main)  # Vite's list of every lazy chunk's files
    lazy = re.search(rf"import\(`\./({CHART_COMPONENT}\.[^`]+\.js)`\)[^,]{{0,40}},__vite__mapDeps\(\[([\d,]+)\]\)", main)
    if table is None or lazy is None:
        return ()
    files = re.findall(r'"\./([^"]+)"', table.group(1))
    try:
        needed = [files[int(i)] for i in lazy.group(2).split(",")]
    except IndexError:
        return ()
    chunks = [name for name in dict.fromkeys(needed) if name not in loaded]
    if not all(_SAFE_NAME.fullmatch(name) and (static / "static" / "js" / name).is_file() for name in chunks):
        return ()
    return tuple(chunks)


@cache
def chart_chunks() -> tuple[str, ...]:
    """:func:`chart_chunks_in` for the Streamlit that serves this process."""
    from streamlit.file_util import get_static_dir

    return chart_chunks_in(Path(get_static_dir()))


def preload_links(chunks: tuple[str, ...]) -> str:
    """The ``<link rel="modulepreload">`` elements for ``chunks``, as Streamlit writes its own."""
    return "".join(f'<link rel="modulepreload" crossorigin href="./static/js/{name}">' for name in chunks)
