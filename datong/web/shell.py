"""Real HTML for every address: each chapter × language gets its own head and readable text.

Streamlit answers every address with one shell (``<title>Streamlit</title>``, ``lang="en"``,
no text), so link previews, search engines, reader modes and readers without JavaScript saw
nothing. :func:`chapter_html` fills Streamlit's own ``index.html`` with the chapter's title,
description, canonical and alternate addresses, Open Graph and Twitter cards, JSON-LD, and
the chapter's whole text and figures inside ``<div id="root">``: when the app starts, React
renders into that element and replaces the text, so nothing shows twice.

Nothing from the request reaches the HTML but a validated chapter and language (and a
figure id checked against the figures table, used only to choose the chapter). Everything
else comes from the same text files and figures as the app. Pure functions: the web server
(:mod:`datong.web.server`) calls them and caches the result per chapter and language.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

from datong import chapters
from datong.chapters import Chapter
from datong.figures import Figure, Figures
from datong.i18n import DEFAULT_LANGUAGE, LANGUAGES, Texts, language_from_locale
from datong.i18n import plain_text as plain

OG_LOCALES = {"zh-Hans": "zh_CN", "zh-Hant": "zh_TW", "en": "en"}
PUBLIC_URL_ENV = "DATONG_PUBLIC_URL"
CARD_SIZE = (1200, 630)
_ROOT = '<div id="root"></div>'
# Where the app's server is, for a page one segment below the site's base (/firms, or an unknown
# /x answered with the overview). Streamlit's front end otherwise guesses: it tries the page's own
# address first (/firms/_stcore/health, a 404), backs off, then tries the parent, which costs a
# chapter opened directly 0.15-0.35 s before it connects. ``window.__streamlit.BACKEND_BASE_URL`` is
# the front end's setting for this (Streamlit PR 11537 names this 404 as what it is for). Its hash
# is in the Content-Security-Policy (datong.web.server).
BACKEND_BASE_SCRIPT = 'window.__streamlit={BACKEND_BASE_URL:new URL(".",location.href).href}'
# How the served text reads before the app starts (or without JavaScript): a readable measure.
SERVED_STYLE = (
    ".served-text{box-sizing:border-box;max-width:42rem;margin:0 auto;padding:1rem 1.25rem 3rem;"
    "font-family:'Source Sans',sans-serif;line-height:1.6;color:#1a1a1a}"
    ".served-text[lang|=zh]{line-height:1.8;font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif}"
    ".served-text[lang=zh-Hant]{font-family:'Noto Sans CJK TC','WenQuanYi Micro Hei',sans-serif}.served-text a{color:#0b5cad}.served-text h1{line-height:1.2}"
)


def public_base_url(port: object = 8501, base_url_path: object = "") -> str:
    """The site's public address, without a trailing slash: ``DATONG_PUBLIC_URL`` if set
    (behind a proxy or a path prefix), else the local server's own."""
    configured = os.environ.get(PUBLIC_URL_ENV, "").strip()
    if configured:
        parts = urlsplit(configured)
        if parts.scheme in ("http", "https") and parts.netloc:
            return configured.rstrip("/")
    prefix = "/".join(s for s in str(base_url_path or "").split("/") if s)
    return f"http://localhost:{port}" + (f"/{prefix}" if prefix else "")


def chapter_path(chapter: Chapter) -> str:
    """The chapter's address below the base: the overview is the site's root."""
    return "" if chapter is chapters.DEFAULT else chapter.url_path


def chapter_url(base: str, chapter: Chapter, lang: str | None) -> str:
    url = f"{base}/{chapter_path(chapter)}"
    return f"{url}?lang={lang}" if lang else url


def chapter_for_path(path: str) -> Chapter | None:
    """The chapter a page address names ("" and "overview" are the overview), else None."""
    segment = path.strip("/")
    if segment in ("", "index"):
        return chapters.DEFAULT
    return chapters.BY_ID.get(segment)


def language_for(query: Mapping[str, list[str]], accept_language: str | None) -> str:
    """``?lang=`` when it is one of ours, else the browser's first language, else the default."""
    requested = query.get("lang") or []
    if requested and requested[-1] in LANGUAGES:
        return requested[-1]
    first = (accept_language or "").split(",")[0].split(";")[0].strip()
    return language_from_locale(first) if first else DEFAULT_LANGUAGE


def figure_chapter(query: Mapping[str, list[str]], figures: Figures) -> Chapter | None:
    """The chapter of a ``?fig=<id>`` permalink, when the id is a known figure."""
    ids = query.get("fig") or []
    if ids and ids[-1] in figures.by_id:
        return chapters.BY_ID.get(figures[ids[-1]].chapter)
    return None


# --------------------------------------------------------------------------- text


def markdown_html(markdown_text: str) -> str:
    """Our own Markdown (the text files) as HTML. The text is ours, never a reader's."""
    import markdown

    return markdown.markdown(markdown_text, output_format="html")


