"""Reader text in three languages, from per-language files keyed by stable ids.

``data/text/zh-Hans.toml`` and ``data/text/en.toml`` are written by hand; Traditional Chinese
is generated from Simplified with OpenCC (:mod:`datong.script`), never typed twice. Figures in
running text are placeholders (``{park_firms}``) filled from the figures table, so a number
in the prose cannot drift from the data.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from datong import paths
from datong.figures import Figure, Figures, format_plain
from datong.script import to_traditional

LANGUAGES = ("zh-Hans", "zh-Hant", "en")
DEFAULT_LANGUAGE = "zh-Hans"
# Languages written by hand, each in ``<lang>.toml`` plus any ``<part>.<lang>.toml``;
# the others are generated from a written one.
WRITTEN = ("zh-Hans", "en")
GENERATED = {"zh-Hant": ("zh-Hans", to_traditional)}
# ``{<derived figure id>_arithmetic}`` in a template is that figure's tag and arithmetic.
ARITHMETIC = "_arithmetic"


class TextDataError(ValueError):
    """A text file is missing, malformed or lacks a key another language has."""


def resolve_language(requested: object, browser_locale: object = None) -> str:
    """The language to show: a valid ``?lang=`` value, else the browser's, else Simplified.

    Anything a reader sends (unknown codes, very long or script-bearing values, lists) falls
    back quietly; only the three known codes pass.
    """
    if isinstance(requested, str) and requested in LANGUAGES:
        return requested
    return language_from_locale(browser_locale)


def language_from_locale(locale: object) -> str:
    """zh-TW / zh-HK / zh-Hant → zh-Hant; other zh → zh-Hans; en* → en; else the default."""
    if not isinstance(locale, str) or len(locale) > 35:
        return DEFAULT_LANGUAGE
    tag = locale.replace("_", "-").lower()
    if tag.startswith("zh"):
        return "zh-Hant" if any(part in tag for part in ("hant", "-tw", "-hk", "-mo")) else "zh-Hans"
    if tag == "en" or tag.startswith("en-"):
        return "en"
    return DEFAULT_LANGUAGE


def _flatten(table: Mapping, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


def _read(path: Path) -> dict[str, str]:
    try:
        with open(path, "rb") as handle:
            return _flatten(tomllib.load(handle))
    except FileNotFoundError:
        raise TextDataError(f"{path.name}: file is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise TextDataError(f"{path.name}: {error}") from None


@cache
def load_strings(lang: str, text_dir: Path = paths.TEXT) -> Mapping[str, str]:
    """Every reader string of one language, flat (``chapters.safety.title``), read-only."""
    if lang in WRITTEN:
        merged: dict[str, str] = {}
        for path in [text_dir / f"{lang}.toml", *sorted(text_dir.glob(f"*.{lang}.toml"))]:
            part = _read(path)
            repeated = sorted(set(part) & set(merged))
            if repeated:
                raise TextDataError(f"{path.name}: key {repeated[0]!r} is already defined in another file")
            merged.update(part)
        return MappingProxyType(merged)
    base, convert = GENERATED[lang]
    return MappingProxyType({key: convert(value) for key, value in load_strings(base, text_dir).items()})


def missing_keys(text_dir: Path = paths.TEXT) -> dict[str, list[str]]:
    """For each language, the keys some other language has and it lacks."""
    keys = {lang: set(load_strings(lang, text_dir)) for lang in LANGUAGES}
    every = set().union(*keys.values())
    return {lang: sorted(every - have) for lang, have in keys.items() if every - have}


def plain_text(markdown_text: str) -> str:
    """Our Markdown reduced to one line of plain text, for descriptions and preview cards."""
    text = re.sub(r"[*_`>#]+", "", markdown_text)
    return re.sub(r"\s+", " ", text).strip()


def placeholders(template: str) -> list[str]:
    """The field names a template uses."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


