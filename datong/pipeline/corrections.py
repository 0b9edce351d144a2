"""Manual fixes for what no rule can recover, kept as data with a reason each.

Each entry of a corrections file (CSV: ``match``, ``replacement``, ``reason`` in English,
``reason_zh`` in Simplified Chinese: the source chapter shows readers the reason in their
language) must match the rule-repaired text exactly once; otherwise the pipeline stops, naming the file and row,
so a fix never silently applies to the wrong place or goes stale.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ("match", "replacement", "reason", "reason_zh")


class CorrectionError(ValueError):
    """A corrections file is malformed or an entry no longer matches exactly once."""


@dataclass(frozen=True)
class Correction:
    match: str
    replacement: str
    reason: str
    reason_zh: str = ""
    source: str = "<inline>"
    row: int = 0

    def where(self) -> str:
        return f"{self.source}, row {self.row}"


def load_corrections(path: Path) -> tuple[Correction, ...]:
    """Read a corrections CSV; row numbers count the header as row 1, as a spreadsheet does."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise CorrectionError(f"{path}, row 1: missing column(s) {', '.join(missing)}")
        entries = []
        for row_number, row in enumerate(reader, start=2):
            for column in ("match", "reason", "reason_zh"):
                if not (row.get(column) or "").strip():
                    raise CorrectionError(f"{path}, row {row_number}, field {column!r}: empty")
            entries.append(
                Correction(row["match"], row["replacement"] or "", row["reason"], row["reason_zh"], str(path), row_number)
            )
    return tuple(entries)


def apply_corrections(text: str, corrections) -> tuple[str, int]:
    """Apply each correction in order; each must match exactly once."""
    for correction in corrections:
        found = text.count(correction.match)
        if found != 1:
            raise CorrectionError(
                f"{correction.where()}, field 'match': {correction.match!r} matches {found} times, expected exactly once"
            )
        text = text.replace(correction.match, correction.replacement)
    return text, len(corrections)


def locate_corrections(text: str, corrections) -> tuple[str, list[dict]]:
    """Apply each correction in order (each must match exactly once), saying where each applied:
    line and column (from 1) in the rule-repaired text, with what it matched, its replacement and reasons."""
    applied = []
    for correction in corrections:
        index = text.find(correction.match)
        text, _ = apply_corrections(text, [correction])  # raises unless exactly one match
        line, column = _where(text, index)
        applied.append({
            "line": line, "column": column, "match": correction.match, "replacement": correction.replacement,
            "reason": correction.reason, "reason_zh": correction.reason_zh,
        })  # fmt: skip
    return text, applied


def _where(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1
