"""The building blocks pages compose: header, chart blocks, quotes, links.

Pages stay short: they pick blocks in order. No pandas transforms and no chart code here
either; charts come from :mod:`datong.charts`, text from the language files.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from html import escape
from typing import NamedTuple

import streamlit as st

from datong import chapters, charts, quotes, tables
from datong.chapters import Chapter
from datong.figures import Figures
from datong.i18n import Texts
from datong.web import share, site_data
from datong.web.markdown import escape_markdown, markdown_table
from datong.web.site_data import Article


@dataclass(frozen=True)
class Page:
    """What every block needs: the chapter, the reader's language and the loaded data."""

    chapter: Chapter
    lang: str
    texts: Texts
    figures: Figures
    article: Article

    def t(self, key: str, **values: object) -> str:
        return self.texts(key, **values)

    def chapter_key(self, name: str) -> str:
        return f"chapters.{self.chapter.id}.{name}"


def page(chapter_id: str) -> Page:
    """The context of the chapter being shown, in the language routing chose."""
    from datong.web.routing import current_language

    lang = current_language()
    share.apply_figure_permalink(chapter_id, lang, lambda chart_id: _pick_keys(chart_id).picker)
    return Page(chapters.BY_ID[chapter_id], lang, site_data.texts(lang), site_data.figures(), site_data.article())


def share_and_embed(p: Page) -> None:
    """The chapter's link and embed code (:mod:`datong.web.share`)."""
    share.share_block(p.chapter.id, p.lang, p.texts)


def citation(p: Page) -> None:
    """How to cite the report and this site, accessed today (:mod:`datong.web.share`)."""
    share.citation_block(p.lang, p.texts)


def _story_chapters() -> list[Chapter]:
    """The chapters a kicker counts: the story after the overview (the overview opens it)."""
    return [c for c in chapters.CHAPTERS if c.section == "story" and c is not chapters.DEFAULT]


def kicker(p: Page) -> str | None:
    """ "Chapter 2 of 5" above a story chapter's title; the source chapter says what it is about."""
    story = _story_chapters()
    if p.chapter in story:
        return p.t("nav.kicker", n=story.index(p.chapter) + 1, total=len(story))
    if p.chapter.section != "story":
        return p.t(f"nav.section_{p.chapter.section}")
    return None


def header(p: Page) -> None:
    """Kicker, title, the dek (regular weight, larger, muted) and the byline: the source.

    One keyed block whose lines are told apart by class, not a keyed container each: every
    block is one more message a new reader's server pays for (issue 9). The texts are ours and
    plain, escaped as HTML.
    """
    with st.container(key="chapter-head", gap="small"):
        above = kicker(p)
        if above:
            st.markdown(f'<p class="kicker">{escape(above)}</p>', unsafe_allow_html=True)
        st.title(p.t(p.chapter_key("title")), anchor=False)
        st.markdown(head_lines(p), unsafe_allow_html=True)


def head_lines(p: Page) -> str:
    """The dek and the byline under the title, as HTML."""
    dek, byline = p.t(p.chapter_key("lede")), p.t("site.source_line")
    return f'<p class="dek">{escape(dek)}</p>\n\n<p class="byline">{escape(byline)}</p>'


def narrative(p: Page) -> None:
    st.markdown(p.t(p.chapter_key("body")))


def visual_key(p: Page) -> None:
    """One row that shows how to read every chart: a swatch and a few words per kind of number.

    The swatches take their colours and outlines from :mod:`datong.theme`, as the charts do;
    each has its words beside it, so colour never speaks alone.
    """
    from datong import theme

    kinds = (
        ("reported", f"background:{theme.REPORTED};border:2px solid {theme.REPORTED}"),
        ("derived", f"background:{theme.DERIVED_TINT};border:2px dashed {theme.DERIVED}"),
        ("lower_bound", f"background:linear-gradient(90deg,{theme.LOWER_BOUND},{theme.BACKGROUND});border:2px dotted {theme.LOWER_BOUND}"),
        ("not_back", f"background:{theme.BACKGROUND};border:2px dashed {theme.NOT_RESUMED}"),
    )
    items = "".join(
        f'<span class="key-item"><span class="key-swatch" style="{style}" aria-hidden="true"></span>{escape(p.t(f"layout.key_{kind}"))}</span>'
        for kind, style in kinds
    )
    with st.container(key="visual-key"):
        st.markdown(f'<p><span class="key-title">{escape(p.t("layout.key_title"))}</span>{items}</p>', unsafe_allow_html=True)


