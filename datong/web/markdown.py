"""Markdown that shows text literally, and rows written as Markdown that wraps on a phone.

Pure (no Streamlit): the loaders build the long lists once, the page blocks the short ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|$~:])")


def escape_markdown(text: str) -> str:
    """Show text literally: no Markdown, no LaTeX, no HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown_table(rows: list[dict[str, object]]) -> str:
    """Rows (same keys, in order) as a Markdown table, every cell shown literally."""
    header = list(rows[0])

    def line(cells) -> str:
        return "| " + " | ".join(escape_markdown(str(cell)) for cell in cells) + " |"

    rule = "| " + " | ".join("---" for _ in header) + " |"
    return "\n".join([line(header), rule, *(line(row[key] for key in header) for row in rows)])


def _filled(value: object) -> bool:
    """Not empty, None or a missing pandas value (NaN is the one value unequal to itself)."""
    return value not in ("", None) and value == value


def markdown_records(rows: list[dict[str, object]], labelled: Callable[[str, str], str], *, skip=("id",)) -> str:
    """Rows as a list a phone can show whole (a wide grid cut values and quotes off).

    Each item: the first cell in bold and the second beside it (a figure and its value), the
    third on its own line (its quote or arithmetic), then the rest. ``labelled(header, cell)``
    writes "header: cell" as the language does (``：`` in Chinese). Every cell is literal.
    """
    items = []
    for row in rows:
        cells = [(escape_markdown(str(k)), escape_markdown(str(v))) for k, v in row.items() if k not in skip and _filled(v)]
        if not cells:
            continue
        (_, name), *rest = cells
        lines = [f"- **{name}**" + (f" · {rest.pop(0)[1]}" if rest else "")]
        if rest:
            lines.append("  " + labelled(*rest[0]))
        if rest[1:]:
            lines.append("  " + " · ".join(labelled(k, v) for k, v in rest[1:]))
        items.append("  \n".join(lines))
    return "\n".join(items)
