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
from dataclasses import dataclass, field, replace
from functools import lru_cache

from datong.pipeline.edits import ColumnMap, Edit, Flag, apply
from datong.pipeline.plausibility import (
    HAN,
    REPLACEMENT,
    implausible,
    is_han,
    is_traditional,
    known_pair,
    other_script,
    prefix_window_scores,
    window_score,
)
from datong.pipeline.words import is_word, prefix_segment_scores, segment_score, word_cost

TONE_MARKED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
SYLLABLE = rf"[a-z{TONE_MARKED}]{{1,6}}"

# A width-folded mark (or the lost-byte marks and commas stacked before it) opens a run.
_OPENER = re.compile(rf"(?P<noise>[,{REPLACEMENT}]*)(?P<mark>[!?,;:])")  # not ( ): readings end in them
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
CONFIDENT = 0.5  # a re-decoding below this confidence is flagged for a person to check,
APPLIED_AND_FLAGGED = 0.25  # and below this one it is not applied either (a tie is not a choice)
_DISAGREED = 0.49  # the most a decoding the character scores alone would not choose is trusted
SURE_OF_A_GUESS = 1.1  # a guessed lead byte of a character (any of 126) is applied but always flagged
_WORD_WEIGHT = 0.35  # how much the word model counts against character scores (a nat of it: 0.35)
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
    if ord(char) < 0x250 or char == REPLACEMENT:  # ASCII, and Latin letters with marks (pinyin)
        return False
    try:
        return len(char.encode("gb18030")) == 2
    except UnicodeEncodeError:
        return False


def _run_end(text: str, start: int) -> int:
    """Where a run starting at ``start`` ends. (Taking folded marks between run characters into
    the run was measured with bench/bench_repair.py: it left more silent differences, not fewer.)"""
    end = start
    while end < len(text) and is_run_char(text[end]):
        end += 1
    return end


def _common_prefix(a: str, b: str) -> int:
    """How many characters the two strings begin with in common."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _run_bytes(run: str) -> bytes:
    return "".join(_FULL_WIDTH.get(c, c) for c in run).encode("gb18030")


def _decode(data: bytes) -> str:
    return data.decode("gb18030", errors="replace")


@lru_cache(maxsize=65536)
def _plausible_start(data: bytes) -> bool:
    """Does a decoding start with a character a text could have (not garbage, not a lost byte)?"""
    char = _decode(data[:2])[:1]
    return bool(char) and char != REPLACEMENT and not implausible(char)


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
    start: int
    end: int
    replacement: str
    prior: float
    guessed: bool = False  # any of 126 lead bytes would do: applied only when very sure
    # A character a reading chose among characters that sound the same (a byte of it was lost):
    # its column in the replacement, the reading, and the others it could be. Always flagged.
    by_reading: tuple[int, str, tuple[str, ...]] | None = None
    # The lead byte of its last character, whose trail byte the mirror lost (the run ends in `�`
    # and no reading follows to say which character it was): guessed from the words around it.
    lost_trail_of: int | None = None
    # Pairs the mirror showed as ? inside the run, guessed from the words: for each, the column
    # of its first character in the replacement, the two characters, and the next likeliest.
    filled: tuple[tuple[int, str, tuple[str, ...]], ...] = ()
    # Its first character, whose lead byte a reading on the pair straddling it and the character
    # before chose among several (`堂?méi)`: 很 or 弟): the reading, and the others it allows.
    straddled: tuple[str, tuple[str, ...]] | None = None
    twice: bool = False  # two marks lost a byte each inside it: the second put the run back in step


def _quote_balance(text: str) -> tuple[int, int]:
    return text.count("“") - text.count("”"), text.count("‘") - text.count("’")


def _unpaired(balance: tuple[int, int]) -> float:
    """How badly a line's quotation marks pair: a closing one too many counts in full, an opening
    one too many half (a quotation may run on into the next paragraph)."""
    return sum(-b if b < 0 else 0.5 * b for b in balance)


def _with_lost_tail(line: str, run_end: int, decoded: str) -> tuple[str, int]:
    """A run cut short by a lost byte ends in a dangling lead byte: merge it with the `�` after."""
    if decoded.endswith(REPLACEMENT) and line[run_end : run_end + 1] == REPLACEMENT:
        return decoded, run_end + 1
    return decoded, run_end


class _Budget:
    """Bounds the work on pathological input: past it, only the two usual lead bytes are tried.
    Also knows the text's script, which a decoding should keep to, and the words it repeats."""

    def __init__(self, size: int, traditional: bool | None = None, text: str = ""):
        self.left = 60 * size + 300_000
        self.traditional = traditional
        self.repeated = repeated_pairs(text)

    def spend(self, cost: int) -> bool:
        """Take ``cost`` from what is left, if anything is."""
        if self.left <= 0:
            return False
        self.left -= cost
        return True

    def leads(self, run_length: int) -> list[int]:
        if self.left <= 0:
            return _LEAD_BYTES[:2]
        self.left -= run_length * len(_LEAD_BYTES)
        return _LEAD_BYTES


_HAN_PAIR = re.compile(rf"(?=({HAN}{HAN}))")
_REPEATED = 2  # a pair of characters seen this often in the text is one of its words
_REPEATED_WEIGHT = 1.0  # what each such pair counts for a guess (a nat of the word model counts 0.35)


def _repeated_in(text: str, repeated: frozenset[str]) -> int:
    """How many of ``text``'s pairs of neighbours are pairs the text repeats (:func:`repeated_pairs`)."""
    return sum(text[i : i + 2] in repeated for i in range(len(text) - 1)) if repeated else 0


def repeated_pairs(text: str) -> frozenset[str]:
    """The pairs of Chinese characters the text itself uses again and again, read where they stand
    (inserted readings left out): a report on 復工 says 復工, where a dictionary prefers 復古."""
    pairs = Counter(_HAN_PAIR.findall(_INSERTED_READING.sub("", text)))
    return frozenset(pair for pair, n in pairs.items() if n >= _REPEATED)


def confidence(gain: float, margin: float) -> float:
    """How sure a re-decoding is: it must read clearly better than the text as it stands (gain)
    and than the next-best decoding that reads differently (margin); 0 to 1."""
    if gain <= 0 or margin <= 0:
        return 0.0
    return round((1 - math.exp(-2.0 * gain)) * (1 - math.exp(-2.5 * margin)), 3)


_READING_AFTER = re.compile(rf"\((?P<syllable>{SYLLABLE})\)")
_READING_WEIGHT = 1.5  # a run that ends in the character its inserted reading belongs to


def _reading_bonus(text: str, end: int, line: str) -> float:
    """+ when the character before ``end`` has the reading inserted after it, - when it has not."""
    reading = _READING_AFTER.match(line, end)
    if not reading or not text:
        return 0.0
    return _READING_WEIGHT if reading.group("syllable") in readings(text[-1]) else -_READING_WEIGHT / 2


# A full-width mark's bytes by its trail byte: after the mark's lead byte is lost, its trail
# byte is the first byte of the run (。 is A1 A3, so a run opened by A3 .. lost an A1).
_MARK_BY_TRAIL: dict[int, int] = {}
_MARKS = "。，、；：？！“”‘’《》（）"  # the full-width marks a lost lead byte may belong to
for _mark in _MARKS:
    _lead, _trail = _mark.encode("gb18030")
    _MARK_BY_TRAIL.setdefault(_trail, _lead)