def sources(p: Page, figure_ids, place: str) -> None:
    """Where figures come from: each paragraph once, with every quote in it highlighted.

    Derived figures show their arithmetic, then the paragraphs of the figures they are computed
    from. English readers also get our translation of each paragraph. ``place`` keeps element
    keys unique where the same figures are shown twice on a page.
    """
    derived = [p.figures[f] for f in figure_ids if p.figures[f].derived]
    if derived:
        st.markdown(
            "\n".join(
                f"- **{escape_markdown(p.texts.label(f))}** · {p.texts.labelled(escape_markdown(p.t('ui.derived')), escape_markdown(f.formula))}"
                for f in derived
            )
        )
    zh_lang = "zh-Hant" if p.lang == "zh-Hant" else "zh-Hans"
    groups = quotes.by_paragraph(quotes.reported_sources(p.figures, figure_ids), p.article.zh_hans)
    for index, group in groups.items():
        pieces = quotes.highlight(p.article.lines(zh_lang)[index], [p.texts.quote(f) for f in group])
        marked = "".join(f":blue-background[**{escape_markdown(t)}**]" if q else escape_markdown(t) for t, q in pieces)
        labels = " · ".join(escape_markdown(p.texts.label(f)) for f in group)
        dates = " · ".join(dict.fromkeys(escape_markdown(p.texts.as_of(f)) for f in group))
        text = f"{labels}  \n{dates}\n\n{marked}"
        if p.lang == "en":
            text += f"\n\n*{escape_markdown(p.article.lines('en')[index])}*"
        with st.container(border=True, key=f"quote-{place}-{'-'.join(f.id for f in group)}"):
            st.markdown(text)


def charts_of(p: Page, *, share: bool = False, skip: tuple[str, ...] = ()) -> None:
    """Every chart of the chapter (but those in ``skip``), each in its block."""
    for ready in site_data.chart_blocks(p.chapter.id, p.lang, share):
        if ready.block.id not in skip:
            chart_block(p, ready, share)


def chart(p: Page, chart_id: str, *, finding: str | None = None) -> None:
    """One chart block of the chapter by id; ``finding`` replaces its heading (the overview's lead)."""
    ready = next(r for r in site_data.chart_blocks(p.chapter.id, p.lang) if r.block.id == chart_id)
    chart_block(p, ready, heading=finding)


def park_finding(p: Page) -> str:
    """The overview's finding in words: "91 of 106 park firms back at work", numbers from the figures."""
    return p.t("layout.finding", resumed=p.texts.number(p.figures["park_firms_resumed"]), total=p.texts.number(p.figures["park_firms"]))


@st.fragment
def chart_block(p: Page, ready: site_data.ReadyChart, share: bool = False, heading: str | None = None) -> None:
    """One chart with its table, its source sentences and downloads, in tabs (as Our World in Data does).

    A fragment: clicking a mark, choosing a figure or opening a tab reruns this block only,
    not the chapter (and the rest of the page does not grey out while it runs). The heading
    is the chart's only title (the spec drops its own on screen); ``heading`` replaces it with
    a finding set in large type.
    """
    block = ready.block
    _keep_pick(block.id)
    with st.container(key=f"chart-{block.id}"):
        if heading is None:
            st.header(block.title, anchor=False)
        else:
            with st.container(key=f"finding-{block.id}"):
                st.header(heading, anchor=False)
        # Lazy tabs: only the open one runs, so a reader who never opens Table or Source does
        # not pay for them on every rerun.
        chart_tab, table_tab, source_tab = st.tabs(
            [p.t("ui.chart_tab"), p.t("ui.table_tab"), p.t("ui.source_tab")], key=f"tabs-{block.id}-{p.lang}", on_change="rerun"
        )
        if chart_tab.open:
            with chart_tab:
                _chart_tab(p, ready)
        if table_tab.open:
            with table_tab:
                st.markdown(escape_markdown(block.alt))  # the chart's description, also its accessible name
                # A list, not a grid: a grid cut columns off on a phone (the CSV is the table).
                st.markdown(ready.data_list)
                _downloads(p, ready, share)
        if source_tab.open:
            with source_tab:
                _source_tab(p, block)


