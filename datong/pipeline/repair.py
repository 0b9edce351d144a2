"""Undo the damage a mirroring site did to a Chinese news report, by rule.

The mirror (see ``data/source/datong-report.meta.json``) did these things, and each has a
rule here that does not depend on this report's strings:

0. it left HTML behind (``</p>``, ``&nbsp;``, a tag whose ``<`` went into a lost byte);
   :func:`html_edits` removes it;
1. it decoded GBK bytes one byte out of step around full-width marks, after losing a lead
   byte (`逼髽I` for `”企業`); :func:`redecode_misaligned_runs` restores the byte and
   decodes again. Each re-decoding gets a confidence (how much better it reads than the text
   as it stands, and how far ahead of the next-best decoding); below :data:`CONFIDENT` it is
   flagged, not applied (:mod:`datong.pipeline.plausibility`);
2. it inserted tone-marked pinyin after characters (`區(qū)`);
   :func:`remove_inserted_readings` drops a parenthesised syllable only when it is a reading
   of the character before it, so real parentheses survive;
3. it replaced full-width punctuation by ASCII, often doubled or stacked (`,,` `,。`);
   :func:`normalise_punctuation` turns each cluster into the one mark it stands for.

Bytes lost for good cannot be recovered by rule; they go through a corrections file
(:mod:`datong.pipeline.corrections`). What is left is found by :mod:`datong.pipeline.spots`.
The command is ``python -m datong.pipeline`` (:mod:`datong.pipeline.command`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from datong.pipeline.edits import ColumnMap, Edit, Flag, apply
from datong.pipeline.plausibility import (
    HAN,
    REPLACEMENT,
    implausible,
    is_traditional,
    window_score,
)

TONE_MARKED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
SYLLABLE = rf"[a-z{TONE_MARKED}]{{1,6}}"

# A width-folded mark (or the lost-byte marks and commas stacked before it) opens a run.
_OPENER = re.compile(rf"(?P<noise>[,{REPLACEMENT}]*)(?P<mark>[!?,;:()])")
# A reading inserted after a character that straddled two real ones, its "(" lost: `輸?shù)`.
_STRADDLE_OPENER = re.compile(rf"\?(?P<syllable>{SYLLABLE})\)")
_READING = re.compile(rf"(?P<char>{HAN})\((?P<syllable>{SYLLABLE})\)")
_FULL_WIDTH = {"!": "！", "?": "？", ",": "，", ";": "；", ":": "：", "(": "（", ")": "）"}
_USUAL_LOST_LEAD = 0xA1  # lead byte of most full-width marks: 。“”、
_MARK_LEAD = 0xA3  # lead byte of ，！？；：（）
_LEAD_BYTES = [_USUAL_LOST_LEAD, _MARK_LEAD] + [b for b in range(0x81, 0xFF) if b not in (_USUAL_LOST_LEAD, _MARK_LEAD)]
# How much less likely a lost lead byte is than 0xA1 (the lead of 。“”、), as a score handicap.
_LEAD_PRIOR = {_USUAL_LOST_LEAD: 0.0, _MARK_LEAD: -0.3}
_OTHER_LEAD_PRIOR = -1.5  # where a run starts with no mark: the lost byte may be any lead
_OTHER_LEAD_AT_MARK = -2.5  # where a folded mark opens it, the lost byte was a mark's lead
CONFIDENT = 0.5  # a re-decoding below this confidence is flagged, not applied
_QUOTE_WEIGHT = 1.5  # a quotation mark left without its partner
_LOOKAHEAD = 4  # a run starts at most this many characters before its first implausible one
_MAX_RUN = 60  # characters of a run scored (a run is re-decoded whole)


@lru_cache(maxsize=8192)
def readings(char: str) -> frozenset[str]:
    """Every tone-marked reading pypinyin knows for a (Han) character; empty for anything else."""
    if len(char) != 1 or not re.fullmatch(HAN, char):
        return frozenset()
    from pypinyin import Style, pinyin

    found = pinyin(char, style=Style.TONE, heteronym=True, errors="ignore")
    return frozenset(found[0]) if found else frozenset()


@lru_cache(maxsize=65536)
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


def _suspect(line: str, index: int) -> bool:
    """A character a misaligned run leaves: implausible, or an ASCII letter alone among Chinese."""
    char = line[index]
    if char.isascii():
        if not (0x40 <= ord(char) <= 0x7E):
            return False
        before = line[index - 1] if index else ""
        after = line[index + 1] if index + 1 < len(line) else ""
        return bool(before and not before.isascii() and (not after or not after.isascii() or after == "("))
    return implausible(char)


@dataclass(frozen=True)
class _Candidate:
    replacement: str
    end: int
    score: float


def _quote_balance(text: str) -> tuple[int, int]:
    return text.count("“") - text.count("”"), text.count("‘") - text.count("’")


def _unpaired(balance: tuple[int, int]) -> int:
    return abs(balance[0]) + abs(balance[1])


def _with_lost_tail(line: str, run_end: int, decoded: str) -> tuple[str, int]:
    """A run cut short by a lost byte ends in a dangling lead byte: merge it with the `�` after."""
    if decoded.endswith(REPLACEMENT) and line[run_end : run_end + 1] == REPLACEMENT:
        return decoded, run_end + 1
    return decoded, run_end


class _Budget:
    """Bounds the work on pathological input: past it, only the two usual lead bytes are tried.
    Also knows the text's script, which a decoding should keep to."""

    def __init__(self, size: int, traditional: bool | None = None):
        self.left = 40 * size + 200_000
        self.traditional = traditional

    def leads(self, run_length: int) -> list[int]:
        if self.left <= 0:
            return _LEAD_BYTES[:2]
        self.left -= run_length * len(_LEAD_BYTES)
        return _LEAD_BYTES