# A mark news text seldom uses is seldom the one that lost its lead byte (！ against “ or 。).
_RARER_MARK = {
    "：": -0.4,
    "；": -0.4,
    "？": -0.6,
    "！": -0.8,
    "‘": -0.6,
    "’": -0.6,
    "《": -0.6,
    "》": -0.6,
    "（": -0.6,
    "）": -0.6,
}
_VISIBLE_MARKS = frozenset("。，、；：？！“”‘’《》（）,;:!?()" + REPLACEMENT)
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_NOISE = str.maketrans("", "", ",，" + REPLACEMENT)
_NOISE_BONUS = 0.15
_CONTEST = 0.5  # how much better another decoding must read, prior aside, to contest the best
_CLOSE = 0.6  # a decoding this close to the best is a rival: where they differ, the repair is unsure
_DOUBT = 2  # at most this many characters in doubt, and the rest of a run is applied (those flagged)
_TAIL_REACH = 24  # characters before a lost byte where the run it ends may have started
_TWICE_NEAR = 1.5  # a character that reads this nearly as well as two marks that lost a byte each, the
# second opening a quotation (whose closing mark may be lost too), is named
_TWICE_REACH = 8  # characters within which a second lost byte is looked for


def _homophones(column: int, syllable: str, others: tuple[str, ...]) -> tuple[int, str, tuple[str, ...]] | None:
    """What a candidate records of a character its reading chose: nothing when no other fits."""
    return (column, syllable, others) if others else None


# A lost lead byte of these makes the mark's trail byte and the next lead byte a private-use
# pair, which the mirror shows as ? (， is A3 AC, and AC A1-FE is private use; 。 is A1 A3, and
# A3 40-A0 is).
_UNSHOWN_LEADS = (_MARK_LEAD, _USUAL_LOST_LEAD)
_FILL_COST = 3_000  # budget a pair to fill costs (about what 24 characters' lead bytes do)
_MAX_UNSHOWN = 2  # pairs shown as ? a run is followed through
_UNSHOWN_COST = 0.3  # each filled pair: a guess, a little less likely than a run that needs none
_UNSHOWN_KEEP = 4  # fillings of each pair kept (by how the words around them read)
_GUESSED_THROUGH = 4  # guessed lead bytes (of 126) whose run is followed past pairs shown as ?
_UNSHOWN_EACH = 16  # characters on either side of a pair ranked alone before they are read together


@lru_cache(maxsize=1)
def _unshown_pairs() -> dict[int, tuple[int, ...]]:
    """The byte pairs GB18030 maps to private use (the mirror shows each as ?), by first byte."""
    pairs: dict[int, list[int]] = {}
    for first in range(0x81, 0xFF):
        for second in (*range(0x40, 0x7F), *range(0x80, 0xFF)):
            char = bytes([first, second]).decode("gb18030", errors="replace")
            if len(char) == 1 and 0xE000 <= ord(char) <= 0xF8FF:
                pairs.setdefault(first, []).append(second)
    return {first: tuple(seconds) for first, seconds in pairs.items()}


def _through_unshown(line: str, end: int) -> int:
    """Where a run that stops at ``end`` ends if each ? there is a pair the mirror could not show
    (read out of step, a character's trail byte and the next one's lead byte make a private-use
    pair: 均註 read one byte off is BE F9 D7 A2, and F9 D7 shows as ?). ``end`` if none is."""
    holes = 0
    while end < len(line) and line[end] == "?":
        stop = end
        while stop < len(line) and line[stop] == "?" and holes < _MAX_UNSHOWN:
            stop += 1
            holes += 1
        if stop == end or stop >= len(line) or line[stop] == "?" or line[stop].isascii() or not is_run_char(line[stop]):
            break
        end = _run_end(line, stop)
    return end


def _begun_character(stream: bytes) -> int | None:
    """The column of the character ``stream``'s last byte begins (a lead byte whose trail is yet
    to come), or None where the stream ends between characters (two bytes from 0x81)."""
    i = chars = 0
    while i < len(stream):
        i += 2 if stream[i] >= 0x81 else 1
        chars += 1
    return chars - 1 if i == len(stream) + 1 else None


def _with_others(chars) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each of ``chars`` (once, in order) with the others: a guess and what else it could be."""
    unique = tuple(dict.fromkeys(chars))
    return tuple((char, tuple(c for c in unique if c != char)) for char in unique)


@lru_cache(maxsize=4096)
def _sounding(lead: int, syllable: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each character of lead byte ``lead`` that reads ``syllable``, with the others that do."""
    chars = [_decode(bytes([lead, trail])) for trail in range(0x40, 0xFF)]
    return _with_others(c for c in chars if len(c) == 1 and not implausible(c) and syllable in readings(c))


@lru_cache(maxsize=1)
def _by_reading() -> dict[str, tuple[tuple[int, int, str], ...]]:
    """Every two-byte GB18030 character a text could have whose trail byte is 0x81 or above (a
    trail byte the mirror loses before a `(` is one), by each of its readings: lead, trail, character."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    for lead in range(0x81, 0xFF):
        for trail in range(0x81, 0xFF):
            char = _decode(bytes([lead, trail]))
            if len(char) == 1 and is_han(char) and not implausible(char):
                for syllable in readings(char):
                    found.setdefault(syllable, []).append((lead, trail, char))
    return {syllable: tuple(chars) for syllable, chars in found.items()}


@lru_cache(maxsize=4096)
def _mark_and_sounding(syllable: str) -> tuple[tuple[int, str, str, tuple[str, ...]], ...]:
    """What `?�(syllable)` may have been: a mark that lost its lead byte (， or 。), its trail byte
    and the next character's lead byte shown as ? (a private-use pair), and that character, whose
    trail byte the mirror lost (`�`, a byte 0x81 or above before the `(`) and whose reading follows:
    each lead byte lost, mark, character, and the other characters that fit."""
    found = []
    for lead in _UNSHOWN_LEADS:
        for first in _unshown_pairs():
            mark = _decode(bytes([lead, first]))
            if len(mark) != 1 or mark not in "。，、；：":
                continue
            seconds = set(_unshown_pairs()[first])
            chars = [char for c_lead, _, char in _by_reading().get(syllable, ()) if c_lead in seconds]
            found += [(lead, mark, char, others) for char, others in _with_others(chars)]
    return tuple(found)


def _opening_pairs(noise: float) -> list[tuple[bytes, float]]:
    """A ? that opens a run, as a pair to fill after the lost lead byte of ， or 。, with its prior."""
    return [(bytes([lead]) + b"?", noise - 0.2 + _UNSHOWN_COST + _LEAD_PRIOR[lead]) for lead in _UNSHOWN_LEADS]


def _marks_shown_as_question_mark() -> tuple[tuple[str, float, tuple[str, ...]], ...]:
    """Two marks side by side that each lost their lead byte leave their two trail bytes, which may
    make a private-use pair the mirror shows as ? (，“ is A3 AC A1 B0: AC B0 is private use), with
    the text in step on both sides (`把關?成熟` is `把關，“成熟`): each such pair, its prior
    (both lead bytes lost), and the likeliest others, for naming."""
    found = []
    for a in _MARKS:
        for b in _MARKS:
            shown = _decode(bytes([a.encode("gb18030")[1], b.encode("gb18030")[1]]))
            if len(shown) == 1 and _PRIVATE_USE.match(shown):
                prior = sum(_LEAD_PRIOR.get(m.encode("gb18030")[0], -1.0) + _RARER_MARK.get(m, 0.0) for m in (a, b))
                found.append((a + b, prior - _TWO_LOST))
    found.sort(key=lambda pair: -pair[1])
    return tuple((pair, prior, tuple(p for p, _ in found if p != pair)[:3]) for pair, prior in found)


_TWO_LOST = 1.0  # two lost bytes at one spot: less likely than one
_MARKS_AS_Q = _marks_shown_as_question_mark()
_OPENING_AS_Q = ", ".join([pair for pair, _, _ in _MARKS_AS_Q if pair[1] in "“‘《（"][:3])  # for naming a ? that asks nothing


def _with_holes(text: str) -> bytes:
    """``text``'s bytes with each ? a hole (0x3F) for :func:`_fillings` to fill."""
    return b"".join(b"?" if c == "?" else _run_bytes(c) for c in text)