@dataclass(frozen=True)
class Texts:
    """One language's strings plus the figures, with helpers that write numbers the same way everywhere."""

    lang: str
    strings: Mapping[str, str]
    figures: Figures

    def __call__(self, key: str, **values: object) -> str:
        """The string for ``key``, with ``{figure_id}``, ``{figure_id_arithmetic}`` and any given values filled in."""
        template = self.strings[key]
        names = placeholders(template)
        if not names:
            return template
        fields = {name: self.quantity(self.figures[name]) for name in names if name in self.figures.by_id}
        for name in names:
            figure = self.figures.by_id.get(name.removesuffix(ARITHMETIC)) if name.endswith(ARITHMETIC) else None
            if figure is not None and figure.derived:
                fields[name] = self.arithmetic(figure)
        fields.update(values)
        return template.format_map(fields)

    def labelled(self, label: str, value: str) -> str:
        """ "label: value" as the language writes it (Chinese uses a full-width colon)."""
        return self("ui.labelled", label=label, value=value)

    def number(self, figure: Figure) -> str:
        """The number as printed: 3,600 in English, 3600 in Chinese (as the report prints it)."""
        value = figure.value
        if self.lang == "en" and float(value).is_integer() and value >= 1000:
            return f"{int(value):,}"
        return format_plain(value)

    def compact(self, figure: Figure) -> str:
        """Short form for cards and chart labels: 91, 85.8%, 20+.

        Money keeps its unit (超过3000万元 / ¥30 million+): a bare 3000+ would mislead. Its short
        form is ``format.yuan_10k_short``: "more than ¥30 million" was cut off on a card.
        """
        if figure.unit == "yuan_10k":
            key = "format.yuan_10k_short" + ("_at_least" if figure.is_lower_bound else "")
            return self.strings[key].format(n=self.number(figure), n_million=format_plain(figure.value / 100))
        text = self.number(figure) + ("%" if figure.unit == "percent" else "")
        return text + "+" if figure.is_lower_bound else text

    def quantity(self, figure: Figure) -> str:
        """Number, qualifier and unit in running text: 20余家 / more than 20 firms.

        A figure may have its own wording (``format.figure.<id>``) where the report words it
        its own way: a speaker's 100多人 stays 100多人, not the site's usual 100余人.
        """
        key = f"format.figure.{figure.id}"
        if key not in self.strings:
            key = f"format.{figure.unit}" + ("_at_least" if figure.is_lower_bound else "")
        return self.strings[key].format(n=self.number(figure), n_million=format_plain(figure.value / 100))

    def label(self, figure: Figure) -> str:
        """What the figure counts, in this language."""
        if figure.derived:
            return self.strings[f"derived.{figure.id}.label"]
        if self.lang == "en":
            return figure.label_en
        return to_traditional(figure.label_zh) if self.lang == "zh-Hant" else figure.label_zh

    def unit_name(self, unit: str) -> str:
        return self.strings[f"units.{unit}"]

    def as_of(self, figure: Figure) -> str:
        """When the figure holds, with the inferred year marked; or that the report prints no date.

        A day is a moment ("as of 27 April"); a quarter (``2020-Q1``) is a span the figure is a
        total over ("in the first quarter"), not a stock at a date.
        """
        if not figure.as_of:
            return self.strings["ui.as_of_not_stated"]
        key = "ui.date_" + figure.as_of.replace("-", "_").lower()
        return self("ui.in_period" if "-Q" in figure.as_of else "ui.as_of", date=self.strings[key])

    def arithmetic(self, figure: Figure) -> str:
        """A derived figure's tag and arithmetic for running text: "derived: 106 − 39 = 67"."""
        return self("ui.derived_arithmetic", formula=figure.formula)

    def qualifier(self, figure: Figure) -> str:
        return self.strings[f"ui.qualifier_{figure.qualifier}"]

    def reason(self, correction) -> str:
        """Why a manual correction was made (:mod:`datong.pipeline.corrections`), in this language."""
        if self.lang == "en" or not correction.reason_zh:  # files require reason_zh; inline ones may lack it
            return correction.reason
        return to_traditional(correction.reason_zh) if self.lang == "zh-Hant" else correction.reason_zh

    def quote(self, figure: Figure) -> str:
        """The verbatim quote, in the reader's script (Traditional readers get it converted)."""
        return to_traditional(figure.quote_zh) if self.lang == "zh-Hant" else figure.quote_zh


@cache
def texts_for(lang: str, figures: Figures, text_dir: Path = paths.TEXT) -> Texts:
    """Cached per language, figures table and text folder (all immutable)."""
    return Texts(lang, load_strings(lang, text_dir), figures)
