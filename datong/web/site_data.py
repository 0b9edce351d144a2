"""Everything a page reads, loaded and validated once per server process.

Shared, not copied, because the objects are immutable (frozen dataclasses, read-only
mappings). :func:`once_per_key` rather than ``st.cache_resource``: the same once per process
and key (concurrent sessions wait for the one computing it), but without hashing the
arguments on every call (``st.cache_resource`` takes about 25 µs a call, and a chapter makes a
dozen calls per rerun); these arguments are plain hashable values. The paths are arguments so
the cache key says what was read; caches with reader-chosen keys are bounded.
"""

from __future__ import annotations

import inspect
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from types import MappingProxyType

from datong import charts, paths, tables
from datong.figures import Figures, load_figures
from datong.i18n import LANGUAGES, Texts, missing_keys, texts_for
from datong.script import to_traditional


def once_per_key(maxsize: int | None = None):
    """Cache a function's results by its arguments; compute each key once, even under concurrency.

    A hit is one dict lookup. A miss takes that key's lock, so a second session asking for the
    same key waits for the first instead of building it again (chart building and vl-convert
    renders take a good part of a second). ``maxsize`` drops the oldest keys beyond it.
    """

    def decorate(function):
        values: OrderedDict = OrderedDict()
        locks: dict = {}
        guard = threading.Lock()
        signature = inspect.signature(function)
        arity = len(signature.parameters)

        def key_of(args: tuple, kwargs: dict) -> tuple:
            # One key per call, however it is spelt: chart_blocks("x", "en") and
            # chart_blocks("x", "en", False) are the same entry (they were not: start-up warmed
            # one spelling and every first reader of a chapter rebuilt it under the other).
            if not kwargs and len(args) == arity:
                return args
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return tuple(bound.arguments.values())

        @wraps(function)
        def cached(*args, **kwargs):
            key = key_of(args, kwargs)
            try:
                return values[key]
            except KeyError:
                pass
            with guard:
                lock = locks.setdefault(key, threading.Lock())
            with lock:
                if key in values:
                    return values[key]
                value = function(*args, **kwargs)
                with guard:
                    values[key] = value
                    while maxsize is not None and len(values) > maxsize:
                        oldest, _ = values.popitem(last=False)
                        locks.pop(oldest, None)
                return value

        cached.cache_clear = lambda: (values.clear(), locks.clear())
        return cached

    return decorate


@dataclass(frozen=True)
class Article:
    """The report, one entry per line (line 0 is the subtitle), in each script.

    ``zh_hant`` is ``data/article.zh-Hant.txt``, the Traditional reading text: the Simplified
    text through OpenCC ``s2tw``, the same conversion every Traditional quote goes through, so
    each quote is found in it verbatim. The mirror's own Traditional text, repaired, is kept in
    ``data/article.zh-Hant.as-received.txt`` for provenance; the site shows the raw text as received.
    """

    zh_hans: tuple[str, ...]
    zh_hant: tuple[str, ...]
    en: tuple[str, ...]

    def lines(self, lang: str) -> tuple[str, ...]:
        return {"zh-Hans": self.zh_hans, "zh-Hant": self.zh_hant, "en": self.en}[lang]

    def full_text(self, lang: str) -> tuple[str, ...]:
        """The text to read or download in full, in the reader's language."""
        return self.lines(lang)


def read_article(hans: Path, en: Path, hant: Path) -> Article:
    texts = {path: tuple(path.read_text(encoding="utf-8").splitlines()) for path in (hans, en, hant)}
    for path in (en, hant):
        if len(texts[path]) != len(texts[hans]):
            raise ValueError(f"{path.name}: {len(texts[path])} lines, but {hans.name} has {len(texts[hans])}")
    for number, (simplified, traditional) in enumerate(zip(texts[hans], texts[hant], strict=True), start=1):
        if to_traditional(simplified) != traditional:
            raise ValueError(f"{hant.name}, line {number}: not the Simplified text converted (run python -m datong.pipeline)")
    return Article(texts[hans], texts[hant], texts[en])


@once_per_key()
def figures(figures_path: Path = paths.FIGURES, article_path: Path = paths.ARTICLE_HANS) -> Figures:
    return load_figures(figures_path, article_path)


@once_per_key()
def article(hans: Path = paths.ARTICLE_HANS, en: Path = paths.ARTICLE_EN, hant: Path = paths.ARTICLE_HANT) -> Article:
    return read_article(hans, en, hant)