def _screen_spec(spec: dict) -> dict:
    """The spec as the page draws it: no title of its own (the block's heading is the one title)."""
    spec.pop("title", None)
    return spec


def _chart_tab(p: Page, ready: site_data.ReadyChart) -> None:
    """The chart (its panels side by side on a desktop, stacked on a phone), a one-line source
    note, and the source of a clicked figure (or one a permalink or the Source tab's picker chose)."""
    block = ready.block
    chart_key = _chart_key(block)
    selectable = {"on_select": "rerun", "selection_mode": "pick"} if ready.clickable else {}
    # theme=None: our registered theme, not Streamlit's. The spec's description is the
    # chart's accessible name (passing alt= too would only override it with the same text).
    events = []
    # Unit charts sit in a keyed block, which the style sheet scales to the column; other charts
    # and the note need none (each block is one more message a new reader's server pays for).
    with st.container(key=f"units-{block.id}") if block.unit_chart else contextlib.nullcontext():
        panels = ready.fresh_panel_specs()
        if panels:
            for index, (column, spec) in enumerate(zip(st.columns(len(panels), gap="medium"), panels, strict=True)):
                with column:
                    events.append(st.vega_lite_chart(_screen_spec(spec), width="content", theme=None, key=f"{chart_key}-{index}", **selectable))
        else:
            events.append(st.vega_lite_chart(_screen_spec(ready.fresh_spec()), width=block.width, theme=None, key=chart_key, **selectable))
    st.caption(escape_markdown(_source_note(p, block)))
    picked = _clicked_figure(block, events)
    if picked:
        _show_picked(p, block, picked)


def _source_note(p: Page, block) -> str:
    """ "Source: … · As of …": where the chart's numbers come from, in one line."""
    dates = " · ".join(dict.fromkeys(p.texts.as_of(p.figures[f]) for f in block.figure_ids if p.figures[f].as_of))
    return p.t("layout.chart_note", date=dates or p.t("ui.as_of_not_stated"))


def _show_picked(p: Page, block, figure_id: str) -> None:
    sources(p, (figure_id,), f"picked-{block.id}")
    st.markdown(f"[{escape_markdown(p.t('share.figure_link_label'))}]({share.figure_link(figure_id, p.chapter.id, p.lang)})")


def _source_tab(p: Page, block) -> None:
    """The keyboard path to one figure's sentence (the picker), then every sentence of the chart."""
    picked = _picker(p, block)
    if picked:
        _show_picked(p, block, picked)
    else:
        sources(p, block.figure_ids, f"source-{block.id}")


def _chart_key(block) -> str:
    """The chart's widget key, renewed when the picker moves away from the clicked mark.

    A click highlights its figure in the chart; Python cannot move that highlight, so when the
    reader then chooses another figure with the keyboard the chart is drawn afresh, with no
    highlight, rather than highlighting a figure the text below no longer shows.
    """
    keys = _pick_keys(block.id)
    clicked = st.session_state.get(keys.last_click)
    if clicked is not None and st.session_state.get(keys.picker) != clicked:
        st.session_state[keys.generation] = st.session_state.get(keys.generation, 0) + 1
        st.session_state[keys.last_click] = None
    return f"vl-{block.id}-{st.session_state.get(keys.generation, 0)}"


class _PickKeys(NamedTuple):
    """Session-state keys of one chart's picking (see :func:`_chart_key`)."""

    picker: str  # the keyboard-usable select (in the Source tab); a click or a ?fig= permalink sets it too
    last_click: str  # the figure the chart last reported clicked
    generation: str  # bumped to draw the chart afresh


def _pick_keys(chart_id: str) -> _PickKeys:
    return _PickKeys(f"pick-{chart_id}", f"last-click-{chart_id}", f"chart-generation-{chart_id}")


def _keep_pick(chart_id: str) -> None:
    """Keep the picked figure while the picker is not drawn (its tab closed): Streamlit forgets
    the value of a widget a run does not draw, unless the script sets it again."""
    key = _pick_keys(chart_id).picker
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]


