"""The language control in a real browser: always in view at the top of every page, at every
width; the page, the address, the document language and the navigation follow the reader's
choice, and keep it on the next chapter."""

from __future__ import annotations

import pytest
from browser_helpers import (
    SITE_BAR,
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
from playwright.sync_api import expect

from datong.i18n import load_strings
from datong.web.routing import LANGUAGE_NAMES


def _wait_for_heading(page, text: str) -> None:
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(text)
    wait_ready(page)


@pytest.mark.parametrize(("start", "chosen"), [("en", "zh-Hant"), ("zh-Hant", "zh-Hans"), ("zh-Hans", "en")])
def test_choosing_a_language_at_the_top_changes_the_page_and_the_next_chapter_keeps_it(browser, server, start, chosen):
    with opened_page(browser, width=1280, height=900) as page:
        open_ready(page, f"{server}/officials?lang={start}")
        assert html_lang(page) == start

        page.locator(SITE_BAR).get_by_role("radio", name=LANGUAGE_NAMES[chosen], exact=True).click()
        _wait_for_heading(page, expected_title("officials", chosen))
        page.wait_for_function("(l) => document.documentElement.lang === l", arg=chosen)
        assert query_lang(page.url) == [chosen]
        assert nav_labels(page) == expected_nav(chosen)

        prefix = load_strings(chosen)["nav.next"].strip()
        page.locator(".st-key-previous-next").get_by_test_id("stPageLink-NavLink").filter(has_text=prefix).first.click()
        _wait_for_heading(page, expected_title("guidance", chosen))
        assert url_path(page.url) == "/guidance"
        assert query_lang(page.url) == [chosen]
        assert html_lang(page) == chosen
        assert heading_text(page) == expected_title("guidance", chosen)
        assert error_box_count(page) == 0


@pytest.mark.parametrize("width", [320, 360, 1280])
def test_the_three_languages_sit_on_one_row_in_view_at_the_top(browser, server, width):
    with opened_page(browser, width=width, height=900) as page:
        open_ready(page, f"{server}/safety?lang=zh-Hant")
        radios = page.locator(SITE_BAR).get_by_role("radio")
        expect(radios).to_have_count(3)
        boxes = [radios.nth(i).bounding_box() for i in range(radios.count())]
        assert [radios.nth(i).inner_text().strip() for i in range(radios.count())] == list(LANGUAGE_NAMES.values())
        assert len({round(box["y"]) for box in boxes}) == 1, boxes  # one row: no language wrapped below
        assert all(0 <= box["x"] and box["x"] + box["width"] <= width and box["y"] < 200 for box in boxes), boxes
        assert page.get_by_test_id("stSidebar").count() == 0  # nothing folded away behind a chevron


def test_on_a_phone_the_language_control_switches_page_and_address(browser, server):
    with opened_page(browser, width=360, height=800) as page:
        open_ready(page, f"{server}/safety?lang=zh-Hans")
        row = page.locator(SITE_BAR)
        expect(row).to_be_visible()
        radios = row.get_by_role("radio")
        radios.filter(has_text=LANGUAGE_NAMES["en"]).click()
        _wait_for_heading(page, expected_title("safety", "en"))
        page.wait_for_function("() => new URLSearchParams(location.search).get('lang') === 'en'")
        assert url_path(page.url) == "/safety"
        assert query_lang(page.url) == ["en"]
        page.wait_for_function("() => document.documentElement.lang === 'en'")
        assert row.get_by_role("radio", checked=True).inner_text().strip() == LANGUAGE_NAMES["en"]


@pytest.mark.parametrize("width", [360, 1280])
def test_there_is_one_language_control_at_every_width(browser, server, width):
    with opened_page(browser, width=width, height=900) as page:
        open_ready(page, f"{server}/safety?lang=en")
        expect(page.get_by_role("radiogroup")).to_have_count(1)
        expect(page.locator(SITE_BAR).get_by_role("radio")).to_have_count(3)
