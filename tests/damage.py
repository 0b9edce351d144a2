"""A seeded damage simulator: clean Simplified text in, text garbled the way the mirror garbles it out.

What the mirror did to the report (``data/source/datong-report.meta.json`` and the raw text),
done here on purpose, so the repair can be measured on texts whose clean form we know:

1. converts the text to Traditional (OpenCC ``s2t`` or ``s2tw``, picked per document);
2. inserts a tone-marked pinyin reading after some characters (``區(qū)``), in the text it
   then encodes, so a misaligned run stops at the ``(`` as the real ones do (``逼髽I(yè)``);
3. loses bytes next to full-width marks in GBK and decodes the rest of the run one byte out
   of step: usually the mark's own lead byte (0xA1 for 。“”、, 0xA3 for ，！？；：), sometimes the
   lead byte of the character after the mark; it also puts a reading on a byte pair that
   straddles two characters and loses that pair's second byte, its ``(`` gone (``輸?shù)确``);
4. shows a character it cannot map (a private-use one) as ``?``;
5. folds full-width punctuation into ASCII, often doubled or stacked (``,,`` ``,。`` ``,、``);
6. leaves HTML behind (``<p>``, ``</p>``, ``&nbsp;``); a tag next to a lost byte can lose its ``<``.

``damage(text, seed)`` returns the garbled text and the clean Traditional text to compare with.
"""

from __future__ import annotations

import random
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import opencc

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
HAN = re.compile(r"[\u4e00-\u9fff]")
MARKS = "。，、；：？！“”‘’"
FOLD = {"，": [",", ",", ",,"], "。": ["。", "。", "。", ",。"], "、": ["、", ",、"], "；": [";", ",;"],
        "：": [":"], "！": ["!"], "？": ["?"], "（": ["("], "）": [")"]}  # fmt: skip


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@cache
def _readings(char: str) -> tuple[str, ...]:
    from pypinyin import Style, pinyin

    found = pinyin(char, style=Style.TONE, heteronym=True, errors="ignore")
    return tuple(found[0]) if found else ()


@dataclass(frozen=True)
class Damaged:
    garbled: str
    clean: str  # the Traditional text before the damage, line for line
    runs: int  # how many runs were thrown out of step


def _two_byte(char: str) -> bool:
    try:
        return len(char.encode("gb18030")) == 2
    except UnicodeEncodeError:
        return False


def _damage_line(line: str, rng: random.Random, rates: dict) -> tuple[str, int]:
    # 1-2: readings into the text, as (char, bytes) pieces; 3: lost bytes chosen on the pieces
    pieces: list[bytes] = []
    kinds: list[str] = []  # "mark", "han", "other", "reading"
    for char in line:
        pieces.append(char.encode("gb18030"))
        kinds.append("mark" if char in MARKS else "han" if HAN.match(char) and _two_byte(char) else "other")
        if kinds[-1] == "han" and rng.random() < rates["reading"] and _readings(char):
            pieces.append(f"({rng.choice(_readings(char))})".encode("gb18030"))
            kinds.append("reading")
    runs = 0
    out = bytearray()
    i = 0
    while i < len(pieces):
        piece, kind = pieces[i], kinds[i]
        following = kinds[i + 1] if i + 1 < len(kinds) else None
        if kind == "mark" and len(piece) == 2 and following in ("han", "mark") and rng.random() < rates["run"]:
            runs += 1
            if following == "han" and rng.random() < rates["not_mark_lead"]:
                out += piece + pieces[i + 1][1:]  # the character after the mark loses its lead byte
                i += 2
            else:
                out += piece[1:]  # the mark loses its lead byte (0xA1 or 0xA3)
                i += 1
            continue
        if (
            kind == "han" and following == "han" and rng.random() < rates["straddle"]
        ):  # a reading on the pair straddling this character and the next; the pair's second byte lost
            straddled = (piece[1:] + pieces[i + 1][:1]).decode("gb18030", errors="replace")
            if HAN.fullmatch(straddled) and _readings(straddled):
                runs += 1
                out += piece + f"?{rng.choice(_readings(straddled))})".encode("gb18030") + pieces[i + 1][1:]
                i += 2
                continue
        out += piece
        i += 1
    text = out.decode("gb18030", errors="replace")
    # 4: what the mirror cannot show becomes "?"; a tag after a lost byte loses its "<"
    text = re.sub(r"[\ue000-\uf8ff]", "?", text)
    text = re.sub("\ufffd<", lambda m: "?" if rng.random() < 0.5 else m.group(0), text)
    # 5: punctuation folded, doubled, stacked
    text = "".join(rng.choice(FOLD[c]) if c in FOLD and rng.random() < rates["fold"] else c for c in text)
    return text, runs


def damage(text: str, seed: int, **overrides) -> Damaged:
    """Garble clean Simplified ``text`` (one paragraph a line), reproducibly for a seed."""
    rng = random.Random(seed)
    rates = {"reading": 0.12, "run": 0.06, "not_mark_lead": 0.25, "straddle": 0.003, "fold": 0.95, "html": 0.3}
    rates.update(overrides)
    config = rng.choice(["s2t", "s2tw"])
    clean_lines = [_converter(config).convert(line) for line in text.splitlines() if line.strip()]
    garbled_lines, runs = [], 0
    for line in clean_lines:
        html = rng.random() < rates["html"]
        source = ("<p>" if html else "") + line + ("</p>" if html else "")
        if rng.random() < rates["html"] / 3:
            cut = rng.randrange(len(line) + 1)
            source = (
                source[: cut + (3 if html else 0)]
                + rng.choice(["&nbsp;", "<br>", "<br/>", "</span>"])
                + source[cut + (3 if html else 0) :]
            )
        garbled, n = _damage_line(source, rng, rates)
        garbled_lines.append(garbled)
        runs += n
    return Damaged("\n".join(garbled_lines) + "\n", "\n".join(clean_lines) + "\n", runs)


def corpus_paragraphs() -> list[str]:
    """Every clean paragraph: our article, our Simplified reader text, and the texts in tests/corpus/."""
    paragraphs = (ROOT / "data" / "article.zh-Hans.txt").read_text(encoding="utf-8").splitlines()
    for path in sorted((ROOT / "data" / "text").glob("*zh-Hans.toml")):
        paragraphs += [_plain(v) for v in _strings(tomllib.loads(path.read_text(encoding="utf-8")))]
    for path in sorted(CORPUS.glob("*.zh-Hans.txt")):
        paragraphs += path.read_text(encoding="utf-8").splitlines()
    return [p for p in paragraphs if len(HAN.findall(p)) >= 12]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _plain(text: str) -> str:
    """Reader text without placeholders, Markdown or line breaks."""
    text = re.sub(r"\{[^{}]*\}", "12", text)
    text = re.sub(r"[*_`#>\[\]]|\(https?://[^)]*\)", "", text)
    return " ".join(text.split())


def documents(count: int, seed: int = 0) -> list[str]:
    """``count`` clean documents of 3 to 8 paragraphs drawn from the corpus, reproducibly."""
    rng = random.Random(seed)
    pool = corpus_paragraphs()
    return ["\n".join(rng.sample(pool, rng.randint(3, 8))) + "\n" for _ in range(count)]
