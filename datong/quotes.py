"""Where figures come from in the article: which paragraphs, and which words to highlight. Pure."""

from __future__ import annotations

from datong.figures import Figure, Figures


def reported_sources(figures: Figures, figure_ids) -> list[Figure]:
    """The reported figures behind some figures, in order, once each (a derived one gives its operands)."""
    seen: dict[str, Figure] = {}

    def visit(figure_id: str) -> None:
        figure = figures[figure_id]
        if figure.derived:
            for operand in figure.operands:
                visit(operand)
        else:
            seen.setdefault(figure.id, figure)

    for figure_id in figure_ids:
        visit(figure_id)
    return list(seen.values())


def by_paragraph(figures: list[Figure], paragraphs) -> dict[int, list[Figure]]:
    """Figures grouped by the index of the paragraph that holds their quote, in article order."""
    groups: dict[int, list[Figure]] = {}
    for figure in figures:
        index = next(i for i, text in enumerate(paragraphs) if figure.quote_zh in text)
        groups.setdefault(index, []).append(figure)
    return dict(sorted(groups.items()))


def highlight(paragraph: str, quotes) -> list[tuple[str, bool]]:
    """The paragraph cut into (text, is_quote) pieces; overlapping or touching quotes merge."""
    spans = []
    for quote in quotes:
        start = paragraph.find(quote)
        if quote and start >= 0:
            spans.append((start, start + len(quote)))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, cursor = [], 0
    for start, end in merged:
        if start > cursor:
            pieces.append((paragraph[cursor:start], False))
        pieces.append((paragraph[start:end], True))
        cursor = end
    if cursor < len(paragraph):
        pieces.append((paragraph[cursor:], False))
    return pieces
