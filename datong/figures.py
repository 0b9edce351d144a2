"""The report's figures, each with the verbatim quote it comes from, validated once at load.

Pages get a read-only :class:`Figures`; nothing is typed twice. Derived figures (for example
the park firms below the designated size, 106 − 39) are computed here from reported ones and
flagged ``derived`` with their arithmetic, never typed into the CSV.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

from datong import chapters as chapter_registry

COLUMNS = (
    "id", "value", "qualifier", "unit", "as_of", "chapter", "quote_zh",
    "label_zh", "label_en", "numerator", "denominator", "note",
)  # fmt: skip
REQUIRED = ("id", "value", "qualifier", "unit", "chapter", "quote_zh", "label_zh", "label_en")
QUALIFIERS = ("exact", "at_least")
UNITS = ("parks", "firms", "percent", "officials", "problems", "jobs", "rounds", "product_lines", "yuan_10k", "sets", "people")
CHAPTERS = tuple(chapter.id for chapter in chapter_registry.CHAPTERS)
_ID = re.compile(r"[a-z][a-z0-9_]*")
_AS_OF = re.compile(r"\d{4}-\d{2}-\d{2}|\d{4}-Q[1-4]")
# Small numbers the report writes in characters (两个工业园区).
CHINESE_NUMERALS = {1: "一", 2: "两二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


class FigureDataError(ValueError):
    """A figures file is wrong; the message names file, row and field."""


@dataclass(frozen=True)
class Figure:
    id: str
    value: float
    qualifier: str  # "exact" or "at_least"
    unit: str
    as_of: str  # ISO date, "2020-Q1", or "" where the report prints none
    chapter: str
    quote_zh: str
    label_zh: str
    label_en: str
    note: str = ""
    numerator: str = ""
    denominator: str = ""
    derived: bool = False
    formula: str = ""  # for derived figures: the arithmetic, e.g. "106 − 39 = 67"
    operands: tuple[str, ...] = ()

    @property
    def is_lower_bound(self) -> bool:
        return self.qualifier == "at_least"

    @property
    def decimals(self) -> int:
        """Decimal places the value is printed with (85.8 → 1)."""
        text = format_plain(self.value)
        return len(text.split(".")[1]) if "." in text else 0


def format_plain(value: float) -> str:
    """A value as the report prints it: 106, 85.8 (no trailing .0)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def round_half_up(value: float, decimals: int) -> float:
    """Round as a newspaper does (85.85 → 85.9), not as binary floats happen to."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def value_appears_in(value: float, quote: str) -> bool:
    """Is the value printed in the quote, as digits or (for 1–10) as a Chinese numeral?"""
    plain = format_plain(value)
    if re.search(rf"(?<![\d.]){re.escape(plain)}(?![\d]|\.\d)", quote):
        return True
    return any(numeral in quote for numeral in CHINESE_NUMERALS.get(int(value), "")) and float(value).is_integer()


@dataclass(frozen=True)
class Figures:
    """Every figure, reported and derived, in a fixed order; read-only."""

    reported: tuple[Figure, ...]
    derived: tuple[Figure, ...]

    @cached_property
    def by_id(self) -> Mapping[str, Figure]:
        return MappingProxyType({f.id: f for f in self.all})

    @property
    def all(self) -> tuple[Figure, ...]:
        return self.reported + self.derived

    def __getitem__(self, figure_id: str) -> Figure:
        return self.by_id[figure_id]

    def __iter__(self) -> Iterator[Figure]:
        return iter(self.all)

    def in_chapter(self, chapter: str) -> tuple[Figure, ...]:
        return tuple(f for f in self.all if f.chapter == chapter)


def _fail(path: Path, row: int, field: str, message: str) -> FigureDataError:
    return FigureDataError(f"{path.name}, row {row}, field {field!r}: {message}")


def _parse_row(path: Path, row_number: int, row: dict, article: str) -> Figure:
    for column in REQUIRED:
        if not (row.get(column) or "").strip():
            raise _fail(path, row_number, column, "is empty")
    if not _ID.fullmatch(row["id"]):
        raise _fail(path, row_number, "id", f"{row['id']!r} is not a lower-case ASCII slug")
    if row["id"] in DERIVED_IDS:
        raise _fail(path, row_number, "id", f"{row['id']!r} is a derived figure: computed in code, never typed in")
    try:
        value = float(row["value"])
    except ValueError:
        raise _fail(path, row_number, "value", f"{row['value']!r} is not a plain number") from None
    if not math.isfinite(value) or value < 0:
        raise _fail(path, row_number, "value", f"{row['value']!r} is not a finite, non-negative number")
    if row["qualifier"] not in QUALIFIERS:
        raise _fail(path, row_number, "qualifier", f"{row['qualifier']!r} is not one of {', '.join(QUALIFIERS)}")
    if row["unit"] not in UNITS:
        raise _fail(path, row_number, "unit", f"{row['unit']!r} is not a known unit")
    if row["chapter"] not in CHAPTERS:
        raise _fail(path, row_number, "chapter", f"{row['chapter']!r} is not a chapter")
    if row["as_of"] and not _AS_OF.fullmatch(row["as_of"]):
        raise _fail(path, row_number, "as_of", f"{row['as_of']!r} is not YYYY-MM-DD or YYYY-Qn")
    quote = row["quote_zh"]
    if not any(quote in paragraph for paragraph in article.splitlines()):
        raise _fail(path, row_number, "quote_zh", f"{quote!r} is not in the article (within one paragraph)")
    if not value_appears_in(value, quote):
        raise _fail(path, row_number, "value", f"{row['value']} does not appear in its quote {quote!r}")
    return Figure(
        id=row["id"], value=value, qualifier=row["qualifier"], unit=row["unit"], as_of=row["as_of"],
        chapter=row["chapter"], quote_zh=quote, label_zh=row["label_zh"], label_en=row["label_en"],
        note=row.get("note") or "", numerator=row.get("numerator") or "", denominator=row.get("denominator") or "",
    )  # fmt: skip


def _check_rates(path: Path, figures: list[Figure], rows: dict[str, int]) -> None:
    """Every printed rate must equal numerator / denominator at the printed precision."""
    by_id = {f.id: f for f in figures}
    for figure in figures:
        if not (figure.numerator or figure.denominator):
            continue
        for field in ("numerator", "denominator"):
            if getattr(figure, field) not in by_id:
                raise _fail(path, rows[figure.id], field, f"{getattr(figure, field)!r} is not a figure id")
        numerator, denominator = by_id[figure.numerator].value, by_id[figure.denominator].value
        if denominator == 0:
            raise _fail(path, rows[figure.id], "denominator", "is zero")
        recomputed = round_half_up(100 * numerator / denominator, figure.decimals)
        if recomputed != figure.value:
            raise _fail(
                path, rows[figure.id], "value",
                f"printed rate {format_plain(figure.value)} does not match "
                f"{format_plain(numerator)} / {format_plain(denominator)} = {format_plain(recomputed)}",
            )  # fmt: skip


# Derived figures: (id, operation, operands, unit, chapter). Labels are reader text (data/text).
DERIVED = (
    ("below_scale_firms", "difference", ("park_firms", "above_scale_firms"), "firms"),
    ("below_scale_resumed", "difference", ("park_firms_resumed", "above_scale_resumed"), "firms"),
    ("below_scale_resumption_rate", "rate", ("below_scale_resumed", "below_scale_firms"), "percent"),
    ("park_firms_not_resumed", "difference", ("park_firms", "park_firms_resumed"), "firms"),
    ("above_scale_not_resumed", "difference", ("above_scale_firms", "above_scale_resumed"), "firms"),
    ("below_scale_not_resumed", "difference", ("below_scale_firms", "below_scale_resumed"), "firms"),
)
DERIVED_IDS = frozenset(spec[0] for spec in DERIVED)
RATE_DECIMALS = 1  # the report prints its rates to one decimal


def derive(reported: tuple[Figure, ...], source: str = "figures.csv") -> tuple[Figure, ...]:
    """Compute the derived figures from reported ones, in order (later ones may use earlier)."""
    known = {f.id: f for f in reported}
    derived = []
    for figure_id, operation, operands, unit in DERIVED:
        for operand in operands:
            if operand not in known:
                raise FigureDataError(f"{source}, field 'id': derived figure {figure_id!r} needs a row {operand!r}")
        a, b = (known[o] for o in operands)
        if operation == "rate" and b.value == 0:
            raise FigureDataError(f"{source}, field 'value': derived rate {figure_id!r} divides by {b.id!r}, which is 0")
        if operation == "difference":
            value = a.value - b.value
            formula = f"{format_plain(a.value)} − {format_plain(b.value)} = {format_plain(value)}"
        else:
            value = round_half_up(100 * a.value / b.value, RATE_DECIMALS)
            formula = f"{format_plain(a.value)} ÷ {format_plain(b.value)} = {format_plain(value)}%"
        qualifier = "at_least" if a.is_lower_bound or b.is_lower_bound else "exact"
        figure = Figure(
            id=figure_id, value=value, qualifier=qualifier, unit=unit,
            as_of=a.as_of if a.as_of == b.as_of else "", chapter=a.chapter,
            quote_zh="", label_zh="", label_en="", derived=True, formula=formula, operands=operands,
            numerator=operands[0] if operation == "rate" else "", denominator=operands[1] if operation == "rate" else "",
        )  # fmt: skip
        known[figure_id] = figure
        derived.append(figure)
    return tuple(derived)


def load_figures(path: Path, article_path: Path) -> Figures:
    """Read, validate and derive; raises :class:`FigureDataError` naming file, row and field."""
    article = article_path.read_text(encoding="utf-8")
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise FigureDataError(f"{path.name}, row 1, field {missing[0]!r}: column is missing")
        unknown = [c for c in reader.fieldnames or [] if c not in COLUMNS]
        if unknown:
            raise FigureDataError(f"{path.name}, row 1, field {unknown[0]!r}: unknown column (a misspelling?)")
        figures, rows = [], {}
        for row_number, row in enumerate(reader, start=2):
            figure = _parse_row(path, row_number, row, article)
            if figure.id in rows:
                raise _fail(path, row_number, "id", f"{figure.id!r} repeats row {rows[figure.id]}")
            rows[figure.id] = row_number
            figures.append(figure)
    if not figures:
        raise FigureDataError(f"{path.name}, row 2, field 'id': the file has no figures")
    _check_rates(path, figures, rows)
    reported = tuple(figures)
    return Figures(reported, derive(reported, path.name))
