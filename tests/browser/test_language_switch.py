"""The sidebar's language switcher in a real browser: the page, the address, the document
language and the navigation follow the reader's choice, and keep it on the next chapter."""

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
    url_path,
    wait_ready,
)

from datong.i18n import load_strings
from datong.web.routing import LANGUAGE_NAMES


def _wait_for_heading(page, text: str) -> None:
    page.wait_for_function(
        "(t) => [...document.querySelectorAll('[data-testid=stMain] h1')].some(h => h.innerText.trim() === t)",
        arg=text,
    )  # fmt: skip
    wait_ready(page)


@pytest.mark.parametrize(("start", "chosen"), [("en", "zh-Hant"), ("zh-Hant", "zh-Hans"), ("zh-Hans", "en")])
def test_choosing_a_language_in_the_sidebar_changes_the_page_and_the_next_chapter_keeps_it(browser, server, start, chosen):
    with opened_page(browser, width=1280, height=900) as page:
        open_ready(page, f"{server}/officials?lang={start}")
        assert html_lang(page) == start

        page.get_by_test_id("stSidebar").get_by_role("radio", name=LANGUAGE_NAMES[chosen], exact=True).click()
        _wait_for_heading(page, expected_title("officials", chosen))
        page.wait_for_function("(l) => document.documentElement.lang === l", arg=chosen)
        assert query_lang(page.url) == [chosen]
        assert nav_labels(page) == expected_nav(chosen)

        prefix = load_strings(chosen)["nav.next"].strip()
        page.get_by_test_id("stPageLink-NavLink").filter(has_text=prefix).first.click()
        _wait_for_heading(page, expected_title("guidance", chosen))
        assert url_path(page.url) == "/guidance"
        assert query_lang(page.url) == [chosen]
        assert html_lang(page) == chosen
        assert heading_text(page) == expected_title("guidance", chosen)
        assert error_box_count(page) == 0


@pytest.mark.parametrize("width", [360, 1280])
def test_the_three_languages_sit_on_one_row_of_the_sidebar(browser, server, width):
    with opened_page(browser, width=width, height=900) as page:
        open_ready(page, f"{server}/safety?lang=zh-Hant")
        sidebar = page.get_by_test_id("stSidebar")
        if width < 768:  # a phone shows the sidebar collapsed: open it as a reader would
            page.get_by_test_id("stExpandSidebarButton").click()
            page.wait_for_function("() => document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().x >= 0")
            page.wait_for_timeout(500)  # the slide-in animation
        radios = sidebar.get_by_role("radio")
        boxes = [radios.nth(i).bounding_box() for i in range(radios.count())]
        assert [radios.nth(i).inner_text().strip() for i in range(radios.count())] == list(LANGUAGE_NAMES.values())
        assert len({round(box["y"]) for box in boxes}) == 1, boxes  # one row: no language wrapped below


def test_on_a_phone_the_language_control_sits_at_the_top_and_switches_page_and_address(browser, server):
    with opened_page(browser, width=360, height=800) as page:
        open_ready(page, f"{server}/safety?lang=zh-Hans")
        row = page.locator(".st-key-phone-languages")
        assert row.is_visible()
        radios = row.get_by_role("radio")
        assert [radios.nth(i).inner_text().strip() for i in range(radios.count())] == list(LANGUAGE_NAMES.values())
        radios.filter(has_text=LANGUAGE_NAMES["en"]).click()
        _wait_for_heading(page, expected_title("safety", "en"))
        page.wait_for_function("() => new URLSearchParams(location.search).get('lang') === 'en'")
        assert url_path(page.url) == "/safety"
        assert query_lang(page.url) == ["en"]
        page.wait_for_function("() => document.documentElement.lang === 'en'")
        assert row.get_by_role("radio", checked=True).inner_text().strip() == LANGUAGE_NAMES["en"]


def test_on_a_desktop_the_sidebar_switcher_is_the_only_one(browser, server):
    with opened_page(browser, width=1280, height=900) as page:
        open_ready(page, f"{server}/safety?lang=en")
        assert not page.locator(".st-key-phone-languages").is_visible()
        assert page.get_by_test_id("stSidebar").get_by_role("radio").count() == 3
