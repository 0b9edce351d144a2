"""Addresses a reader (or an attacker) can type: unknown, huge or script-bearing values fall back quietly.

The browser's locale is fr-FR, which the site does not speak, so "the default" is Simplified Chinese
and the overview chapter. Every case: the default page or language, no exception, no JavaScript
dialog, nothing injected into the DOM, no traceback in the server log.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from browser_helpers import (
    MAIN,
    error_box_count,
    expected_nav,
    expected_title,
    heading_text,
    nav_labels,
    open_ready,
    opened_page,
    query_lang,
    tracebacks,
    url_path,
    wait_ready,
)

DEFAULT_LANG = "zh-Hans"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LONG = "a" * 5000

HOSTILE = [
    # (path and query, chapter shown, language shown)
    pytest.param("/?lang=xx", "overview", DEFAULT_LANG, id="unknown-lang"),
    pytest.param("/safety?lang=xx", "safety", DEFAULT_LANG, id="unknown-lang-on-a-chapter"),
    pytest.param("/nope", "overview", DEFAULT_LANG, id="unknown-path"),
    pytest.param("/nope?lang=en", "overview", "en", id="unknown-path-valid-lang"),
    pytest.param(f"/?lang={LONG}", "overview", DEFAULT_LANG, id="5000-char-lang"),
    pytest.param(f"/firms?q={LONG}&lang=en", "firms", "en", id="5000-char-other-param"),
    pytest.param(f"/?lang={quote(SCRIPT)}", "overview", DEFAULT_LANG, id="script-in-lang"),
    pytest.param(f"/?x={quote(IMG)}", "overview", DEFAULT_LANG, id="img-onerror-in-x"),
    pytest.param(f"/departments?lang={quote(IMG)}&lang=en", "departments", "en", id="doubled-lang-img-then-en"),
    pytest.param(f"/?lang=en%00{quote(SCRIPT)}", "overview", DEFAULT_LANG, id="nul-then-script"),
]

INJECTED = """() => ({
  img_x: document.querySelectorAll('img[src="x"]').length,
  alert_scripts: [...document.scripts].filter(s => s.textContent.includes('alert(1)')).length,
  onerror_attrs: document.querySelectorAll('[onerror]').length,
})"""


def _check_fell_back(page, base, chapter: str, lang: str) -> None:
    page.wait_for_timeout(500)  # give an injected onerror handler time to fire
    assert heading_text(page) == expected_title(chapter, lang)
    assert nav_labels(page) == expected_nav(lang)
    assert query_lang(page.url) == [lang]
    assert error_box_count(page) == 0
    assert page.dialogs_seen == []
    assert page.evaluate(INJECTED) == {"img_x": 0, "alert_scripts": 0, "onerror_attrs": 0}
    assert "alert(1)" not in page.locator(MAIN).inner_text()
    assert tracebacks(base) == 0


def test_an_unknown_path_as_the_first_request_to_a_fresh_server_shows_the_overview(browser, fresh_server):
    with fresh_server() as base, opened_page(browser, locale="fr-FR") as page:
        open_ready(page, f"{base}/nope?x={quote(IMG)}")
        _check_fell_back(page, base, "overview", DEFAULT_LANG)


@pytest.mark.parametrize(("link", "chapter", "lang"), HOSTILE)
def test_a_hostile_address_falls_back_quietly(browser, server, link, chapter, lang):
    with opened_page(browser, locale="fr-FR") as page:
        response = page.goto(server + link, wait_until="domcontentloaded")
        # An unknown address is served the overview with a 404 (and noindex) for crawlers; the app still starts.
        assert response is not None and response.status == (404 if link.startswith("/nope") else 200)
        wait_ready(page)
        _check_fell_back(page, server, chapter, lang)


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_an_unknown_path_says_so_in_the_readers_language_not_in_streamlits_english_dialog(browser, server, lang):
    from datong.web.site_data import texts

    with opened_page(browser, locale="fr-FR") as page:
        open_ready(page, f"{server}/safty?lang={lang}")  # a typo, on a server readers have already reached
        assert heading_text(page) == expected_title("overview", lang)
        notice = page.get_by_test_id("stAlertContentInfo")
        assert notice.inner_text().strip() == texts(lang)("site.page_not_found")
        assert page.get_by_role("dialog").count() == 0
        assert "Page not found" not in page.locator("body").inner_text()
        assert query_lang(page.url) == [lang]
        assert tracebacks(server) == 0


def test_a_known_chapter_shows_no_page_not_found_notice(browser, server):
    with opened_page(browser) as page:
        open_ready(page, f"{server}/safety?lang=en")
        assert heading_text(page) == expected_title("safety", "en")
        assert page.get_by_test_id("stAlertContentInfo").count() == 0


@pytest.mark.parametrize(
    ("link", "chapter", "lang", "notice"),
    [
        ("/firms/x?lang=en", "firms", "en", False),
        ("/safety/a/b/c", "safety", DEFAULT_LANG, False),
        ("/nope/x?lang=zh-Hant", "overview", "zh-Hant", True),
    ],
)
def test_a_nested_address_shows_its_chapter_not_a_blank_page(browser, server, link, chapter, lang, notice):
    with opened_page(browser, locale="fr-FR") as page:
        open_ready(page, server + link)
        assert heading_text(page) == expected_title(chapter, lang)
        assert url_path(page.url) == "/" + link.strip("/").split("/")[0].split("?")[0]
        assert query_lang(page.url) == [lang]
        assert page.get_by_test_id("stAlertContentInfo").count() == (1 if notice else 0)
        assert tracebacks(server) == 0
