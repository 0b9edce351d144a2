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

import contextlib
import ctypes
import gc
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


def release_converters() -> None:
    """Free OpenCC's dictionaries, about 40 MiB of a server's memory, once every text the server
    shows has been converted (``datong.web.site_data.warm``). The conversions stay cached; a
    conversion not yet cached would load the dictionaries again, and still be right."""
    _converter.cache_clear()
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # glibc: hand the freed pages back to the system
        ctypes.CDLL("libc.so.6").malloc_trim(0)
