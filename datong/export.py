"""Charts as files (PNG, SVG) and the one-page summary ("一图读懂"), rendered with vl-convert.

vl-convert draws text with the fonts it knows; without a CJK font Chinese comes out as boxes.
The first render registers the directory of a CJK font installed on this machine (Debian's
``fonts-wqy-microhei``, or Noto CJK), once. If none is found, rendering still works, and
:func:`cjk_font_directory` returns ``None`` so a test can say why Chinese is missing.
"""

from __future__ import annotations

import copy
import threading
from pathlib import Path

import altair as alt

from datong.charts import CHAPTERS_WITH_CHARTS, Canvas, label_with_tag
from datong.figures import Figures
from datong.i18n import Texts

# Where Debian, Fedora, Alpine and macOS keep CJK fonts, most specific first.
FONT_DIRECTORIES = (
    Path("/usr/share/fonts/truetype/wqy"),
    Path("/usr/share/fonts/wqy-microhei"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/noto-cjk"),
    Path("/usr/share/fonts/google-noto-cjk"),
    Path("/System/Library/Fonts"),
)
CJK_FONT_FILES = ("wqy-microhei.ttc", "wqy-zenhei.ttc", "NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "PingFang.ttc")
EXPORT_WIDTH = 360  # what "container" becomes in a file: a phone-sized image
POSTER_WIDTH = 640
POSTER_NUMBER_COLUMN = 160  # labels start here; numbers end 14 px to its left

_lock = threading.Lock()
_registered: list[Path] = []


def _engine():
    """vl-convert, imported on the first export: the serving process does not load it at start."""
    import vl_convert

    return vl_convert


def cjk_font_directory(candidates: tuple[Path, ...] = FONT_DIRECTORIES) -> Path | None:
    """The first directory holding a known CJK font, or None."""
    for directory in candidates:
        if any((directory / name).is_file() for name in CJK_FONT_FILES):
            return directory
    return None


def ensure_fonts() -> Path | None:
    """Register the CJK font directory with vl-convert (once per process); returns it, or None."""
    with _lock:
        if _registered:
            return _registered[0]
        directory = cjk_font_directory()
        if directory is not None:
            try:
                _engine().register_font_directory(str(directory))
            except Exception:  # a broken font file must not break every download
                directory = None
        if directory is not None:
            _registered.append(directory)
        return directory


def _fixed_width(node: object, width: int) -> object:
    """vl-convert has no container: give every ``width: "container"`` a fixed width."""
    if isinstance(node, dict):
        return {k: (width if k == "width" and v == "container" else _fixed_width(v, width)) for k, v in node.items()}
    if isinstance(node, list):
        return [_fixed_width(v, width) for v in node]
    return node


def spec_for_file(chart: alt.TopLevelMixin, width: int = EXPORT_WIDTH) -> dict:
    spec = _fixed_width(copy.deepcopy(chart.to_dict()), width)
    if spec.get("autosize") is None and any(k in spec for k in ("vconcat", "hconcat", "concat")):
        spec["autosize"] = {"type": "pad"}
    return spec


def chart_png(chart: alt.TopLevelMixin, scale: float = 2) -> bytes:
    ensure_fonts()
    return _engine().vegalite_to_png(spec_for_file(chart), scale=scale)


def chart_svg(chart: alt.TopLevelMixin) -> str:
    ensure_fonts()
    return _engine().vegalite_to_svg(spec_for_file(chart))


# ----------------------------------------------------------------------------- one-page summary

POSTER_CHAPTERS = CHAPTERS_WITH_CHARTS  # every chapter that has figures
# The derived figures worth a line on the poster (the report does not print them).
POSTER_DERIVED = ("below_scale_resumption_rate",)


def poster_items(figures: Figures, texts: Texts) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """[(chapter heading, [(number, label, derived?)])] in reading order: what both poster forms show."""

    sections = []
    for chapter in POSTER_CHAPTERS:
        items = [
            (texts.compact(f), label_with_tag(f, texts), f.derived)
            for f in figures.in_chapter(chapter)
            if not f.derived or f.id in POSTER_DERIVED
        ]
        sections.append((texts(f"poster.chapters.{chapter}"), items))
    return sections


def poster_text(figures: Figures, texts: Texts) -> str:
    """The summary as plain text, with the same content as the image."""
    lines = [texts("site.title"), texts("poster.title"), texts("poster.subtitle"), ""]
    for heading, items in poster_items(figures, texts):
        lines.append(f"## {heading}")
        lines.extend(f"{number}  {label}" for number, label, _ in items)
        lines.append("")
    lines += [texts("poster.lower_bound_note"), texts("poster.derived_note"), "", texts("poster.source")]
    return "\n".join(lines) + "\n"


def poster_chart(figures: Figures, texts: Texts, width: int = POSTER_WIDTH) -> alt.LayerChart:
    """The summary on a pixel canvas, like the unit charts: rules and text, top to bottom."""
    canvas = Canvas(width=width)
    canvas.text(texts("site.title"), size=11, muted=True)
    canvas.gap(4)
    canvas.text(texts("poster.title"), size=24, bold=True)
    canvas.gap(4)
    canvas.text(texts("poster.subtitle"), muted=True)
    canvas.gap(14)
    for heading, items in poster_items(figures, texts):
        canvas.rule(3)
        canvas.gap(7)
        canvas.text(heading, size=16, bold=True)
        canvas.gap(6)
        for number, label, derived in items:
            top = canvas.y
            number_height = canvas.text(
                number, size=20, bold=True, role="derived_text" if derived else "reported_text",
                x=POSTER_NUMBER_COLUMN - 14, align="right", advance=False,
            )  # fmt: skip
            canvas.gap(5)  # the label sits level with the number's baseline area
            label_height = canvas.text(label, x=POSTER_NUMBER_COLUMN, advance=False)
            canvas.y = top + max(number_height, label_height) + 6
        canvas.gap(8)
    canvas.rule(1)
    canvas.gap(7)
    for key in ("poster.lower_bound_note", "poster.derived_note", "poster.source"):
        canvas.text(texts(key), size=11, muted=True)
        canvas.gap(4)
    canvas.gap(2)
    return (
        canvas.chart(texts, "poster", clickable=False)
        .properties(description=poster_text(figures, texts), title="")
    )  # fmt: skip


def poster_png(figures: Figures, texts: Texts, scale: float = 2) -> bytes:
    """The one-page summary ("一图读懂") as a PNG."""
    ensure_fonts()
    return _engine().vegalite_to_png(poster_chart(figures, texts).to_dict(), scale=scale)
