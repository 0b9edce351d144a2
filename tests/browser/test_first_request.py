"""A deep link as the VERY FIRST request to a freshly started server shows the right chapter, translated.

On a fresh server Streamlit is still in its legacy ``pages/`` mode and would run ``pages/<name>.py``
without ``app.py`` (file-name navigation, no language). ``datong.web.routing.ensure_routed`` guards
against that; each case here starts its own server so the link really is the first request.
"""

from __future__ import annotations

import pytest
from browser_helpers import (
    error_box_count,
    expected_nav,
    expected_title,
    heading_text,
    html_lang,
    nav_labels,
    open_ready,
    opened_page,
    query_lang,
    tracebacks,
    url_path,
)

from datong.i18n import load_strings

FIRST_REQUESTS = [
    # (path and query, browser locale, chapter expected, language expected)
    pytest.param("/safety?lang=en", "zh-CN", "safety", "en", id="safety-lang-en"),
    pytest.param("/firms?lang=zh-Hant", "en-US", "firms", "zh-Hant", id="firms-lang-zh-Hant"),
    pytest.param("/departments", "zh-TW", "departments", "zh-Hant", id="departments-locale-zh-TW"),
    pytest.param("/officials", "en-GB", "officials", "en", id="officials-locale-en-GB"),
    pytest.param("/source?lang=zh-Hans", "en-US", "source", "zh-Hans", id="source-lang-zh-Hans"),
]


@pytest.mark.parametrize(("link", "locale", "chapter", "lang"), FIRST_REQUESTS)
def test_a_deep_link_as_the_first_request_shows_that_chapter_in_the_right_language(
    browser, fresh_server, link, locale, chapter, lang
):
    with fresh_server() as base:
        with opened_page(browser, locale=locale) as page:
            open_ready(page, base + link)
            nav = load_strings(lang)[f"chapters.{chapter}.nav"]

            assert heading_text(page) == expected_title(chapter, lang)
            assert nav_labels(page) == expected_nav(lang)
            assert nav in page.title()
            assert url_path(page.url) == f"/{chapter}"
            assert query_lang(page.url) == [lang]
            assert html_lang(page) == lang
            assert error_box_count(page) == 0
            assert page.get_by_test_id("stPageLink").count() >= 1  # the page ran to its end
        assert tracebacks(base) == 0, base.log()
