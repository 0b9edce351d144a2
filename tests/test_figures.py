"""The figures table: every figure traces to its quote, rates match counts, bad files fail clearly."""

import csv
import io
import re

import pytest

from datong import paths
from datong.figures import (
    COLUMNS,
    FigureDataError,
    load_figures,
    round_half_up,
    value_appears_in,
)

ARTICLE = paths.ARTICLE_HANS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def figures():
    return load_figures(paths.FIGURES, paths.ARTICLE_HANS)


def test_every_figure_quote_is_verbatim_in_the_article_and_holds_its_value(figures):
    for figure in figures.reported:
        assert figure.quote_zh in ARTICLE, figure.id
        assert value_appears_in(figure.value, figure.quote_zh), figure.id


def test_the_headline_figures_are_the_reports(figures):
    assert figures["park_firms"].value == 106
    assert figures["park_firms_resumed"].value == 91
    assert figures["park_resumption_rate"].value == 85.8
    assert figures["above_scale_firms"].value == 39
    assert figures["above_scale_resumed"].value == 36
    assert figures["above_scale_resumption_rate"].value == 92.3


@pytest.mark.parametrize(
    ("figure_id", "marker"),
    [
        ("firms_helped_transport_permits", "20余"),
        ("lesen_staff_back", "100多"),
        ("fuhua_staff_back", "500余"),
        ("buruiji_q1_sales", "突破"),
    ],
)
def test_figures_the_report_gives_as_more_than_are_lower_bounds(figures, figure_id, marker):
    figure = figures[figure_id]
    assert figure.qualifier == "at_least"
    assert marker in figure.quote_zh


def test_every_number_in_the_article_that_describes_the_situation_has_a_row(figures):
    """Numbers in the text, less the date (4月27日) and digits inside names, are all figures."""
    printed = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", ARTICLE.replace("4月27日", ""))}
    assert printed <= {f.value for f in figures.reported}
    assert len(figures.reported) == 22


def test_derived_figures_are_computed_flagged_and_carry_their_arithmetic(figures):
    below = figures["below_scale_firms"]
    assert (below.value, below.derived, below.formula) == (67, True, "106 − 39 = 67")
    assert figures["below_scale_resumed"].value == 55
    assert figures["below_scale_resumption_rate"].value == 82.1
    assert figures["park_firms_not_resumed"].value == 15
    assert all(f.derived and f.formula for f in figures.derived)
    assert not any(f.derived for f in figures.reported)


def test_the_csv_holds_no_derived_figure():
    with open(paths.FIGURES, encoding="utf-8") as handle:
        ids = {row["id"] for row in csv.DictReader(handle)}
    assert not ids & {"below_scale_firms", "below_scale_resumed", "park_firms_not_resumed"}


def test_ids_are_unique_ascii_slugs(figures):
    ids = [f.id for f in figures]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)


def test_figures_are_read_only(figures):
    with pytest.raises(AttributeError):
        figures["park_firms"].value = 1
    with pytest.raises(TypeError):
        figures.by_id["park_firms"] = None


@pytest.mark.parametrize(("value", "decimals", "expected"), [(85.849, 1, 85.8), (85.85, 1, 85.9), (92.307, 1, 92.3)])
def test_rates_round_half_up_as_printed(value, decimals, expected):
    assert round_half_up(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "quote", "found"),
    [(2, "两个工业园区", True), (106, "入驻的106家企业", True), (10, "入驻的106家企业", False), (85.8, "复工率85.8%", True), (85, "复工率85.8%", False)],
)
def test_a_value_must_stand_in_its_quote_as_a_whole_number(value, quote, found):
    assert value_appears_in(value, quote) is found


# --- broken files -------------------------------------------------------------------------


