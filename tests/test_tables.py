"""Tables and files for readers who check and cite: every figure, its quote or arithmetic, in their language."""

import csv
import io
import json

import pytest

from datong import paths
from datong.figures import load_figures
from datong.i18n import LANGUAGES, Texts, load_strings
from datong.tables import chart_table, figures_csv, figures_json, figures_table

FIGURES = load_figures(paths.FIGURES, paths.ARTICLE_HANS)


def texts(lang):
    return Texts(lang, load_strings(lang), FIGURES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_figures_table_has_one_row_per_reported_figure_with_its_quote_next_to_the_value(lang):
    t = texts(lang)
    table = figures_table(FIGURES, t)
    assert [row["id"] for row in table] == [f.id for f in FIGURES.reported]
    assert list(table[0])[:3] == [t("ui.figure"), t("ui.value"), t("ui.quote")]
    row = next(row for row in table if row["id"] == "firms_helped_transport_permits")
    assert row[t("ui.value")] == "20+"
    assert row[t("ui.qualifier")] == t("ui.qualifier_at_least")


def test_the_derived_table_shows_the_arithmetic():
    table = {row["id"]: row for row in figures_table(FIGURES, texts("en"), derived=True)}
    assert table["below_scale_firms"]["Value"] == "67"
    assert table["below_scale_resumption_rate"][texts("en")("ui.formula")] == "55 ÷ 67 = 82.1%"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_charts_table_uses_the_same_headers_and_cells_as_the_source_chapters_table(lang):
    t = texts(lang)
    ids = ("park_firms", "firms_helped_transport_permits", "below_scale_resumption_rate")
    table = chart_table(ids, FIGURES, t)
    assert list(table[0]) == [t(f"ui.{k}") for k in ("figure", "value", "is_derived", "qualifier", "unit", "when")]
    everything = {f.id: row for f, row in zip(FIGURES.reported, figures_table(FIGURES, t), strict=True)}
    shared = [t(f"ui.{k}") for k in ("figure", "value", "qualifier", "unit", "when")]
    for figure_id, row in zip(ids[:2], table, strict=False):  # the third row is derived
        assert {k: row[k] for k in shared} == {k: everything[figure_id][k] for k in shared}
    assert [row[t("ui.is_derived")] for row in table] == [t("ui.derived_no"), t("ui.derived_no"), t("ui.derived_yes") + "55 ÷ 67 = 82.1%"]


def test_the_json_download_holds_every_figure_with_provenance():
    data = json.loads(figures_json(FIGURES, texts("en"), year_inferred=True))
    records = {r["id"]: r for r in data["figures"]}
    assert len(records) == len(FIGURES.all)
    assert records["park_firms"]["quote_zh"] == "入驻的106家企业"
    assert records["park_firms_not_resumed"]["derived"] is True
    assert records["park_firms_not_resumed"]["formula"] == "106 − 91 = 15"


def test_the_csv_download_opens_in_spreadsheets_with_chinese_intact():
    raw = figures_csv(FIGURES, texts("zh-Hans"), year_inferred=True)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(FIGURES.all)
    assert {r["id"]: r for r in rows}["fuhua_staff_back"]["qualifier"] == "at_least"
    by_id = {r["id"]: r for r in rows}  # a count reads as one: 106, not 106.0; a rate keeps its decimal
    assert (by_id["park_firms"]["value"], by_id["park_resumption_rate"]["value"]) == ("106", "85.8")


def test_the_downloaded_csv_says_each_dates_year_is_inferred_as_the_source_description_does():
    from datong.web.site_data import source_files, source_meta

    assert source_meta()["year_is_inferred"] is True
    rows = list(csv.DictReader(io.StringIO(source_files("en").csv.decode("utf-8-sig"))))
    dated = [r for r in rows if r["as_of"]]
    assert len(dated) > 10 and {r["as_of_year_inferred"] for r in dated} == {"True"}
    assert {r["as_of_year_inferred"] for r in rows if not r["as_of"]} == {""}