def confidence(gain: float, margin: float) -> float:
    """How sure a re-decoding is: it must read clearly better than the text as it stands (gain)
    and than the next-best decoding that reads differently (margin); 0 to 1."""
    if gain <= 0:
        return 0.0
    return round((1 - math.exp(-2.0 * gain)) * (1 - math.exp(-2.5 * margin)), 3)


def _choose(line, start, as_read_end, candidates, balance, as_read_text, traditional=None):
    """The best candidate, its confidence, and whether it beats the text as read at all."""
    ends = [c.end for c in candidates] + [as_read_end]
    w0, w1 = max(0, start - 2), min(len(line), max(ends) + 2)
    span_balance = _quote_balance(line[start:as_read_end])
    rest = (balance[0] - span_balance[0], balance[1] - span_balance[1])

    def total(replacement: str, end: int, prior: float) -> float:
        b = _quote_balance(replacement)
        quotes = _unpaired((rest[0] + b[0], rest[1] + b[1]))
        return window_score(line[w0:start] + replacement + line[end:w1], traditional) + prior - _QUOTE_WEIGHT * quotes

    read = total(as_read_text, as_read_end, 0.0)
    scored = sorted(
        (_Candidate(c.replacement, c.end, total(c.replacement, c.end, c.score)) for c in candidates),
        key=lambda c: -c.score,
    )
    best = scored[0]
    runner_up = next((c.score for c in scored[1:] if c.replacement != best.replacement), read)
    margin = best.score - max(runner_up, read)
    return best, confidence(best.score - read, margin), best.score - read


def redecode_edits(line: str, budget: _Budget | None = None) -> tuple[list[Edit], list[Flag]]:
    """The re-decodings of one line's misaligned runs, and the spots it would not decide."""
    budget = budget or _Budget(len(line))
    edits: list[Edit] = []
    flags: list[Flag] = []
    balance = _quote_balance(line)
    work = line
    shift = 0  # work's columns minus line's
    pos = 0
    while pos < len(work):
        site = _site(work, pos)
        if site is None:
            pos += 1
            continue
        run_start, prefixes, as_read = site
        run_end = min(_run_end(work, run_start), run_start + _MAX_RUN) if run_start < len(work) else run_start
        if run_end == run_start:
            pos += 1
            continue
        run_bytes = work[run_start:run_end].encode("gb18030")
        candidates = []
        for prefix, prior in prefixes(budget, run_end - run_start):
            decoded, end = _with_lost_tail(work, run_end, _decode(prefix + run_bytes))
            candidates.append(_Candidate(decoded, end, prior))
        if not candidates:
            pos += 1
            continue
        best, sure, gain = _choose(
            work, pos, run_end, candidates, balance, as_read + work[run_start:run_end], budget.traditional
        )
        if gain <= 0:
            pos += 1
            continue
        if sure < CONFIDENT:
            flags.append(Flag(pos - shift, f"a misaligned run? re-decoding it reads better but is uncertain (confidence {sure})"))
            pos = run_end
            continue
        before = work[pos : best.end]
        start_in_line, end_in_line = pos - shift, best.end - shift
        edits.append(Edit(start_in_line, end_in_line, best.replacement, "redecoded", sure))
        b_old, b_new = _quote_balance(before), _quote_balance(best.replacement)
        balance = (balance[0] - b_old[0] + b_new[0], balance[1] - b_old[1] + b_new[1])
        work = work[:pos] + best.replacement + work[best.end :]
        shift += len(best.replacement) - (best.end - pos)
        pos += len(best.replacement)
    return edits, flags