@lru_cache(maxsize=4096)
def _last_characters(first: int, nxt: bytes, right: str, traditional: bool | None) -> tuple[tuple[float, int, str], ...]:
    """The likeliest characters a pair shown as ? (first byte ``first``) ends on: its second byte
    and the byte after it, each as it reads before ``right``."""
    found = []
    for y in _unshown_pairs()[first]:
        char = _decode(bytes([y]) + nxt)
        if len(char) == 1 and not implausible(char):
            found.append((window_score(char + right, traditional), y, char))
    return tuple(sorted(found, reverse=True)[:_UNSHOWN_EACH])


Filling = tuple[bytes, float, tuple[tuple[int, str, tuple[str, ...]], ...]]


def _fillings(stream: bytes, traditional: bool | None, before: str = "", after: str = "") -> list[Filling]:
    """``stream`` (a run with its lost byte restored) with each ? (0x3F: a pair the mirror could
    not show) filled by the pairs whose characters read best with their neighbours (``before``
    and ``after`` are the text either side of the run), the cost of the guesses, and for each
    filled pair the column of its first character, the characters and the next likeliest.
    Out of step, a pair's first byte ends one character and its second begins the next, so two
    pairs side by side (`??`) make three characters; a pair that would stand in step (a
    private-use character) is no filling."""
    pairs = _unshown_pairs()
    beams: list[tuple[bytes, float, tuple]] = [(b"", 0.0, ())]
    rest = stream
    while (hole := rest.find(b"?")) >= 0:
        head, rest = rest[:hole], rest[hole + 1 :]
        twice = rest[:1] == b"?"  # a second pair at once
        if twice:
            rest = rest[1:]
        if not rest or rest[:1] == b"?":
            return []
        nxt = rest[:1]
        following = rest[1:5].split(b"?")[0]  # the characters after the pairs, up to the next one
        right = (_decode(following) + (after if b"?" not in rest[1:] and len(rest) <= 5 else ""))[:2]
        grown: list[tuple[float, bytes, float, tuple, tuple[int, str]]] = []
        for done, cost, guesses in beams:
            known = done + head
            column = _begun_character(known)
            if column is None:
                continue  # the pair would stand in step
            left = (before + _decode(known[:-1]))[-2:]
            firsts = []
            for y1 in pairs:
                c1 = _decode(bytes([known[-1], y1]))
                if len(c1) == 1 and not implausible(c1):
                    firsts.append((window_score(left + c1, traditional), y1, c1))
            for _, y1, c1 in sorted(firsts, reverse=True)[:_UNSHOWN_EACH]:
                if twice:  # the first pair's second byte and the second pair's first byte make a character
                    middles = []
                    for y2 in pairs[y1]:
                        for y3 in pairs:
                            c2 = _decode(bytes([y2, y3]))
                            if len(c2) == 1 and not implausible(c2):
                                middles.append((window_score(left + c1 + c2, traditional), y2, y3, c2))
                    fills = [
                        (bytes([y1, y2, y3, y4]), c1 + c2 + c3)
                        for _, y2, y3, c2 in sorted(middles, reverse=True)[: 2 * _UNSHOWN_EACH]
                        for _, y4, c3 in _last_characters(y3, nxt, right, traditional)[:_UNSHOWN_KEEP]
                    ]
                else:
                    fills = [(bytes([y1, y2]), c1 + c2) for _, y2, c2 in _last_characters(y1, nxt, right, traditional)]
                for filled, chars in fills:
                    window = left + chars + right
                    reads = window_score(window, traditional) + _WORD_WEIGHT * segment_score(window)
                    grown.append((reads, known + filled, cost + _UNSHOWN_COST * (1 + twice), guesses, (column, chars)))
        grown.sort(key=lambda t: -t[0])
        kept = grown[:_UNSHOWN_KEEP]
        beams = []
        for _, filled, cost, guesses, (column, chars) in kept:
            others = tuple(dict.fromkeys(t[4][1] for t in kept if t[4][1] != chars))
            beams.append((filled, cost, (*guesses, (column, chars, others))))
        if not beams:
            return []
    return [(done + rest, cost, guesses) for done, cost, guesses in beams]


def _named_after_mark(line: str, pos: int) -> re.Match | None:
    """`、�(é)` at ``pos``: the character after a mark lost its lead byte, and its trail byte, read
    as a lead byte before "(", was lost too; only its reading (the match) is left to say which."""
    if line[pos] != REPLACEMENT or pos == 0 or line[pos - 1] not in _VISIBLE_MARKS:
        return None
    return _READING_AFTER.match(line, pos + 1)


def _candidates(line: str, s: int, budget: _Budget) -> list[_Candidate]:
    """Every decoding of a misaligned run starting at ``s`` (see :func:`_decodings`), and each
    again with its lost byte one character earlier (:func:`_one_earlier`)."""
    found = _decodings(line, s, budget)
    return found + _one_earlier(line, s, found)