@once_per_key()
def texts(lang: str, text_dir: Path = paths.TEXT) -> Texts:
    """One language's strings with the figures; checks once that no language lacks a key."""
    gaps = missing_keys(text_dir)
    if gaps:
        lang_, keys = next(iter(gaps.items()))
        raise ValueError(f"{lang_}: missing text keys {', '.join(keys[:5])}")
    return texts_for(lang, figures(), text_dir)


def warm() -> None:
    """Load, validate and build everything readers are served, when the server starts
    (:mod:`datong.web.readiness`), so the first reader pays for none of it and a data error
    stops the server from being ready instead of reaching a reader. Raises what the loaders
    raise (each names file, row and field)."""
    from datong import chapters

    figures()
    article()
    source_meta()
    repair_report()
    site_css()
    for lang in LANGUAGES:
        texts(lang)
        source_files(lang)
        for chapter in chapters.CHAPTERS:
            chart_blocks(chapter.id, lang)
    _convert_everything_traditional()


def _convert_everything_traditional() -> None:
    """Convert, once, every Simplified string a page may show in Traditional (reader text is
    converted when it loads; labels, quotes and repair reasons on first use), then free the
    converter: serving then needs no OpenCC dictionaries (see :func:`release_converters`)."""
    from datong.script import release_converters

    hant = texts("zh-Hant")
    for figure in figures():
        hant.label(figure)
        hant.quote(figure)
    for correction in corrections():
        hant.reason(correction)
    release_converters()


@once_per_key()
def site_css(path: Path = paths.SITE_CSS) -> str:
    """The style rules, as one <style> element (our own file, never reader input)."""
    return f"<style>{path.read_text(encoding='utf-8')}</style>"


@once_per_key()
def source_meta(path: Path = paths.SOURCE_META) -> Mapping:
    """What we know of the source: reporter, as-of date, whether its year is inferred.

    Checked here, at load, for the one field the site reads: a bad file names itself and the field.
    """
    import json

    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ValueError(f"{path.name}: not valid JSON ({error})") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("year_is_inferred"), bool):
        raise ValueError(f"{path.name}, field 'year_is_inferred': must be true or false")
    return MappingProxyType(meta)


@once_per_key()
def raw_report(path: Path = paths.RAW_REPORT) -> str:
    return path.read_text(encoding="utf-8")


@once_per_key()
def repair_report(path: Path = paths.REPAIR_REPORT):
    """What the repair did (counts by kind, corrections, every change, what is left), as the
    command wrote it to ``data/repair-report.json``; the server never re-runs the pipeline."""
    from datong.repair_log import load_repair_log

    return load_repair_log(path)


def corrections(path: Path = paths.REPAIR_REPORT):
    """The manual corrections applied, each with its match, replacement and reasons."""
    return repair_report(path).corrections


@dataclass(frozen=True)
class ReadySpec:
    """A chart's Vega-Lite spec built once, its data already Arrow tables, with its text alternative.

    Building an Altair chart and serialising its data is most of a chapter's run time, so it
    happens once per chart, language and view, not on every rerun.
    """

    spec: Mapping
    alt: str

    @property
    def clickable(self) -> bool:
        """Has the chart a click selection (a chart with no marks to click has none)?"""
        return any(param.get("name") == "pick" for param in self.spec.get("params", []))

    def fresh_spec(self) -> dict:
        """A copy Streamlit may change (it moves the datasets out of the spec)."""
        return {**self.spec, "datasets": dict(self.spec.get("datasets", {}))}


@dataclass(frozen=True)
class ReadyChart(ReadySpec):
    """A chapter's chart block, ready: the spec, the block (title, table, figures) and its CSV."""

    block: charts.ChartBlock
    csv: bytes
    data_list: str  # the Data tab: the table as a list a phone can show whole
    panel_specs: tuple[Mapping, ...] = ()  # the block's panels as separate charts, for columns (ChartBlock.panels)

    def fresh_panel_specs(self) -> list[dict]:
        """Copies Streamlit may change, one per panel (none for a one-panel chart)."""
        return [{**spec, "datasets": dict(spec.get("datasets", {}))} for spec in self.panel_specs]


