"""Charts are tested as specs: they build, round-trip through JSON, say what they show in the
reader's language, and carry exactly the figures table's numbers, with lower bounds and derived
figures marked as such."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from datong import charts, paths, theme
from datong.charts import CHAPTERS_WITH_CHARTS, chapter_charts, firms_needed, spec_nodes, whatif_chart
from datong.figures import CHAPTERS, load_figures
from datong.i18n import LANGUAGES, Texts, _flatten, texts_for

FIGURES = load_figures(paths.FIGURES, paths.ARTICLE_HANS)
CJK = re.compile(r"[\u4e00-\u9fff]")


def own_strings(lang: str) -> dict[str, str]:
    with open(paths.TEXT / f"charts.{lang}.toml", "rb") as handle:
        return _flatten(tomllib.load(handle))


def make_texts(lang: str) -> Texts:
    return texts_for(lang, FIGURES)


def build(chapter: str, lang: str, share: bool = False) -> list[charts.ChartBlock]:
    return chapter_charts(chapter, FIGURES, make_texts(lang), share=share)


def data_rows(spec: dict) -> list[dict]:
    """Every data row in a spec: its named datasets and any inline values."""
    rows = [row for values in spec.get("datasets", {}).values() for row in values]
    for node in spec_nodes(spec):
        if isinstance(node.get("data"), dict) and "values" in node["data"]:
            rows.extend(node["data"]["values"])
    return rows


def title_text(spec: dict) -> str:
    title = spec.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else (text or "")


def all_blocks(lang: str, share: bool = False) -> list[charts.ChartBlock]:
    return [block for chapter in CHAPTERS for block in build(chapter, lang, share)]


CASES = [(chapter, lang) for chapter in CHAPTERS_WITH_CHARTS for lang in LANGUAGES]


def case_blocks(chapter: str, lang: str) -> list[charts.ChartBlock]:
    return build(chapter, lang)


def drawn_charts(block: charts.ChartBlock) -> list:
    """Every chart a block draws: the whole one (files) and each panel the page sets in columns."""
    return [block.chart, *block.panels]


@pytest.mark.parametrize(("chapter", "lang"), CASES)
def test_every_chapter_with_figures_has_at_least_one_chart(chapter, lang):
    assert case_blocks(chapter, lang)


@pytest.mark.parametrize("chapter", ["guidance", "source"])
def test_chapters_without_figures_have_no_charts(chapter):
    assert build(chapter, "en") == []


@pytest.mark.parametrize(("chapter", "lang"), CASES)
def test_every_chart_is_a_valid_spec_that_round_trips_through_json(chapter, lang):
    for block in case_blocks(chapter, lang):
        for chart in drawn_charts(block):
            spec = chart.to_dict()  # validates against the Vega-Lite schema
            assert json.loads(json.dumps(spec)) == spec
            assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


@pytest.mark.parametrize(("chapter", "lang"), CASES)
def test_every_chart_has_a_title_and_a_description_in_the_readers_language(chapter, lang):
    for block in case_blocks(chapter, lang):
        spec = block.chart.to_dict()
        title, description = title_text(spec), spec.get("description", "")
        assert title and description and block.alt == description and block.title
        if lang == "en":
            assert not CJK.search(title), title
        else:
            assert CJK.search(title) and CJK.search(description)
        assert "{" not in description and "}" not in description, "an unfilled placeholder"


@pytest.mark.parametrize(("chapter", "lang"), CASES)
def test_data_values_equal_the_figures_table(chapter, lang):
    for block in case_blocks(chapter, lang):
        rows = [row for row in data_rows(block.chart.to_dict()) if row.get("figure_id")]
        assert rows, block.id
        for row in rows:
            figure = FIGURES[row["figure_id"]]
            assert row["value"] == figure.value, (block.id, row["figure_id"])
            assert row["qualifier"] == figure.qualifier and row["unit"] == figure.unit and row["derived"] == figure.derived
            assert row["figure_id"] in block.figure_ids, f"{block.id} draws {row['figure_id']} but does not list it"


@pytest.mark.parametrize(("chapter", "lang"), CASES)
def test_every_listed_figure_is_drawn_and_tabled(chapter, lang):
    for block in case_blocks(chapter, lang):
        drawn = {row.get("figure_id") for row in data_rows(block.chart.to_dict())}
        assert set(block.figure_ids) <= drawn, block.id
        assert len(block.table) == len(block.figure_ids)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reported_figure_appears_in_at_least_one_chart(lang):
    shown = {figure_id for block in all_blocks(lang) for figure_id in block.figure_ids}
    missing = [f.id for f in FIGURES.reported if f.id not in shown]
    assert not missing


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_overview_always_shows_the_rates_the_printed_ones_and_the_derived_one(lang):
    blocks = {block.id: block for block in build("overview", lang)}
    assert list(blocks) == ["overview_parks", "overview_size", "overview_rates"]
    assert [b.id for b in build("overview", lang, share=True)] == list(blocks)  # the old switch changes nothing
    block = blocks["overview_rates"]
    rows = {row["figure_id"]: row for row in data_rows(block.chart.to_dict()) if row.get("figure_id")}
    assert rows["park_resumption_rate"]["display"] == "85.8%"
    assert rows["above_scale_resumption_rate"]["display"] == "92.3%"
    assert rows["below_scale_resumption_rate"]["display"] == "82.1%" and rows["below_scale_resumption_rate"]["derived"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_waffles_draw_one_mark_per_firm(lang):
    blocks = {block.id: block for block in build("overview", lang)}
    rows = data_rows(blocks["overview_parks"].chart.to_dict()) + data_rows(blocks["overview_size"].chart.to_dict())
    squares = [row for row in rows if "style" in row or "fade" in row]
    count = lambda figure_id: sum(1 for row in squares if row["figure_id"] == figure_id)  # noqa: E731
    # the grid plus one sample square in the key beside the label
    assert count("park_firms_resumed") == 91 + 1 and count("park_firms_not_resumed") == 15 + 1
    assert count("above_scale_resumed") == 36 + 1 and count("above_scale_not_resumed") == 3 + 1
    assert count("below_scale_resumed") == 55 + 1 and count("below_scale_not_resumed") == 12 + 1


LOWER_BOUNDS = {f.id for f in FIGURES.reported if f.is_lower_bound}


def test_the_report_has_the_lower_bounds_we_expect():
    assert LOWER_BOUNDS == {"firms_helped_transport_permits", "lesen_staff_back", "fuhua_staff_back", "buruiji_q1_sales"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lower_bounds_show_a_plus_and_qualifier_at_least_in_every_row(lang):
    texts = make_texts(lang)
    seen = set()
    for block in all_blocks(lang):
        for row in data_rows(block.chart.to_dict()):
            if row.get("figure_id") in LOWER_BOUNDS:
                seen.add(row["figure_id"])
                figure = FIGURES[row["figure_id"]]
                # a lower bound reads as one: "20+", or in words where money keeps its unit
                marked = row["display"].endswith("+") or (figure.unit == "yuan_10k" and row["display"] == texts.quantity(figure))
                assert row["qualifier"] == "at_least" and marked, row
                assert row["qualifier_text"] == texts.qualifier(FIGURES[row["figure_id"]])
    assert seen == LOWER_BOUNDS


def bar_layers(spec: dict) -> list[dict]:
    return [layer for layer in spec["layer"] if layer["mark"]["type"] == "bar"]


@pytest.mark.parametrize("chapter", ["departments", "firms"])
def test_a_lower_bound_bar_opens_and_fades_to_the_right_with_a_dotted_outline(chapter):
    spec = build(chapter, "en")[0].chart.to_dict()
    layers = bar_layers(spec)
    filters = [layer.get("transform", [{}])[0].get("filter") for layer in layers]
    assert filters.count("datum.lower_bound") == 2 and filters.count("(!datum.lower_bound)") == 1
    open_end = next(layer for layer in layers if layer["encoding"].get("x2", {}).get("field") == "tail_end")
    assert open_end["transform"] == [{"filter": "datum.lower_bound"}]
    assert open_end["mark"]["fill"]["gradient"] == "linear"
    assert open_end["mark"]["strokeDash"] == theme.DASH_LOWER_BOUND
    rows = {row["figure_id"]: row for row in data_rows(spec) if row.get("figure_id")}
    for row in rows.values():
        assert (row["tail_end"] > row["value"]) == (row["qualifier"] == "at_least")


def test_transport_permits_read_20_plus_never_a_plain_20():
    spec = build("departments", "en")[0].chart.to_dict()
    row = next(r for r in data_rows(spec) if r.get("figure_id") == "firms_helped_transport_permits")
    assert row["display"] == "20+" and row["lower_bound"] is True
    loans = next(r for r in data_rows(spec) if r.get("figure_id") == "firms_loan_survey")
    assert loans["display"] == "20" and loans["lower_bound"] is False


@pytest.mark.parametrize("lang", LANGUAGES)
def test_derived_figures_are_marked_derived_in_words_and_show_their_arithmetic(lang):
    texts = make_texts(lang)
    tag = texts("charts.common.derived_tag").strip()
    spec = {block.id: block for block in build("overview", lang)}["overview_size"].chart.to_dict()
    words = [row["text"] for row in data_rows(spec) if "text" in row]
    below_heading = next(w for w in words if w.startswith(texts("charts.overview_size.below", total="67")[:4]) and "67" in w)
    assert tag in below_heading
    assert any("106 − 39 = 67" in w for w in words) and any("55 ÷ 67 = 82.1%" in w for w in words)
    table = {block.id: block for block in build("overview", lang)}["overview_size"].table
    derived_column = [row[texts("ui.is_derived")] for row in table]
    assert any("106 − 39 = 67" in cell for cell in derived_column)
    assert derived_column.count(texts("ui.derived_no")) == 3  # 39, 36 and 92.3% are printed


@pytest.mark.parametrize("lang", LANGUAGES)
def test_derived_units_are_dashed_and_reported_ones_solid(lang):
    spec = {block.id: block for block in build("overview", lang)}["overview_size"].chart.to_dict()
    for panel in spec["vconcat"]:
        for layer in panel["layer"]:
            if layer["mark"]["type"] != "point":
                continue
            rows = spec["datasets"][layer["data"]["name"]]
            derived = {row["derived"] for row in rows}
            assert len(derived) == 1
            dashed = layer["mark"]["strokeDash"] != [1, 0]
            assert dashed == derived.pop(), layer["mark"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_different_units_never_share_an_axis(lang):
    """Only bar charts have axes; each carries one unit. Unit charts have no axis at all."""
    for block in all_blocks(lang) + build("overview", lang, share=True):
        spec = block.chart.to_dict()
        text = json.dumps({key: value for key, value in spec.items() if key != "config"})
        has_axis = re.search(r'"axis": (?!null)', text) is not None
        units = {row["unit"] for row in data_rows(spec) if row.get("figure_id")}
        if not has_axis:
            continue
        if block.id == "overview_rates":  # shares (percent) on the axis; counts only in tooltips of the rest
            assert '"field": "start"' in text and units == {"percent", "firms"}
            continue
        assert len(units) == 1, (block.id, units)


def test_a_bar_chart_refuses_two_units_on_one_axis():
    with pytest.raises(ValueError, match="one axis"):
        charts._bars(FIGURES, make_texts("en"), "departments_firms", ["firms_helped_staff_return", "jobs_collected"], "charts.departments_firms.axis")


@pytest.mark.parametrize(("chapter", "lang"), CASES)
def test_clickable_marks_share_the_pick_selection_on_figure_id(chapter, lang):
    for block in case_blocks(chapter, lang):
        for chart in drawn_charts(block):
            spec = chart.to_dict()
            (pick,) = [p for p in spec.get("params", []) if p["name"] == "pick"]
            assert pick["select"] == {"type": "point", "fields": ["figure_id"], "on": "click"}
            names = set(re.findall(r'"name": "([^"]+)"', json.dumps(spec)))
            assert pick["views"] and set(pick["views"]) <= names


@pytest.mark.parametrize(("chapter", "lang"), CASES)
def test_tooltips_show_label_value_unit_qualifier_and_as_of(chapter, lang):
    for block in case_blocks(chapter, lang):
        text = json.dumps(block.chart.to_dict())
        for name in ("label", "display", "unit_name", "qualifier_text", "as_of"):
            assert f'"field": "{name}"' in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tables_have_translated_headers_and_one_row_per_figure(lang):
    texts = make_texts(lang)
    for block in all_blocks(lang):
        assert all(isinstance(row, dict) for row in block.table)  # plain rows: serving loads no pandas
        assert next(iter(block.table[0])) == texts("ui.figure")
        assert [row[texts("ui.value")] for row in block.table] == [texts.compact(FIGURES[i]) for i in block.figure_ids]


@pytest.mark.parametrize(("rate", "needed", "more"), [
    (90, 96, 5), (85.8, 91, 0), (50, 53, 0), (0, 0, 0), (100, 106, 15), (85.9, 92, 1), (95, 101, 10),
])  # fmt: skip
def test_firms_needed_for_a_target_rate_of_106_park_firms(rate, needed, more):
    assert firms_needed(rate, 106, 91) == (needed, more)


@pytest.mark.parametrize("rate", [-1, 100.5])
def test_firms_needed_refuses_a_rate_outside_0_to_100(rate):
    with pytest.raises(ValueError):
        firms_needed(rate, 106, 91)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("rate", "more"), [(90, 5), (85.8, 0), (100, 15)])
def test_the_what_if_chart_marks_the_extra_firms_as_hypothetical(lang, rate, more):
    spec = whatif_chart(FIGURES, make_texts(lang), rate).to_dict()
    rows = data_rows(spec)
    hypothetical = [r for r in rows if r.get("hypothetical") and "fade" in r]
    extra = [r for r in hypothetical if r["value"] == more and r["figure_id"] == ""]
    reported = [r for r in rows if r.get("figure_id") == "park_firms_resumed" and "fade" in r]
    assert len(reported) == 91 + 1
    rest = 106 - 91 - more
    keys = 1 + bool(more) + bool(rest)  # one sample square beside each group drawn: reported, extra, not back
    assert len([r for r in rows if "fade" in r]) == 106 + keys
    assert all(r["figure_id"] == "" for r in hypothetical), "hypothetical firms are never passed off as a figure"
    assert (len(extra) >= more) and spec["description"] and str(more) in spec["description"]


def test_wrap_breaks_latin_at_spaces_and_chinese_anywhere():
    assert charts.wrap("more than twenty firms", 60, 10) == ["more than", "twenty", "firms"]
    lines = charts.wrap("帮助办理运输通行证的企业", 50, 10)
    assert "".join(lines) == "帮助办理运输通行证的企业" and all(len(line) <= 5 for line in lines)
    assert not any(line.startswith("，") for line in charts.wrap("大通区，两个工业园区，入驻企业", 30, 10))


@pytest.mark.parametrize(("chapter", "lang"), CASES)
def test_no_label_is_wider_than_a_phone_screen(chapter, lang):
    for block in case_blocks(chapter, lang):
        for chart in drawn_charts(block):
            spec = chart.to_dict()
            room = max(int(w) for w in re.findall(r'"width": (\d+)', json.dumps(spec)) or [charts.CANVAS_WIDTH])
            for row in data_rows(spec):
                for line in str(row.get("text") or row.get("heading") or "").split("\n"):
                    assert charts.text_width(line, row.get("size") or 13) <= min(room, charts.CANVAS_WIDTH) + 1, (block.id, line)
            widths = re.findall(r'"width": (\d+)', json.dumps(spec))
            assert all(int(w) <= 300 for w in widths)


def test_chart_text_files_define_the_same_keys_only_under_charts_and_poster():
    keys = {lang: set(own_strings(lang)) for lang in ("zh-Hans", "en")}
    assert keys["zh-Hans"] == keys["en"]
    assert all(key.split(".")[0] in ("charts", "poster") for key in keys["en"])


def test_every_chart_text_key_the_code_uses_exists():
    source = (paths.ROOT / "datong" / "charts.py").read_text(encoding="utf-8")
    source += (paths.ROOT / "datong" / "export.py").read_text(encoding="utf-8")
    used = {key for key in re.findall(r'"((?:charts|poster)\.[a-z_]+\.[a-z_]+)"', source) if not key.endswith("_")}
    used |= {f"{prefix}{key}" for prefix in re.findall(r'"(charts\.[a-z_]+\.(?:[a-z]+_)?)"\)', source)
             for key in ("key_resumed", "key_not_resumed", "key_rate")}
    used |= {f"charts.{chart_id}.{field}" for chart_id in re.findall(r'\("([a-z_]+)", [a-z_]+_chart,', source) for field in ("title", "description")}
    assert used and used <= set(own_strings("en"))


def _pick_conditions(spec: dict) -> list[dict]:
    return [
        node["opacity"] for node in spec_nodes(spec)
        if isinstance(node.get("opacity"), dict) and node["opacity"].get("condition", {}).get("param") == "pick"
    ]  # fmt: skip


def _marks_with_tooltips(spec: dict) -> list[dict]:
    """Every layer that draws figures (it has a tooltip): the marks a reader can click."""
    return [node for node in spec_nodes(spec) if "mark" in node and "tooltip" in node.get("encoding", {})]


@pytest.mark.parametrize(("chapter", "lang"), CASES)
def test_every_clickable_mark_fades_unless_its_figure_is_picked(chapter, lang):
    """A click highlights its figure: the other figures' marks drop to UNPICKED_OPACITY."""
    for block in case_blocks(chapter, lang):
        for chart in drawn_charts(block):
            spec = chart.to_dict()
            assert [p["name"] for p in spec.get("params", [])] == ["pick"]
            marks = _marks_with_tooltips(spec)
            assert marks
            for layer in marks:
                opacity = layer["encoding"]["opacity"]
                assert opacity["condition"]["param"] == "pick"
                assert opacity["value"] == charts.UNPICKED_OPACITY < 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_chart_without_the_pick_selection_never_refers_to_it(lang):
    """Vega stops drawing a chart whose condition names a selection it does not have."""
    spec = whatif_chart(FIGURES, make_texts(lang), 95.0).to_dict()
    assert "params" not in spec or all(p["name"] != "pick" for p in spec["params"])
    assert _pick_conditions(spec) == []
    assert _marks_with_tooltips(spec)  # it does draw figures, just not clickable ones


