"""A word model: how well a stretch of Chinese text segments into common words.

The repair uses it to choose between decodings of a misaligned run that are all made of common
characters (`“推算”，` against `巴扑恪爆`), which character scores alone cannot tell apart. The
words and their frequencies are jieba's dictionary (``jieba/dict.txt``, ~349,000 Simplified
words, MIT licence); only the file is read, not jieba's segmenter. It is loaded on first use,
by the repair pipeline only (the web server never imports this module).

:func:`segment_score` is the log-probability of the best segmentation of a stretch into
dictionary words (unigram frequencies), with fixed costs for punctuation marks, digits, ASCII
letters and characters the dictionary does not know. Traditional text is scored through its
Simplified form, character by character.
"""

from __future__ import annotations

import importlib.util
import math
from functools import lru_cache
from pathlib import Path

_MAX_WORD = 5  # longer words are rare and cost lookups; a 5-character prefix scores them well enough
_UNKNOWN = -18.0  # a Han character the dictionary has not even as a word of its own
_OTHER = -14.0  # a character that is neither Han, a mark, a digit nor a lost byte
# How often a mark stands in news text, as a log-probability per token (a comma is as common as
# a common word; an exclamation mark is rare).
_MARK_COST = {
    "，": -3.2, "。": -3.8, "、": -4.6, "“": -5.0, "”": -5.0, "：": -5.6, "；": -6.6, "？": -7.0,
    "！": -7.5, "‘": -8.0, "’": -8.0, "《": -6.5, "》": -6.5, "（": -6.0, "）": -6.0, "—": -7.0,
    "…": -7.5, "·": -8.0, "「": -5.0, "」": -5.0, "『": -8.0, "』": -8.0,
}  # fmt: skip
_LOST = -4.0  # a lost byte (U+FFFD): says little, but is not free
_DIGIT = -5.0


def _dictionary_path() -> Path:
    spec = importlib.util.find_spec("jieba")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the repair's word model needs jieba (pip install -r requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


@lru_cache(maxsize=1)
def _words() -> dict[str, float]:
    """Each dictionary word's log-probability (its frequency over all words' frequencies)."""
    counts: dict[str, int] = {}
    with _dictionary_path().open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split(" ")
            if len(parts) >= 2 and parts[1].isdigit():
                word = parts[0]
                if 1 <= len(word) <= _MAX_WORD:
                    counts[word] = counts.get(word, 0) + int(parts[1])
    total = math.log(sum(counts.values()))
    return {word: math.log(count) - total for word, count in counts.items() if count > 0}


@lru_cache(maxsize=65536)
def _simple(char: str) -> str:
    from datong.script import to_simplified

    simplified = to_simplified(char)
    return simplified if len(simplified) == 1 else char


def _is_han(char: str) -> bool:
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


@lru_cache(maxsize=65536)
def _single(char: str) -> float:
    """The cost of a character standing as a token of its own."""
    if _is_han(char):
        return _words().get(char, _UNKNOWN)
    if char in _MARK_COST:
        return _MARK_COST[char]
    if char == "\ufffd":
        return _LOST
    if char.isdigit():
        return _DIGIT
    return _OTHER


def word_cost(char: str) -> float:
    """How unlikely a character is as a word of its own (a log-probability; Traditional read as Simplified)."""
    return _single(_simple(char) if _is_han(char) else char)


@lru_cache(maxsize=262144)
def segment_score(text: str) -> float:
    """Log-probability of the best segmentation of ``text`` into dictionary words (0 for "")."""
    return prefix_segment_scores(text)[-1]


@lru_cache(maxsize=262144)
def is_word(text: str) -> bool:
    """Is ``text`` (Traditional or Simplified) a word of the dictionary?"""
    return "".join(_simple(c) if _is_han(c) else c for c in text) in _words()


def prefix_segment_scores(text: str) -> list[float]:
    """:func:`segment_score` of every prefix of ``text``, the empty one first (one pass)."""
    words = _words()
    simple = "".join(_simple(c) if _is_han(c) else c for c in text)
    n = len(simple)
    best = [0.0] + [-math.inf] * n
    for i in range(n):
        here = best[i]
        one = here + _single(simple[i])
        if one > best[i + 1]:
            best[i + 1] = one
        if not _is_han(simple[i]):
            continue
        for j in range(i + 2, min(n, i + _MAX_WORD) + 1):
            word = words.get(simple[i:j])
            if word is not None and here + word > best[j]:
                best[j] = here + word
    return best