def _ahead(line: str, start: int) -> range:
    """The first characters of the run starting at ``start``, where a misread one would show."""
    return range(start, min(_run_end(line, start), start + _LOOKAHEAD))


def _site(line: str, pos: int):
    """If a misaligned run may start at ``pos``: where its bytes start, the byte prefixes to try
    (with their prior), and the opener as it may have been meant (the benefit of the doubt)."""
    straddle = _STRADDLE_OPENER.match(line, pos) if pos > 0 else None
    if straddle:
        trail = line[pos - 1].encode("gb18030", errors="replace")[-1:]
        syllable = straddle.group("syllable")

        def straddled(budget, length):
            for lead in _LEAD_BYTES:
                if syllable in readings(_decode(trail + bytes([lead])).strip(REPLACEMENT)[:1]):
                    yield bytes([lead]), 0.0

        return straddle.end(), straddled, straddle.group(0)
    opener = _OPENER.match(line, pos)
    if opener and opener.end() < len(line) and is_run_char(line[opener.end()]):
        mark = opener.group("mark")
        end = opener.end()
        if mark in "!?" or any(_suspect(line, i) for i in _ahead(line, end)):
            prefix = _FULL_WIDTH[mark].encode("gb18030")

            def folded(budget, length):
                for lead in budget.leads(length):
                    yield bytes([lead]) + prefix, _LEAD_PRIOR.get(lead, _OTHER_LEAD_AT_MARK)

            return end, folded, _FULL_WIDTH[mark]
    if is_run_char(line[pos]) and not line[pos].isascii():
        if any(_suspect(line, i) for i in _ahead(line, pos)):

            def lost(budget, length):
                for lead in budget.leads(length):
                    yield bytes([lead]), _LEAD_PRIOR.get(lead, _OTHER_LEAD_PRIOR)

            return pos, lost, ""
    return None


def redecode_misaligned_runs(text: str) -> tuple[str, int]:
    """Re-decode GBK runs read one byte off; returns the text and how many runs were fixed."""
    lines, total = [], 0
    budget = _Budget(len(text), is_traditional(text))
    for line in text.split("\n"):
        edits, _ = redecode_edits(line, budget)
        lines.append(apply(line, edits))
        total += len(edits)
    return "\n".join(lines), total


def reading_edits(line: str) -> list[Edit]:
    """Drop `(syllable)` after a character it is a reading of; keep every other parenthesis."""
    return [
        Edit(m.start() + 1, m.end(), "", "readings")
        for m in _READING.finditer(line)
        if m.group("syllable") in readings(m.group("char"))
    ]


def remove_inserted_readings(text: str) -> tuple[str, int]:
    lines = [(line, reading_edits(line)) for line in text.split("\n")]
    return "\n".join(apply(line, e) for line, e in lines), sum(len(e) for _, e in lines)


_CLUSTER = re.compile(r"[,;:!?、。，；：！？]+")
# The strongest mark in a cluster is the one it stood for: `,。` was 。, `,、` was 、.
_STRENGTH = [("。", "。"), ("？?", "？"), ("！!", "！"), ("；;", "；"), ("：:", "："), ("、", "、")]
_PARENTHESES = re.compile(r"\(([^()\n]*)\)")


def _mark_for(cluster: str) -> str:
    for members, mark in _STRENGTH:
        if any(c in members for c in cluster):
            return mark
    return "，"