def figure_line(figure: Figure, texts: Texts) -> str:
    """One figure as a sentence of plain text, with its qualifier ("20+") and date, or its
    arithmetic when derived."""
    if figure.derived:
        return texts("web.derived_figure", label=texts.label(figure), value=texts.compact(figure), formula=figure.formula)
    return texts("web.reported_figure", label=texts.label(figure), value=texts.compact(figure), as_of=texts.as_of(figure))


def chapter_figures(chapter: Chapter, figures: Figures) -> tuple[Figure, ...]:
    return tuple(f for f in figures if f.chapter == chapter.id)


# --------------------------------------------------------------------------- head


@dataclass(frozen=True)
class Head:
    lang: str
    title: str
    description: str
    canonical: str
    alternates: tuple[tuple[str, str], ...]  # (hreflang, url), x-default last
    image: str
    json_ld: tuple[Mapping, ...]
    noindex: bool = False


def head_for(chapter: Chapter, lang: str, base: str, texts: Texts, *, noindex: bool = False) -> Head:
    title = f"{texts(f'chapters.{chapter.id}.title')} · {texts('site.title')}"
    description = plain(texts(f"chapters.{chapter.id}.lede"))
    canonical = chapter_url(base, chapter, lang)
    alternates = (*((code, chapter_url(base, chapter, code)) for code in LANGUAGES), ("x-default", chapter_url(base, chapter, None)))
    image = f"{base}/preview/{chapter.id}.{lang}.png"
    article = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": title, "description": description,
        "inLanguage": lang, "url": canonical, "image": image,
        "publisher": {"@type": "Organization", "name": texts("site.title")},
        "isBasedOn": {"@type": "NewsArticle", "author": {"@type": "Person", "name": "朱庆磊"},
                      "alternativeHeadline": "——大通区推进企业复工复产一线见闻", "inLanguage": "zh-Hans"},
    }  # fmt: skip
    dataset = {
        "@context": "https://schema.org", "@type": "Dataset", "name": texts("web.dataset_name"),
        "description": texts("web.dataset_description"), "url": chapter_url(base, chapters.BY_ID["source"], lang),
        "inLanguage": lang, "isAccessibleForFree": True,
        "distribution": [{"@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": f"{base}/figures.csv"}],
    }  # fmt: skip
    return Head(lang, title, description, canonical, alternates, image, (article, dataset), noindex)


def _json_ld(data: Mapping) -> str:
    # "<" escaped, so no string in the data can close the script element.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def head_html(head: Head) -> str:
    a = lambda value: escape(value, quote=True)  # noqa: E731
    lines = [
        f"<title>{escape(head.title)}</title>",
        f'<meta name="description" content="{a(head.description)}" />',
        f'<link rel="canonical" href="{a(head.canonical)}" />',
        *(f'<link rel="alternate" hreflang="{code}" href="{a(url)}" />' for code, url in head.alternates),
        '<meta property="og:type" content="article" />',
        f'<meta property="og:title" content="{a(head.title)}" />',
        f'<meta property="og:description" content="{a(head.description)}" />',
        f'<meta property="og:url" content="{a(head.canonical)}" />',
        f'<meta property="og:locale" content="{OG_LOCALES[head.lang]}" />',
        *(f'<meta property="og:locale:alternate" content="{OG_LOCALES[c]}" />' for c in LANGUAGES if c != head.lang),
        f'<meta property="og:image" content="{a(head.image)}" />',
        f'<meta property="og:image:width" content="{CARD_SIZE[0]}" />',
        f'<meta property="og:image:height" content="{CARD_SIZE[1]}" />',
        f'<meta property="og:image:alt" content="{a(head.title)}" />',
        '<meta name="twitter:card" content="summary_large_image" />',
        f'<meta name="twitter:title" content="{a(head.title)}" />',
        f'<meta name="twitter:description" content="{a(head.description)}" />',
        f'<meta name="twitter:image" content="{a(head.image)}" />',
        *(['<meta name="robots" content="noindex" />'] if head.noindex else []),
        *(f'<script type="application/ld+json">{_json_ld(data)}</script>' for data in head.json_ld),
        f"<style>{SERVED_STYLE}</style>",
    ]
    return "\n    ".join(lines)


# --------------------------------------------------------------------------- body


