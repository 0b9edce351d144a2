"""The HTML each address is served with (datong.web.shell), built without a server."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from web_servers import Collected

from datong import chapters, paths
from datong.chapters import CHAPTERS
from datong.i18n import LANGUAGES
from datong.web import shell, site_data, site_pages

BASE = "https://news.example.org/datong"


def served(chapter_id: str, lang: str) -> Collected:
    page = Collected()
    page.feed(site_pages.chapter_page(chapter_id, lang, BASE).decode("utf-8"))
    return page


PAGES = [(c.id, lang) for c in CHAPTERS for lang in LANGUAGES]


@pytest.mark.parametrize(("chapter_id", "lang"), PAGES)
def test_every_chapter_and_language_has_its_own_head(chapter_id, lang):
    t = site_data.texts(lang)
    page = served(chapter_id, lang)
    path = "" if chapter_id == "overview" else chapter_id
    assert page.html_lang == lang
    assert page.title == f"{t(f'chapters.{chapter_id}.title')} · {t('site.title')}"
    assert page.meta["description"] == shell.plain(t(f"chapters.{chapter_id}.lede"))
    canonical = [link["href"] for link in page.links if link.get("rel") == "canonical"]
    assert canonical == [f"{BASE}/{path}?lang={lang}"]
    alternates = {link["hreflang"]: link["href"] for link in page.links if link.get("rel") == "alternate"}
    assert alternates == {**{code: f"{BASE}/{path}?lang={code}" for code in LANGUAGES}, "x-default": f"{BASE}/{path}"}
    assert page.meta["og:title"] == page.title == page.meta["twitter:title"]
    assert page.meta["og:locale"] == {"zh-Hans": "zh_CN", "zh-Hant": "zh_TW", "en": "en"}[lang]
    assert page.meta["og:image"] == f"{BASE}/preview/{chapter_id}.{lang}.png" == page.meta["twitter:image"]
    assert page.meta["twitter:card"] == "summary_large_image"
    assert "robots" not in page.meta


@pytest.mark.parametrize(("chapter_id", "lang"), PAGES)
def test_every_chapter_is_readable_without_javascript(chapter_id, lang):
    t = site_data.texts(lang)
    figures = site_data.figures()
    page = served(chapter_id, lang)
    text = "\n".join(page.text)
    assert t(f"chapters.{chapter_id}.title") in text
    assert t("site.source_line") in text
    for figure in shell.chapter_figures(chapters.BY_ID[chapter_id], figures):
        assert shell.figure_line(figure, t) in text  # its value with its qualifier, and its date or arithmetic
    before, after = chapters.neighbours(chapter_id)
    for neighbour, key in ((before, "nav.previous"), (after, "nav.next")):
        if neighbour is not None:
            assert f"{t(key)}{t(f'chapters.{neighbour.id}.nav')}" in text


def test_lower_bounds_keep_their_qualifier_in_the_served_text():
    text = "\n".join(served("departments", "en").text)
    assert "Firms helped to obtain transport permits: 20+" in text
    assert "more than 20 firms" in text
    assert ": 20 (" not in text.replace("loan details were surveyed: 20 (", "")


def test_derived_figures_are_served_with_their_arithmetic():
    text = "\n".join(served("overview", "en").text)
    assert "(derived by us: 106 − 39 = 67)" in text


def test_the_source_chapter_serves_the_report_in_the_readers_script():
    article = site_data.article()
    for lang in LANGUAGES:
        text = "\n".join(served("source", lang).text)
        assert all(line in text for line in article.lines(lang)[1:])


def test_the_served_text_sits_in_the_element_the_app_replaces():
    html = site_pages.chapter_page("safety", "en", BASE).decode("utf-8")
    root = html.index('<div id="root">')
    assert html.index('<main class="served-text"') == root + len('<div id="root">')
    assert html.count('<div id="root">') == 1
    assert "You need to enable JavaScript" not in html  # Streamlit's English-only noscript is replaced


@pytest.mark.parametrize("lang", LANGUAGES)
def test_json_ld_describes_the_article_and_the_dataset(lang):
    page = served("firms", lang)
    data = [json.loads(body) for attrs, body in page.scripts if attrs.get("type") == "application/ld+json"]
    assert [d["@type"] for d in data] == ["NewsArticle", "Dataset"]
    assert data[0]["inLanguage"] == lang and data[0]["url"] == f"{BASE}/firms?lang={lang}"
    assert data[0]["isBasedOn"]["author"]["name"] == "朱庆磊"
    assert data[1]["distribution"][0]["contentUrl"] == f"{BASE}/figures.csv"


def test_json_ld_cannot_close_its_script_element():
    assert "</script>" not in shell._json_ld({"x": "</script><script>alert(1)</script>"})


def test_a_stray_address_gets_the_overview_marked_noindex():
    stray = shell.chapter_html(site_pages.streamlit_index(), chapters.DEFAULT, "en", BASE, site_data.texts("en"), site_data.figures(), noindex=True)
    assert '<meta name="robots" content="noindex" />' in stray


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        ({"lang": ["en"]}, "zh-CN", "en"),
        ({"lang": ["zh-Hant"]}, "", "zh-Hant"),
        ({}, "zh-TW,zh;q=0.9", "zh-Hant"),
        ({}, "en-GB,en;q=0.8", "en"),
        ({}, "fr-FR", "zh-Hans"),
        ({}, "", "zh-Hans"),
        ({"lang": ['"><script>alert(1)</script>']}, "en", "en"),
        ({"lang": ["x" * 5000]}, "", "zh-Hans"),
        ({"lang": ["简体"]}, "", "zh-Hans"),
        ({"lang": ["en", "zh-Hant"]}, "", "zh-Hant"),
    ],
)
def test_the_served_language_is_one_of_three_whatever_is_asked(query, accept, expected):
    assert shell.language_for(query, accept) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [("", "overview"), ("overview", "overview"), ("index", "overview"), ("safety", "safety"), ("safty", None), ("<b>", None)],
)
def test_a_path_names_a_chapter_or_nothing(path, expected):
    chapter = shell.chapter_for_path(path)
    assert (chapter.id if chapter else None) == expected


def test_a_figure_permalink_names_its_chapter_and_unknown_ids_name_none():
    figures = site_data.figures()
    assert shell.figure_chapter({"fig": ["jobs_collected"]}, figures).id == "departments"
    assert shell.figure_chapter({"fig": ["nope"]}, figures) is None
    assert shell.figure_chapter({"fig": ["<script>"]}, figures) is None


def test_a_page_answer_redirects_a_permalink_of_another_chapter():
    answer = site_pages.page("", {"fig": ["jobs_collected"], "lang": ["en"]}, "", BASE)
    assert (answer.status, answer.redirect) == (302, "departments")
    assert site_pages.page("departments", {"fig": ["jobs_collected"]}, "", BASE).status == 200
    assert site_pages.page("nope", {}, "", BASE).status == 404


def test_the_sitemap_lists_every_chapter_and_language_with_alternates():
    root = ET.fromstring(shell.sitemap_xml(BASE))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = root.findall("s:url", ns)
    assert len(urls) == len(CHAPTERS) * len(LANGUAGES)
    locs = {u.find("s:loc", ns).text for u in urls}
    assert f"{BASE}/?lang=en" in locs and f"{BASE}/safety?lang=zh-Hant" in locs
    for url in urls:
        assert sorted(link.get("hreflang") for link in url.findall("x:link", ns)) == sorted([*LANGUAGES, "x-default"])


def test_robots_points_at_the_sitemap_and_keeps_crawlers_off_the_api():
    lines = shell.robots_txt(BASE).splitlines()
    assert "User-agent: *" in lines and "Disallow: /_stcore/" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


@pytest.mark.parametrize(
    ("configured", "expected"),
    [("https://news.example.org/datong/", "https://news.example.org/datong"), ("", "http://localhost:8501/pre"), ("javascript:alert(1)", "http://localhost:8501/pre")],
)
def test_the_public_base_url_comes_from_the_setting_or_the_server(monkeypatch, configured, expected):
    monkeypatch.setenv(shell.PUBLIC_URL_ENV, configured)
    assert shell.public_base_url(8501, "/pre/") == expected


def test_no_element_of_the_served_text_comes_from_markup_in_the_text_files():
    html = site_pages.chapter_page("overview", "en", BASE).decode("utf-8")
    body = html[html.index('<div id="root">') : html.rindex("<style>")]  # the site's style rules follow the text
    tags = set(re.findall(r"<([a-z0-9]+)", body))
    assert tags <= {"div", "main", "p", "a", "small", "article", "h1", "h2", "strong", "em", "section", "ul", "ol", "li", "nav", "blockquote"}


def test_every_served_page_carries_the_site_style_once_at_the_end_of_its_body():
    """A run no longer sends the rules (issue 9: 10 KB and a dedent per reader): the page must."""
    rules = paths.SITE_CSS.read_text(encoding="utf-8")
    for chapter in chapters.CHAPTERS:
        for lang in LANGUAGES:
            html = site_pages.chapter_page(chapter.id, lang, BASE).decode("utf-8")
            assert html.count(rules) == 1, (chapter.id, lang)
            assert html.rstrip().endswith(f"<style>{rules}</style></body>\n</html>"), (chapter.id, lang)


def _head_scripts(html: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", html[: html.index("</head>")], flags=re.DOTALL)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_a_page_one_segment_below_the_base_says_where_the_server_is_and_the_root_does_not(chapter, lang):
    """Without it Streamlit's front end first asks /firms/_stcore/health (a 404), backs off, then
    asks the parent: a chapter opened directly connected 0.15-0.35 s later."""
    html = site_pages.chapter_page(chapter.id, lang, BASE).decode("utf-8")
    below = chapter is not chapters.DEFAULT
    assert _head_scripts(html).count(shell.BACKEND_BASE_SCRIPT) == (1 if below else 0)
    assert html.count("window.__streamlit") == (1 if below else 0)


def test_a_stray_address_answered_with_the_overview_also_says_where_the_server_is():
    """/nope is one segment below the base too, and the app starts there."""
    html = site_pages.chapter_page(chapters.DEFAULT.id, "en", BASE, stray=True).decode("utf-8")
    assert _head_scripts(html).count(shell.BACKEND_BASE_SCRIPT) == 1


def test_the_server_address_is_computed_in_the_browser_from_the_page_not_from_the_request():
    """Nothing a reader sends goes into the script: it is one fixed string (so its hash can sit in
    the Content-Security-Policy), and ``.`` from /news/datong/firms is /news/datong/."""
    assert shell.BACKEND_BASE_SCRIPT == 'window.__streamlit={BACKEND_BASE_URL:new URL(".",location.href).href}'
