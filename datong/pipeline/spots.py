"""What is left after the rules: every kind of damage the rules know, found in the repaired text.

Each spot is named by line and column (from 1) in the repaired text, with the reason, so a
corrections file can mend it (its ``match`` is looked for in that same text). Neighbouring
characters with the same reason make one spot.
"""

from __future__ import annotations

import re

from datong.pipeline.plausibility import HAN, REPLACEMENT, implausible, is_traditional, outside_script
from datong.pipeline.repair import SYLLABLE, Spot, readings

_RUN_REACH = 12  # how far back a misaligned run that ends at a spot may reach

_MARK = "，。、；：？！“”‘’《》（）「」『』"
_CHECKS = [
    (re.compile(REPLACEMENT + "+"), "bytes lost for good (U+FFFD)"),
    (re.compile(rf"(?<={HAN})[(（]{SYLLABLE}[)）]"), "a pinyin reading left in the text"),
    (re.compile(r"<[^<>\n]{0,200}>|(?<![A-Za-z])/?(?:p|br|div|span|strong|em|li|td|tr|font)\s*/?>|&#?[A-Za-z0-9]{1,8};"),
     "HTML left in the text"),
    (re.compile(rf"(?<=[{_MARK}{REPLACEMENT}])[？！?!]|[？！?!](?=[，、。；：{REPLACEMENT}])|(?<=[^\x00-\x7f])\?(?=[^\x00-\x7f])"),
     "a ? or ! where a mark or character was lost"),
    (re.compile(rf"(?<=[^\x00-\x7f])[A-Za-z]{{1,3}}(?={HAN}|[{_MARK}])|(?<={HAN})[A-Za-z]{{1,3}}(?=[^\x00-\x7f]|$)"),
     "ASCII letters inside Chinese text (a misread byte)"),
    (re.compile(r"(?<=[^\x00-\x7f?])[\x40-\x7e](?![A-Za-z0-9])"),
     "a byte read alone after Chinese text (where a misaligned run ends)"),
]  # fmt: skip


_OPENING = {"“": "”", "‘": "’", "「": "」", "『": "』"}
_CLOSING = {close: open_ for open_, close in _OPENING.items()}
_SENTENCE_END = re.compile(r"[。！？](?=[^\s，。、；：？！”’」』）)])")


def _unpaired_quotes(line: str) -> list[tuple[int, str]]:
    """Where the quotation marks of a paragraph do not pair (column, reason). A misaligned run
    takes marks with it (`“餘”“啾“` for `“餘”“多”“`, `開門紅？”` for `開門紅’。”`): a quotation
    opened again before it closed, a closing mark with none open to close, or one left open,
    whose closing mark most likely stood after the last sentence that ends inside it."""
    found: list[tuple[int, str]] = []
    open_: list[tuple[str, int]] = []  # the marks still open, innermost last
    for column, char in enumerate(line):
        if char in _OPENING:
            if any(mark == char for mark, _ in open_):  # one of the two is wrong: name both
                earlier = next(start for mark, start in reversed(open_) if mark == char)
                found.append((earlier, f"a quotation mark {char} not closed before column {column + 1} opens another"))
                found.append((column, f"a quotation mark {char} opened again before the one at column {earlier + 1} closed"))
                while open_ and open_.pop()[0] != char:  # that one lost its closing mark
                    pass
            open_.append((char, column))
        elif char in _CLOSING:
            if char == "’" and "‘" not in (mark for mark, _ in open_) and line[column - 1 : column].isascii():
                continue  # an apostrophe (Datong’s)
            if open_ and open_[-1][0] == _CLOSING[char]:
                open_.pop()
                continue
            if any(mark == _CLOSING[char] for mark, _ in open_):
                inner, start = open_[-1]
                found.append((column, f"a closing quotation mark {char} while {inner} at column {start + 1} is still open"))
                while open_.pop()[0] != _CLOSING[char]:  # those inside lost their closing marks
                    pass
            else:
                found.append((column, f"a closing quotation mark {char} where none is open to close"))
    for mark, start in open_[:1]:  # the outermost: the others close with it
        ends = [m.start() for m in _SENTENCE_END.finditer(line, start)]
        column = ends[-1] if ends else start
        found.append((column, f"the quotation opened with {mark} at column {start + 1} is not closed in this paragraph"))
    return found


_CLAUSE_START = frozenset("。！？：?!:")  # a quotation most often opens after one of these (or at the line's start)


def _opening_reach(line: str, column: int) -> int:
    """How far back from a closing mark with none open its lost opening mark may have stood: to the
    end of the sentence before, or the colon that introduced it (that mark included: it may be the
    one a misaligned run took with it, `？` for `，“`), at most :data:`_RUN_REACH`."""
    reach = 0
    while reach < min(column, _RUN_REACH):
        reach += 1
        if line[column - reach] in _CLAUSE_START:
            break
    return reach


def _stretches(line: str, bad) -> list[tuple[int, int]]:
    """Start and end of each stretch of neighbouring characters for which ``bad`` holds."""
    found, start = [], None
    for column, char in enumerate(line + "\n"):
        if char != "\n" and bad(char):
            start = column if start is None else start
        elif start is not None:
            found.append((start, column))
            start = None
    return found


def find_spots(text: str) -> list[Spot]:
    """Every spot in ``text`` that looks like damage, in order."""
    spots: dict[tuple[int, int], Spot] = {}
    traditional = is_traditional(text)
    other = "a Simplified character in Traditional text" if traditional else "a Traditional character in Simplified text"
    for number, line in enumerate(text.split("\n"), start=1):
        if not line:
            continue

        def add(start: int, end: int, reason: str, number=number, line=line, reach: int = 0) -> None:
            key = (number, start + 1)
            if key not in spots:
                if reason.startswith(("bytes lost", "a byte read alone", "ASCII letters")):
                    while (
                        reach < min(start, _RUN_REACH)
                        and not line[start - reach - 1].isascii()
                        and line[start - reach - 1] not in _MARK
                    ):
                        reach += 1
                spots[key] = Spot(number, start + 1, reason, line[max(0, start - 8) : end + 8], reach)

        for pattern, reason in _CHECKS:
            for match in pattern.finditer(line):
                if reason.startswith("a pinyin") and match.group(0)[1:-1] not in readings(line[match.start() - 1]):
                    continue
                add(match.start(), match.end(), reason)
        for column, reason in _unpaired_quotes(line):
            lost_before = "where none is open" in reason  # its opening mark was lost before it
            add(column, column + 1, reason, reach=_opening_reach(line, column) if lost_before else 0)
        for start, end in _stretches(line, lambda c: c != REPLACEMENT and implausible(c)):
            add(start, end, f"implausible character(s) {line[start:end]!r}")
        if traditional is not None:
            for start, end in _stretches(line, lambda c: outside_script(c, traditional)):
                add(start, end, f"{other} (misread bytes give either script): {line[start:end]!r}")
    return sorted(spots.values(), key=lambda s: (s.line, s.column))
