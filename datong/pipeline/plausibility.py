"""How plausible a stretch of Chinese text is, so the repair keeps a re-decoding only when it reads better.

Byte-misaligned GBK produces rare or non-Chinese characters (髽, 覅, ▍, stray ASCII) and
breaks the pairing of quotation marks. We score both: each character by how common it is
(GB2312 level of its Simplified form, and how many dictionary phrases use it), and each
line by how many quotation marks are left unpaired.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from itertools import pairwise

from datong.script import to_simplified

CJK_PUNCTUATION = frozenset("。，、；：？！“”‘’《》（）—…·")
REPLACEMENT = "\ufffd"
_COMMON_PHRASE_COUNT = 50  # a character used in this many phrases counts as fully common


@lru_cache(maxsize=1)
def _phrase_counts() -> Counter:
    """How many phrases of pypinyin's dictionary use each (Simplified) character."""
    from pypinyin.phrases_dict import phrases_dict

    counts: Counter = Counter()
    for phrase in phrases_dict:
        counts.update(set(phrase))
    return counts


def _gb2312_level(char: str) -> int:
    """1 for the 3,755 common characters, 2 for the rarer ones, 0 outside GB2312."""
    try:
        lead = char.encode("gb2312")[0]
    except UnicodeEncodeError:
        return 0
    if 0xB0 <= lead <= 0xD7:
        return 1
    if 0xD8 <= lead <= 0xF7:
        return 2
    return 0


def _big5_level(char: str) -> int:
    """1 for Big5's 5,401 common Traditional characters, 2 for its 7,652 rarer ones, 0 outside."""
    try:
        code = char.encode("big5")
    except UnicodeEncodeError:
        return 0
    if len(code) != 2:
        return 0
    value = code[0] << 8 | code[1]
    if 0xA440 <= value <= 0xC67E:
        return 1
    return 2 if 0xC940 <= value <= 0xF9D5 else 0


# Chinese characters: CJK unified ideographs, extension A, compatibility ideographs.
HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_HAN = re.compile(HAN)


def is_han(char: str) -> bool:
    if len(char) != 1:
        return False
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


@lru_cache(maxsize=8192)
def char_score(char: str) -> float | None:
    """0 (implausible) to 1 (common); None for a replacement character, which says nothing."""
    if char == REPLACEMENT:
        return None
    if char in CJK_PUNCTUATION:
        return 1.0
    if not is_han(char):
        return 0.0
    simplified = to_simplified(char)
    levels = [level for level in (_gb2312_level(simplified), _big5_level(char)) if level]
    level = {1: 1.0, 2: 0.5}.get(min(levels, default=0), 0.0)
    used = _phrase_counts().get(simplified, 0)
    commonness = min(1.0, math.log1p(used) / math.log1p(_COMMON_PHRASE_COUNT))
    return 0.5 * level + 0.5 * commonness


def text_score(text: str) -> float:
    """Mean character score; replacement characters are left out."""
    scores = [s for s in map(char_score, text) if s is not None]
    return sum(scores) / len(scores) if scores else 0.0


def unpaired_quotes(line: str) -> int:
    """How many quotation marks in a line have no partner."""
    return abs(line.count("“") - line.count("”")) + abs(line.count("‘") - line.count("’"))


@lru_cache(maxsize=1)
def _bigrams() -> frozenset[str]:
    """Every pair of neighbouring characters in a phrase of pypinyin's dictionary (Simplified)."""
    from pypinyin.phrases_dict import phrases_dict

    return frozenset(phrase[i : i + 2] for phrase in phrases_dict for i in range(len(phrase) - 1))


@lru_cache(maxsize=65536)
def _simplified_char(char: str) -> str:
    return to_simplified(char) if len(char) == 1 else char


@lru_cache(maxsize=262144)
def known_pair(left: str, right: str) -> bool:
    """Do the two characters stand side by side in some dictionary phrase?"""
    return (_simplified_char(left) + _simplified_char(right)) in _bigrams()


# Marks a mirror leaves as they were (quotation marks, 。 、 — …) and those it folds to ASCII.
MARKS = frozenset("。，、；：？！“”‘’《》（）—…·「」『』")
ASCII_MARKS = frozenset(",;:!?()")


