"""The repair command: ``python -m datong.pipeline`` (also ``python -m datong.pipeline.repair``).

With no input it rebuilds the project's data from ``data/source/``: the repaired mirror text
(``data/article.zh-Hant.as-received.txt``), the Simplified reading text, the Traditional
reading text generated from it, and ``data/repair-report.json`` (what the source chapter
shows). Given a file, it repairs that file.

Exit status: 0 repaired; 1 repaired, with spots it could not mend (each named by line,
column and reason); 2 the input (or a corrections file, or an output path) cannot be used,
with a one-line message. It never prints a traceback, writes every output atomically (a
temporary file, then ``os.replace``), and never writes over its input.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

REPORT_VERSION = 1


class Unusable(Exception):
    """An input or output the command cannot use; the message is one line for the user."""


def read_input(path: Path) -> tuple[str, bytes]:
    """The text of a UTF-8 file (a BOM allowed), or :class:`Unusable` saying why not."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise Unusable(f"{path}: no such file") from None
    except IsADirectoryError:
        raise Unusable(f"{path}: is a directory, not a file") from None
    except OSError as error:
        raise Unusable(f"{path}: cannot be read ({error.strerror or error})") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unusable(f"{path}: UTF-16 text; convert it to UTF-8 first (e.g. iconv -f UTF-16 -t UTF-8)")
    if b"\x00" in data[:1_000_000]:
        raise Unusable(f"{path}: binary data (NUL bytes), not a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise Unusable(
            f"{path}, line {line}: not UTF-8 text (byte 0x{data[error.start]:02x}); "
            "if it is GBK, convert it first (iconv -f GB18030 -t UTF-8)"
        ) from None
    controls = sum(1 for c in text[:100_000] if ord(c) < 32 and c not in "\n\r\t")
    if controls > max(8, len(text[:100_000]) // 100):
        raise Unusable(f"{path}: binary data ({controls} control characters), not a text file")
    return text, data


def write_atomically(target: Path, text: str, *, inputs: tuple[Path, ...] = ()) -> None:
    """Write ``text`` to ``target`` whole or not at all; never over an input."""
    resolved = target.resolve()
    for source in inputs:
        if source is not None and source.exists() and resolved == source.resolve():
            raise Unusable(f"{target}: is an input; the command never writes over its input")
    directory = resolved.parent
    if not directory.is_dir():
        raise Unusable(f"{target}: folder {directory} does not exist")
    handle = None
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below; renamed after)
            "w", encoding="utf-8", newline="", dir=directory,
                                             prefix=f".{resolved.name}.", suffix=".tmp", delete=False)  # fmt: skip
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        mode = resolved.stat().st_mode & 0o777 if resolved.exists() else 0o644
        os.chmod(handle.name, mode)
        os.replace(handle.name, resolved)
    except OSError as error:
        if handle is not None:
            Path(handle.name).unlink(missing_ok=True)
        raise Unusable(f"{target}: cannot be written ({error.strerror or error})") from None


def report_json(result, source_name: str, data: bytes) -> str:
    """The report as JSON: counts by kind, corrections applied, every change, every unresolved spot."""
    report = {
        "version": REPORT_VERSION,
        "source": source_name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "counts": dict(result.counts),
        "corrections": result.corrections,
        "changes": [c.as_dict() for c in result.changes],
        "unresolved": [s.as_dict() for s in result.unresolved],
    }
    return json.dumps(report, ensure_ascii=False, indent=1) + "\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m datong.pipeline",
        description="Repair a report garbled by the mirror (pinyin readings, ASCII punctuation, misaligned "
        "GBK, HTML remains). With no input, rebuilds data/article.zh-Hans.txt, data/article.zh-Hant.txt, "
        "data/article.zh-Hant.as-received.txt and data/repair-report.json from data/source/. "
        "Exit 0: repaired; 1: repaired, with spots it could not mend (listed); 2: unusable input.",
    )
    parser.add_argument("input", nargs="?", type=Path, help="a garbled UTF-8 file (default: the project's raw report)")
    parser.add_argument("--hant", type=Path, help="where to write the repaired Traditional text ('-' prints it)")
    parser.add_argument("--hans", type=Path, help="where to write the Simplified text ('-' prints it)")
    parser.add_argument("--corrections", type=Path, help="a corrections CSV (match, replacement, reason, reason_zh)")
    parser.add_argument("--report", type=Path, help="where to write the JSON report ('-' prints it)")
    return parser


def main(argv=None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help (0) or a usage error (2), already printed by argparse
        return int(stop.code or 0)
    try:
        return _run(args)
    except Unusable as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; nothing was written", file=sys.stderr)
        return 2
    except Exception as error:  # never a traceback: say what and where, in one line
        print(f"error: the repair failed on this input ({type(error).__name__}: {error}); please report it", file=sys.stderr)
        return 3


def _run(args) -> int:
    from datong import paths
    from datong.pipeline.corrections import CorrectionError, load_corrections
    from datong.pipeline.repair import KINDS, repair
    from datong.script import to_traditional

    project = args.input is None
    if project:
        source, corrections_path = paths.RAW_REPORT, args.corrections or paths.CORRECTIONS
        hant = args.hant or paths.ARTICLE_HANT_AS_RECEIVED
        hans = args.hans or paths.ARTICLE_HANS
        report_path = args.report or paths.REPAIR_REPORT
    else:
        source, corrections_path = args.input, args.corrections
        hant, hans = args.hant, args.hans or (None if (args.hant or args.report) else Path("-"))
        report_path = args.report
    raw, data = read_input(source)
    try:
        corrections = load_corrections(corrections_path) if corrections_path else ()
    except FileNotFoundError:
        raise Unusable(f"{corrections_path}: no such file") from None
    except (CorrectionError, UnicodeDecodeError, OSError) as error:
        raise Unusable(str(error).splitlines()[0]) from None
    try:
        result = repair(raw, corrections)
    except CorrectionError as error:
        raise Unusable(str(error)) from None

    inputs = (source, corrections_path)
    outputs = [(hant, result.traditional), (hans, result.simplified)]
    if project:
        reading = "".join(to_traditional(line) + "\n" for line in result.simplified.splitlines())
        outputs.append((paths.ARTICLE_HANT, reading))
    if report_path is not None:
        resolved = source.resolve()
        name = resolved.relative_to(paths.ROOT).as_posix() if resolved.is_relative_to(paths.ROOT) else source.name
        outputs.append((report_path, report_json(result, name, data)))
    printed = False
    for target, text in outputs:
        if target is None:
            continue
        if str(target) == "-":
            sys.stdout.write(text)
            printed = True
        else:
            write_atomically(target, text, inputs=inputs)
    out = sys.stderr if printed else sys.stdout
    print(f"repaired {source}:", file=out)
    for what, count in result.counts.items():
        print(f"  {count:4d} {KINDS[what]}", file=out)
    for spot in result.unresolved:
        print(f"  unresolved: {spot}", file=out)
    if result.unresolved:
        print(f"  {len(result.unresolved)} spot(s) left for a corrections file (--corrections)", file=out)
    return 1 if result.unresolved else 0
