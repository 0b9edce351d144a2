"""Every chart on the site: pure functions from figures and reader text to an Altair chart.

No ``st.*`` here. Each chart function takes ``(figures, texts, ...)`` and returns a chart built
from named layers; :func:`chapter_charts` packs a chapter's charts with their text alternative
and table into :class:`ChartBlock` s for the pages.

Conventions every chart keeps (tested in ``tests/test_charts.py``):

* each data row carries ``figure_id``, ``label``, ``value`` (exactly the figures table's),
  ``display`` (``texts.compact``: 91, 85.8%, 20+), ``unit``, ``qualifier`` (``exact`` /
  ``at_least``), ``as_of`` and ``derived``;
* a lower bound ("more than 20") is drawn with an open, fading end and a dotted outline and
  labelled ``20+``; a derived figure is drawn dashed and labelled as derived; firms not back
  at work are hollow; the what-if explorer's imagined firms are dotted and labelled
  hypothetical. Colour is never the only cue;
* one unit per axis: different units get separate panels;
* clickable marks share one point selection ``pick`` on ``figure_id``.

Small-count charts are unit charts (one square or dot per firm, official, problem…) drawn on a
fixed pixel canvas narrow enough for a 320 px screen (the page scales the drawing up to its
column on a desktop: datong/web/site.css); bar charts use ``width="container"``. A chart of
several panels (different units) also comes as one chart per panel, which the page sets side
by side in columns on a desktop and stacked on a phone (:attr:`ChartBlock.panels`); files
(PNG, SVG) keep the one chart with its title.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

import altair as alt

from datong import chapters as chapter_registry
from datong import tables, theme
from datong.figures import Figure, Figures, format_plain
from datong.i18n import Texts

PICK = alt.selection_point(name="pick", fields=["figure_id"], on="click")
UNPICKED_OPACITY = 0.3  # marks of other figures while one is picked


def picked(drawn: alt.Opacity | alt.OpacityValue | None = None) -> dict:
    """Opacity that keeps the picked figure's marks as drawn and fades the rest.

    With nothing picked every mark is as drawn (the selection is empty). Only for charts with
    the ``pick`` selection: Vega fails on a condition naming a selection the chart lacks.
    """
    return alt.condition(PICK, drawn if drawn is not None else alt.value(1), alt.value(UNPICKED_OPACITY))


CANVAS_WIDTH = 272  # fits a 320 px screen after page padding
PANEL_WIDTH = 208  # a panel of three side by side in a desktop column (about 220 px each)
UNIT_STEP = 26  # px from one unit square to the next: 22 px squares, large enough to count
BAR_LABEL_WIDTH = 260  # labels above bars wrap to this, the narrowest container
ROW_FIELDS = (
    "figure_id", "label", "value", "display", "unit", "unit_name", "qualifier", "qualifier_text", "as_of", "derived",
    "hypothetical",
)  # fmt: skip
LINE_HEIGHT = round(theme.LABEL_SIZE * 1.3)
BAR_OFFSET = alt.YOffset("bar_offset:Q").scale(None)  # px, set by _band_layout
CHAPTERS_WITH_CHARTS = tuple(c.id for c in chapter_registry.CHAPTERS if c.key_figures)  # chapters with figures


# ----------------------------------------------------------------------------- data rows


def figure_row(figure: Figure, texts: Texts) -> dict:
    """The fields every mark carries, for tooltips, selection and tests."""
    return {
        "figure_id": figure.id,
        "label": texts.label(figure),
        "value": figure.value,
        "display": texts.compact(figure),
        "unit": figure.unit,
        "unit_name": texts.unit_name(figure.unit),
        "qualifier": figure.qualifier,
        "qualifier_text": texts.qualifier(figure),
        "as_of": texts.as_of(figure),
        "derived": figure.derived,
        "hypothetical": False,
    }


def _blank_row() -> dict:
    """Fields of a mark that shows no figure (a heading, a hypothetical firm): empty figure_id."""
    return {name: None for name in ROW_FIELDS} | {"figure_id": "", "derived": False, "hypothetical": False}


def tooltip(texts: Texts) -> list[alt.Tooltip]:
    return [
        alt.Tooltip("label:N").title(texts("ui.figure")),
        alt.Tooltip("display:N").title(texts("ui.value")),
        alt.Tooltip("unit_name:N").title(texts("ui.unit")),
        alt.Tooltip("qualifier_text:N").title(texts("ui.qualifier")),
        alt.Tooltip("as_of:N").title(texts("ui.when")),
    ]


def derived_tag(texts: Texts) -> str:
    return texts("charts.common.derived_tag")


def label_with_tag(figure: Figure, texts: Texts) -> str:
    """The label, with "(derived)" appended for a derived figure unless the label already says so."""
    label = texts.label(figure)
    says_derived = texts("ui.derived").casefold() in label.casefold() or derived_tag(texts).strip() in label
    return label if not figure.derived or says_derived else f"{label}{derived_tag(texts)}"


# ----------------------------------------------------------------------------- text layout


# Punctuation the charts' CJK-first fonts draw one em wide, although Unicode calls it ambiguous.
_CJK_FONT_WIDE = set("“”‘’…—·")


def _char_width(char: str, size: float) -> float:
    return size if char in _CJK_FONT_WIDE or unicodedata.east_asian_width(char) in "WF" else size * 0.6


def text_width(text: str, size: float) -> float:
    """A generous estimate of rendered width in px (CJK and CJK-font punctuation one em, Latin 0.6 em)."""
    return sum(_char_width(c, size) for c in text)


_NO_LINE_START = set("，。、；：？！）」』”’%…,.;:?!)+")


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _tokens(text: str) -> list[str]:
    """Unbreakable pieces: a Latin word with its trailing space, or one CJK character (with closing punctuation)."""
    tokens: list[str] = []
    for char in text:
        if tokens and char in _NO_LINE_START:
            tokens[-1] += char
        elif not tokens or _is_wide(char) or tokens[-1].endswith(" ") or _is_wide(tokens[-1][-1]):
            tokens.append(char)
        else:
            tokens[-1] += char
    return tokens


def wrap(text: str, max_width: float, size: float) -> list[str]:
    """Greedy line breaking: at spaces in Latin text, between any two CJK characters."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for token in _tokens(paragraph):
            candidate = current + token
            if current.strip() and text_width(candidate.rstrip(), size) > max_width:
                lines.append(current.rstrip())
                current = token.lstrip()
            else:
                current = candidate
        lines.append(current.rstrip())
    return lines


