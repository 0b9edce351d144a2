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


# Chinese characters: CJK unified ideographs, extension A, compatibility ideographs.
HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_HAN = re.compile(HAN)


def _is_han(char: str) -> bool:
    return bool(_HAN.fullmatch(char))


@lru_cache(maxsize=8192)
def char_score(char: str) -> float | None:
    """0 (implausible) to 1 (common); None for a replacement character, which says nothing."""
    if char == REPLACEMENT:
        return None
    if char in CJK_PUNCTUATION:
        return 1.0
    if not _is_han(char):
        return 0.0
    simplified = to_simplified(char)
    level = {1: 1.0, 2: 0.5}.get(_gb2312_level(simplified), 0.0)
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
