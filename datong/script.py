"""Conversion between Simplified and Traditional Chinese, in one place.

Reading text is Simplified as a mainland newspaper prints it (接着, not 接著): OpenCC's
``tw2s`` gives that from the mirror's Traditional text, where plain ``t2s`` keeps 著.
Traditional reader text is generated from Simplified with ``s2tw`` (接著, 裡), the
usage most Traditional-Chinese readers expect, and with the corner quotation marks of
Taiwan and Hong Kong: “…” becomes 「…」 and ‘…’ becomes 『…』. Everything Traditional on the
site (reader text, quotes, the article) goes through :func:`to_traditional`, so a quote is
found verbatim in the article it cites.
"""

from __future__ import annotations

from functools import cache, lru_cache

import opencc

TO_SIMPLIFIED = "tw2s"
TO_TRADITIONAL = "s2tw"
CORNER_QUOTES = str.maketrans({"“": "「", "”": "」", "‘": "『", "’": "』"})


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@lru_cache(maxsize=16384)
def to_simplified(text: str) -> str:
    return _converter(TO_SIMPLIFIED).convert(text)


@lru_cache(maxsize=16384)
def to_traditional(text: str) -> str:
    return _converter(TO_TRADITIONAL).convert(text).translate(CORNER_QUOTES)
