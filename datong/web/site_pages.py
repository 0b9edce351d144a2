"""What the web server serves itself, built from the cached data once per process and key.

The glue between :mod:`datong.web.server` (ASGI) and :mod:`datong.web.shell` (pure HTML):
it picks the chapter and language from a request, and caches each answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from datong import chapters
from datong.i18n import LANGUAGES
from datong.web import preload, shell, site_data


@cache
def streamlit_index() -> str:
    """Streamlit's own ``index.html``: the shell every page is built on."""
    from pathlib import Path

    from streamlit.file_util import get_static_dir

    return (Path(get_static_dir()) / "index.html").read_text(encoding="utf-8")


@cache
def base_url() -> str:
    """The public base URL, read once the server's options are final."""
    import streamlit as st

    return shell.public_base_url(st.get_option("server.port"), st.get_option("server.baseUrlPath"))


@dataclass(frozen=True)
class Page:
    status: int
    html: bytes
    lang: str
    redirect: str = ""  # relative address to send the reader to instead


def charts_on_arrival(chapter: chapters.Chapter) -> bool:
    """Does the chapter draw charts as soon as it opens? The overview asks its question first
    (its charts wait for the answer), so it does not compete for the first screen with 1 MB of
    chart script; guidance and the source chapter have no chart."""
    return bool(chapter.key_figures) and chapter is not chapters.DEFAULT


@cache
def chapter_page(chapter_id: str, lang: str, base: str, stray: bool = False) -> bytes:
    chapter = chapters.BY_ID[chapter_id]
    report = site_data.article().lines(lang) if chapter_id == "source" else ()
    html = shell.chapter_html(
        streamlit_index(), chapter, lang, base, site_data.texts(lang), site_data.figures(), report, noindex=stray,
        style=site_data.site_css(),
        preload=preload.preload_links(preload.chart_chunks()) if charts_on_arrival(chapter) else "",
        below_base=stray or chapter is not chapters.DEFAULT,
    )
    return html.encode("utf-8")


def page(path: str, query: dict[str, list[str]], accept_language: str, base: str) -> Page:
    """The answer for a page address: the chapter's own HTML; an unknown one-segment address
    gets the overview with a 404 (as the app shows it, with a notice) and ``noindex``."""
    lang = shell.language_for(query, accept_language)
    chapter = shell.chapter_for_path(path)
    wanted = shell.figure_chapter(query, site_data.figures())
    if wanted is not None and wanted is not chapter:
        return Page(302, b"", lang, redirect=shell.chapter_path(wanted) or "./")
    if chapter is None:
        return Page(404, chapter_page(chapters.DEFAULT.id, lang, base, stray=True), lang)
    return Page(200, chapter_page(chapter.id, lang, base), lang)


@cache
def robots(base: str) -> bytes:
    return shell.robots_txt(base).encode("utf-8")


@cache
def sitemap(base: str) -> bytes:
    return shell.sitemap_xml(base).encode("utf-8")


@cache
def figures_csv() -> bytes:
    """Every figure, reported and derived, with quotes and arithmetic (English headers)."""
    return site_data.source_files("en").csv


def preview(chapter_id: str, lang: str) -> bytes | None:
    """A chapter's link-preview card, or None for an unknown chapter or language."""
    if chapter_id not in chapters.BY_ID or lang not in LANGUAGES:
        return None
    return site_data.preview_card(chapter_id, lang)
