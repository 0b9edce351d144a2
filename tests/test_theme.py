"""The theme is registered once, and its colours meet WCAG contrast against the background."""

from __future__ import annotations

import altair as alt
import pytest

from datong import theme
from datong.theme import BACKGROUND, contrast_ratio, relative_luminance


def test_the_datong_theme_is_registered_and_enabled():
    assert "datong" in alt.theme.names()
    assert alt.theme.active == "datong"


def test_charts_carry_the_theme_config_white_background_and_cjk_font_stack():
    config = alt.Chart().mark_point().to_dict()["config"]
    assert config["background"] == "#FFFFFF"
    for family in ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", "sans-serif"):
        assert family in config["font"]


@pytest.mark.parametrize(("colour", "luminance"), [("#000000", 0.0), ("#FFFFFF", 1.0), ("#fff", 1.0), ("#808080", 0.2159)])
def test_relative_luminance_follows_wcag(colour, luminance):
    assert relative_luminance(colour) == pytest.approx(luminance, abs=1e-4)


@pytest.mark.parametrize(("a", "b", "ratio"), [("#000000", "#FFFFFF", 21.0), ("#FFFFFF", "#000000", 21.0), ("#777777", "#777777", 1.0), ("#767676", "#FFFFFF", 4.54)])
def test_contrast_ratio_follows_wcag_in_either_order(a, b, ratio):
    assert contrast_ratio(a, b) == pytest.approx(ratio, abs=0.01)


def test_a_malformed_colour_is_refused():
    with pytest.raises(ValueError):
        relative_luminance("#12345")


# The contrast of what the charts draw (text on its backdrop, mark outlines) and of the
# server's interface colours is tested from the specs and the config: tests/test_chart_contrast.py.


def _mark_colours_in(spec: object) -> set[str]:
    """Every fill and stroke colour a chart spec draws marks with (gradient stops included)."""
    from datong.charts import spec_nodes

    found = set()
    for node in spec_nodes(spec):
        for key in ("fill", "stroke", "color"):
            value = node.get(key)
            if isinstance(value, str) and value.startswith("#"):
                found.add(value.upper())
    return found


def test_charts_site_wide_draw_with_at_most_three_mark_colours_each_with_one_meaning():
    from test_charts import make_texts

    from datong.charts import CHAPTERS_WITH_CHARTS, chapter_charts, whatif_chart
    from datong.web.site_data import figures

    drawn = set()
    for lang in ("en", "zh-Hans"):
        for chapter in CHAPTERS_WITH_CHARTS:
            for block in chapter_charts(chapter, figures(), make_texts(lang)):
                for chart in (block.chart, *block.panels):
                    drawn |= _mark_colours_in(chart.to_dict())
        drawn |= _mark_colours_in(whatif_chart(figures(), make_texts(lang), 95.0).to_dict())
    neutral = {theme.BACKGROUND, theme.TEXT, theme.MUTED_TEXT, theme.DERIVED_TEXT, theme.GRID}
    tints = {theme.DERIVED_TINT, theme.REMAINDER_TINT, theme.HYPOTHETICAL_TINT}
    marks = drawn - {c.upper() for c in neutral | tints}
    assert marks == {c.upper() for c in theme.MARK_COLOURS.values()}
    assert len(theme.MARK_COLOURS) == len(set(theme.MARK_COLOURS.values())) == len(theme.MEANINGS) == 3


def test_roles_that_share_a_colour_differ_by_their_dash():
    assert theme.LOWER_BOUND == theme.REPORTED and theme.HYPOTHETICAL == theme.DERIVED
    dashes = [theme.DASH_DERIVED, theme.DASH_LOWER_BOUND, theme.DASH_HYPOTHETICAL, theme.DASH_UNIT]
    assert len({tuple(d) for d in dashes}) == len(dashes)


def test_the_palette_is_an_okabe_ito_subset_for_colour_blind_readers():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    assert {theme.REPORTED, theme.DERIVED} <= okabe_ito


def test_the_interface_accent_is_neutral_not_a_data_colour():
    import tomllib

    from datong import paths

    with open(paths.ROOT / ".streamlit" / "config.toml", "rb") as handle:
        config = tomllib.load(handle)
    accent = config["theme"]["primaryColor"].upper()
    red, green, blue = (int(accent[i : i + 2], 16) for i in (1, 3, 5))
    assert max(red, green, blue) - min(red, green, blue) <= 16  # a grey: no hue
    assert accent not in {c.upper() for c in theme.MARK_COLOURS.values()}
    assert contrast_ratio(accent, BACKGROUND) >= 4.5
    assert config["client"]["toolbarMode"] == "minimal"


def test_unit_squares_tell_their_kinds_apart_without_colour_and_stay_countable():
    from datong.charts import STYLES

    def look(style: dict) -> tuple:
        fill = "filled" if style["fill"] == style["stroke"] else "hollow" if style["fill"] == theme.BACKGROUND else "tinted"
        return fill, tuple(style["strokeDash"])

    kinds = ("reported", "not_resumed", "derived", "hypothetical")  # what one unit chart can mix
    assert len({look(STYLES[kind]) for kind in kinds}) == len(kinds)
    assert look(STYLES["not_resumed"]) == ("hollow", tuple(theme.DASH_UNIT))  # not back at work, and derived
    assert STYLES["derived"]["strokeDash"] == theme.DASH_UNIT and sum(theme.DASH_UNIT) <= 6 < sum(theme.DASH_DERIVED)
    dash, gap = theme.DASH_UNIT
    assert dash > gap and theme.DASH_HYPOTHETICAL[0] < theme.DASH_HYPOTHETICAL[1]  # dashes and dots


def test_english_charts_use_the_pages_body_font_first_and_chinese_ones_cjk_fonts_of_their_script():
    from test_charts import make_texts

    from datong.charts import chapter_charts
    from datong.web.site_data import figures

    for lang in ("en", "zh-Hans", "zh-Hant"):
        spec = chapter_charts("departments", figures(), make_texts(lang))[0].chart.to_dict()
        fonts = {spec["config"]["font"], spec["config"]["axis"]["labelFont"], spec["config"]["axis"]["titleFont"]}
        assert fonts == {theme.font_for(lang)}
    assert theme.font_for("en").startswith('"Source Sans"') and theme.font_for("en").endswith(theme.FONT)
    assert theme.font_for("zh-Hans").startswith('"Noto Sans CJK SC"')
    assert theme.font_for("zh-Hant").startswith('"Noto Sans CJK TC"') and "SC" not in theme.font_for("zh-Hant")
