"""Charts become PNG and SVG files with Chinese drawn in a real font, and the one-page summary
renders in every language with the same content as its text version."""

from __future__ import annotations

import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from test_charts import FIGURES, make_texts

from datong import charts, export, theme
from datong.i18n import LANGUAGES

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CJK = re.compile(r"[\u4e00-\u9fff]")


def word_chart(word: str) -> alt.Chart:
    return alt.Chart(pd.DataFrame({"x": [0], "t": [word]})).mark_text(fontSize=40).encode(text="t:N").properties(width=200, height=60)


def test_a_cjk_font_directory_is_found_and_registered():
    directory = export.ensure_fonts()
    assert directory is not None, "install fonts-wqy-microhei (see tests/run.sh)"
    assert any((directory / name).is_file() for name in export.CJK_FONT_FILES)
    assert export.ensure_fonts() == directory  # once per process


def test_no_font_directory_is_reported_as_none(tmp_path):
    assert export.cjk_font_directory((tmp_path, Path("/nonexistent"))) is None


def test_chinese_is_drawn_in_glyphs_not_boxes():
    # Without a CJK font every character is the same "missing glyph" box, so two different
    # words of the same length render identically; with one, they differ.
    assert export.chart_png(word_chart("大通区")) != export.chart_png(word_chart("复工率"))


def test_a_png_export_is_a_png_and_not_trivial():
    block = charts.chapter_charts("overview", FIGURES, make_texts("zh-Hans"))[0]
    png = export.chart_png(block.chart)
    assert png.startswith(PNG_MAGIC) and len(png) > 5_000


def test_container_width_becomes_a_fixed_width_for_files():
    block = charts.chapter_charts("departments", FIGURES, make_texts("en"))[0]
    assert block.chart.to_dict()["width"] == "container"
    assert export.spec_for_file(block.chart)["width"] == export.EXPORT_WIDTH


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("chapter", charts.CHAPTERS_WITH_CHARTS)
def test_every_chart_exports_to_svg_with_its_title(chapter, lang):
    for block in charts.chapter_charts(chapter, FIGURES, make_texts(lang)):
        svg = export.chart_svg(block.chart)
        assert svg.lstrip().startswith("<svg")
        first_title_line = charts.wrap(block.title, charts.BAR_LABEL_WIDTH, 16)[0]
        assert first_title_line.replace("&", "&amp;").replace("'", "&#39;")[:6] in svg


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_poster_renders_in_every_language(lang):
    png = export.poster_png(FIGURES, make_texts(lang), scale=1)
    assert png.startswith(PNG_MAGIC) and len(png) > 20_000


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_poster_text_has_every_chapters_key_numbers_and_the_source(lang):
    texts = make_texts(lang)
    text = export.poster_text(FIGURES, texts)
    assert texts("site.title") in text and texts("poster.title") in text and texts("poster.source") in text
    assert ("朱慶磊" if lang == "zh-Hant" else "朱庆磊") in text
    for figure in FIGURES.reported:
        assert texts.label(figure) in text, figure.id
    for compact in ("91", "85.8%", "92.3%", "20+", "100+", "500+", "323", "47"):
        assert compact in text
    assert "82.1%" in text
    tag = texts("charts.common.derived_tag").strip()
    assert any(line.startswith("82.1%") and tag in line for line in text.splitlines())
    if lang != "en":
        assert CJK.search(texts("poster.title"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_poster_image_holds_the_same_lines_as_the_text_version(lang):
    texts = make_texts(lang)
    spec = export.poster_chart(FIGURES, texts).to_dict()
    drawn = " ".join(row["text"] for rows in spec["datasets"].values() for row in rows if "text" in row)
    drawn = drawn.replace("\n", "").replace(" ", "")
    for line in export.poster_text(FIGURES, texts).splitlines():
        for part in filter(None, line.removeprefix("## ").split("  ")):
            assert part.replace(" ", "") in drawn, part
    assert spec["description"] == export.poster_text(FIGURES, texts)


def drawn_layers(chart: alt.TopLevelMixin) -> list[tuple[dict, list[dict]]]:
    """(mark, data rows) of each layer of a layered chart; Altair moves data shared by all layers to the top."""
    spec = chart.to_dict()
    return [(layer["mark"], spec["datasets"][layer.get("data", spec.get("data"))["name"]]) for layer in spec["layer"]]


def test_right_aligned_canvas_text_ends_at_its_x_and_wraps_to_the_room_left_of_it():
    canvas = charts.Canvas(width=640)
    height = canvas.text("more than ¥30 million", size=20, bold=True, role="reported_text", x=146, align="right")
    ((mark, rows),) = drawn_layers(canvas.chart(make_texts("en"), "test", clickable=False))
    assert (mark["align"], mark["color"], mark["fontSize"]) == ("right", theme.REPORTED, 20)
    assert rows[0]["x"] == 146 and rows[0]["text"] == "more than\n¥30 million"
    assert height == canvas.y == 2 * round(20 * 1.3)


def test_a_canvas_rule_spans_the_width_and_moves_the_cursor_down_by_its_thickness():
    canvas = charts.Canvas(width=640)
    canvas.gap(10)
    canvas.rule(3)
    canvas.text("The parks", size=16, bold=True)
    (rule, rule_rows), (_, text_rows) = drawn_layers(canvas.chart(make_texts("en"), "test", clickable=False))
    assert (rule["type"], rule["color"]) == ("rect", theme.REPORTED)
    assert rule_rows == [{"x": 0, "x2": 640, "y": 10, "y2": 13}]
    assert text_rows[0]["y"] == 13


def test_poster_numbers_end_before_their_labels_in_the_reported_or_derived_colour():
    numbers = [(mark, rows) for mark, rows in drawn_layers(export.poster_chart(FIGURES, make_texts("en")))
               if mark.get("align") == "right"]  # fmt: skip
    by_colour = {mark["color"]: [row["text"] for row in rows] for mark, rows in numbers}
    assert set(by_colour) == {theme.REPORTED, theme.DERIVED_TEXT}
    assert by_colour[theme.DERIVED_TEXT] == ["82.1%"]
    assert {row["x"] for _, rows in numbers for row in rows} == {export.POSTER_NUMBER_COLUMN - 14}


def test_money_on_the_poster_carries_its_unit():
    assert "¥30 million+  " in export.poster_text(FIGURES, make_texts("en"))  # "+" is explained at its foot
    assert "3000万元  " in export.poster_text(FIGURES, make_texts("zh-Hans"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_rates_chart_and_the_what_if_chart_render(lang):
    texts = make_texts(lang)
    (block,) = [b for b in charts.chapter_charts("overview", FIGURES, texts) if b.id == "overview_rates"]
    assert export.chart_png(block.chart, scale=1).startswith(PNG_MAGIC)
    for rate in (50, 90, 100):
        assert export.chart_svg(charts.whatif_chart(FIGURES, texts, rate)).lstrip().startswith("<svg")
