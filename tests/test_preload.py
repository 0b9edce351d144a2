"""A chapter with charts asks for Streamlit's chart scripts in its head (issue 9, browser time)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from datong.chapters import CHAPTERS
from datong.i18n import LANGUAGES
from datong.web import preload, site_pages

BASE = "https://example.org/datong"


def static_dir() -> Path:
    from streamlit.file_util import get_static_dir

    return Path(get_static_dir())


def test_the_chart_chunks_are_read_from_the_streamlit_build_and_are_not_preloaded_already():
    chunks = preload.chart_chunks()
    index = (static_dir() / "index.html").read_text(encoding="utf-8")
    assert chunks[0].startswith(preload.CHART_COMPONENT + ".")
    assert any(name.startswith("embed.") for name in chunks)  # Vega itself, the largest of them
    assert len(chunks) == len(set(chunks)) >= 5
    for name in chunks:
        assert (static_dir() / "static" / "js" / name).is_file()
        assert name not in index  # Streamlit's own page preloads its entry chunks; these it does not


@pytest.mark.parametrize(
    "damage",
    ["no index", "no entry script", "no dependency map", "no chart component", "a name that is not a file"],
)
def test_a_build_that_does_not_read_as_expected_preloads_nothing(tmp_path, damage):
    js = tmp_path / "static" / "js"
    js.mkdir(parents=True)
    (js / "ArrowVegaLiteChart.abc.js").write_text("x")
    (js / "embed.def.js").write_text("x")
    index = '<script type="module" crossorigin src="./static/js/index.main.js"></script>'
    main = 'const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["./ArrowVegaLiteChart.abc.js","./embed.def.js"])))=>i.map(i=>d[i]);'
    main += "Kh=(0,U.lazy)(()=>H(()=>import(`./ArrowVegaLiteChart.abc.js`),__vite__mapDeps([0,1]),import.meta.url))"
    if damage == "no entry script":
        index = "<html></html>"
    if damage == "no dependency map":
        main = main.replace("m.f||(m.f=", "m.g||(m.g=")
    if damage == "no chart component":
        main = main.replace("ArrowVegaLiteChart.abc.js`", "Other.abc.js`")
    if damage == "a name that is not a file":
        (js / "embed.def.js").unlink()
    if damage != "no index":
        (tmp_path / "index.html").write_text(index)
    (js / "index.main.js").write_text(main)
    assert preload.chart_chunks_in(tmp_path) == ()
    if damage == "a name that is not a file":  # the same build, whole, gives both
        (js / "embed.def.js").write_text("x")
        assert preload.chart_chunks_in(tmp_path) == ("ArrowVegaLiteChart.abc.js", "embed.def.js")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_a_chapter_with_charts_preloads_their_scripts_in_its_head_and_one_without_does_not(chapter, lang):
    html = site_pages.chapter_page(chapter.id, lang, BASE).decode("utf-8")
    head = html[: html.index("</head>")]
    ours = [name for name in re.findall(r'rel="modulepreload" crossorigin href="\./static/js/([^"]+)"', head) if name in preload.chart_chunks()]
    draws_charts = chapter.id in {"officials", "departments", "safety", "firms"}  # the overview asks first
    assert site_pages.charts_on_arrival(chapter) is draws_charts
    assert ours == (list(preload.chart_chunks()) if draws_charts else [])
    assert "modulepreload" not in html[html.index("</head>") :]
