"""The repair report the command writes (``data/repair-report.json``), read and checked for the site.

The source chapter shows what the repair did; the server reads it from this file and never
re-runs the pipeline (no :mod:`datong.pipeline`, no pypinyin while serving). A malformed file
raises :class:`RepairLogError` naming the file and the field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType


class RepairLogError(ValueError):
    """The repair report is missing, not JSON, or lacks a field."""


@dataclass(frozen=True)
class AppliedCorrection:
    """A manual correction as applied: where (line, column in the rule-repaired text) and why."""

    match: str
    replacement: str
    reason: str
    reason_zh: str
    line: int
    column: int


@dataclass(frozen=True)
class RepairLog:
    source: str
    sha256: str
    counts: Mapping[str, int]
    corrections: tuple[AppliedCorrection, ...]
    changes: tuple[Mapping, ...]
    unresolved: tuple[Mapping, ...]


_CHANGE_FIELDS = {"line": int, "column": int, "rule": str, "before": str, "after": str, "confidence": (int, float)}
_SPOT_FIELDS = {"line": int, "column": int, "reason": str, "context": str}
_CORRECTION_FIELDS = {"match": str, "replacement": str, "reason": str, "reason_zh": str, "line": int, "column": int}


def _field(record: Mapping, name: str, kind, where: str):
    value = record.get(name) if isinstance(record, Mapping) else None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise RepairLogError(f"{where}, field {name!r}: missing or not {getattr(kind, '__name__', 'a number')}")
    return value


def _records(report: Mapping, name: str, fields: dict, file: str) -> tuple[Mapping, ...]:
    items = report.get(name)
    if not isinstance(items, list):
        raise RepairLogError(f"{file}, field {name!r}: missing or not a list")
    checked = []
    for index, item in enumerate(items):
        where = f"{file}, {name}[{index}]"
        checked.append(MappingProxyType({key: _field(item, key, kind, where) for key, kind in fields.items()}))
    return tuple(checked)


def load_repair_log(path: Path) -> RepairLog:
    """Read and check the report; errors name the file and the field."""
    file = path.name
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RepairLogError(f"{file}: file is missing ({path}); run python -m datong.pipeline") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise RepairLogError(f"{file}: not valid JSON ({error})") from None
    if not isinstance(report, dict):
        raise RepairLogError(f"{file}: not a JSON object")
    if report.get("version") != 1:
        raise RepairLogError(f"{file}, field 'version': expected 1, found {report.get('version')!r}")
    counts = report.get("counts")
    if not isinstance(counts, dict) or not counts:
        raise RepairLogError(f"{file}, field 'counts': missing or empty")
    for kind, count in counts.items():
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise RepairLogError(f"{file}, field 'counts.{kind}': not a count ({count!r})")
    corrections = tuple(AppliedCorrection(**r) for r in _records(report, "corrections", _CORRECTION_FIELDS, file))
    return RepairLog(
        source=_field(report, "source", str, file),
        sha256=_field(report, "sha256", str, file),
        counts=MappingProxyType(dict(counts)),
        corrections=corrections,
        changes=_records(report, "changes", _CHANGE_FIELDS, file),
        unresolved=_records(report, "unresolved", _SPOT_FIELDS, file),
    )