def _title(texts: Texts, chart_id: str, width: float = CANVAS_WIDTH, subtitle: bool = False) -> alt.Title:
    """The chart's title (and subtitle), wrapped to fit a phone."""
    lines = wrap(texts(f"charts.{chart_id}.title"), width, theme.TITLE_SIZE)
    if not subtitle:
        return alt.Title(lines)
    return alt.Title(lines, subtitle=wrap(texts(f"charts.{chart_id}.subtitle"), width, theme.FONT_SIZE))


# ----------------------------------------------------------------------------- unit charts on a pixel canvas

# How each kind of unit is drawn: fill, stroke, dash. Hollow and dashed shapes repeat what colour says.
STYLES = {
    "reported": {"fill": theme.REPORTED, "stroke": theme.REPORTED, "strokeDash": [1, 0]},
    "lower_bound": {"fill": theme.LOWER_BOUND, "stroke": theme.LOWER_BOUND, "strokeDash": [1, 0]},
    "lower_bound_open": {"fill": theme.BACKGROUND, "stroke": theme.LOWER_BOUND, "strokeDash": theme.DASH_LOWER_BOUND},
    "derived": {"fill": theme.DERIVED_TINT, "stroke": theme.DERIVED, "strokeDash": theme.DASH_UNIT},
    "not_resumed": {"fill": theme.BACKGROUND, "stroke": theme.NOT_RESUMED, "strokeDash": theme.DASH_UNIT},
    "hypothetical": {"fill": theme.HYPOTHETICAL_TINT, "stroke": theme.HYPOTHETICAL, "strokeDash": theme.DASH_HYPOTHETICAL},
}


def rows_of(records: list[dict], columns: list[str] | None = None) -> list[dict]:
    """Records with the same keys in every row (None where a record has none), in first-seen order.

    Chart data as plain rows, not DataFrames: the serving process need not load pandas (about
    40 MiB), and nothing is converted on the way to the spec.
    """
    names = columns if columns is not None else list(dict.fromkeys(key for record in records for key in record))
    return [{name: record.get(name) for name in names} for record in records]


def grouped(rows: list[dict], keys: tuple[str, ...]) -> list[tuple[tuple, list[dict]]]:
    """Rows grouped by the values of ``keys``, groups in first-seen order, the keys dropped from the rows."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(row[key] for key in keys), []).append({k: v for k, v in row.items() if k not in keys})
    return list(groups.items())


def inline(rows: list[dict]):
    """Rows as a chart's data: an Arrow table, which Altair reads (without pandas) and gathers
    into the spec's named datasets, as it does a DataFrame. See :func:`arrow_rows`."""
    return arrow_rows(rows)


def arrow_rows(rows: list[dict]):
    """Rows as an Arrow table, read from JSON lines by Arrow's own reader: building one from
    Python lists (``pa.array``, ``Table.from_pylist``) imports pandas, which the serving process
    otherwise never needs (about 40 MiB). Keys missing from a row are null, as in a DataFrame."""
    import io
    import json

    import pyarrow.json

    columns = list(dict.fromkeys(key for row in rows for key in row))
    lines = "\n".join(json.dumps({name: row.get(name) for name in columns}, ensure_ascii=False) for row in rows)
    return pyarrow.json.read_json(io.BytesIO(lines.encode("utf-8")))