def _decodings(line: str, s: int, budget: _Budget) -> list[_Candidate]:
    """Every decoding of a misaligned run starting at ``s``, by what was lost:

    - a mark's lead byte: the run's first byte is that mark's trail byte (`!` is A3 A1: 。 lost its A1);
    - the lead byte of the character after a visible mark (any lead byte, a lower prior);
    - a reading on a straddling pair, whose second byte was lost (the reading says which);
    - a ? between characters in step: two marks that each lost their lead byte, or a folded ？.
    """
    found: list[_Candidate] = []
    if line[s] == "?" and 0 < s < len(line) - 1 and is_han(line[s - 1]) and is_han(line[s + 1]):
        found.append(_Candidate(s, s + 1, "？", 0.0))  # a question mark the mirror folded: nothing to re-decode
        found += [_Candidate(s, s + 1, pair, prior, filled=((0, pair, others),)) for pair, prior, others in _MARKS_AS_Q]

    def keep(
        start: int, stop: int, decoded: str, prior: float, guessed: bool, by_reading=None, lost_trail_of=None, filled=(),
        twice=False,
    ) -> None:
        # Where the decoding is back in step (after a trail byte read alone, `t` in `瓌t`), it reads
        # as the text does: the run ends there, and what follows is looked at on its own.
        if _PRIVATE_USE.search(decoded):
            return  # the mirror shows a private-use pair as ?: no text it read had one
        if decoded.rstrip(REPLACEMENT).count(REPLACEMENT) > line[start:stop].count(REPLACEMENT):
            return  # a byte inside the run that the decoding cannot place: the mirror's lost bytes show
        same = _common_prefix(decoded[::-1], line[start:stop][::-1])
        if same < len(decoded) and decoded[len(decoded) - same :].strip(REPLACEMENT):
            decoded, stop = decoded[: len(decoded) - same], stop - same
        if by_reading and by_reading[0] >= len(decoded):
            by_reading = None  # the guessed character was the part the text already reads
        if lost_trail_of is not None and not decoded.endswith(REPLACEMENT):
            lost_trail_of = None
        found.append(_Candidate(start, stop, decoded, prior, guessed, by_reading, lost_trail_of, filled, twice=twice))

    def run_from(start: int) -> tuple[int, bytes] | None:
        end = min(_run_end(line, start), start + _MAX_RUN)
        return (end, _run_bytes(line[start:end])) if end > start else None

    def add(start: int, prefixes, run, guessed=False, twice=False) -> None:
        end, data = run
        for prefix, prior in prefixes:
            decoded, stop = _with_lost_tail(line, end, _decode(prefix + data))
            reading = _READING_AFTER.match(line, stop) if stop > end else None
            lost = (prefix + data)[-1] if stop > end and not reading else None
            keep(start, stop, decoded, prior, guessed, lost_trail_of=lost)
            if twice:  # a second mark lost further on put the run back in step: restore it too
                back_in_step = next((i for i, byte in enumerate(data) if byte < 0x80), len(data))
                for cut in range(
                    1, min(len(data), 2 * _TWICE_REACH, back_in_step + 1), 2
                ):  # past a byte read alone, a second run is a run of its own
                    for lead in (_USUAL_LOST_LEAD, _MARK_LEAD):
                        again = _decode(prefix + data[:cut] + bytes([lead]) + data[cut:])
                        keep(start, end, again, prior + _LEAD_PRIOR[lead] - 0.5, guessed, twice=True)
            if reading:  # the last character lost its trail byte; its reading says which it was
                syllable = reading.group("syllable")
                for char, others in _sounding((prefix + data)[-1], syllable):
                    keep(start, stop, decoded[:-1] + char, prior + 0.3, guessed, _homophones(len(decoded) - 1, syllable, others))
        through = _through_unshown(line, end)
        if through > end:  # the run may go on past pairs the mirror showed as ?: fill them from the words
            if guessed:  # any of 126 lead bytes: only those whose run reads best up to the pair go on
                before = _context_before(line, start, 2)
                prefixes = sorted(prefixes, key=lambda p: -_reads_as_words(before + _decode(p[0] + data), budget.traditional)[-1])
                prefixes = prefixes[:_GUESSED_THROUGH]
            fill(start, prefixes, end, through, data + _with_holes(line[end:through]), guessed)

    def fill(start: int, prefixes, end: int, through: int, data: bytes, guessed: bool = False) -> None:
        if not budget.spend(_FILL_COST * len(prefixes) * data.count(b"?")):
            return  # pathological input: past the budget, pairs shown as ? are left flagged
        before = _context_before(line, start, 2)
        after = _context_after(line, through, 2)
        for prefix, prior in prefixes:
            for stream, cost, guesses in _fillings(prefix + data, budget.traditional, before, after):
                decoded, stop = _with_lost_tail(line, through, _decode(stream))
                reading = _READING_AFTER.match(line, stop) if stop > through else None
                lost = stream[-1] if stop > through and not reading else None
                keep(start, stop, decoded, prior - cost, guessed, lost_trail_of=lost, filled=guesses)
                if reading and decoded.endswith(REPLACEMENT):  # the last character's reading says which it was
                    for char, others in _sounding(stream[-1], reading.group("syllable")):
                        by_reading = _homophones(len(decoded) - 1, reading.group("syllable"), others)
                        keep(start, stop, decoded[:-1] + char, prior - cost + 0.3, guessed, by_reading, filled=guesses)

    if named := _named_after_mark(line, s):
        syllable = named.group("syllable")
        for char, others in _with_others(char for _, _, char in _by_reading().get(syllable, ())):
            found.append(_Candidate(s, s + 1, char, _OTHER_LEAD_PRIOR, guessed=True, by_reading=_homophones(0, syllable, others)))
        return found
    alone = _READING_AFTER.match(line, s + 1) if 0x40 <= ord(line[s]) <= 0x7E and line[s].isalpha() else None
    if alone and (s == 0 or not line[s - 1].isascii()):  # a trail byte alone, then its character's reading
        syllable = alone.group("syllable")
        chars = [_decode(bytes([lead, ord(line[s])])) for lead in _LEAD_BYTES]
        sounding = list(dict.fromkeys(c for c in chars if len(c) == 1 and syllable in readings(c)))
        for char in sounding:
            others = tuple(c for c in sounding if c != char and not implausible(c))
            found.append(_Candidate(s, s + 1, char, 0.5, by_reading=_homophones(0, syllable, others)))

    straddle = _STRADDLE_OPENER.match(line, s) if s > 0 else None
    if straddle:
        trail = line[s - 1].encode("gb18030", errors="replace")[-1:]
        syllable = straddle.group("syllable")
        leads = [b for b in _LEAD_BYTES if syllable in readings(_decode(trail + bytes([b])).strip(REPLACEMENT)[:1])]
        if run := run_from(straddle.end()):
            n = len(found)
            add(s, [(bytes([b]), 0.5) for b in leads], run)
            firsts = {c.replacement[:1] for c in found[n:] if c.replacement[:1] and is_run_char(c.replacement[0])}
            if len(firsts) > 1:  # named with the others it could be, the commonest first
                others = dict(_with_others(sorted(firsts, key=lambda f: (-word_cost(f), f))))
                found[n:] = [replace(c, straddled=(syllable, others.get(c.replacement[:1], ()))) for c in found[n:]]
        reading = _READING_AFTER.match(line, straddle.end() + 1) if line[straddle.end() : straddle.end() + 1] == REPLACEMENT else None
        if reading:  # `有?xìng)�(yòng)`: the character after the pair lost its trail byte too; its reading names it
            syllable = reading.group("syllable")
            chars = [char for lead, _, char in _by_reading().get(syllable, ()) if lead in leads]
            for char, others in _with_others(chars):
                found.append(_Candidate(s, straddle.end() + 1, char, 0.5, by_reading=_homophones(0, syllable, others)))
    opener = _OPENER.match(line, s)
    if opener and opener.group("mark") == "?" and line[opener.end() : opener.end() + 1] == REPLACEMENT:
        reading = _READING_AFTER.match(line, opener.end() + 1)
        if reading:  # `?�(yǐn)`: a mark and the character after it, whose reading says which it was
            noise = _NOISE_BONUS * len(opener.group("noise"))
            syllable = reading.group("syllable")
            for lead, mark, char, others in _mark_and_sounding(syllable):
                prior = noise - 0.2 + _LEAD_PRIOR[lead]
                found.append(_Candidate(s, opener.end() + 1, mark + char, prior, by_reading=_homophones(1, syllable, others)))
    if opener and opener.group("mark") == "?" and line[opener.end() : opener.end() + 1] == "?":
        through = _through_unshown(line, opener.end())  # `??鈴凸`: the opener and the next ? are both pairs
        if through > opener.end():
            holes = _opening_pairs(_NOISE_BONUS * len(opener.group("noise")))
            fill(s, holes, opener.end(), through, _with_holes(line[opener.end() : through]))
    if opener and (run := run_from(opener.end())):
        mark = opener.group("mark")
        noise = _NOISE_BONUS * len(opener.group("noise"))
        first = _FULL_WIDTH[mark].encode("gb18030")
        if first[0] in _MARK_BY_TRAIL:
            add(s, [(bytes([_MARK_BY_TRAIL[first[0]]]) + first, noise)], run)
        if mark == "?":  # a pair the mirror could not show (private use): a mark's trail and a lost lead
            through = _through_unshown(line, run[0])
            holes = _opening_pairs(noise)
            fill(s, holes, run[0], run[0], run[1])
            if through > run[0]:
                fill(s, holes, run[0], through, run[1] + _with_holes(line[run[0] : through]))
    if line[s].isascii():
        return found
    run = run_from(s)
    if run is None:
        return found
    first = run[1][0]
    if first in _MARK_BY_TRAIL:
        lead = _MARK_BY_TRAIL[first]
        mark = _decode(bytes([lead, first]))
        add(s, [(bytes([lead]), _LEAD_PRIOR.get(lead, 0.0) + _RARER_MARK.get(mark, 0.0))], run, twice=True)
    if s > 0 and line[s - 1] in _VISIBLE_MARKS:
        leads = [b for b in budget.leads(run[0] - s) if _plausible_start(bytes([b]) + run[1][:1])]
        add(s, [(bytes([b]), _OTHER_LEAD_PRIOR) for b in leads], run, guessed=True)
    return found


