"""Which paragraphs a figure comes from, and which words to highlight."""

from datong import paths
from datong.figures import load_figures
from datong.quotes import by_paragraph, highlight, reported_sources

FIGURES = load_figures(paths.FIGURES, paths.ARTICLE_HANS)
PARAGRAPHS = paths.ARTICLE_HANS.read_text(encoding="utf-8").splitlines()


def test_a_derived_figure_is_traced_to_the_reported_figures_it_is_computed_from():
    ids = [f.id for f in reported_sources(FIGURES, ["below_scale_not_resumed"])]
    assert ids == ["park_firms", "above_scale_firms", "park_firms_resumed", "above_scale_resumed"]


def test_each_reported_figure_is_listed_once():
    ids = [f.id for f in reported_sources(FIGURES, ["park_firms", "park_firms_not_resumed", "park_firms"])]
    assert ids == ["park_firms", "park_firms_resumed"]


def test_figures_are_grouped_by_the_paragraph_that_holds_their_quote():
    groups = by_paragraph(reported_sources(FIGURES, ["park_firms", "officials_posted", "park_firms_resumed"]), PARAGRAPHS)
    assert [[f.id for f in g] for g in groups.values()] == [["park_firms", "park_firms_resumed"], ["officials_posted"]]
    assert "106家企业" in PARAGRAPHS[next(iter(groups))]


def test_highlighting_cuts_the_paragraph_into_plain_and_quoted_pieces_that_rebuild_it():
    pieces = highlight("甲乙丙丁戊", ["乙丙", "丁"])
    assert pieces == [("甲", False), ("乙丙丁", True), ("戊", False)]
    assert "".join(t for t, _ in pieces) == "甲乙丙丁戊"


def test_a_quote_not_in_the_paragraph_highlights_nothing():
    assert highlight("甲乙", ["丙"]) == [("甲乙", False)]


def test_every_quote_converted_to_traditional_is_still_found_in_its_converted_paragraph():
    """Highlights for zh-Hant readers depend on OpenCC converting a quote as it converts its line."""
    from datong.script import to_traditional

    for figure in FIGURES.reported:
        index = next(i for i, line in enumerate(PARAGRAPHS) if figure.quote_zh in line)
        pieces = highlight(to_traditional(PARAGRAPHS[index]), [to_traditional(figure.quote_zh)])
        assert any(is_quote for _, is_quote in pieces), figure.id