def _clicked_figure(block, events) -> str | None:
    """The figure whose source to show under the chart: a newly clicked mark in any panel moves
    the picker to it; otherwise whatever the picker (or a permalink) holds."""
    keys = _pick_keys(block.id)
    clicked = []
    for event in events:
        rows = (event or {}).get("selection", {}).get("pick") or []
        if rows and isinstance(rows[-1], dict) and rows[-1].get("figure_id") in block.figure_ids:
            clicked.append(rows[-1]["figure_id"])  # the latest mark (shift-click adds to the list)
    last = st.session_state.get(keys.last_click)
    new = [figure_id for figure_id in clicked if figure_id != last]
    if new:
        st.session_state[keys.picker] = new[-1]  # a click moves the picker too
        st.session_state[keys.last_click] = new[-1]
    elif last not in clicked:
        st.session_state[keys.last_click] = None
    picked = st.session_state.get(keys.picker)
    return picked if picked in block.figure_ids else None


def _picker(p: Page, block) -> str | None:
    """The keyboard-usable way to the source of one figure (chart clicks are mouse-only)."""
    options = [None, *block.figure_ids]
    return st.selectbox(
        p.t("ui.show_source_of"),
        options,
        key=_pick_keys(block.id).picker,
        format_func=lambda fid: p.t("ui.pick_a_figure") if fid is None else p.texts.label(p.figures[fid]),
    )


def _download(where, label: str, data, file_name: str, mime: str, key: str) -> None:
    """A download button that never reruns the page: a rerun could drop a file still being fetched."""
    where.download_button(label, data, file_name=file_name, mime=mime, key=key, on_click="ignore")


def _downloads(p: Page, ready: site_data.ReadyChart, share: bool) -> None:
    block = ready.block
    where = (p.chapter.id, p.lang, share, block.id)
    row = st.container(horizontal=True)  # one row that wraps
    _download(row, p.t("ui.download_csv"), ready.csv, f"datong-{block.id}-{p.lang}.csv", "text/csv", f"csv-{block.id}")
    _download(row, p.t("ui.download_png"), lambda: site_data.chart_file(*where, "png"), f"datong-{block.id}-{p.lang}.png", "image/png", f"png-{block.id}")
    _download(row, p.t("ui.download_svg"), lambda: site_data.chart_file(*where, "svg"), f"datong-{block.id}-{p.lang}.svg", "image/svg+xml", f"svg-{block.id}")


def silent(p: Page) -> None:
    """What the report does not say about this chapter's subject: open, in a tinted box (site.css)."""
    with st.container(key="silent"):
        st.subheader(p.t("ui.silent_heading"), anchor=False)
        st.markdown(p.t(p.chapter_key("silent")))


def previous_next(p: Page) -> None:
    """Links to the neighbouring chapters that keep the reader's language in the URL."""
    from datong.web.routing import page_of

    before, after = chapters.neighbours(p.chapter.id)
    # Both: one at each end. Only "next" (the first chapter): at the right, where it always is.
    alignment = "right" if before is None else "distribute"
    with st.container(horizontal=True, horizontal_alignment=alignment, key="previous-next"):
        for neighbour, key in ((before, "previous"), (after, "next")):
            if neighbour is not None:
                # "Next" is the larger control (site.css): full width and 44 px tall on a phone.
                with st.container(key=f"{key}-chapter", width="content"):
                    st.page_link(
                        page_of(neighbour.id),
                        label=f"{p.t(f'nav.{key}')}{p.t(f'chapters.{neighbour.id}.nav')}",
                        query_params={"lang": p.lang},
                    )


@st.fragment
def what_if(p: Page) -> None:
    """The explorable: pick a resumption rate, see how many more park firms it would have taken.

    A fragment: moving the slider reruns this block only.
    """
    total, resumed = p.figures["park_firms"], p.figures["park_firms_resumed"]
    with st.container(key="what-if", border=True):
        st.header(p.t("explore.title"), anchor=False)
        st.markdown(p.t("explore.intro"))
        lowest, highest = charts.what_if_range(p.figures["park_resumption_rate"].value)
        rate = st.slider(
            p.t("explore.slider_label"), min_value=lowest, max_value=highest, value=max(lowest, 90.0),
            step=charts.WHAT_IF_STEP, format="%g%%", key="what-if-rate",  # 90%, 86.5%: as the sentence below writes it
        )  # fmt: skip
        rate = charts.snap_rate(rate, lowest, highest, default=max(lowest, 90.0))  # whatever a client sends
        needed, more = charts.firms_needed(rate, int(total.value), int(resumed.value))
        st.markdown(
            escape_markdown(
                p.t("explore.result", rate=f"{rate:g}", total=p.texts.number(total), needed=needed, more=more, resumed=p.texts.number(resumed))
            )
        )
        ready = site_data.what_if_chart(p.lang, rate)
        with st.container(key="units-what-if"):
            # No title on screen (the heading above says it); the spec's description is the
            # chart's accessible name and the sentence above holds its numbers.
            st.vega_lite_chart(_screen_spec(ready.fresh_spec()), width="content", theme=None, key="what-if-chart")