def _one_earlier(line: str, s: int, found: list[_Candidate]) -> list[_Candidate]:
    """The same runs with the lost byte one character earlier. A run that needs a mark's lead byte
    L put back may find it as the second byte of the character before, when that character's first
    byte is a mark's trail byte: then the byte lost was that mark's lead (`薄!拔` is B1 A1 A3 A1 B0:
    `”。“我` lost its first A1, not `薄。“我` the A1 of 。). Both read the same bytes; the words decide."""
    before = line[s - 1 : s]
    if not before or not is_han(before):
        return []
    data = before.encode("gb18030")
    if len(data) != 2 or data[0] not in _MARK_BY_TRAIL:
        return []
    mark = _decode(bytes([_MARK_BY_TRAIL[data[0]], data[0]]))
    prior = _LEAD_PRIOR.get(_MARK_BY_TRAIL[data[0]], 0.0) + _RARER_MARK.get(mark, 0.0)
    earlier = []
    for c in found:
        if c.start != s or c.guessed or not c.replacement or c.replacement[0].encode("gb18030", errors="replace")[0] != data[1]:
            continue  # the run did not put back the lead byte the character before holds
        earlier.append(
            replace(
                c,
                start=s - 1,
                replacement=mark + c.replacement,
                prior=prior + c.prior - _LEAD_PRIOR.get(data[1], 0.0),
                by_reading=c.by_reading and (c.by_reading[0] + 1, *c.by_reading[1:]),
                filled=tuple((column + 1, *rest) for column, *rest in c.filled),
            )
        )
    return earlier


_WORD_TRIGGER = 6.0  # how much better a stretch must read shifted to be looked at as a run
# ... and a character both of whose bytes are marks' trail bytes (卑 is B1 B0: ” and “, each
# without its lead byte A1), where two marks lost a byte each and the text is back in step at once
_WORD_TRIGGER_TWO_MARKS = 2.0


@lru_cache(maxsize=65536)
def _two_marks_lost(char: str) -> bool:
    """Are both of this character's bytes trail bytes of marks (`卑` B1 B0 is ” “ without their A1s)?"""
    if not is_han(char):
        return False  # a mark itself (，is A3 AC) is no character two marks' bytes make
    data = char.encode("gb18030")
    return len(data) == 2 and data[0] in _MARK_BY_TRAIL and data[1] in _MARK_BY_TRAIL


_ANY_MARK = frozenset(_MARKS + ",;:!?")
_WORD_PEEK = 6  # characters of a run the word model reads to see whether it may be out of step


def _reads_as_words(text: str, traditional: bool | None) -> list[float]:
    """How well each prefix of ``text`` reads, characters and words together (the empty one first)."""
    characters = prefix_window_scores(text, traditional)
    return [c + _WORD_WEIGHT * w for c, w in zip(characters, prefix_segment_scores(text), strict=True)]


@lru_cache(maxsize=65536)
def _shifted_lead(char: str) -> int | None:
    """The lead byte of the mark whose trail byte this (two-byte) character begins with, if any."""
    if char.isascii() or not is_run_char(char):
        return None
    return _MARK_BY_TRAIL.get(char.encode("gb18030")[0])


def _reads_better_shifted(line: str, pos: int, traditional: bool | None) -> bool:
    """Does the stretch at ``pos`` read much better with a mark's lost lead byte put back before it?
    (A run of common characters out of step, `巴扑恪爆` for `“推算”，`, that nothing else gives away.)"""
    lead = _shifted_lead(line[pos])
    if lead is None:
        return False
    if is_word(line[pos : pos + 2]) or (pos and is_word(line[pos - 1 : pos + 1])):
        return False  # it forms a word as it stands: text, not a run (and most text does: cheap)
    end = pos
    while end < len(line) and end - pos < _WORD_PEEK and is_run_char(line[end]) and not line[end].isascii():
        end += 1
    data = _run_bytes(line[pos:end])
    before = line[max(0, pos - 2) : pos]
    now: list[float] = []
    best = -math.inf
    # one mark lost its lead byte, or two did (the second puts the run back in step: `卑` for `”“`)
    for cut in (None, 1, 3):
        if cut is None:
            shifted = _decode(bytes([lead]) + data).rstrip(REPLACEMENT)
        elif cut < len(data) and data[cut] in _MARK_BY_TRAIL:
            shifted = _decode(bytes([lead]) + data[:cut] + bytes([_MARK_BY_TRAIL[data[cut]]]) + data[cut:])
        else:
            continue
        if _PRIVATE_USE.search(shifted) or any(map(implausible, shifted[:2])):
            continue  # garbage at once: not a reading that could be far better (and most are: cheap)
        now = now or _reads_as_words(before + line[pos:end], traditional)
        then = _reads_as_words(before + shifted, traditional)
        for k in range(2, min(len(shifted), end - pos) + 1):  # k characters each; it may be back in step sooner
            best = max(best, then[len(before) + k] - now[len(before) + k])
    if best > _WORD_TRIGGER or best <= _WORD_TRIGGER_TWO_MARKS:
        return best > _WORD_TRIGGER
    # a short stretch that also ends, before a mark, in a mark's trail byte (`熬帽:` for `“久”：`: B0 BE C3 B1
    # is “久” without its two A1s): a quotation whose two marks each lost a byte, as unlikely in clean text
    # as a character made of two trail bytes
    closes = end - pos < _WORD_PEEK and data[-1] in _MARK_BY_TRAIL and (end == len(line) or line[end] in _ANY_MARK)
    return _two_marks_lost(line[pos]) or closes


def _triggered(line: str, pos: int, memo: dict, traditional: bool | None = None) -> bool:
    """Might a misaligned run start at ``pos`` or just after? (``memo`` keeps each position's
    verdict until the line changes, so a line is looked at once: linear time)"""
    char = line[pos]
    if char in "!?" and pos + 1 < len(line) and is_run_char(line[pos + 1]):
        return True
    if char == "?" and pos > 0 and _STRADDLE_OPENER.match(line, pos):
        return True
    if char == "?" and line[pos + 1 : pos + 2] == REPLACEMENT and _READING_AFTER.match(line, pos + 2):
        return True  # `?�(yǐn)`: a mark, and a character its reading names
    if char == REPLACEMENT and pos > 0 and is_run_char(line[pos - 1]):
        return True  # the dangling lead byte a run cut short leaves
    if _named_after_mark(line, pos):
        return True
    if char in ",;:" + REPLACEMENT or is_run_char(char):
        for i in range(pos, min(len(line), pos + _LOOKAHEAD + 1)):
            verdict = memo.get(i)
            if verdict is None:
                verdict = memo[i] = is_run_char(line[i]) and _suspect(line, i)
            if verdict:
                return True
    return _reads_better_shifted(line, pos, traditional)


@dataclass(frozen=True)
class _Choice:
    """The best decoding of a run, how sure the repair is of it, and where within it a close rival
    reads differently (a guessed character: applied, flagged)."""

    best: _Candidate
    sure: float
    gain: float
    doubt: tuple[int, int] | None = None  # columns of best.replacement that close rivals read differently
    rivals: tuple[str, ...] = ()  # what they read there


# Two of these side by side (`、。`, `。。`) a text never has: a decoding that makes them lost a character.
_STACKED_MARKS = re.compile("(?=[。，、；：][。，、；：]|[。，、；：,;:][？！])")
_STACKED = 1.0
_FOLDED = str.maketrans({":": "："})  # the mirror folds ： alone, never in a stacked cluster
_INSERTED_READING = re.compile(rf"\({SYLLABLE}\)")


def _context_before(line: str, start: int, n: int) -> str:
    """The ``n`` characters before ``start`` as the text reads, inserted readings left out (they
    hide the words a decoding makes with its neighbours: `起(qǐ)業` against `企(qǐ)業`)."""
    return _INSERTED_READING.sub("", line[max(0, start - n - 16) : start])[-n:] if n > 0 else ""


def _context_after(line: str, end: int, n: int) -> str:
    """The ``n`` characters from ``end`` as the text reads, inserted readings left out."""
    return _INSERTED_READING.sub("", line[end : end + n + 16])[:n] if n > 0 else ""