@dataclass
class Canvas:
    """A fixed-width drawing area laid out top to bottom, in pixels; rendered as one layered chart."""

    width: float = CANVAS_WIDTH
    y: float = 0.0
    units: list[dict] = field(default_factory=list)
    texts: list[dict] = field(default_factory=list)
    rules: list[dict] = field(default_factory=list)

    def gap(self, pixels: float) -> None:
        self.y += pixels

    def text(self, text: str, *, size: float = theme.LABEL_SIZE, bold: bool = False, muted: bool = False,
             role: str | None = None, x: float = 0, align: str = "left", row: dict | None = None,
             advance: bool = True) -> float:
        """Wrapped text at the cursor; returns its height.

        ``role`` names a colour in ``theme.TEXT_COLOURS``, so text only comes in contrast-checked
        colours. Right-aligned text ends at ``x`` and wraps to the room left of it (a number column).
        """
        lines = wrap(text, x if align == "right" else self.width - x, size)
        line_height = round(size * 1.3)
        colour = theme.TEXT_COLOURS[role or ("muted_text" if muted else "text")]
        self.texts.append((row or _blank_row()) | {
            "x": x, "y": self.y, "text": "\n".join(lines), "size": size, "bold": bold, "colour": colour, "align": align,
        })  # fmt: skip
        height = line_height * len(lines)
        if advance:
            self.y += height
        return height

    def grid(self, groups: list[tuple[int, str, dict]], *, columns: int = 10, step: float = UNIT_STEP,
             shape: str = "square", fades: bool = False) -> None:
        """One mark per unit, row by row, group after group: (count, style, figure row)."""
        side = step - 4
        index = 0
        for count, style, row in groups:
            for i in range(count):
                column, line = index % columns, index // columns
                fade = 1.0
                if fades and style == "lower_bound_open":
                    fade = (0.9, 0.55, 0.3)[min(i, 2)]
                self.units.append(row | {
                    "x": column * step + side / 2 + 1, "y": self.y + line * step + side / 2 + 1,
                    "style": style, "shape": shape, "side": side, "fade": fade,
                })  # fmt: skip
                index += 1
        self.y += math.ceil(index / columns) * step

    def key(self, style: str, text: str, row: dict | None = None, shape: str = "square", step: float = 20) -> None:
        """A sample mark with its meaning beside it: the direct label of a grid's group."""
        side = min(step - 4, 16)
        top = self.y
        height = self.text(text, x=side + 8, row=row, advance=False)
        line_height = round(theme.LABEL_SIZE * 1.3)
        self.units.append((row or _blank_row()) | {
            "x": side / 2 + 1, "y": top + line_height / 2, "style": style, "shape": shape, "side": side, "fade": 1.0,
        })  # fmt: skip
        self.y += max(height, side) + 4

    def rule(self, thickness: float) -> None:
        """A filled line across the width in the reported colour: separates the sections of a long canvas."""
        self.rules.append({"x": 0, "x2": self.width, "y": self.y, "y2": self.y + thickness})
        self.y += thickness

    def chart(self, texts: Texts, name: str, clickable: bool = True) -> alt.LayerChart:
        height = math.ceil(self.y) + 2
        x = alt.X("x:Q").scale(domain=[0, self.width], nice=False, zero=False).axis(None)
        y = alt.Y("y:Q").scale(domain=[0, height], nice=False, zero=False, reverse=True).axis(None)
        layers = []
        if self.rules:  # under everything else
            layers.append(
                alt.Chart(inline(rows_of(self.rules))).mark_rect(color=theme.REPORTED)
                .encode(x=x, x2="x2:Q", y=y, y2="y2:Q")
            )  # fmt: skip
        drawn = alt.Opacity("fade:Q").scale(None)
        units = rows_of(self.units, [*ROW_FIELDS, "x", "y", "style", "shape", "side", "fade"])
        for index, ((style, shape, side), group) in enumerate(grouped(units, ("style", "shape", "side"))):
            look = STYLES[style]
            marks = (
                alt.Chart(inline(group))
                .mark_point(
                    shape=shape, size=side * side, filled=True, fill=look["fill"], stroke=look["stroke"],
                    strokeDash=look["strokeDash"], strokeWidth=1.5, cursor="pointer" if clickable else "default",
                )
                .encode(x=x, y=y, tooltip=tooltip(texts),
                        opacity=picked(drawn) if clickable else drawn)
            )  # fmt: skip
            layers.append(marks.properties(name=f"{name}_pick") if index == 0 and clickable else marks)
        words = rows_of(self.texts)
        for (size, bold, colour, align), group in grouped(words, ("size", "bold", "colour", "align")):
            labels = (
                alt.Chart(inline([row | {"size": size} for row in group]))  # the size stays in the data
                .mark_text(
                    align=align, baseline="top", fontSize=float(size), fontWeight="bold" if bold else "normal",
                    color=colour, lineBreak="\n", lineHeight=round(size * 1.3),
                )
                .encode(x=x, y=y, text=alt.Text("text:N"))
            )  # fmt: skip
            layers.append(labels)
        return alt.layer(*layers).properties(width=self.width, height=height)


