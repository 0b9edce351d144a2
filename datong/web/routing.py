"""One navigation for the whole site, the reader's language, and a guard for page files.

``app.py`` calls :func:`route`. Every page file starts with :func:`ensure_routed`: on the first
session of a freshly started server Streamlit is still in its legacy ``pages/`` directory
mode and runs ``pages/<name>.py`` for a deep link without ``app.py``; the guard then runs
:func:`route` itself (``st.navigation`` selects the same page, since a page's id is a hash
of its URL path) and stops the outer run. Proven by ``tests/browser/test_first_request.py``.

Language: ``?lang=`` if valid, else this session's choice, else the browser's, else zh-Hans;
written back to the URL on every run, so every address a reader copies carries it.
(``bind="query-params"`` was tried: it writes the option's label to the URL and drops the
default, so the manual pattern is used.)
"""

from __future__ import annotations

import copy
import re
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import streamlit as st

from datong import chapters
from datong.i18n import LANGUAGES, resolve_language
from datong.web import site_data

# Endonyms: the same in every language and never converted by OpenCC. Short, as Chinese sites
# write them (简体 | 繁體 | English): 简体中文 and 繁體中文 pushed English onto a second row.
LANGUAGE_NAMES = {"zh-Hans": "简体", "zh-Hant": "繁體", "en": "English"}
DEFAULT_PAGE_PATH = "index"
_SESSION_LANG = "reader_lang"
_PICKER = "lang_picker"
_PAGES = "navigation_pages"
_DOCUMENT_LANG = "document_lang"
_local = threading.local()  # each session's script run has its own thread


def in_a_script_run() -> bool:
    """Is this a reader's run (or a test's), rather than the server importing ``app.py``?"""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return get_script_run_ctx(suppress_warning=True) is not None


def current_language() -> str:
    """The language this run shows (set by :func:`route`)."""
    return st.session_state[_SESSION_LANG]


def _resolve() -> str:
    requested = st.query_params.get("lang")
    remembered = st.session_state.get(_SESSION_LANG)
    if requested not in LANGUAGES and remembered in LANGUAGES:
        lang = remembered  # this session's earlier choice beats the browser's language
    else:
        lang = resolve_language(requested, st.context.locale)
    st.session_state[_SESSION_LANG] = lang
    if st.query_params.get_all("lang") != [lang]:
        st.query_params["lang"] = lang  # into the URL; quietly replaces ?lang=xx and repeated values
    return lang


def _on_pick(key: str = _PICKER) -> None:
    chosen = st.session_state.get(key)
    if chosen in LANGUAGES:
        st.session_state[_SESSION_LANG] = chosen
        st.query_params["lang"] = chosen


def document_language_script(lang: str) -> str:
    """The inline script that sets ``<html lang>`` (its hash is in the CSP: datong.web.headers)."""
    return f"document.documentElement.lang = {lang!r};"


def document_language_scripts() -> list[str]:
    return [document_language_script(lang) for lang in LANGUAGES]


def _set_document_language(lang: str) -> None:
    """Streamlit hard-codes <html lang="en">; screen readers need the real one (WCAG 3.1.1).

    Sent once per session and language: the attribute stays on the document when the script
    element goes away on the next rerun, and a reload starts a new session. The value is one
    of three fixed codes, never the reader's input.
    """
    if st.session_state.get(_DOCUMENT_LANG) == lang:
        return
    st.html(f"<script>{document_language_script(lang)}</script>", unsafe_allow_javascript=True)
    # Only once it is sent: a rerun arriving inside st.html stops the run before the message goes.
    st.session_state[_DOCUMENT_LANG] = lang