def _choose(
    line: str, pos: int, candidates, balance, traditional, weight: float = _WORD_WEIGHT, repeated: frozenset[str] = frozenset()
) -> _Choice:
    """The best candidate, its confidence and its gain over the text as read."""
    pos = min(pos, *(c.start for c in candidates))
    w0 = max(0, pos - 2)
    w1 = min(len(line), max(c.end for c in candidates) + 2)
    w1 = max(w1, min(len(line), pos + _LOOKAHEAD + 2))

    befores: dict[int, str] = {}
    afters: dict[int, str] = {}

    quoted: dict[int, float] = {}  # candidate → what its quotation marks cost it

    def total(start: int, end: int, replacement: str, prior: float, key: int = -1) -> float:
        b_old, b_new = _quote_balance(line[start:end]), _quote_balance(replacement)
        quotes = quoted[key] = _unpaired((balance[0] - b_old[0] + b_new[0], balance[1] - b_old[1] + b_new[1]))
        if start not in befores:  # a folded mark left before the decoding reads as the mark it will be again (：修, not 。恨)
            befores[start] = _context_before(line, start, start - w0).translate(_FOLDED)
        if end not in afters:
            afters[end] = _context_after(line, end, w1 - end)
        window = befores[start] + replacement + afters[end]
        repeated_words = _repeated_in(befores[start][-1:] + replacement + afters[end][:1], repeated)  # the text's own words
        bonus = _reading_bonus(replacement or line[start - 1 : start], end, line) if end < len(line) else 0.0
        words = weight * segment_score(window) if weight else 0.0
        stacked = _STACKED_MARKS.findall(window)
        return (
            window_score(window, traditional) + words + prior - _QUOTE_WEIGHT * quotes + bonus - _STACKED * len(stacked)
            + _REPEATED_WEIGHT * repeated_words
        )

    read = total(pos, pos, "", 0.0)
    scored = sorted(
        ((total(c.start, c.end, c.replacement, c.prior, i), i, c) for i, c in enumerate(candidates)), key=lambda t: (-t[0], t[1])
    )
    best_score, best_index, best = scored[0]

    def meaning(c: _Candidate) -> str:  # what a reader sees: stacked commas and lost-byte marks aside
        return (line[w0 : c.start] + c.replacement + line[c.end : w1]).translate(_NOISE)

    mended = meaning(best)

    # Close rivals that read the same but for a character or two (the guessed lead byte of a
    # character, say): the rest of the run is sure, the characters where they differ are not.
    def raw(c: _Candidate) -> str:
        return line[w0 : c.start] + c.replacement + line[c.end : w1]

    whole = raw(best)
    close = [raw(c) for s, _, c in scored[1:] if s > best_score - _CLOSE and meaning(c) != mended]
    doubt, rivals, head, tail = None, (), 0, 0
    if close:
        head = min(_common_prefix(whole, m) for m in close)
        tail = min(min(_common_prefix(whole[::-1], m[::-1]), len(m) - head) for m in close)
        tail = min(tail, len(whole) - head)
        first, last = head - (best.start - w0), len(whole) - tail - (best.start - w0)
        if last - first <= _DOUBT and 0 <= first and last <= len(best.replacement):
            doubt = (first, max(last, first + 1))
            rivals = tuple(dict.fromkeys(m[head : len(m) - tail] for m in close))

    def same(c: _Candidate) -> bool:
        if meaning(c) == mended:
            return True
        if doubt is None:
            return False
        other = raw(c)
        return (
            other[:head] == whole[:head]
            and other[len(other) - tail :] == whole[len(whole) - tail :]
            and len(other) - tail >= head
        )

    runner_up = read
    for score, _, other in scored[1:]:
        if not same(other):
            runner_up = max(read, score)
            break
    # A tie between kinds of loss (a mark's byte or a character's, say): if a different decoding
    # reads better on the text alone and only the prior put this one first, a person should look.
    evidence = best_score - best.prior
    contested = any(s - c.prior > evidence + _CONTEST and not same(c) for s, _, c in scored[1:12])
    # Likewise where only the quotation marks put it first: another mark of the pair may be lost too.
    unquoted = best_score + _QUOTE_WEIGHT * quoted[best_index]
    contested = contested or any(
        s + _QUOTE_WEIGHT * quoted[i] > unquoted and not same(c) for s, i, c in scored[1:12]
    )
    sure = confidence(best_score - read, best_score - runner_up) * (0.5 if contested else 1.0)
    return _Choice(best, sure, best_score - read, doubt, rivals)


def _agreed(words: _Choice, characters: _Choice) -> _Choice:
    """The choice with the word model, checked against the choice on characters alone: where both
    choose the same decoding, it is as sure as the less sure of them (but applied, flagged, where
    the words are sure and the characters would re-decode too); where they differ and the
    characters alone would re-decode too, a person should look (flagged, still applied)."""
    if words.best == characters.best:
        sure = min(words.sure, characters.sure)
        if words.sure >= CONFIDENT and characters.gain > 0 and sure < APPLIED_AND_FLAGGED:
            sure = APPLIED_AND_FLAGGED  # the words are sure and the characters lean the same way: applied, flagged
        return replace(words, sure=sure)
    if characters.gain > 0:
        return replace(words, sure=min(words.sure, _DISAGREED))
    return words


_GUESS_WINDOW = 4  # characters either side the words of a guessed character are read in


def _guess_lost_trail(
    line: str, best: _Candidate, traditional: bool | None, repeated: frozenset[str] = frozenset()
) -> tuple[str, tuple[str, ...]] | None:
    """The character whose trail byte was lost at the end of ``best`` (its lead byte is known),
    as the words around it read best, and the next likeliest; None where no Han character fits
    (a mark's lead byte: 0xA1 leads only punctuation and spacing)."""
    lead = best.lost_trail_of
    if lead is None:
        return None
    options = {
        char
        for trail in range(0x40, 0xFF)
        if trail != 0x7F
        for char in [_decode(bytes([lead, trail]))]
        if len(char) == 1 and is_han(char) and not implausible(char)
    }
    if not options:
        return _guess_lost_mark(line[: best.start] + best.replacement[:-1], lead)
    before = (_context_before(line, best.start, _GUESS_WINDOW) + best.replacement[:-1])[-_GUESS_WINDOW:]
    after = _context_after(line, best.end, _GUESS_WINDOW)

    def reads(char: str) -> float:
        window = before + char + after
        words = _repeated_in(before[-1:] + char + after[:1], repeated)
        return window_score(window, traditional) + _WORD_WEIGHT * segment_score(window) + _REPEATED_WEIGHT * words

    ranked = sorted(options, key=lambda c: (-reads(c), c))
    others = [c for c in ranked[1:] if traditional is None or not other_script(c, traditional)]
    return ranked[0], tuple(others[:4])


# The marks a lost trail byte of 0xA1 or 0xA3 most likely stood for, likeliest first (news text).
_MARKS_BY_LEAD = {_USUAL_LOST_LEAD: "。、”“’‘", _MARK_LEAD: "，：；？！（）"}


def _guess_lost_mark(before: str, lead: int) -> tuple[str, tuple[str, ...]] | None:
    """The mark whose trail byte was lost after its lead byte (0xA1 or 0xA3), by how often text
    uses each, a closing quotation mark first where one is open (``before`` is the line up to it)."""
    marks = list(_MARKS_BY_LEAD.get(lead, ""))
    if lead == _USUAL_LOST_LEAD:
        marks.remove("”")  # first where a quotation is open, last where none is
        marks.insert(0 if before.count("“") > before.count("”") else len(marks), "”")
    ended = before.rstrip("”’")[-1:]
    marks = [m for m in marks if not _STACKED_MARKS.match(ended + m)]  # 。”。 a text never has
    return (marks[0], tuple(marks[1:5])) if marks else None


_LONE_RARE = -10.5  # a character this rare as a word of its own (赫 -11.5, 淮 -10.7; 富 -10.0, 收 -8.9)


