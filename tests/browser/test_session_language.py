"""This session's language beats the browser's (``datong.web.routing._resolve``).

A reader whose browser says ``zh-CN`` opens a chapter in English. Every later run of the same
session must stay English: after clicks on the navigation, and after a navigation that arrives
without ``?lang`` (Streamlit's own sidebar links drop query parameters; Back can return to the
very first address, before the site wrote ``?lang`` into it). Disable the rule and these fail.
"""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    CHAPTERS,
    MAIN,
    error_box_count,
    expected_title,
    html_lang,
    open_ready,
    opened_page,
    query_lang,
    url_path,
    wait_ready,
)
from playwright.sync_api import expect

from datong.i18n import load_strings

BROWSER_LOCALE = "zh-CN"  # a browser that asks for Simplified Chinese
# Navigation links, wherever the site puts them: Streamlit's sidebar navigation, or the site's
# own links built on st.page_link (a top bar, a menu, previous/next).
NAV_LINKS = '[data-testid="stSidebarNavLink"], [data-testid="stPageLink-NavLink"]'
HEADING = f'{MAIN} [data-testid="stHeading"] h1'
WAIT = 20_000  # ms


def _expect_english(page, chapter_id: str) -> None:
    expect(page.locator(HEADING).first).to_have_text(expected_title(chapter_id, "en"), timeout=WAIT)
    wait_ready(page)
    expect(page.locator("html")).to_have_attribute("lang", "en", timeout=WAIT)
    assert url_path(page.url) in ({"/", "/overview"} if chapter_id == "overview" else {f"/{chapter_id}"})
    assert query_lang(page.url) == ["en"]
    assert error_box_count(page) == 0


def _click_nav_link(page, label: str) -> None:
    """Click the visible navigation link that reads exactly ``label`` (open the sidebar's or a menu's first if need be)."""
    links = page.locator(NAV_LINKS).filter(visible=True).filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    expect(links.first).to_be_visible(timeout=WAIT)
    links.first.click()


@pytest.mark.parametrize("start", ["safety", "overview"])
def test_an_english_reader_with_a_chinese_browser_stays_english_through_the_navigation(browser, server, start):
    english = load_strings("en")
    with opened_page(browser, locale=BROWSER_LOCALE, width=1280, height=900) as page:
        open_ready(page, f"{server}/{'' if start == 'overview' else start}?lang=en")
        _expect_english(page, start)
        assert page.evaluate("navigator.language") == BROWSER_LOCALE  # the rule is what keeps English
        clicked = 0
        others = [c.id for c in CHAPTERS if c.id != start]
        for chapter_id in [*others[:3], start]:  # three other chapters, then back
            _click_nav_link(page, english[f"chapters.{chapter_id}.nav"])
            _expect_english(page, chapter_id)
            assert html_lang(page) == "en"
            clicked += 1
        assert clicked == 4


def test_an_address_without_lang_in_the_same_session_keeps_the_sessions_language(browser, server):
    """A navigation inside the session that carries no ``?lang`` (as Streamlit's sidebar links
    and Back to a first address do) shows the session's language, and writes it back."""
    with opened_page(browser, locale=BROWSER_LOCALE, width=1280, height=900) as page:
        open_ready(page, f"{server}/officials?lang=en")
        _expect_english(page, "officials")
        for chapter_id in ("safety", "firms"):
            # What the frontend does on Back/Forward: read the address and rerun that page in
            # this session with the address's query string (here none).
            page.evaluate(
                "(path) => { history.pushState({}, '', path); dispatchEvent(new PopStateEvent('popstate')); }",
                f"/{chapter_id}",
            )  # fmt: skip
            _expect_english(page, chapter_id)
            expect(page).to_have_url(re.compile(rf"/{chapter_id}\?lang=en$"), timeout=WAIT)