def _language_control(lang: str, key: str, **layout) -> None:
    """The three languages as one control; choosing one writes it to the session and the URL."""
    st.session_state[key] = lang  # allowed: set before the widget exists in this run
    st.segmented_control(  # no page icons anywhere: a :material/: icon fetches a web font
        site_data.texts(lang)("site.language_label"), LANGUAGES, key=key, required=True,
        format_func=LANGUAGE_NAMES.__getitem__, on_change=_on_pick, args=(key,), **layout,
    )  # fmt: skip


def _chapter_links(lang: str, navigation: _Navigation) -> None:
    """One link per chapter, in reading order, each keeping the language in its address."""
    texts = site_data.texts(lang)
    for chapter in chapters.CHAPTERS:
        st.page_link(navigation.by_chapter[chapter.id], label=texts(f"chapters.{chapter.id}.nav"), query_params={"lang": lang})


def _top_bar(lang: str, navigation: _Navigation, here: str) -> None:
    """The site's own navigation at the top of every page, with the language control beside it.

    Not Streamlit's: its sidebar list put a ``<div>`` inside its ``<ul>`` (axe: list, listitem),
    folded away on phones behind a 28 px chevron that still held 8 invisible Tab stops, and its
    top bar hides chapters in an overflow menu. These are plain links, always visible: a row on
    a desktop, a "Chapters" menu on a phone (site.css shows one or the other), and the language
    control always in sight, in the first row.

    The phone menu draws its links only while it is open (opening it reruns the page): closed,
    as it is for every reader on a desktop and most on a phone, it costs one element, not seven.
    Its key names the chapter (``here``), so a menu left open on one page is closed on the next.
    """
    texts = site_data.texts(lang)
    with st.container(key="site-bar"):
        with st.container(horizontal=True, vertical_alignment="center", horizontal_alignment="distribute", key="site-bar-row"):
            st.page_link(navigation.by_chapter[chapters.DEFAULT.id], label=texts("site.title"), query_params={"lang": lang})
            with st.container(horizontal=True, vertical_alignment="center", horizontal_alignment="right", width="content", key="site-bar-end"):
                menu = st.popover(texts("nav.chapters"), key=f"site-nav-menu-{here}", on_change="rerun")
                if menu.open:
                    with menu:
                        _chapter_links(lang, navigation)
                _language_control(lang, _PICKER, label_visibility="collapsed")
        with st.container(horizontal=True, gap="small", key="site-nav"):
            _chapter_links(lang, navigation)


def _invisible(lang: str) -> None:
    """The document language: an element with nothing to see (site.css hides the box). The style
    rules come with the page itself (:func:`datong.web.shell.chapter_html`)."""
    with st.container(key="site-invisible"):
        _set_document_language(lang)


@dataclass(frozen=True)
class _Navigation:
    sections: dict[str, list]  # what st.navigation takes
    by_chapter: dict[str, object]  # chapter id -> the st.Page links point to


def _navigation_pages(lang: str) -> _Navigation:
    """The navigation's pages in one language, this session's own.

    Per session, not per process: ``st.navigation`` flags the chosen page as callable and
    ``run()`` clears the flag, so page objects shared between concurrent sessions would race.
    Each session copies the process's pages (:func:`_page_templates`) rather than building its
    own: ``st.Page`` resolves its file on disk, and eight of them were 4% of a new reader's CPU.
    """
    built = st.session_state.setdefault(_PAGES, {})
    if lang not in built:
        built[lang] = _copied(_page_templates(lang))
    return built[lang]


@site_data.once_per_key()
def _page_templates(lang: str) -> _Navigation:
    """The pages built once per process and language; never handed to ``st.navigation`` itself."""
    return _build_pages(lang)


def _copied(navigation: _Navigation) -> _Navigation:
    """A shallow copy of every page (a page is plain attributes), the same copy wherever one appears."""
    copies: dict[int, object] = {}

    def own(page):
        if id(page) not in copies:
            copies[id(page)] = copy.copy(page)
        return copies[id(page)]

    sections = {name: [own(page) for page in pages] for name, pages in navigation.sections.items()}
    return _Navigation(sections, {chapter_id: own(page) for chapter_id, page in navigation.by_chapter.items()})