def _lone_rare_at(before: str, text: str, after: str) -> int | None:
    """The column in ``text`` of the first rare character that makes a word with neither neighbour
    (。貉 for ：已: a mark's lost byte against a character's), or None. Misread bytes give such
    characters; a text uses them in words."""
    line = before[-1:] + text + after[:1]
    for i, char in enumerate(text, start=len(before[-1:])):
        if not is_han(char) or word_cost(char) >= _LONE_RARE:
            continue
        pairs = [pair for pair in (line[i - 1 : i + 1], line[i : i + 2]) if len(pair) == 2]
        if not any(is_word(pair) or known_pair(*pair) for pair in pairs):
            return i - len(before[-1:])
    return None


# What makes a clause a question: a particle or question word, or A-not-A (是不是, 有沒有)
_ASKS = re.compile(r"[嗎吗呢麼么誰谁何哪幾几怎甚啥否難难吧]|(.)[不沒没]\1|還是|还是|多少|多久|多大|多長|多长")
_CLAUSE = re.compile(r"[^，。！？；：“”‘’、,.!?;:]*$")


def _asks_nothing_before(line: str, start: int, end: int) -> bool:
    """Is ``line[start:end]``, a cluster of ? between two characters, after a clause that asks nothing?
    Then it stood for marks whose lead bytes were lost (`把關?成熟` is `把關，“成熟`), not for ？."""
    if "?" not in line[start:end] or not (0 < start and end < len(line) and is_han(line[start - 1]) and is_han(line[end])):
        return False
    clause = _CLAUSE.search(_INSERTED_READING.sub("", line[max(0, start - 40) : start])).group()
    return not _ASKS.search(clause)


def _just_after_mark(line: str, start: int, last_end: int) -> int | None:
    """The column just after a full-width mark a few characters of text before ``start``, where a run
    that lost its first lead byte may have begun before anything in it looked wrong."""
    back = start
    while back > last_end and start - back < _LOOKAHEAD and is_han(line[back - 1]):
        back -= 1
    return back if back < start and back > 0 and line[back - 1] in _MARKS else None


def redecode_edits(line: str, budget: _Budget | None = None) -> tuple[list[Edit], list[Flag]]:
    """The re-decodings of one line's misaligned runs, and the spots it would not decide."""
    budget = budget or _Budget(len(line))
    edits: list[Edit] = []
    flags: list[Flag] = []
    balance = _quote_balance(line)
    work = line
    shift = 0  # work's columns minus line's
    pos = 0
    last_end = 0
    flagged_until = -1
    memo: dict[int, bool] = {}
    while pos < len(work):
        if not _triggered(work, pos, memo, budget.traditional):
            pos += 1
            continue
        first = pos
        while first > 0 and work[first - 1] in "," + REPLACEMENT and first - 1 >= last_end:
            first -= 1  # the commas and lost-byte marks stacked before an opener go with it
        starts = range(first, min(len(work), pos + _LOOKAHEAD + 1))  # up to the suspect character itself
        if work[pos] == REPLACEMENT and pos > last_end and is_run_char(work[pos - 1]):
            first = pos  # a run cut short by a lost byte: it may have started well before
            while first > last_end and pos - first < _TAIL_REACH and is_run_char(work[first - 1]):
                first -= 1
            starts = range(first, pos + 1 if _named_after_mark(work, pos) else pos)  # `、�(é)`: the lost byte too
        starts = list(starts)
        if starts and starts[-1] + 1 < len(work) and work[starts[-1]] in _MARKS:
            starts.append(starts[-1] + 1)  # a run that takes a mark's bytes, or one just after it
        if starts and (after_mark := _just_after_mark(work, starts[0], last_end)) is not None:
            starts.insert(0, after_mark)  # its first characters may read as common ones (`扑悴` for `推算`)
        candidates = [c for s in starts for c in _candidates(work, s, budget) if c.start >= last_end]
        if not candidates:
            pos += 1
            continue
        choice = _agreed(
            _choose(work, pos, candidates, balance, budget.traditional, repeated=budget.repeated),
            _choose(work, pos, candidates, balance, budget.traditional, weight=0.0),
        )
        best, sure, gain = choice.best, choice.sure, choice.gain
        if gain <= 0 or best.replacement == _FULL_WIDTH.get(work[best.start : best.end]):  # `?` read as ？: folded, not lost
            opens = any(mark in best.replacement[:2] for mark in "“‘")  # the quotation marks may have decided
            if best.twice and opens and gain > -_TWICE_NEAR and best.start > flagged_until:
                flags.append(
                    Flag(
                        best.start - shift,
                        f"{work[best.start:best.end][:2]} reads almost as well as {best.replacement[:2]}, two marks that each lost a"
                        " byte: check it",
                    )
                )
            pos += 1
            continue
        if sure < APPLIED_AND_FLAGGED:
            if best.start > flagged_until:
                flags.append(  # the whole run is in doubt
                    Flag(
                        best.start - shift,
                        f"a misaligned run? no re-decoding of it is clearly right (confidence {sure})",
                        width=best.end - 1 - best.start,
                    )
                )
                flagged_until = best.end
            pos += 1
            continue
        if sure < CONFIDENT:
            flags.append(  # the whole run is in doubt
                Flag(
                    best.start - shift,
                    f"a misaligned run, re-decoded with low confidence ({sure}): check it",
                    width=max(0, len(best.replacement) - 1),
                )
            )
        before = work[best.start : best.end]
        edits.append(Edit(best.start - shift, best.end - shift, best.replacement, "redecoded", sure))
        if choice.doubt is not None:
            first, last = choice.doubt
            others = ", ".join(r or "nothing" for r in choice.rivals[:4])
            guess = best.replacement[first:last] or "nothing"
            flags.append(
                Flag(
                    best.start - shift,
                    f"re-decoded, but {guess} here is a guess (it could be {others}): check it",
                    offset=first,
                )
            )
        elif best.guessed and sure < SURE_OF_A_GUESS:
            flags.append(Flag(best.start - shift, f"re-decoded by guessing a lost lead byte (confidence {sure}): check it"))
        for column, _pair, others in best.filled:
            if column < len(best.replacement) and (choice.doubt is None or not choice.doubt[0] <= column < choice.doubt[1]):
                rivals = f" (it could be {', '.join(others[:3])})" if others else ""
                flags.append(
                    Flag(
                        best.start - shift,
                        f"re-decoded, but {best.replacement[column:column + len(_pair)]} here is a guess for a pair the mirror"
                        f" showed as ?{rivals}: check it",
                        offset=column,
                    )
                )
        if best.by_reading and (choice.doubt is None or not choice.doubt[0] <= best.by_reading[0] < choice.doubt[1]):
            column, syllable, others = best.by_reading
            flags.append(
                Flag(
                    best.start - shift,
                    f"re-decoded, but {best.replacement[column]} here is a guess from its reading {syllable}"
                    f" (it could be {', '.join(others[:4])}): check it",
                    offset=column,
                )
            )
        if best.twice and choice.doubt is None:
            flags.append(
                Flag(
                    best.start - shift,
                    f"re-decoded {before} as {best.replacement}: two marks that each lost a byte there, a guess: check it",
                    width=max(0, len(best.replacement) - 1),
                )
            )
        if best.straddled and (choice.doubt is None or choice.doubt[0] > 0):
            syllable, others = best.straddled
            flags.append(
                Flag(
                    best.start - shift,
                    f"re-decoded, but {best.replacement[0]} here is a guess: the reading {syllable} left on the pair it"
                    f" shares with the character before allows {', '.join(others[:4])} too: check it",
                )
            )
        lone = _lone_rare_at(work[: best.start], best.replacement, work[best.end :])
        if lone is not None and not any(f.column == best.start - shift and f.offset == lone for f in flags):
            flags.append(
                Flag(
                    best.start - shift,
                    f"re-decoded, but {best.replacement[lone]} here is a rare character in no word with its neighbours: check it",
                    offset=lone,
                )
            )
        if best.lost_trail_of is not None and (guess := _guess_lost_trail(work, best, budget.traditional, budget.repeated)):
            char, others = guess
            best = replace(best, replacement=best.replacement[:-1] + char)
            edits[-1] = replace(edits[-1], after=best.replacement)
            flags.append(
                Flag(
                    best.start - shift,
                    f"re-decoded, but {char} here is a guess: the mirror lost its second byte"
                    f" (it could be {', '.join(others)}): check it",
                    offset=len(best.replacement) - 1,
                )
            )
        b_old, b_new = _quote_balance(before), _quote_balance(best.replacement)
        balance = (balance[0] - b_old[0] + b_new[0], balance[1] - b_old[1] + b_new[1])
        work = work[: best.start] + best.replacement + work[best.end :]
        memo = {i: v for i, v in memo.items() if i < best.start - _LOOKAHEAD}
        shift += len(best.replacement) - (best.end - best.start)
        pos = last_end = best.start + len(best.replacement)
    return edits, flags