def _rows():
    with open(paths.FIGURES, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(tmp_path, rows, columns=COLUMNS):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "figures.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _broken(tmp_path, figure_id, **changes):
    rows = _rows()
    for row in rows:
        if row["id"] == figure_id:
            row.update(changes)
    return _write(tmp_path, rows)


def test_a_missing_column_names_the_file_and_the_column(tmp_path):
    path = _write(tmp_path, _rows(), [c for c in COLUMNS if c != "quote_zh"])
    with pytest.raises(FigureDataError, match=r"figures.csv, row 1, field 'quote_zh': column is missing"):
        load_figures(path, paths.ARTICLE_HANS)


def test_a_quote_not_in_the_article_names_its_row(tmp_path):
    path = _broken(tmp_path, "park_firms", quote_zh="入驻的107家企业")
    with pytest.raises(FigureDataError, match=r"figures.csv, row 3, field 'quote_zh': .* not in the article"):
        load_figures(path, paths.ARTICLE_HANS)


def test_a_value_absent_from_its_quote_names_its_row(tmp_path):
    path = _broken(tmp_path, "park_firms", value="107")
    with pytest.raises(FigureDataError, match=r"row 3, field 'value': 107 does not appear in its quote"):
        load_figures(path, paths.ARTICLE_HANS)


def test_a_rate_that_does_not_match_its_counts_names_its_row(tmp_path):
    path = _broken(tmp_path, "park_resumption_rate", denominator="above_scale_firms")
    with pytest.raises(FigureDataError, match=r"row 5, field 'value': printed rate 85.8 does not match 91 / 39"):
        load_figures(path, paths.ARTICLE_HANS)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": "many"}, "value"),
        ({"value": "nan"}, "value"),
        ({"qualifier": "about"}, "qualifier"),
        ({"unit": "bananas"}, "unit"),
        ({"chapter": "epilogue"}, "chapter"),
        ({"id": "Park Firms"}, "id"),
        ({"as_of": "27 April"}, "as_of"),
        ({"label_en": ""}, "label_en"),
    ],
)
def test_a_malformed_field_names_file_row_and_field(tmp_path, changes, field):
    path = _broken(tmp_path, "park_firms", **changes)
    with pytest.raises(FigureDataError, match=rf"figures.csv, row 3, field '{field}'"):
        load_figures(path, paths.ARTICLE_HANS)


def test_a_repeated_id_names_both_rows(tmp_path):
    rows = _rows()
    rows.append(dict(rows[1]))
    path = _write(tmp_path, rows)
    with pytest.raises(FigureDataError, match=rf"row {len(rows) + 1}, field 'id': 'park_firms' repeats row 3"):
        load_figures(path, paths.ARTICLE_HANS)


def test_a_rate_pointing_at_an_unknown_figure_names_the_field(tmp_path):
    path = _broken(tmp_path, "park_resumption_rate", numerator="nowhere")
    with pytest.raises(FigureDataError, match=r"row 5, field 'numerator': 'nowhere' is not a figure id"):
        load_figures(path, paths.ARTICLE_HANS)


def test_a_row_using_a_derived_figures_id_is_refused(tmp_path):
    rows = _rows()
    rows.append(dict(rows[1], id="below_scale_firms"))
    path = _write(tmp_path, rows)
    with pytest.raises(FigureDataError, match=rf"row {len(rows) + 1}, field 'id': 'below_scale_firms' is a derived figure"):
        load_figures(path, paths.ARTICLE_HANS)


def test_a_misspelt_column_is_refused_rather_than_silently_ignored(tmp_path):
    columns = tuple("numerater" if c == "numerator" else c for c in COLUMNS)
    rows = [{("numerater" if k == "numerator" else k): v for k, v in row.items()} for row in _rows()]
    path = _write(tmp_path, rows, columns)
    with pytest.raises(FigureDataError, match=r"figures.csv, row 1, field 'numerater': unknown column"):
        load_figures(path, paths.ARTICLE_HANS)


def test_a_missing_figure_that_a_derived_one_needs_is_named(tmp_path):
    path = _write(tmp_path, [row for row in _rows() if row["id"] != "above_scale_firms" and row["denominator"] != "above_scale_firms"])
    with pytest.raises(FigureDataError, match=r"figures.csv, field 'id': derived figure 'below_scale_firms' needs a row 'above_scale_firms'"):
        load_figures(path, paths.ARTICLE_HANS)


def test_a_quote_that_runs_across_two_paragraphs_is_refused(tmp_path):
    lines = ARTICLE.splitlines()
    spanning = lines[1][-4:] + "\n" + lines[2][:4]
    assert spanning in ARTICLE
    path = _broken(tmp_path, "park_firms", quote_zh=spanning, value="106")
    with pytest.raises(FigureDataError, match=r"row 3, field 'quote_zh': .*within one paragraph"):
        load_figures(path, paths.ARTICLE_HANS)
