"""Contrast of what the site draws, read from the specs the pages send and the server's config.

Not the theme's constants: every text colour and every mark outline found in the charts of
every chapter and language (as ``site_data`` hands them to the page, and as downloads draw
them), against what it sits on (WCAG 1.4.3: text 4.5:1; 1.4.11: marks 3:1); and the colours
``.streamlit/config.toml`` gives the interface. A colour production stops using drops out of
these tests; one it starts using is checked.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator

import pytest

from datong import paths
from datong.charts import CHAPTERS_WITH_CHARTS, spec_nodes
from datong.i18n import LANGUAGES
from datong.theme import contrast_ratio
from datong.web import site_data

# Config keys that colour text, and the mark types that are text.
TEXT_KEYS = {"color", "subtitleColor", "labelColor", "titleColor"}
TEXT_CONFIG = ("title", "axis", "header", "legend", "text")


def drawn_specs() -> Iterator[tuple[str, dict]]:
    """(name, spec) of every chart a reader can see or download, in every language."""
    for lang in LANGUAGES:
        for chapter in CHAPTERS_WITH_CHARTS:
            for ready in site_data.chart_blocks(chapter, lang):
                name = f"{lang} {ready.block.id}"
                yield f"{name} (page)", ready.fresh_spec()
                for index, panel in enumerate(ready.fresh_panel_specs()):
                    yield f"{name} panel {index}", panel
                yield f"{name} (download)", ready.block.chart.to_dict()
        yield f"{lang} what-if", site_data.what_if_chart(lang, 95.0).fresh_spec()


SPECS = list(drawn_specs())


def _colour(value: object) -> str | None:
    return value.upper() if isinstance(value, str) and value.startswith("#") else None


def _layers(spec: dict) -> Iterator[list[dict]]:
    """Each group of sibling views (a layer), and each lone view as a group of one."""
    layered: set[int] = set()
    for node in spec_nodes(spec):
        if isinstance(node.get("layer"), list):
            views = [view for view in node["layer"] if isinstance(view, dict)]
            layered.update(id(view) for view in views)
            yield views
        elif isinstance(node.get("mark"), (dict, str)) and id(node) not in layered:
            yield [node]


def _mark(view: dict) -> dict:
    mark = view.get("mark")
    return {"type": mark} if isinstance(mark, str) else dict(mark or {})


def text_on_backdrops(spec: dict) -> list[tuple[str, str]]:
    """(text colour, what it sits on) for every piece of text the chart draws.

    A text mark sits on the chart's background, unless a bar of its layer with the same filter
    is drawn under it (a label inside its bar): then on that bar's fill.
    """
    config = spec.get("config", {})
    background = _colour(config.get("background")) or "#FFFFFF"
    pairs = []
    for part in TEXT_CONFIG:
        for key, value in config.get(part, {}).items():
            if key in TEXT_KEYS and _colour(value):
                pairs.append((_colour(value), background))
    if isinstance(spec.get("title"), dict) and _colour(spec["title"].get("color")):
        pairs.append((_colour(spec["title"]["color"]), background))
    default_text = _colour(config.get("text", {}).get("color")) or _colour(config.get("mark", {}).get("color")) or "#000000"
    for layer in _layers(spec):
        bars = [(view.get("transform"), _colour(_mark(view).get("fill"))) for view in layer if _mark(view).get("type") == "bar"]
        for view in layer:
            mark = _mark(view)
            if mark.get("type") != "text":
                continue
            colour = _colour(mark.get("color")) or _colour(mark.get("fill")) or default_text
            under = [fill for transform, fill in bars if fill and transform and transform == view.get("transform")]
            pairs += [(colour, fill) for fill in under] or [(colour, background)]
    return pairs


def mark_outlines(spec: dict) -> list[str]:
    """The colour that bounds each non-text mark: its stroke, or its fill when it has none."""
    outlines = []
    for node in spec_nodes(spec):
        mark = _mark(node) if "mark" in node else {}
        if not mark.get("type") or mark["type"] in ("text", "rule"):
            continue
        outline = _colour(mark.get("stroke")) or _colour(mark.get("fill")) or _colour(mark.get("color"))
        if outline:
            outlines.append(outline)
    return outlines


def test_the_charts_are_read_from_every_chapter_and_language():
    assert len(SPECS) >= 3 * (len(CHAPTERS_WITH_CHARTS) * 2 + 1)
    assert sum(len(text_on_backdrops(spec)) for _, spec in SPECS) > 100
    assert sum(len(mark_outlines(spec)) for _, spec in SPECS) > 50


@pytest.mark.parametrize(("name", "spec"), SPECS, ids=[name for name, _ in SPECS])
def test_all_chart_text_has_at_least_4_5_to_1_against_what_it_sits_on(name, spec):
    low = [(text, under, round(contrast_ratio(text, under), 2)) for text, under in text_on_backdrops(spec) if contrast_ratio(text, under) < 4.5]
    assert low == []


@pytest.mark.parametrize(("name", "spec"), SPECS, ids=[name for name, _ in SPECS])
def test_every_mark_is_bounded_by_a_colour_with_3_to_1_against_the_background(name, spec):
    background = _colour(spec.get("config", {}).get("background")) or "#FFFFFF"
    low = sorted({(c, round(contrast_ratio(c, background), 2)) for c in mark_outlines(spec) if contrast_ratio(c, background) < 3.0})
    assert low == []


def test_a_white_label_sits_only_inside_a_bar_dark_enough_for_it():
    """The rates chart writes reported rates in white inside their blue bars: found, and readable."""
    inside = [(text, under) for _, spec in SPECS for text, under in text_on_backdrops(spec) if text == "#FFFFFF"]
    assert inside, "no white label found: the test would prove nothing"
    assert all(under != "#FFFFFF" and contrast_ratio(text, under) >= 4.5 for text, under in inside)


def test_the_interface_text_and_links_have_4_5_to_1_on_both_of_the_servers_backgrounds():
    with open(paths.ROOT / ".streamlit" / "config.toml", "rb") as handle:
        theme = tomllib.load(handle)["theme"]
    for foreground in ("textColor", "linkColor", "primaryColor"):
        for background in ("backgroundColor", "secondaryBackgroundColor"):
            if foreground in theme and background in theme:
                assert contrast_ratio(theme[foreground], theme[background]) >= 4.5, (foreground, background)
    assert {"textColor", "backgroundColor"} <= set(theme)