def punctuation_edits(line: str) -> list[Edit]:
    """One full-width mark for each ASCII, doubled or stacked cluster; ASCII kept inside numbers
    and in text with no Chinese around it; ASCII parentheses around Chinese made full-width."""
    edits = []
    for match in _CLUSTER.finditer(line):
        cluster = match.group(0)
        before = line[match.start() - 1 : match.start()]
        after = line[match.end() : match.end() + 1]
        if cluster in {",", ":", ";"} and before.isdigit() and after.isdigit():
            continue  # 3,600 or 8:30
        if (not before or before.isascii()) and (not after or after.isascii() or after == " "):
            if all(c in ",;:!?" for c in cluster) and (before.isascii() and before):
                continue  # English: "see (page 2), then"
        mark = _mark_for(cluster)
        if mark != cluster:
            edits.append(Edit(match.start(), match.end(), mark, "punctuation"))
    text = apply(line, edits)
    shifted = ColumnMap(edits)
    widened = []
    for match in _PARENTHESES.finditer(text):
        inner = match.group(1)
        context = text[max(0, match.start() - 1) : match.start()] + inner
        if re.search(HAN, context):
            widened.append((match.start(), "（"))
            widened.append((match.end() - 1, "）"))
    # the parentheses are one-character edits in the text after the clusters: map them back
    for column, mark in widened:
        start = shifted.backward(column)
        edits.append(Edit(start, start + 1, mark, "parentheses"))
    edits.sort(key=lambda e: e.start)
    return _merge_parentheses(edits)


def _merge_parentheses(edits: list[Edit]) -> list[Edit]:
    """Parentheses edits come in pairs but count as one fix, as the report always counted them."""
    merged, opened = [], False
    for edit in edits:
        if edit.rule == "parentheses":
            merged.append(Edit(edit.start, edit.end, edit.after, edit.rule, edit.confidence, count=not opened))
            opened = not opened
        else:
            merged.append(edit)
    return merged


def normalise_punctuation(text: str) -> tuple[str, Counter]:
    counts: Counter = Counter()
    lines = []
    for line in text.split("\n"):
        edits = punctuation_edits(line)
        counts.update(e.rule for e in edits if e.count)
        lines.append(apply(line, edits))
    return "\n".join(lines), counts


_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,9}(?:\s[^<>\n]{0,200})?/?>")
_HTML_LOST_OPEN = re.compile(rf"[?{REPLACEMENT}]/?(?:p|br|div|span|strong|em|b|i|li|td|tr|font)\s*/?>")
_HTML_ENTITY = re.compile(r"&(?:nbsp|amp|lt|gt|quot|apos|#\d{1,6}|#x[0-9a-fA-F]{1,5});")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}


def html_edits(line: str) -> list[Edit]:
    """HTML the mirror left: tags removed; a tag whose `<` went into a lost byte leaves the lost
    byte's mark (`�`); ``&nbsp;`` removed, the other entities read."""
    edits = []
    for match in _HTML_LOST_OPEN.finditer(line):
        edits.append(Edit(match.start(), match.end(), REPLACEMENT, "html", 0.9))
    taken = [(e.start, e.end) for e in edits]
    for pattern in (_HTML_TAG, _HTML_ENTITY):
        for match in pattern.finditer(line):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            after = _ENTITIES.get(match.group(0), "")
            if match.group(0).startswith("&#"):
                after = ""
            edits.append(Edit(match.start(), match.end(), after, "html"))
            taken.append((match.start(), match.end()))
    edits.sort(key=lambda e: e.start)
    return edits


def strip_edits(line: str) -> list[Edit]:
    stripped = line.strip()
    if stripped == line:
        return []
    if not stripped:
        return [Edit(0, len(line), "", "strip", count=False)]
    start = len(line) - len(line.lstrip())
    end = len(line.rstrip())
    edits = []
    if start:
        edits.append(Edit(0, start, "", "strip", count=False))
    if end < len(line):
        edits.append(Edit(end, len(line), "", "strip", count=False))
    return edits


# What each count means, for the command's report (the site has its own translated names).
KINDS = {
    "redecoded": "misaligned runs re-decoded",
    "readings": "pinyin readings removed",
    "punctuation": "punctuation clusters made full-width",
    "parentheses": "parentheses made full-width",
    "corrections": "corrections applied",
    "html": "HTML remains removed",
}
# Kinds the report always lists (the site's table shows these); others appear when they happen.
ALWAYS_COUNTED = ("redecoded", "readings", "punctuation", "parentheses", "corrections")