def spec_nodes(node: object) -> Iterator[dict]:
    """Every mapping in a Vega-Lite spec, depth first (layers, concats, encodings, data)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from spec_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from spec_nodes(value)


def _clickable_views(chart: alt.TopLevelMixin) -> list[str]:
    """One named view per layer (``…_pick``) that holds the ``pick`` selection.

    A point selection listens to clicks anywhere in its layer ("scope"), so one view per
    layer catches clicks on every mark there; naming two views of one layer is an error in Vega.
    """
    spec = chart.to_dict(validate=False)
    return [
        node["name"]
        for node in spec_nodes(spec)
        if isinstance(node.get("name"), str) and re.search(r"_pick(_\d+)?$", node["name"])
    ]


def _finish(chart: alt.TopLevelMixin, texts: Texts, chart_id: str, *, title_width: float = CANVAS_WIDTH,
            subtitle: bool = False, description: str | None = None, titled: bool = True,
            views: list[str] | None = None, **values) -> alt.TopLevelMixin:
    """Title, description (alt text) and the ``pick`` selection on every clickable view.

    ``titled=False`` for one panel of a block shown in columns: the block's heading names it.
    ``views``: the clickable views when the caller knows them (finding them serialises the chart).
    """
    views = _clickable_views(chart) if views is None else views
    params = []
    if views:
        params = [alt.TopLevelSelectionParameter(name=PICK.name, select=PICK.param.select, views=views)]
    # Explicit autosize: Streamlit otherwise applies "fit", which squeezes a pixel canvas
    # (title included) into the canvas height and makes unit squares overlap.
    stretches = getattr(chart, "width", None) == "container"
    font = theme.font_for(texts.lang)  # axes name theirs apart from the chart-wide font
    titles = {"title": _title(texts, chart_id, title_width, subtitle)} if titled else {}
    return chart.properties(
        autosize=alt.AutoSizeParams(type="fit-x" if stretches else "pad", contains="padding"),
        description=description if description is not None else texts(f"charts.{chart_id}.description", **values),
        params=params, **titles,
    ).configure(font=font).configure_axis(labelFont=font, titleFont=font)  # fmt: skip


# ----------------------------------------------------------------------------- overview


def _waffle(canvas: Canvas, figures: Figures, texts: Texts, total_id: str, resumed_id: str, not_resumed_id: str,
            rate_id: str, heading_key: str | None, key_prefix: str) -> None:
    """Heading (a panel's own label), one square per firm (back at work, then not), and a key
    that labels each group in words."""
    total, resumed, not_resumed, rate = (figures[i] for i in (total_id, resumed_id, not_resumed_id, rate_id))
    if heading_key is not None:
        canvas.text(texts(heading_key) + (derived_tag(texts) if total.derived else ""), bold=True, row=figure_row(total, texts))
    if total.derived:
        canvas.text(texts("charts.common.formula") + total.formula, muted=True, size=theme.FONT_SIZE)
    if heading_key is not None or total.derived:
        canvas.gap(6)
    resumed_style = "derived" if resumed.derived else "reported"
    canvas.grid([
        (int(resumed.value), resumed_style, figure_row(resumed, texts)),
        (int(not_resumed.value), "not_resumed", figure_row(not_resumed, texts)),
    ])  # fmt: skip
    canvas.gap(8)
    resumed_text = texts(f"{key_prefix}key_resumed") + (derived_tag(texts) if resumed.derived else "")
    canvas.key(resumed_style, resumed_text, figure_row(resumed, texts))
    canvas.key("not_resumed", texts(f"{key_prefix}key_not_resumed") + derived_tag(texts), figure_row(not_resumed, texts))
    rate_text = texts(f"{key_prefix}key_rate") + (derived_tag(texts) if rate.derived else "")
    canvas.text(rate_text, row=figure_row(rate, texts), size=theme.FONT_SIZE)
    if rate.derived:  # the arithmetic on a line of its own, so it never breaks in the middle
        canvas.text(texts("charts.common.formula") + rate.formula, row=figure_row(rate, texts), size=theme.FONT_SIZE, muted=True)


def overview_parks_chart(figures: Figures, texts: Texts) -> alt.LayerChart:
    """Waffle of the 106 park firms: 91 back at work (reported), 15 not (derived).

    No heading inside: on the page the block's heading and the finding above it say what it
    shows; files keep the chart's title.
    """
    canvas = Canvas()
    _waffle(canvas, figures, texts, "park_firms", "park_firms_resumed", "park_firms_not_resumed",
            "park_resumption_rate", None, "charts.overview_parks.")  # fmt: skip
    canvas.gap(4)  # what the squares are, and where: a note under the chart, not a heading over it
    canvas.text(texts("charts.overview_parks.heading"), size=theme.FONT_SIZE, muted=True, row=figure_row(figures["park_firms"], texts))
    canvas.text(texts("charts.overview_parks.parks"), size=theme.FONT_SIZE, muted=True, row=figure_row(figures["park_count"], texts))
    return _finish(canvas.chart(texts, "overview_parks"), texts, "overview_parks")


def _size_canvases(figures: Figures, texts: Texts) -> list[tuple[Canvas, str, str]]:
    """The two waffles of :func:`overview_size_chart`: (canvas, view name, total figure id)."""
    panels = []
    for side, name in (("above", "overview_size_above"), ("below", "overview_size_below")):
        canvas = Canvas()
        _waffle(canvas, figures, texts, f"{side}_scale_firms", f"{side}_scale_resumed", f"{side}_scale_not_resumed",
                f"{side}_scale_resumption_rate", f"charts.overview_size.{side}", f"charts.overview_size.{side}_")  # fmt: skip
        panels.append((canvas, name, f"{side}_scale_firms"))
    return panels


def overview_size_chart(figures: Figures, texts: Texts) -> alt.VConcatChart:
    """Two waffles: the 39 firms above the designated size (reported) and the 67 below (derived)."""
    return _overview_size_block(figures, texts)[0]


def _overview_size_block(figures: Figures, texts: Texts) -> tuple[alt.VConcatChart, tuple[alt.LayerChart, ...]]:
    """The two waffles as one chart (files) and as separate charts (columns side by side), drawn once."""

    def counted(total: str) -> list[Figure]:
        side = total.removesuffix("_firms")
        return [figures[f"{side}_{part}"] for part in ("firms", "resumed", "not_resumed", "resumption_rate")]

    drawn = [(canvas.chart(texts, name), name, total) for canvas, name, total in _size_canvases(figures, texts)]
    whole = _finish(alt.vconcat(*(c for c, _, _ in drawn), spacing=28), texts, "overview_size")
    panels = tuple(
        _finish(chart, texts, "overview_size", titled=False, description=panel_description(texts, *counted(total)), views=[f"{name}_pick"])
        for chart, name, total in drawn
    )  # fmt: skip
    return whole, panels


def panel_description(texts: Texts, *shown: Figure) -> str:
    """One panel's accessible name: what it counts and how many, as the running text writes it
    (a derived figure says so in its label)."""
    between, end = ("；", "。") if texts.lang.startswith("zh") else ("; ", ".")
    return between.join(texts.labelled(label_with_tag(figure, texts), texts.quantity(figure)) for figure in shown) + end


def overview_rates_chart(figures: Figures, texts: Texts) -> alt.LayerChart:
    """100% bars: the printed rates 85.8% and 92.3% and the derived 82.1%, each against its remainder."""
    groups = (
        ("park_resumption_rate", "park_firms_not_resumed", "charts.overview_rates.park"),
        ("above_scale_resumption_rate", "above_scale_not_resumed", "charts.overview_rates.above"),
        ("below_scale_resumption_rate", "below_scale_not_resumed", "charts.overview_rates.below"),
    )
    rates, rests = [], []
    for order, (rate_id, rest_id, heading_key) in enumerate(groups):
        rate, rest = figures[rate_id], figures[rest_id]
        heading = texts(heading_key) + (derived_tag(texts) if rate.derived else "")
        lines = wrap(heading, BAR_LABEL_WIDTH, theme.LABEL_SIZE)
        rates.append(figure_row(rate, texts) | {
            "order": order, "start": 0.0, "end": rate.value, "heading": "\n".join(lines),
            "heading_lines": len(lines),
            "style": "derived" if rate.derived else "reported",
        })  # fmt: skip
        rests.append(figure_row(rest, texts) | {"order": order, "start": rate.value, "end": 100.0})
    rate_rows, rest_rows = rows_of(rates), rows_of(rests)
    step = _band_layout(rate_rows, 22)
    rest_rows = [rest | {"bar_offset": rate["bar_offset"]} for rest, rate in zip(rest_rows, rate_rows, strict=True)]
    y = alt.Y("order:O").axis(None).scale(type="band", paddingInner=0, paddingOuter=0)
    x = alt.X("start:Q").scale(domain=[0, 100], nice=False).axis(
        alt.Axis(values=[0, 50, 100], title=texts("charts.overview_rates.axis"), labelExpr="datum.value + '%'", grid=False)
    )  # fmt: skip
    base = alt.Chart(inline(rate_rows))
    reported_bars = (
        base.transform_filter(alt.datum.style == "reported")
        .mark_bar(fill=theme.REPORTED, stroke=theme.REPORTED, cursor="pointer", height=22)
        .encode(x=x, x2="end:Q", y=y, yOffset=BAR_OFFSET, tooltip=tooltip(texts), opacity=picked())
    )
    derived_bars = (
        base.transform_filter(alt.datum.style == "derived")
        .mark_bar(fill=theme.DERIVED_TINT, stroke=theme.DERIVED, strokeDash=theme.DASH_DERIVED, strokeWidth=1.5,
                  cursor="pointer", height=22)
        .encode(x=x, x2="end:Q", y=y, yOffset=BAR_OFFSET, tooltip=tooltip(texts), opacity=picked())
    )  # fmt: skip
    remainder = (
        alt.Chart(inline(rest_rows))
        .mark_bar(fill=theme.BACKGROUND, stroke=theme.REMAINDER, strokeDash=theme.DASH_DERIVED, strokeWidth=1.5,
                  cursor="pointer", height=22)
        .encode(x=x, x2="end:Q", y=y, yOffset=BAR_OFFSET, tooltip=tooltip(texts), opacity=picked())
        .properties(name="overview_rates_pick")
    )  # fmt: skip
    headings = base.mark_text(align="left", baseline="top", lineBreak="\n", lineHeight=LINE_HEIGHT).encode(
        x=alt.datum(0), y=y, yOffset=alt.YOffset("heading_offset:Q").scale(None), text="heading:N"
    )
    rate_labels_reported = (
        base.transform_filter(alt.datum.style == "reported")
        .mark_text(align="right", baseline="middle", dx=-6, color=theme.BACKGROUND, fontWeight="bold")
        .encode(x=alt.X("end:Q"), y=y, yOffset=BAR_OFFSET, text="display:N")
    )
    rate_labels_derived = (
        base.transform_filter(alt.datum.style == "derived")
        .mark_text(align="right", baseline="middle", dx=-6, color=theme.TEXT, fontWeight="bold")
        .encode(x=alt.X("end:Q"), y=y, yOffset=BAR_OFFSET, text="display:N")
    )
    chart = alt.layer(remainder, reported_bars, derived_bars, headings, rate_labels_reported, rate_labels_derived).properties(
        width="container", height=alt.Step(step)
    )
    return _finish(chart, texts, "overview_rates", title_width=BAR_LABEL_WIDTH, subtitle=True)


# ----------------------------------------------------------------------------- single figures as unit panels


def _unit_panel(canvas: Canvas, figure: Figure, texts: Texts, *, per_unit: int = 1, scale_key: str | None = None,
                columns: int = 10, step: float = UNIT_STEP, shape: str = "square", label_key: str | None = None) -> None:
    """Big number, label, then one mark per ``per_unit`` (a lower bound ends in fading open marks)."""
    row = figure_row(figure, texts)
    canvas.text(texts.compact(figure) if label_key is None else texts(label_key), size=30, bold=True, row=row)
    canvas.gap(2)
    canvas.text(label_with_tag(figure, texts), row=row)
    canvas.gap(6)
    style = "lower_bound" if figure.is_lower_bound else ("derived" if figure.derived else "reported")
    groups = [(int(figure.value // per_unit), style, row)]
    if figure.is_lower_bound:
        groups.append((3, "lower_bound_open", row))
    canvas.grid(groups, columns=columns, step=step, shape=shape, fades=True)
    notes = []
    if scale_key:
        notes.append(texts(scale_key))
    if figure.is_lower_bound:
        notes.append(texts("charts.common.open_end"))
    for note in notes:
        canvas.gap(4)
        canvas.text(note, size=theme.FONT_SIZE, muted=True)


def _panel_canvases(figures: Figures, texts: Texts, chart_id: str, panels: list[dict]) -> list[tuple[Canvas, Figure]]:
    """One canvas per panel; with three or more panels each is narrow enough to stand three abreast."""
    width = PANEL_WIDTH if len(panels) >= 3 else CANVAS_WIDTH
    drawn = []
    for settings in panels:
        panel = dict(settings)
        canvas = Canvas(width=width)
        figure = figures[panel.pop("figure_id")]
        if width < CANVAS_WIDTH and panel.get("columns", 10) * panel.get("step", UNIT_STEP) > width:
            panel["columns"] = int(width // panel.get("step", UNIT_STEP))
        _unit_panel(canvas, figure, texts, **panel)
        drawn.append((canvas, figure))
    return drawn


def _panels(figures: Figures, texts: Texts, chart_id: str, panels: list[dict]) -> alt.VConcatChart:
    return _panel_block(figures, texts, chart_id, panels)[0]


def _panel_block(figures: Figures, texts: Texts, chart_id: str, panels: list[dict]) -> tuple[alt.VConcatChart, tuple[alt.LayerChart, ...]]:
    """The panels as one chart (files) and as separate charts (columns side by side), drawn once."""
    drawn = [(canvas.chart(texts, f"{chart_id}_{index}"), f"{chart_id}_{index}", figure)
             for index, (canvas, figure) in enumerate(_panel_canvases(figures, texts, chart_id, panels))]  # fmt: skip
    whole = _finish(alt.vconcat(*(c for c, _, _ in drawn), spacing=30), texts, chart_id)
    if len(drawn) < 2:
        return whole, ()
    split = tuple(
        _finish(chart, texts, chart_id, titled=False, description=panel_description(texts, figure), views=[f"{name}_pick"])
        for chart, name, figure in drawn
    )  # fmt: skip
    return whole, split


# Unit panels by chart: each panel one figure, drawn by :func:`_unit_panel` with these settings.
UNIT_PANELS = {
    # 47 officials (dots) and 39 problems solved (squares): two units, two panels, no arrow between them.
    "officials": ({"figure_id": "officials_posted", "shape": "circle"}, {"figure_id": "problems_solved"}),
    # 6 inspection rounds, 39 firms inspected, 13 problems found and fixed: three units, three panels.
    "safety": (
        {"figure_id": "inspection_rounds", "shape": "diamond"}, {"figure_id": "firms_inspected"}, {"figure_id": "problems_found_fixed"},
    ),
    # 323 job openings collected, one small square each (its own unit, its own chart).
    "departments_jobs": ({"figure_id": "jobs_collected", "columns": 20, "step": 13},),
    # Exports (sets), first-quarter sales (more than ¥30 million) and product lines: three units, three panels.
    "firms_output": (
        {"figure_id": "lesen_guitar_sets_exported", "per_unit": 100, "scale_key": "charts.firms_output.sets_scale"},
        {"figure_id": "buruiji_q1_sales", "per_unit": 100, "scale_key": "charts.firms_output.sales_scale",
         "label_key": "charts.firms_output.sales_big"},
        {"figure_id": "buruiji_product_lines", "step": 30},
    ),
}  # fmt: skip


def officials_chart(figures: Figures, texts: Texts) -> alt.VConcatChart:
    return _panels(figures, texts, "officials", UNIT_PANELS["officials"])


def safety_chart(figures: Figures, texts: Texts) -> alt.VConcatChart:
    return _panels(figures, texts, "safety", UNIT_PANELS["safety"])


def departments_jobs_chart(figures: Figures, texts: Texts) -> alt.VConcatChart:
    return _panels(figures, texts, "departments_jobs", UNIT_PANELS["departments_jobs"])


def firms_output_chart(figures: Figures, texts: Texts) -> alt.VConcatChart:
    return _panels(figures, texts, "firms_output", UNIT_PANELS["firms_output"])


def _with_panels(chart_id: str, function, figures: Figures, texts: Texts) -> tuple[alt.TopLevelMixin, tuple]:
    """A chart, and its panels as separate charts when it has several (else no panels)."""
    if chart_id == "overview_size":
        return _overview_size_block(figures, texts)
    if chart_id in UNIT_PANELS:
        return _panel_block(figures, texts, chart_id, UNIT_PANELS[chart_id])
    return function(figures, texts), ()


# ----------------------------------------------------------------------------- bars (one unit per chart)


def _band_layout(rows: list[dict], bar: float) -> float:
    """Rows of [heading lines, bar] in bands: sets ``bar_offset`` (the bar's centre) and
    ``heading_offset`` (its first line's top), in px from the top of the band; returns the step.

    With an offset channel Vega-Lite positions a mark at band start + offset.
    """
    lines = max(row["heading_lines"] for row in rows)
    top, gap, bottom = 6, 4, 14
    step = top + LINE_HEIGHT * lines + gap + bar + bottom
    centre = step - bottom - bar / 2
    for row in rows:
        row["bar_offset"] = centre
        row["heading_offset"] = centre - bar / 2 - gap - LINE_HEIGHT * row["heading_lines"]
    return step


def _bars(figures: Figures, texts: Texts, chart_id: str, figure_ids: list[str], axis_key: str) -> alt.LayerChart:
    """Horizontal bars on one axis (all figures share a unit), labels above, values at the end.

    A lower bound's bar continues past its value in a fading, dotted open end, and reads "20+".
    """
    items = [figures[i] for i in figure_ids]
    units = {f.unit for f in items}
    if len(units) != 1:
        raise ValueError(f"{chart_id}: one axis cannot carry units {sorted(units)}")
    top = max(f.value for f in items)
    tail = top * 0.14
    domain_max = (top + tail) * 1.22
    rows = []
    for order, figure in enumerate(items):
        lines = wrap(label_with_tag(figure, texts), BAR_LABEL_WIDTH, theme.LABEL_SIZE)
        rows.append(figure_row(figure, texts) | {
            "order": order, "zero": 0.0, "tail_end": figure.value + (tail if figure.is_lower_bound else 0),
            "heading": "\n".join(lines), "lines": len(lines), "lower_bound": figure.is_lower_bound,
            "heading_lines": len(lines),
        })  # fmt: skip
    rows = rows_of(rows)
    step = _band_layout(rows, 18)
    base = alt.Chart(inline(rows))
    y = alt.Y("order:O").axis(None).scale(type="band", paddingInner=0, paddingOuter=0)
    x = alt.X("zero:Q").scale(domain=[0, domain_max], nice=False).axis(
        alt.Axis(title=texts(axis_key), tickCount=4, grid=False, format="~s" if top >= 10_000 else "d")
    )  # fmt: skip
    exact = (
        base.transform_filter(~alt.datum.lower_bound)
        .mark_bar(fill=theme.REPORTED, stroke=theme.REPORTED, cursor="pointer", height=18)
        .encode(x=x, x2="value:Q", y=y, yOffset=BAR_OFFSET, tooltip=tooltip(texts), opacity=picked())
    )
    at_least = (
        base.transform_filter(alt.datum.lower_bound)
        .mark_bar(fill=theme.LOWER_BOUND, stroke=theme.LOWER_BOUND, cursor="pointer", height=18)
        .encode(x=x, x2="value:Q", y=y, yOffset=BAR_OFFSET, tooltip=tooltip(texts), opacity=picked())
    )
    # The click selection lives on a layer that has marks (an empty one draws an unnamed group).
    if all(figure.is_lower_bound for figure in items):
        at_least = at_least.properties(name=f"{chart_id}_pick")
    else:
        exact = exact.properties(name=f"{chart_id}_pick")
    fade = alt.Gradient(
        gradient="linear", x1=0, x2=1, y1=0, y2=0,
        stops=[alt.GradientStop(color=theme.LOWER_BOUND, offset=0), alt.GradientStop(color=theme.BACKGROUND, offset=1)],
    )  # fmt: skip
    open_end = (
        base.transform_filter(alt.datum.lower_bound)
        .mark_bar(fill=fade, stroke=theme.LOWER_BOUND, strokeDash=theme.DASH_LOWER_BOUND, strokeWidth=1.5,
                  cursor="pointer", height=18)
        .encode(x=alt.X("value:Q"), x2="tail_end:Q", y=y, yOffset=BAR_OFFSET, tooltip=tooltip(texts), opacity=picked())
    )  # fmt: skip
    headings = base.mark_text(align="left", baseline="top", lineBreak="\n", lineHeight=LINE_HEIGHT).encode(
        x=alt.datum(0), y=y, yOffset=alt.YOffset("heading_offset:Q").scale(None), text="heading:N"
    )
    values = base.mark_text(align="left", baseline="middle", dx=5, fontWeight="bold", fontSize=15).encode(
        x=alt.X("tail_end:Q"), y=y, yOffset=BAR_OFFSET, text="display:N"
    )
    return alt.layer(exact, at_least, open_end, headings, values).properties(width="container", height=alt.Step(step))


def departments_firms_chart(figures: Figures, texts: Texts) -> alt.LayerChart:
    """Firms helped, by kind of help: 5, more than 20, 50, 20 (firms on one axis)."""
    ids = ["firms_helped_staff_return", "firms_helped_transport_permits", "firms_online_hiring_fair", "firms_loan_survey"]
    return _finish(_bars(figures, texts, "departments_firms", ids, "charts.departments_firms.axis"), texts,
                   "departments_firms", title_width=BAR_LABEL_WIDTH, subtitle=True)  # fmt: skip


def firms_staff_chart(figures: Figures, texts: Texts) -> alt.LayerChart:
    """Staff back at two firms: more than 100 and more than 500 people (both lower bounds)."""
    ids = ["lesen_staff_back", "fuhua_staff_back"]
    return _finish(_bars(figures, texts, "firms_staff", ids, "charts.firms_staff.axis"), texts, "firms_staff",
                   title_width=BAR_LABEL_WIDTH, subtitle=True)  # fmt: skip


# ----------------------------------------------------------------------------- what-if explorer


WHAT_IF_STEP = 0.5  # percentage points per slider step


def what_if_range(printed_rate: float) -> tuple[float, float]:
    """Slider bounds: from the first step above the printed rate (below it nothing more was needed) to 100%."""
    return math.floor(printed_rate / WHAT_IF_STEP) * WHAT_IF_STEP + WHAT_IF_STEP, 100.0


def snap_rate(value: object, lowest: float, highest: float, default: float) -> float:
    """Whatever a client sends for the slider, one of its steps: in range, on a step, finite.

    A hand-written message can carry any number (NaN, 1e308, 86.0001…); snapping keeps the
    what-if chart's cache to the slider's few steps instead of one entry per distinct value.
    """
    try:
        rate = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    if not math.isfinite(rate):
        return default
    rate = min(max(rate, lowest), highest)
    return round(round(rate / WHAT_IF_STEP) * WHAT_IF_STEP, 6)


def firms_needed(target_rate: float, total: int, resumed: int) -> tuple[int, int]:
    """Firms back at work needed for ``target_rate`` percent of ``total``, and how many more than ``resumed``."""
    if not 0 <= target_rate <= 100:
        raise ValueError(f"target rate {target_rate} is not between 0 and 100")
    needed = math.ceil(total * target_rate / 100 - 1e-9)
    return needed, max(0, needed - resumed)


def whatif_chart(figures: Figures, texts: Texts, target_rate: float) -> alt.LayerChart:
    """The 106 park firms: the 91 reported back at work, plus the (hypothetical) firms a target rate would need."""
    total, resumed = figures["park_firms"], figures["park_firms_resumed"]
    needed, more = firms_needed(target_rate, int(total.value), int(resumed.value))
    rest = int(total.value) - int(resumed.value) - more
    values = {"rate": format_plain(round(target_rate, 1)), "needed": needed, "more": more}
    hypothetical = _blank_row() | {
        "label": texts("charts.whatif.key_more", **values), "value": float(more), "display": str(more),
        "qualifier_text": texts("charts.whatif.hypothetical"), "hypothetical": True,
    }  # fmt: skip
    others = _blank_row() | {
        "label": texts("charts.whatif.key_rest"), "value": float(rest), "display": str(rest),
        "qualifier_text": texts("charts.whatif.hypothetical"), "hypothetical": True,
    }  # fmt: skip
    canvas = Canvas()  # no heading inside: the sentence above the chart says the same
    resumed_row = figure_row(resumed, texts)
    canvas.grid([(int(resumed.value), "reported", resumed_row), (more, "hypothetical", hypothetical), (rest, "not_resumed", others)])
    canvas.gap(8)
    canvas.key("reported", texts("charts.whatif.key_reported"), resumed_row)
    if more:
        canvas.key("hypothetical", hypothetical["label"], hypothetical)
    if rest:
        canvas.key("not_resumed", others["label"], others)
    description = texts("charts.whatif.description", **values)
    # not clickable: its squares are a what-if, with no sentence in the report to show
    return _finish(canvas.chart(texts, "whatif", clickable=False), texts, "whatif", description=description)


# ----------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class ChartBlock:
    id: str
    title: str
    chart: alt.TopLevelMixin  # the whole chart, titled: its description, and the files (PNG, SVG)
    alt: str
    table: list[dict]  # the Data tab and the CSV: one row per figure, headed in the reader's language
    figure_ids: tuple[str, ...]
    width: str = "content"  # how a page should size it: "stretch" for container-width bars, else "content"
    panels: tuple[alt.TopLevelMixin, ...] = ()  # on screen, one chart per panel, set in columns (else ``chart``)

    @property
    def unit_chart(self) -> bool:
        """Drawn on a pixel canvas (one mark per unit), which the page may scale to its column."""
        return self.width == "content"


# chapter → [(chart id, function, figure ids shown, width)]. The overview shows counts (two
# waffles) and then the three rates, always: a reader needs no switch to see the shares.
_REGISTRY = {
    "overview": [
        ("overview_parks", overview_parks_chart,
         ("park_count", "park_firms", "park_firms_resumed", "park_firms_not_resumed", "park_resumption_rate"), "content"),
        ("overview_size", overview_size_chart,
         ("above_scale_firms", "above_scale_resumed", "above_scale_not_resumed", "above_scale_resumption_rate",
          "below_scale_firms", "below_scale_resumed", "below_scale_not_resumed", "below_scale_resumption_rate"), "content"),
        ("overview_rates", overview_rates_chart,
         ("park_resumption_rate", "park_firms_not_resumed", "above_scale_resumption_rate", "above_scale_not_resumed",
          "below_scale_resumption_rate", "below_scale_not_resumed"), "stretch"),
    ],
    "officials": [("officials", officials_chart, ("officials_posted", "problems_solved"), "content")],
    "departments": [
        ("departments_firms", departments_firms_chart,
         ("firms_helped_staff_return", "firms_helped_transport_permits", "firms_online_hiring_fair", "firms_loan_survey"), "stretch"),
        ("departments_jobs", departments_jobs_chart, ("jobs_collected",), "content"),
    ],
    "safety": [("safety", safety_chart, ("inspection_rounds", "firms_inspected", "problems_found_fixed"), "content")],
    "firms": [
        ("firms_staff", firms_staff_chart, ("lesen_staff_back", "fuhua_staff_back"), "stretch"),
        ("firms_output", firms_output_chart, ("lesen_guitar_sets_exported", "buruiji_q1_sales", "buruiji_product_lines"), "content"),
    ],
}  # fmt: skip


def chapter_charts(chapter: str, figures: Figures, texts: Texts, *, share: bool = False) -> list[ChartBlock]:
    """A chapter's charts in reading order (none for chapters without figures).

    ``share`` is kept for callers of the old overview switch; the overview now always shows
    its counts and its rates, so it changes nothing.
    """
    if chapter not in chapter_registry.BY_ID:
        raise KeyError(f"unknown chapter {chapter!r}; known: {', '.join(chapter_registry.BY_ID)}")
    blocks = []
    for chart_id, function, figure_ids, width in _REGISTRY.get(chapter, []):
        chart, panels = _with_panels(chart_id, function, figures, texts)
        blocks.append(ChartBlock(
            id=chart_id, title=texts(f"charts.{chart_id}.title"), chart=chart,
            alt=chart.description, table=tables.chart_table(figure_ids, figures, texts), figure_ids=figure_ids, width=width,
            panels=panels,
        ))  # fmt: skip
    return blocks


# ----------------------------------------------------------------------------- guess, then see (datong.web.engage)

GUESS_BAR_HEIGHT = 22  # px
# The guess: dotted like the what-if's imagined firms, on a stronger tint (the lighter one vanished beside the outline).
GUESS_STYLES = {**STYLES, "guess": {"fill": theme.DERIVED_TINT, "stroke": theme.HYPOTHETICAL, "strokeDash": theme.DASH_HYPOTHETICAL}}


def guess_chart(figures: Figures, texts: Texts, guess: int) -> alt.LayerChart:
    """The reader's guess beside the report's 91 of 106 park firms: two bars on one scale.

    Each bar sits in an outline the length of all the park firms (hollow, dashed, as firms not
    back at work are drawn elsewhere); its label above says whose number it is and the number,
    so colour never speaks alone. The guess is drawn dotted, as the what-if's imagined firms
    are: it is not a figure of the report. Text keys: ``engage.guess.*``.
    """
    total, resumed = figures["park_firms"], figures["park_firms_resumed"]
    count = int(total.value)
    guess = max(0, min(count, int(guess)))
    reported_row = figure_row(resumed, texts)
    guess_row = _blank_row() | {
        "label": texts("engage.guess.chart_yours_label"), "value": float(guess), "display": str(guess),
        "unit": resumed.unit, "unit_name": texts.unit_name(resumed.unit), "hypothetical": True,
    }  # fmt: skip
    canvas = Canvas()
    bars = []
    for text, value, style, row in (
        (texts("engage.guess.chart_yours", guess=guess), guess, "guess", guess_row),
        (texts("engage.guess.chart_report"), int(resumed.value), "reported", reported_row),
    ):
        canvas.text(text, bold=True, row=row)
        canvas.gap(4)
        top, bottom = canvas.y, canvas.y + GUESS_BAR_HEIGHT
        bars.append(row | {"x": 0, "x2": canvas.width, "y": top, "y2": bottom, "style": "not_resumed"})
        if value:
            bars.append(row | {"x": 0, "x2": canvas.width * value / count, "y": top, "y2": bottom, "style": style})
        canvas.gap(GUESS_BAR_HEIGHT + 12)
    canvas.text(texts("engage.guess.chart_scale"), size=theme.FONT_SIZE, muted=True, row=figure_row(total, texts))
    words = canvas.chart(texts, "guess", clickable=False)
    height = math.ceil(canvas.y) + 2  # as Canvas.chart computes it, so the bars share its scales
    x = alt.X("x:Q").scale(domain=[0, canvas.width], nice=False, zero=False).axis(None)
    y = alt.Y("y:Q").scale(domain=[0, height], nice=False, zero=False, reverse=True).axis(None)
    layers = [
        alt.Chart(inline(group))
        .mark_rect(fill=GUESS_STYLES[style]["fill"], stroke=GUESS_STYLES[style]["stroke"], strokeDash=GUESS_STYLES[style]["strokeDash"], strokeWidth=1.5)
        .encode(x=x, x2="x2:Q", y=y, y2="y2:Q", tooltip=tooltip(texts))
        for (style,), group in grouped(rows_of(bars), ("style",))
    ]  # fmt: skip
    chart = alt.layer(*layers, *words.layer).properties(width=canvas.width, height=height)
    description = texts("engage.guess.description", guess=guess)
    return _finish(chart, texts, "guess", titled=False, description=description)
