"""Undo the damage a mirroring site did to a Chinese news report, by rule.

The mirror (see ``data/source/datong-report.meta.json``) did three things, and each has a
rule here that does not depend on this report's strings:

1. it decoded GBK bytes one byte out of step around quotation marks, after losing a lead
   byte (`逼髽I` for `”企業`); :func:`redecode_misaligned_runs` restores the byte and
   decodes again, keeping the result only when it reads better (:mod:`datong.pipeline.plausibility`);
2. it inserted tone-marked pinyin after characters (`區(qū)`);
   :func:`remove_inserted_readings` drops a parenthesised syllable only when it is a reading
   of the character before it, so real parentheses survive;
3. it replaced full-width punctuation by ASCII, often doubled or stacked (`,,` `,。`);
   :func:`normalise_punctuation` turns each cluster into the one mark it stands for.

Bytes lost for good cannot be recovered by rule; they go through a corrections file
(:mod:`datong.pipeline.corrections`). Run ``python -m datong.pipeline.repair --help`` for the command.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pypinyin import Style, pinyin

from datong.pipeline.plausibility import HAN, REPLACEMENT, text_score, unpaired_quotes

TONE_MARKED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
SYLLABLE = rf"[a-z{TONE_MARKED}]{{1,6}}"

# A width-folded ！ or ？ (or the lost-byte marks and commas stacked before it) opens a run.
_BANG_OPENER = re.compile(rf"(?P<noise>[,{REPLACEMENT}]*)(?P<mark>[!?])")
# A reading inserted after a character that straddled two real ones, its "(" lost: `輸?shù)`.
_STRADDLE_OPENER = re.compile(rf"\?(?P<syllable>{SYLLABLE})\)")
_READING = re.compile(rf"(?P<char>{HAN})\((?P<syllable>{SYLLABLE})\)")
_FOLDED = {"!": "！".encode("gb18030"), "?": "？".encode("gb18030")}
_FOLDED_TEXT = {"!": "！", "?": "？"}
_USUAL_LOST_LEAD = 0xA1  # lead byte of most full-width marks: 。“”、
_LEAD_BYTES = [_USUAL_LOST_LEAD] + [b for b in range(0x81, 0xFF) if b != _USUAL_LOST_LEAD]


@lru_cache(maxsize=8192)
def readings(char: str) -> frozenset[str]:
    """Every tone-marked reading pypinyin knows for a character."""
    return frozenset(pinyin(char, style=Style.TONE, heteronym=True, errors="ignore")[0] if char else [])


def is_run_char(char: str) -> bool:
    """Could this character be part of a GBK run read one byte off?

    Two-byte GB18030 characters, and ASCII 0x40-0x7E (a trail byte read on its own: `I`, `^`, `}`).
    """
    if 0x40 <= ord(char) <= 0x7E:
        return True
    if ord(char) < 0x80 or char == REPLACEMENT:
        return False
    try:
        return len(char.encode("gb18030")) == 2
    except UnicodeEncodeError:
        return False


def _run_end(text: str, start: int) -> int:
    end = start
    while end < len(text) and is_run_char(text[end]):
        end += 1
    return end


def _decode(data: bytes) -> str:
    return data.decode("gb18030", errors="replace")


@dataclass(frozen=True)
class _Candidate:
    replacement: str
    score: float
    quotes: int
    order: int


def _best(line: str, start: int, end: int, as_read: str, decodings: list[str]) -> str | None:
    """The decoding of ``line[start:end]`` that reads better than ``as_read``, if any.

    ``as_read`` is the run as it stands, with an opening ! or ? read as the full-width mark
    it may have been: the input gets the benefit of the doubt.
    """
    before = _Candidate(as_read, text_score(as_read), unpaired_quotes(line), -1)
    best = None
    for order, decoded in enumerate(decodings):
        candidate = _Candidate(
            decoded, text_score(decoded), unpaired_quotes(line[:start] + decoded + line[end:]), order
        )
        if best is None or (candidate.score, -candidate.quotes) > (best.score, -best.quotes):
            best = candidate
    if best is None:
        return None
    if best.score > before.score or (best.score == before.score and best.quotes < before.quotes):
        return best.replacement
    return None


def _with_lost_tail(line: str, run_end: int, decoded: str) -> tuple[str, int]:
    """A run cut short by a lost byte ends in a dangling lead byte: merge it with the `�` after."""
    if decoded.endswith(REPLACEMENT) and line[run_end : run_end + 1] == REPLACEMENT:
        return decoded, run_end + 1
    return decoded, run_end


def _redecode_line(line: str) -> tuple[str, int]:
    fixed = 0
    pos = 0
    while pos < len(line):
        bang = _BANG_OPENER.match(line, pos)
        straddle = _STRADDLE_OPENER.match(line, pos) if pos > 0 else None
        opener = straddle or bang
        if opener is None:
            pos += 1
            continue
        run_start = opener.end()
        run_end = _run_end(line, run_start)
        if run_end == run_start:
            pos = opener.end()
            continue
        run_bytes = line[run_start:run_end].encode("gb18030")
        if straddle:
            # The lost byte is the one that, after the straddled character's trail byte,
            # spells a character with the inserted reading.
            trail = line[pos - 1].encode("gb18030", errors="replace")[-1:]
            leads = [
                b
                for b in _LEAD_BYTES
                if straddle.group("syllable") in readings(_decode(trail + bytes([b])).strip(REPLACEMENT)[:1])
            ]
            prefix = b""
        else:
            leads = _LEAD_BYTES
            prefix = _FOLDED[bang.group("mark")]
        decodings = []
        ends = []
        for lead in leads:
            decoded, end = _with_lost_tail(line, run_end, _decode(bytes([lead]) + prefix + run_bytes))
            decodings.append(decoded)
            ends.append(end)
        as_read = _FOLDED_TEXT[opener.group(0)[-1]] if bang and not straddle else opener.group(0)
        choice = _best(line, pos, run_end, as_read + line[run_start:run_end], decodings)
        if choice is None:
            pos = opener.end()
            continue
        end = ends[decodings.index(choice)]
        line = line[:pos] + choice + line[end:]
        fixed += 1
        pos += len(choice)
    return line, fixed


def redecode_misaligned_runs(text: str) -> tuple[str, int]:
    """Re-decode GBK runs read one byte off; returns the text and how many runs were fixed."""
    lines, total = [], 0
    for line in text.split("\n"):
        fixed_line, fixed = _redecode_line(line)
        lines.append(fixed_line)
        total += fixed
    return "\n".join(lines), total


def remove_inserted_readings(text: str) -> tuple[str, int]:
    """Drop `(syllable)` after a character it is a reading of; keep every other parenthesis."""
    removed = 0

    def drop(match: re.Match) -> str:
        nonlocal removed
        if match.group("syllable") in readings(match.group("char")):
            removed += 1
            return match.group("char")
        return match.group(0)

    return _READING.sub(drop, text), removed


_CLUSTER = re.compile(r"[,;:!?、。，；：！？]+")
# The strongest mark in a cluster is the one it stood for: `,。` was 。, `,、` was 、.
_STRENGTH = [("。", "。"), ("？?", "？"), ("！!", "！"), ("；;", "；"), ("：:", "："), ("、", "、")]
_PARENTHESES = re.compile(r"\(([^()\n]*)\)")


def _mark_for(cluster: str) -> str:
    for members, mark in _STRENGTH:
        if any(c in members for c in cluster):
            return mark
    return "，"


def normalise_punctuation(text: str) -> tuple[str, Counter]:
    """One full-width mark for each ASCII, doubled or stacked cluster; ASCII kept inside numbers."""
    counts: Counter = Counter()

    def replace(match: re.Match) -> str:
        cluster = match.group(0)
        before = text[match.start() - 1 : match.start()]
        after = text[match.end() : match.end() + 1]
        if cluster in {",", ":"} and before.isdigit() and after.isdigit():
            return cluster  # 3,600 or 8:30
        mark = _mark_for(cluster)
        if mark != cluster:
            counts["punctuation"] += 1
        return mark

    text = _CLUSTER.sub(replace, text)

    def widen(match: re.Match) -> str:
        inner = match.group(1)
        context = text[max(0, match.start() - 1) : match.start()] + inner
        if re.search(HAN, context):
            counts["parentheses"] += 1
            return f"（{inner}）"
        return match.group(0)

    return _PARENTHESES.sub(widen, text), counts


# What each count means, for the command's report (the site has its own translated names).
KINDS = {
    "redecoded": "misaligned runs re-decoded",
    "readings": "pinyin readings removed",
    "punctuation": "punctuation clusters made full-width",
    "parentheses": "parentheses made full-width",
    "corrections": "corrections applied",
}


@dataclass
class Repair:
    """A repaired text and what was done to it."""

    traditional: str
    simplified: str
    counts: Counter = field(default_factory=Counter)
    unresolved: list[str] = field(default_factory=list)


# A replacement character, or a full-width Latin letter among Chinese (a misread byte pair).
_SUSPECT = re.compile(rf"{REPLACEMENT}|(?<={HAN})[\uff21-\uff3a\uff41-\uff5a]|[\uff21-\uff3a\uff41-\uff5a](?={HAN})")


def unresolved_spots(text: str) -> list[str]:
    """Places no rule could mend (lost bytes, misread pairs), with a little context."""
    spots = []
    for number, line in enumerate(text.split("\n"), start=1):
        for match in _SUSPECT.finditer(line):
            spots.append(f"line {number}, column {match.start() + 1}: …{line[max(0, match.start() - 8):match.end() + 8]}…")
    return spots


def repair(raw: str, corrections=()) -> Repair:
    """Run every rule in order, then the corrections; deterministic for the same input."""
    from datong.pipeline.corrections import apply_corrections
    from datong.script import to_simplified

    counts: Counter = Counter()
    text = raw.replace("\r\n", "\n").strip("\n\ufeff")
    text, counts["redecoded"] = redecode_misaligned_runs(text)
    text, counts["readings"] = remove_inserted_readings(text)
    text, marks = normalise_punctuation(text)
    counts["punctuation"] = marks["punctuation"]
    counts["parentheses"] = marks["parentheses"]
    text, counts["corrections"] = apply_corrections(text, corrections)
    text = "\n".join(line.strip() for line in text.split("\n")) + "\n"
    return Repair(text, to_simplified(text), counts, unresolved_spots(text))


def main(argv=None) -> int:
    """Command line: rebuild the project's articles, or repair any file garbled the same way."""
    import argparse
    import sys

    from datong import paths
    from datong.pipeline.corrections import load_corrections

    parser = argparse.ArgumentParser(
        prog="python -m datong.pipeline.repair",
        description="Repair a report garbled by the mirror (pinyin readings, ASCII punctuation, "
        "misaligned GBK). With no input, rebuilds data/article.zh-Hant.txt and data/article.zh-Hans.txt "
        "from data/source/.",
    )
    parser.add_argument("input", nargs="?", type=Path, help="a garbled UTF-8 file (default: the project's raw report)")
    parser.add_argument("--hant", type=Path, help="where to write the repaired Traditional text ('-' prints it)")
    parser.add_argument("--hans", type=Path, help="where to write the Simplified text ('-' prints it)")
    parser.add_argument("--corrections", type=Path, help="a corrections CSV (match, replacement, reason, reason_zh)")
    args = parser.parse_args(argv)

    if args.input is None:
        source, corrections_path = paths.RAW_REPORT, args.corrections or paths.CORRECTIONS
        hant, hans = args.hant or paths.ARTICLE_HANT, args.hans or paths.ARTICLE_HANS
    else:
        source, corrections_path = args.input, args.corrections
        hant, hans = args.hant, args.hans or (None if args.hant else Path("-"))
    corrections = load_corrections(corrections_path) if corrections_path else ()
    result = repair(source.read_text(encoding="utf-8"), corrections)

    for target, text in ((hant, result.traditional), (hans, result.simplified)):
        if target is None:
            continue
        if str(target) == "-":
            sys.stdout.write(text)
        else:
            target.write_text(text, encoding="utf-8")
    report = sys.stderr if (hant and str(hant) == "-") or (hans and str(hans) == "-") else sys.stdout
    print(f"repaired {source}:", file=report)
    for what, count in result.counts.items():
        print(f"  {count:4d} {KINDS[what]}", file=report)
    for spot in result.unresolved:
        print(f"  unresolved: {spot}", file=report)
    return 1 if result.unresolved else 0


if __name__ == "__main__":
    raise SystemExit(main())