def body_html(chapter: Chapter, lang: str, base: str, texts: Texts, figures: Figures, report: tuple[str, ...] = ()) -> str:
    """The chapter as a crawler, a reader mode or a reader without JavaScript reads it."""
    t = texts
    link = lambda c, code=lang: escape(chapter_url(base, c, code), quote=True)  # noqa: E731
    parts = [f'<main class="served-text" lang="{lang}">']
    parts.append(f'<p><a href="{link(chapters.DEFAULT)}">{escape(t("site.title"))}</a></p>')
    parts.append(f"<p><small>{escape(t('web.noscript'))}</small></p>")
    parts.append("<article>")
    parts.append(f"<h1>{escape(t(f'chapters.{chapter.id}.title'))}</h1>")
    parts.append(f"<p><strong>{escape(plain(t(f'chapters.{chapter.id}.lede')))}</strong></p>")
    parts.append(f"<p>{escape(t('site.source_line'))}</p>")
    shown = chapter_figures(chapter, figures)
    if shown:
        items = "".join(f"<li>{escape(figure_line(f, t))}</li>" for f in shown)
        parts.append(f"<section><h2>{escape(t('web.figures_heading'))}</h2><ul>{items}</ul></section>")
    parts.append(markdown_html(t(f"chapters.{chapter.id}.body")))
    parts.append(f"<section><h2>{escape(t('ui.silent_heading'))}</h2>{markdown_html(t(f'chapters.{chapter.id}.silent'))}</section>")
    if report:
        title, *paragraphs = report
        paragraphs_html = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        parts.append(f"<section><h2>{escape(t('web.report_heading'))}</h2><p><strong>{escape(title)}</strong></p>{paragraphs_html}</section>")
    parts.append("</article>")
    before, after = chapters.neighbours(chapter.id)
    steps = [
        f'<a rel="{rel}" href="{link(c)}">{escape(t(key))}{escape(t(f"chapters.{c.id}.nav"))}</a>'
        for c, key, rel in ((before, "nav.previous", "prev"), (after, "nav.next", "next")) if c is not None
    ]  # fmt: skip
    parts.append(f"<nav><p>{' · '.join(steps)}</p></nav>")
    contents = "".join(f'<li><a href="{link(c)}">{escape(t(f"chapters.{c.id}.nav"))}</a></li>' for c in chapters.CHAPTERS)
    parts.append(f'<nav aria-label="{escape(t("web.chapters_heading"), quote=True)}"><h2>{escape(t("web.chapters_heading"))}</h2><ol>{contents}</ol></nav>')
    from datong.web.routing import LANGUAGE_NAMES

    others = " · ".join(
        f'<a hreflang="{code}" lang="{code}" href="{link(chapter, code)}">{LANGUAGE_NAMES[code]}</a>' for code in LANGUAGES if code != lang
    )
    parts.append(f"<p>{escape(t('web.languages_heading'))}: {others}</p>")
    parts.append("</main>")
    return "".join(parts)


def chapter_html(template: str, chapter: Chapter, lang: str, base: str, texts: Texts, figures: Figures,
                 report: tuple[str, ...] = (), *, noindex: bool = False, style: str = "",
                 preload: str = "", below_base: bool = False) -> str:  # fmt: skip
    """Streamlit's ``index.html`` (``template``) with this chapter's head, language and text, and
    the site's style rules (``style``, a ``<style>`` element) at the end of the body: there they
    follow Streamlit's own rules, as when a run drew them, and the page is styled from its first
    paint, without a run sending 10 KB of rules (and Streamlit dedenting them) for every reader.
    ``preload``: ``<link>`` elements for the head (a chapter with charts asks for their scripts early).
    ``below_base``: the page is served one segment below the base, so it says where the server is
    (:data:`BACKEND_BASE_SCRIPT`)."""
    html = re.sub(r'<html lang="[^"]*">', f'<html lang="{lang}">', template, count=1)
    html = re.sub(r"<title>.*?</title>", lambda _: head_html(head_for(chapter, lang, base, texts, noindex=noindex)), html, count=1, flags=re.DOTALL)
    html = html.replace('href="./favicon.png"', 'href="./favicon.svg" type="image/svg+xml"', 1)
    where = f"<script>{BACKEND_BASE_SCRIPT}</script>" if below_base else ""
    if preload or where:
        html = html.replace("</head>", f"{where}{preload}</head>", 1)
    html = re.sub(r"<noscript>.*?</noscript>", "", html, count=1, flags=re.DOTALL)  # the served text says it instead
    body = body_html(chapter, lang, base, texts, figures, report)
    html = html.replace(_ROOT, f'<div id="root">{body}</div>', 1)
    return html.replace("</body>", f"{style}</body>", 1) if style else html


# --------------------------------------------------------------------------- robots, sitemap


def robots_txt(base: str) -> str:
    return f"User-agent: *\nAllow: /\nDisallow: /_stcore/\nDisallow: /media/\n\nSitemap: {base}/sitemap.xml\n"


def sitemap_xml(base: str) -> str:
    """Every chapter × language, each with its alternates (Google's hreflang sitemap form)."""
    rows = []
    for chapter in chapters.CHAPTERS:
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{code}" href="{escape(chapter_url(base, chapter, code))}"/>' for code in LANGUAGES
        ) + f'<xhtml:link rel="alternate" hreflang="x-default" href="{escape(chapter_url(base, chapter, None))}"/>'
        for lang in LANGUAGES:
            rows.append(f"<url><loc>{escape(chapter_url(base, chapter, lang))}</loc>{alternates}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
        + "\n".join(rows) + "\n</urlset>\n"
    )  # fmt: skip