def test_curly_quotes_count_as_wide_as_the_cjk_fonts_draw_them():
    assert charts.text_width("“more than”", 10) == 2 * 10 + 9 * 6
    assert charts.text_width("55 ÷ 67", 10) == 7 * 6  # ÷ stays narrow


@pytest.mark.parametrize("lang", LANGUAGES)
def test_blocks_of_several_units_come_as_one_untitled_chart_per_panel_each_naming_its_figure(lang):
    texts = make_texts(lang)
    panelled = {block.id: block for chapter in CHAPTERS_WITH_CHARTS for block in build(chapter, lang) if block.panels}
    assert set(panelled) == {"overview_size", "officials", "safety", "firms_output"}
    for block in panelled.values():
        assert len(block.panels) == len(block.chart.to_dict()["vconcat"])
        for panel in block.panels:
            spec = panel.to_dict()
            assert "title" not in spec  # the block's heading is the one title
            assert spec["description"] and "{" not in spec["description"]
            # three abreast fit a desktop column (about 220 px each); two, 272 px, as on a phone
            assert spec["width"] == (charts.PANEL_WIDTH if len(block.panels) >= 3 else charts.CANVAS_WIDTH)
    safety = [panel.to_dict()["description"] for panel in panelled["safety"].panels]
    for description, figure_id in zip(safety, ("inspection_rounds", "firms_inspected", "problems_found_fixed"), strict=True):
        figure = FIGURES[figure_id]
        assert texts.label(figure) in description and texts.quantity(figure) in description


def test_unit_squares_are_large_enough_to_count_and_chart_text_is_never_under_13_px():
    spec = build("overview", "en")[0].chart.to_dict()
    areas = [node["mark"]["size"] for node in spec_nodes(spec) if isinstance(node.get("mark"), dict) and "size" in node["mark"]]
    assert max(areas) >= 22 * 22  # the grid's squares, 22 px a side (the key's samples are smaller)
    sizes = [node["fontSize"] for node in spec_nodes(spec) if isinstance(node.get("fontSize"), (int, float))]
    sizes += [row["size"] for row in data_rows(spec) if isinstance(row.get("size"), (int, float))]
    assert sizes and min(sizes) >= 13
    config_sizes = [v for node in spec_nodes(spec["config"]) for k, v in node.items() if k.lower().endswith("fontsize") and isinstance(v, (int, float))]
    assert len(config_sizes) >= 5 and min(config_sizes) >= 13  # titles, axes, legends and text the theme sizes
