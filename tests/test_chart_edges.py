"""Charts stay drawable at the edges: a figure of zero, the what-if slider at its ends."""

import dataclasses

import pytest

from datong import charts, paths
from datong.figures import Figures, load_figures
from datong.i18n import texts_for

FIGURES = load_figures(paths.FIGURES, paths.ARTICLE_HANS)


def with_value(figure_id: str, value: float) -> Figures:
    reported = tuple(dataclasses.replace(f, value=value) if f.id == figure_id else f for f in FIGURES.reported)
    return Figures(reported, FIGURES.derived)


def test_a_unit_chart_with_a_figure_of_zero_still_draws_the_rest():
    figures = with_value("problems_solved", 0)
    spec = charts.officials_chart(figures, texts_for("en", figures)).to_dict()
    assert spec["description"]


@pytest.mark.parametrize(("rate", "more"), [(86.0, 1), (100.0, 15)])
def test_the_what_if_chart_draws_at_both_ends_of_the_slider(rate, more):
    spec = charts.whatif_chart(FIGURES, texts_for("zh-Hans", FIGURES), rate).to_dict()
    assert charts.firms_needed(rate, 106, 91)[1] == more
    assert "params" not in spec  # a what-if has no source sentence to click through to


def test_the_slider_starts_one_step_above_the_printed_rate():
    assert charts.what_if_range(85.8) == (86.0, 100.0)
    assert charts.what_if_range(86.0) == (86.5, 100.0)


@pytest.mark.parametrize(
    ("sent", "expected"),
    [(90.0, 90.0), (86.74, 86.5), (86.76, 87.0), (1e308, 100.0), (-5, 86.0), (float("nan"), 90.0), (float("inf"), 90.0),
     ("91", 91.0), ("<script>", 90.0), (None, 90.0), ([1, 2], 90.0)],
)  # fmt: skip
def test_any_slider_value_a_client_sends_snaps_to_one_of_the_sliders_steps(sent, expected):
    assert charts.snap_rate(sent, 86.0, 100.0, default=90.0) == expected


def test_distinct_slider_values_make_only_as_many_rates_as_the_slider_has_steps():
    rates = {charts.snap_rate(86 + i / 997, 86.0, 100.0, default=90.0) for i in range(20_000)}
    assert len(rates) == int((100 - 86) / charts.WHAT_IF_STEP) + 1