@dataclass(frozen=True)
class Change:
    """One change: where it was made in the input (line, column, both from 1), by which rule."""

    line: int
    column: int
    rule: str
    before: str
    after: str
    confidence: float

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "rule": self.rule, "before": self.before,
                "after": self.after, "confidence": self.confidence}  # fmt: skip


@dataclass(frozen=True)
class Spot:
    """A place no rule could mend: line and column (from 1) in the repaired text, why, and context."""

    line: int
    column: int
    reason: str
    context: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.reason}: …{self.context}…"

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "reason": self.reason, "context": self.context}


@dataclass
class Repair:
    """A repaired text and what was done to it."""

    traditional: str
    simplified: str
    counts: Counter = field(default_factory=Counter)
    unresolved: list[Spot] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    corrections: list[dict] = field(default_factory=list)


def unresolved_spots(text: str) -> list[str]:
    """Places no rule could mend, as text (see :func:`datong.pipeline.spots.find_spots`)."""
    from datong.pipeline.spots import find_spots

    return [str(spot) for spot in find_spots(text)]


def split_lines(raw: str) -> list[str]:
    """The input's lines: a BOM dropped, CRLF and CR read as line ends, blank lines at either end dropped."""
    text = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.strip("\n").split("\n")


def repair(raw: str, corrections=()) -> Repair:
    """Run every rule in order, then the corrections; deterministic for the same input."""
    from datong.pipeline.corrections import locate_corrections
    from datong.pipeline.spots import find_spots
    from datong.script import to_simplified

    lines = split_lines(raw)
    budget = _Budget(len(raw), is_traditional(raw))
    counts: Counter = Counter({kind: 0 for kind in ALWAYS_COUNTED})
    changes: list[Change] = []
    flags: list[tuple[int, int, str]] = []  # line index, column in the final text, reason
    repaired = []
    maps_per_line = []
    for index, line in enumerate(lines):
        maps: list[ColumnMap] = []
        pending: list[tuple[int, int, str]] = []  # stage, column in that stage's input, reason
        for stage, rule in enumerate((html_edits, "redecode", reading_edits, punctuation_edits, strip_edits)):
            if rule == "redecode":
                edits, stage_flags = redecode_edits(line, budget)
                pending.extend((stage, f.column, f.reason) for f in stage_flags)
            else:
                edits = rule(line)
            for edit in edits:
                column = edit.start
                for earlier in reversed(maps):
                    column = earlier.backward(column)
                if edit.rule != "strip":
                    changes.append(Change(index + 1, column + 1, edit.rule, line[edit.start : edit.end], edit.after, edit.confidence))
                if edit.count:
                    counts[edit.rule] += 1
            maps.append(ColumnMap(edits))
            line = apply(line, edits)
        for stage, column, reason in pending:
            for later in maps[stage + 1 :]:
                column = later.forward(column)
            flags.append((index, column, reason))
        repaired.append(line)
        maps_per_line.append(maps)

    text = "\n".join(repaired)
    text, applied = locate_corrections(text, corrections)
    counts["corrections"] = len(applied)
    for fix in applied:
        changes.append(Change(fix["line"], fix["column"], "corrections", fix["match"], fix["replacement"], 1.0))
    text = text + "\n"
    spots = find_spots(text)
    seen = {(s.line, s.column) for s in spots}
    final_lines = text.split("\n")
    for index, column, reason in flags:
        if any(f["line"] == index + 1 and f["column"] - 1 <= column < f["column"] - 1 + len(f["replacement"]) + 1 for f in applied):
            continue  # a correction mended it
        if (index + 1, column + 1) in seen:
            continue
        line = final_lines[index] if index < len(final_lines) else ""
        spots.append(Spot(index + 1, column + 1, reason, line[max(0, column - 8) : column + 8]))
        seen.add((index + 1, column + 1))
    spots.sort(key=lambda s: (s.line, s.column))
    changes.sort(key=lambda c: (c.line, c.column))
    return Repair(text, to_simplified(text), counts, spots, changes, applied)


def main(argv=None) -> int:
    """The command (kept here so ``python -m datong.pipeline.repair`` works as it always did)."""
    from datong.pipeline.command import main as command

    return command(argv)


if __name__ == "__main__":
    raise SystemExit(main())
