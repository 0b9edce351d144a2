"""Edits to a line, and where a column of the output stood in the input (and back).

Each rule returns its edits to one line as :class:`Edit` records in that line's columns; the
repair applies them and keeps a :class:`ColumnMap` per rule, so every change can be reported at
its column in the input file and every flagged spot at its column in the repaired text.
Linear in the line's length.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    after: str
    rule: str
    confidence: float = 1.0
    count: bool = True  # counts as a fix of its kind (stripping spaces does not)


@dataclass(frozen=True)
class Flag:
    """A spot a rule saw but would not mend: its column in that rule's input, and for a spot
    inside one of the rule's own edits, how far into the edit's replacement it is; a spot that
    begins a run in doubt names how many columns more the run takes."""

    column: int
    reason: str
    offset: int = 0
    width: int = 0


class ColumnMap:
    """Columns before and after one rule's edits to a line."""

    def __init__(self, edits: list[Edit]):
        self.spans = []  # (in_start, in_end, out_start, out_end)
        shift = 0
        for edit in edits:
            out_start = edit.start + shift
            out_end = out_start + len(edit.after)
            self.spans.append((edit.start, edit.end, out_start, out_end))
            shift += len(edit.after) - (edit.end - edit.start)
        self._in = [s[0] for s in self.spans]
        self._out = [s[2] for s in self.spans]

    def forward(self, column: int) -> int:
        index = bisect_right(self._in, column) - 1
        if index < 0:
            return column
        _, in_end, out_start, out_end = self.spans[index]
        return out_start if column < in_end else column - in_end + out_end

    def backward(self, column: int) -> int:
        index = bisect_right(self._out, column) - 1
        if index < 0:
            return column
        in_start, in_end, _, out_end = self.spans[index]
        return in_start if column < out_end else column - out_end + in_end


def apply(line: str, edits: list[Edit]) -> str:
    """The line with its edits (sorted, not overlapping) applied."""
    if not edits:
        return line
    pieces, cursor = [], 0
    for edit in edits:
        pieces.append(line[cursor : edit.start])
        pieces.append(edit.after)
        cursor = edit.end
    pieces.append(line[cursor:])
    return "".join(pieces)