def redecode_misaligned_runs(text: str) -> tuple[str, int]:
    """Re-decode GBK runs read one byte off; returns the text and how many runs were fixed."""
    lines, total = [], 0
    budget = _Budget(len(text), is_traditional(text), text)
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


def _chinese_near(line: str, start: int, end: int, reach: int = 3) -> bool:
    """Is there a Chinese character or full-width mark within ``reach`` of line[start:end]?"""
    around = line[max(0, start - reach) : start] + line[end : end + reach]
    return any(not c.isascii() and not (0x80 <= ord(c) < 0x250) for c in around)


def _full_width_partner(text: str, index: int) -> bool:
    """Is the parenthesis at ``index`` one half of a pair whose other half is full-width (`(12）`)?
    Then both were full-width, and only one of them was folded."""
    if text[index] == "(":
        after = re.search(r"[()（）]", text[index + 1 :])
        return bool(after) and after.group(0) == "）"
    before = re.search(r"[()（）]", text[:index][::-1])
    return bool(before) and before.group(0) == "（"


def punctuation_edits(line: str) -> list[Edit]:
    """One full-width mark for each ASCII, doubled or stacked cluster; ASCII kept inside numbers
    and in text with no Chinese around it; ASCII parentheses among Chinese made full-width."""
    edits = []
    for match in _CLUSTER.finditer(line):
        cluster = match.group(0)
        before = line[match.start() - 1 : match.start()]
        after = line[match.end() : match.end() + 1]
        if cluster in {",", ":", ";"} and before.isdigit() and after.isdigit():
            continue  # 3,600 or 8:30
        if all(c in ",;:!?" for c in cluster) and not _chinese_near(line, match.start(), match.end()):
            continue  # English: "see page 2, then"
        if cluster == "," and after == " " and before.isascii() and before.isalnum():
            continue  # a list written the ASCII way: "12, 13"
        mark = _mark_for(cluster)
        if mark != cluster:
            edits.append(Edit(match.start(), match.end(), mark, "punctuation"))
    text = apply(line, edits)
    shifted = ColumnMap(edits)
    paired = {}
    for match in _PARENTHESES.finditer(text):  # a pair is widened together, or not at all
        wide = bool(re.search(HAN, match.group(1))) or _chinese_near(text, match.start(), match.end(), 1)
        paired[match.start()] = paired[match.end() - 1] = wide
    for index, char in enumerate(text):
        if char not in "()":
            continue
        if paired.get(index, _chinese_near(text, index, index + 1, 1) or _full_width_partner(text, index)):
            start = shifted.backward(index)
            edits.append(Edit(start, start + 1, "（" if char == "(" else "）", "parentheses", count=char == "("))
    edits.sort(key=lambda e: e.start)
    return edits


def dropped_mark_flags(line: str, edits: list[Edit]) -> list[Flag]:
    """A ? or ! that a stronger mark outweighs in its cluster (`?。`): the mirror never stacks them,
    so it stood for something lost there (a pair it could not show, a character), not a mark. And a
    ? made ？ after words that ask nothing, with text after it: marks that lost their lead bytes."""
    flags = []
    for e in edits:
        if e.rule != "punctuation":
            continue
        if e.after not in "？！" and any(c in "?!？！" for c in line[e.start : e.end]):
            flags.append(Flag(e.start, "a ? or ! stacked on another mark, dropped: a character or mark may have been lost here"))
        elif e.after == "？" and _asks_nothing_before(line, e.start, e.end):
            flags.append(Flag(e.start, f"a ? after words that ask nothing: marks or characters lost ({_OPENING_AS_Q}, say)? check it"))
    return flags


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
    reach: int = 0  # the damage may begin this many columns before (a run ends here, or a lost mark stood before)
    width: int = 0  # ... or go on this many columns after (a misaligned run in doubt begins here)

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.reason}: …{self.context}…"

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "reason": self.reason, "context": self.context, "reach": self.reach,
                "width": self.width}  # fmt: skip


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
    budget = _Budget(len(raw), is_traditional(raw), raw)
    counts: Counter = Counter({kind: 0 for kind in ALWAYS_COUNTED})
    changes: list[Change] = []
    flags: list[tuple[int, int, str, int]] = []  # line index, column in the final text, reason, width
    repaired = []
    maps_per_line = []
    for index, received in enumerate(lines):
        line = received
        maps: list[ColumnMap] = []
        pending: list[tuple[int, Flag]] = []  # stage, and the flag in that stage's input columns
        for stage, rule in enumerate((html_edits, "redecode", reading_edits, punctuation_edits, strip_edits)):
            if rule == "redecode":
                edits, stage_flags = redecode_edits(line, budget)
                pending.extend((stage, f) for f in stage_flags)
            else:
                edits = rule(line)
            if rule is punctuation_edits:
                pending.extend((stage, f) for f in dropped_mark_flags(line, edits))
            for edit in edits:
                column = edit.start
                for earlier in reversed(maps):
                    column = earlier.backward(column)
                if edit.rule != "strip":
                    changes.append(
                        Change(index + 1, column + 1, edit.rule, line[edit.start : edit.end], edit.after, edit.confidence)
                    )
                if edit.count:
                    counts[edit.rule] += 1
            maps.append(ColumnMap(edits))
            line = apply(line, edits)
        for stage, flag in pending:  # through the stage's own edits, then through every later stage's
            column = maps[stage].forward(flag.column) + flag.offset
            for later in maps[stage + 1 :]:
                column = later.forward(column)
            flags.append((index, column, flag.reason, flag.width))
        repaired.append(line)
        maps_per_line.append(maps)

    text = "\n".join(repaired)
    text, applied = locate_corrections(text, corrections)
    counts["corrections"] = len(applied)
    for fix in applied:
        changes.append(Change(fix["line"], fix["column"], "corrections", fix["match"], fix["replacement"], 1.0))
    text = text + "\n"
    found = find_spots(text)  # a rule's own flag says more than what is found after it, at the same column
    spots: list[Spot] = []
    seen: set[tuple[int, int]] = set()
    final_lines = text.split("\n")
    for index, column, reason, width in flags:
        if any(
            f["line"] == index + 1 and f["column"] - 1 <= column < f["column"] - 1 + len(f["replacement"]) + 1 for f in applied
        ):
            continue  # a correction mended it
        if (index + 1, column + 1) in seen:
            continue
        line = final_lines[index] if index < len(final_lines) else ""
        span = min(width, max(0, len(line) - column - 1))
        spots.append(Spot(index + 1, column + 1, reason, line[max(0, column - 8) : column + span + 8], width=span))
        seen.add((index + 1, column + 1))
    spots += [spot for spot in found if (spot.line, spot.column) not in seen]
    spots.sort(key=lambda s: (s.line, s.column))
    changes.sort(key=lambda c: (c.line, c.column))
    return Repair(text, to_simplified(text), counts, spots, changes, applied)


def main(argv=None) -> int:
    """The command (kept here so ``python -m datong.pipeline.repair`` works as it always did)."""
    from datong.pipeline.command import main as command

    return command(argv)


if __name__ == "__main__":
    raise SystemExit(main())