def _build_pages(lang: str) -> _Navigation:
    texts = site_data.texts(lang)
    sections: dict[str, list] = {}
    by_chapter = {}
    for chapter in chapters.CHAPTERS:
        title = texts(f"chapters.{chapter.id}.nav")
        section = sections.setdefault(texts(f"nav.section_{chapter.section}"), [])
        if chapter is chapters.DEFAULT:
            # The default page is served at "/" but reserves its url_path without serving it,
            # so it gets a path nobody links to, and a hidden twin serves /overview.
            page = st.Page(chapter.script, title=title, url_path=DEFAULT_PAGE_PATH, default=True)
            section += [page, st.Page(chapter.script, title=title, url_path=chapter.url_path, visibility="hidden")]
        else:
            page = st.Page(chapter.script, title=title, url_path=chapter.url_path)
            section.append(page)
        by_chapter[chapter.id] = page
    return _Navigation(sections, by_chapter)


_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9_.~-]{1,100}")


def stray_path(url: object, base_url_path: object, known: set[str]) -> str | None:
    """The address's path when it names no page of the site (a typo, a stale link), else None.

    Only a plain one-segment path qualifies (it becomes a hidden page's ``url_path`` for one
    run, so it must be one Streamlit accepts); anything else keeps Streamlit's own fallback.
    """
    if not isinstance(url, str):
        return None
    path = urlsplit(url).path.strip("/")
    base = str(base_url_path or "").strip("/")
    if base:
        if path != base and not path.startswith(base + "/"):
            return None
        path = path[len(base) :].strip("/")
    if not path or path in known or not _PLAIN_SEGMENT.fullmatch(path):
        return None
    return path


def _with_stray_page(sections: dict[str, list], stray: str, title: str) -> dict[str, list]:
    """The navigation plus a hidden page serving the default chapter at the stray address.

    Streamlit would otherwise show the default chapter under its own "Page not found" dialog,
    in English whatever the reader's language; the site says it in the reader's language.
    """
    first, *_ = sections
    catch = st.Page(chapters.DEFAULT.script, title=title, url_path=stray, visibility="hidden")
    return {**sections, first: [*sections[first], catch]}


def page_of(chapter_id: str):
    """The navigation page of a chapter, for ``st.page_link`` (an object, not a file path:
    a path makes Streamlit resolve files on disk for every link on every rerun)."""
    return _navigation_pages(current_language()).by_chapter[chapter_id]


def route() -> None:
    """Choose the language, draw the switcher and navigation, run the selected chapter."""
    lang = _resolve()
    texts = site_data.texts(lang)
    built = _navigation_pages(lang)
    sections = built.sections
    known = {page.url_path for pages in sections.values() for page in pages} | {DEFAULT_PAGE_PATH}
    stray = stray_path(st.context.url, st.get_option("server.baseUrlPath"), known)
    if stray:
        sections = _with_stray_page(sections, stray, texts(f"chapters.{chapters.DEFAULT.id}.nav"))
    # Hidden: the site draws its own navigation (_top_bar); st.navigation still routes every address.
    navigation = st.navigation(sections, position="hidden")
    st.set_page_config(page_title=f"{navigation.title} · {texts('site.title')}", page_icon="🏭", layout="centered")
    _invisible(lang)
    here = next((c for c, page in built.by_chapter.items() if page.url_path == navigation.url_path), "home")
    _top_bar(lang, built, here)
    if stray and navigation.url_path == stray:
        st.info(texts("site.page_not_found"))  # says nothing of the address: never echo what a reader typed
    _local.routed = True
    try:
        navigation.run()
    finally:
        _local.routed = False


def ensure_routed() -> None:
    """First line of every page file: route through the site's navigation if we weren't."""
    if getattr(_local, "routed", False):
        return
    route()
    st.stop()