@lru_cache(maxsize=65536)
def char_value(char: str) -> float:
    """One character's worth in a window: -1 (garbage) to 1 (common); marks a little above 0."""
    if char == REPLACEMENT:
        return 0.0  # a lost byte: says nothing either way
    if char in MARKS:
        return 0.5
    if char in ASCII_MARKS:
        return 0.0
    if char.isascii():
        return -0.6 if char.isalpha() else 0.0
    score = char_score(char)
    return 2.0 * score - 1.0 if score is not None else -0.3


@lru_cache(maxsize=65536)
def other_script(char: str, traditional: bool) -> bool:
    """Is this Han character only of the other script (a Simplified form in Traditional text)?"""
    from datong.script import _converter

    if not is_han(char):
        return False
    if traditional:
        return _converter("s2t").convert(char) != char and _converter("t2s").convert(char) == char
    return _converter("t2s").convert(char) != char and _converter("s2t").convert(char) == char


@lru_cache(maxsize=65536)
def outside_script(char: str, traditional: bool) -> bool:
    """Is this a form of the other script that the text's own character set lacks (换 in a
    Traditional text: not in Big5; 華 in a Simplified one: not in GB2312)? Stricter than
    :func:`other_script`: variants both scripts write (里, 峰, 准, 吃, 群) pass."""
    if not other_script(char, traditional):
        return False
    return (_big5_level(char) if traditional else _gb2312_level(char)) == 0


def is_traditional(text: str) -> bool | None:
    """Is the text in Traditional characters (True), Simplified (False), or too short to tell (None)?
    Judged on its first 20,000 Han characters: the script with at least 3 of its own, and more."""
    han = [c for c in text[:60_000] if is_han(c)][:20_000]
    traditional = sum(other_script(c, False) for c in han)
    simplified = sum(other_script(c, True) for c in han)
    if max(traditional, simplified) < 3 or traditional == simplified:
        return None
    return traditional > simplified


def window_score(text: str, traditional: bool | None = None) -> float:
    """How well a short stretch reads: each character's value; a pair a dictionary phrase knows
    adds 0.6, one it does not takes 0.4 off; a character of the other script takes 0.8 off."""
    total = sum(map(char_value, text))
    for a, b in pairwise(text):
        if is_han(a) and is_han(b):
            total += 0.6 if known_pair(a, b) else -0.4
    if traditional is not None:
        total -= 0.8 * sum(other_script(c, traditional) for c in text)
    return total


def prefix_window_scores(text: str, traditional: bool | None = None) -> list[float]:
    """:func:`window_score` of every prefix of ``text``, the empty one first (one pass)."""
    scores, total = [0.0], 0.0
    for i, char in enumerate(text):
        total += char_value(char)
        if i and is_han(text[i - 1]) and is_han(char):
            total += 0.6 if known_pair(text[i - 1], char) else -0.4
        if traditional is not None and other_script(char, traditional):
            total -= 0.8
        scores.append(total)
    return scores


IMPLAUSIBLE = 0.3  # char_score below this: not a character a Chinese text would use


@lru_cache(maxsize=65536)
def implausible(char: str) -> bool:
    """Is this a character misread bytes give and text does not use? (rare Han, PUA, stray symbols)"""
    code = ord(char)
    if char == REPLACEMENT or 0xE000 <= code <= 0xF8FF:
        return True
    if is_han(char):
        score = char_score(char)
        return score is not None and score < IMPLAUSIBLE
    if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII forms other than the marks Chinese uses
        return char not in MARKS and char not in "％＋－．／＝～"
    # symbols that live in GBK's symbol rows: circled numbers, Greek, Cyrillic, kana, box drawing
    return (
        0x2460 <= code <= 0x24FF or 0x2160 <= code <= 0x217F or 0x0370 <= code <= 0x04FF
        or 0x3040 <= code <= 0x30FF or 0x2500 <= code <= 0x259F or 0x3220 <= code <= 0x3243
        or char in "¤§¨°±×÷ˉˇ′″℃‰№☆★○●◎◇◆□■△▲※→←↑↓〓∶∵∴∷∠⌒⊙∫∮≡≌≈∽∝≠≮≯≤≥∞"
    )  # fmt: skip
