"""The figures as tables and files for readers who want to check and cite: pure, no Streamlit."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from datong.figures import Figure, Figures
from datong.i18n import Texts


def _named(figure: Figure, texts: Texts) -> dict[str, str]:
    return {texts("ui.figure"): texts.label(figure), texts("ui.value"): texts.compact(figure)}


def _described(figure: Figure, texts: Texts) -> dict[str, str]:
    return {
        texts("ui.qualifier"): texts.qualifier(figure),
        texts("ui.unit"): texts.unit_name(figure.unit),
        texts("ui.when"): texts.as_of(figure),
    }


def figures_table(figures: Figures, texts: Texts, *, derived: bool = False) -> list[dict]:
    """Reported (or derived) figures with provenance, headed in the reader's language."""
    rows = []
    for figure in figures.derived if derived else figures.reported:
        # what a reader checks first comes right after the value: the quote, or the arithmetic
        check = {texts("ui.formula"): figure.formula} if derived else {texts("ui.quote"): texts.quote(figure)}
        rows.append(
            _named(figure, texts) | check | _described(figure, texts)
            | {texts("ui.chapter"): texts(f"chapters.{figure.chapter}.nav"), "id": figure.id}
        )  # fmt: skip
    return rows


def chart_table(figure_ids: Iterable[str], figures: Figures, texts: Texts) -> list[dict]:
    """The figures one chart shows, as its Data tab and CSV download: same headers as above.

    Where a figure comes from (printed, or our arithmetic) right after its value, as above.
    """
    rows = []
    for figure in (figures[figure_id] for figure_id in figure_ids):
        origin = texts("ui.derived_yes") + figure.formula if figure.derived else texts("ui.derived_no")
        rows.append(_named(figure, texts) | {texts("ui.is_derived"): origin} | _described(figure, texts))
    return rows


def figures_records(figures: Figures, texts: Texts, *, year_inferred: bool) -> list[dict]:
    """Every figure, reported and derived, as plain records (stable English keys).

    ``as_of_year_inferred`` travels with every date: a CSV opened on its own must not present
    an inferred year (the report prints none) as printed.
    """
    return [
        {
            "id": f.id, "value": f.value, "qualifier": f.qualifier, "unit": f.unit, "as_of": f.as_of or None,
            "as_of_year_inferred": year_inferred if f.as_of else None,
            "chapter": f.chapter, "quote_zh": f.quote_zh or None, "label": texts.label(f),
            "label_zh": f.label_zh or None, "label_en": f.label_en or None,
            "derived": f.derived, "formula": f.formula or None, "note": f.note or None,
        }
        for f in figures
    ]  # fmt: skip


def figures_json(figures: Figures, texts: Texts, *, year_inferred: bool) -> str:
    records = figures_records(figures, texts, year_inferred=year_inferred)
    return json.dumps({"source": texts("site.source_line"), "figures": records}, ensure_ascii=False, indent=2)


def figures_csv(figures: Figures, texts: Texts, *, year_inferred: bool) -> bytes:
    """CSV with a BOM so spreadsheet programs read the Chinese correctly."""
    return csv_bytes(figures_records(figures, texts, year_inferred=year_inferred))


def csv_cell(value: object) -> str:
    """A value as a CSV cell: a whole number without ".0" (106 firms, not 106.0), None empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def csv_bytes(rows: list[dict]) -> bytes:
    """Rows as CSV (the header from every row's keys), with a BOM, lines ending in LF."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([csv_cell(row.get(name)) for name in columns] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def repair_counts(counts, texts: Texts) -> list[dict[str, object]]:
    """How many fixes of each kind the repair made, headed in the reader's language."""
    return [{texts("source.repair_kind"): texts(f"source.repair.{kind}"), texts("source.repair_count"): n} for kind, n in counts.items()]