def arrow_table(rows: list[dict]):
    """Rows as an Arrow table, built once: ``st.vega_lite_chart`` takes it as any dataframe-like
    dataset and writes its Arrow stream on each run (about 4% of a new reader's CPU, measured
    with bench/ab_cpu.py), through its public data path rather than the private branch that
    passes pre-encoded bytes through. Built by :func:`datong.charts.arrow_rows` (no pandas);
    every row's keys, not the first row's, make the columns."""
    return charts.arrow_rows(rows)


def _arrow_spec(chart) -> Mapping:
    # No schema validation while serving: it was a quarter of start-up (jsonschema over every
    # spec); tests/test_charts.py validates every chart of every chapter and language instead.
    spec = chart.to_dict(validate=False)
    spec["datasets"] = {name: arrow_table(rows) for name, rows in spec.get("datasets", {}).items()}
    return MappingProxyType(spec)


def without_title(spec: Mapping) -> Mapping:
    """The spec as the page shows it: the block's heading already says the title, so the chart
    drops it and shows only its subtitle, styled as one (downloads, drawn from the chart, keep
    both). Vega draws no subtitle under an empty title, so the subtitle takes the title's place."""
    from datong import theme

    title = spec.get("title")
    shown = {key: value for key, value in spec.items() if key != "title"}
    if isinstance(title, Mapping) and title.get("subtitle"):
        shown["title"] = {
            **{key: value for key, value in title.items() if key not in ("text", "subtitle")},
            "text": title["subtitle"], "fontSize": theme.FONT_SIZE, "fontWeight": "normal", "color": theme.MUTED_TEXT,
        }  # fmt: skip
    return MappingProxyType(shown)


def _ready(block: charts.ChartBlock, lang: str) -> ReadyChart:
    from datong.web.markdown import markdown_records

    csv = tables.csv_bytes(block.table)
    listed = markdown_records(block.table, texts(lang).labelled)
    panels = tuple(_arrow_spec(panel) for panel in block.panels)
    return ReadyChart(without_title(_arrow_spec(block.chart)), block.alt, block, csv, listed, panels)


@once_per_key()
def chart_blocks(chapter: str, lang: str, share: bool = False) -> tuple[ReadyChart, ...]:
    return tuple(_ready(block, lang) for block in charts.chapter_charts(chapter, figures(), texts(lang), share=share))


@dataclass(frozen=True)
class SourceFiles:
    """The source chapter's tables and downloads in one language, built once (nobody mutates them)."""

    reported_list: str  # Markdown: every reported figure with its quote
    derived_list: str  # Markdown: every derived figure with its arithmetic
    csv: bytes
    json: str
    poster_text: str


@once_per_key()
def source_files(lang: str) -> SourceFiles:
    from datong import export
    from datong.web.markdown import markdown_records

    figs, t = figures(), texts(lang)
    inferred = source_meta()["year_is_inferred"]

    def listed(derived: bool) -> str:
        rows = tables.figures_table(figs, t, derived=derived)
        return markdown_records(rows, t.labelled)

    return SourceFiles(
        listed(derived=False), listed(derived=True),
        tables.figures_csv(figs, t, year_inferred=inferred), tables.figures_json(figs, t, year_inferred=inferred),
        export.poster_text(figs, t),
    )  # fmt: skip


@once_per_key(maxsize=64)
def chart_file(chapter: str, lang: str, share: bool, chart_id: str, kind: str) -> bytes | str:
    """A chart as PNG or SVG, drawn once per chart and language (vl-convert is slow), only when asked for."""
    from datong import export

    chart = next(r.block.chart for r in chart_blocks(chapter, lang, share) if r.block.id == chart_id)
    return export.chart_png(chart) if kind == "png" else export.chart_svg(chart)


@once_per_key()
def poster_png(lang: str) -> bytes:
    from datong import export

    return export.poster_png(figures(), texts(lang))


@once_per_key(maxsize=256)
def what_if_chart(lang: str, rate: float) -> ReadySpec:
    """The explorable's chart: a spec alone (the sentence above it holds its numbers, so no table)."""
    chart = charts.whatif_chart(figures(), texts(lang), rate)
    return ReadySpec(_arrow_spec(chart), chart.description)


@once_per_key()
def preview_card(chapter: str, lang: str) -> bytes:
    """A chapter's 1200×630 link-preview card (og:image), drawn on first request (vl-convert is slow)."""
    from datong import cards

    return cards.card_png(chapter, figures(), texts(lang))