def full_article(p: Page) -> None:
    """The repaired report in each script and our English translation, beside the raw text as received."""
    st.header(p.t("source.article_heading"), anchor=False)
    labels = {lang: p.t(f"source.tab_{lang.replace('-', '_').lower()}") for lang in ("zh-Hans", "zh-Hant", "en")}
    raw_label = p.t("source.tab_raw")
    st.caption(p.t("source.tabs_caption"))
    # Lazy tabs, opening on the reader's own language: only the open text is sent.
    tabs = st.tabs([*labels.values(), raw_label], default=labels[p.lang], key=f"article-tabs-{p.lang}", on_change="rerun")
    for tab, lang in zip(tabs, labels, strict=False):  # the fourth tab, the raw text, follows
        if tab.open:
            with tab, st.container(key=f"article-{lang}"):
                title, *paragraphs = p.article.full_text(lang)
                st.markdown("\n\n".join([f"**{escape_markdown(title)}**", *map(escape_markdown, paragraphs)]))
    if tabs[3].open:
        with tabs[3]:
            st.caption(p.t("source.raw_caption"))
            st.code(site_data.raw_report(), language=None, wrap_lines=True)


def repairs(p: Page) -> None:
    """What the repair did, by kind, and each manual correction with its reason."""
    report = site_data.repair_report()
    st.header(p.t("source.repairs_heading"), anchor=False)
    st.markdown(p.t("source.repairs_intro"))
    # A Markdown table: static, wraps on a phone, and a tenth of st.table's cost per rerun.
    st.markdown(markdown_table(tables.repair_counts(report.counts, p.texts)))
    st.markdown(p.t("source.corrections_intro"))
    # A list, not a table: the reasons are sentences, and a grid would cut them off on a phone.
    st.markdown(
        "\n".join(
            f"- {p.texts.labelled(escape_markdown(p.t('source.correction_match')), f'`{c.match}`')} → "
            f"{p.texts.labelled(escape_markdown(p.t('source.correction_replacement')), f'`{c.replacement}`')}  \n"
            f"{p.texts.labelled(escape_markdown(p.t('source.correction_reason')), escape_markdown(p.texts.reason(c)))}"
            for c in site_data.corrections()
        )
    )


def all_figures(p: Page) -> None:
    """Every reported figure with its quote, then every derived figure with its arithmetic."""
    st.header(p.t("source.figures_heading"), anchor=False)
    files = site_data.source_files(p.lang)
    # Lists, not grids: on a phone a grid cut the values and quotes off. The CSV and JSON
    # downloads below hold the same figures as a table.
    st.markdown(files.reported_list)
    st.header(p.t("source.derived_heading"), anchor=False)
    st.markdown(p.t("ui.derived_note"))
    st.markdown(files.derived_list)


def downloads(p: Page) -> None:
    """Figures (CSV, JSON), the article, and the one-page summary poster with its text version."""
    st.header(p.t("source.downloads_heading"), anchor=False)
    files = site_data.source_files(p.lang)
    left, right = st.columns(2)
    _download(left, p.t("ui.download_csv"), files.csv, "datong-figures.csv", "text/csv", "dl-figures-csv")
    _download(left, p.t("ui.download_json"), files.json, "datong-figures.json", "application/json", "dl-figures-json")
    _download(left, p.t("ui.download_article"), "\n".join(p.article.full_text(p.lang)) + "\n", f"datong-article.{p.lang}.txt", "text/plain", "dl-article")
    _download(right, p.t("source.download_poster"), lambda: site_data.poster_png(p.lang), f"datong-poster.{p.lang}.png", "image/png", "dl-poster")
    _download(right, p.t("source.download_poster_text"), files.poster_text, f"datong-poster.{p.lang}.txt", "text/plain", "dl-poster-text")
