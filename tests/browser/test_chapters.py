"""Every chapter in every language, in a real browser: 7 chapters × 3 languages = 21 pages.

One server serves the module. Each chapter × language is opened ONCE (a class-scoped fixture)
and several checks read the same page: what it shows, accessibility at 1280 and 360 px, the
first screen against its approved baseline, no sideways scroll at 320 px, no foreign
requests. Checks that resize the window set the size they need first (``resize``, which waits
for the layout instead of sleeping), so none depends on another having run; the one that
leaves the page (the "next" link) opens a page of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_helpers import (
    CHAPTERS,
    CHART,
    LANGUAGES,
    MAIN,
    PIXEL_TOLERANCE,
    SITE_BAR,
    ServerURL,
    compare_with_baseline,
    error_box_count,
    expected_nav,
    expected_title,
    foreign_requests,
    heading_text,
    horizontal_overflow,
    html_lang,
    nav_labels,
    new_page,
    open_ready,
    opened_page,
    query_lang,
    resize,
    screenshot,
    tracebacks,
    url_path,
    wait_for_chart_marks,
    wait_ready,
)
from playwright.sync_api import expect

from datong.i18n import load_strings

CASES = [(chapter.id, lang) for chapter in CHAPTERS for lang in LANGUAGES]
# Chapters that carry figures draw charts; guidance (no figures in the report) and source do not.
# Chapters that open with charts. The overview asks its question first (issue 13): its charts
# wait for the reader's answer, and tests/browser/test_engage_in_browser.py checks them after it.
CHART_CHAPTERS = {chapter.id for chapter in CHAPTERS if chapter.key_figures} - {"overview"}
NEXT = {CHAPTERS[i].id: CHAPTERS[i + 1].id for i in range(len(CHAPTERS) - 1)}

# First screens compared with approved baselines (tests/browser/baselines/, made with
# UPDATE_BASELINES=1): the overview and one story chapter, in Simplified Chinese and English, at
# a phone's and a desktop's width. Every view is also saved whole to artifacts/screenshots/ to look at.
BASELINE_VIEWS = {("overview", "zh-Hans"), ("overview", "en"), ("safety", "zh-Hans"), ("safety", "en")}
BLOCKING_IMPACTS = {"serious", "critical"}


@dataclass
class Shown:
    chapter: str
    lang: str
    page: object
    base: ServerURL


@pytest.fixture(scope="class", params=CASES, ids=[f"{c}-{lang}" for c, lang in CASES])
def shown(request, browser, server):
    """The chapter opened once at 1280×900 in a new context, charts drawn."""
    chapter, lang = request.param
    page = new_page(browser, width=1280, height=900)
    open_ready(page, f"{server}/{chapter}?lang={lang}")
    page.wait_for_selector('[data-testid="stPageLink"]', state="attached")  # every chapter ends with one
    wait_for_chart_marks(page)
    yield Shown(chapter, lang, page, server)
    page.context.close()


def _blocking_violations(page) -> list[str]:
    """Serious or critical axe-core violations: every rule, every region, nothing excluded."""
    found = []
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        for node in violation["nodes"]:
            target = node["target"][0] if node["target"] else ""
            found.append(f"{violation['id']} ({violation['impact']}): {target} {node['html'][:160]}")
    return found


# Share of the main column that each chart block's drawing spans (its charts side by side).
_CHART_SPANS = r"""(main) => {
  const column = document.querySelector(main + ' [data-testid=stMainBlockContainer]');
  const inner = column.clientWidth - parseFloat(getComputedStyle(column).paddingLeft) - parseFloat(getComputedStyle(column).paddingRight);
  return [...document.querySelectorAll('[class*="st-key-chart-"]')].map(block => {
    const boxes = [...block.querySelectorAll('[data-testid=stVegaLiteChart] svg.marks')].map(s => s.getBoundingClientRect());
    const left = Math.min(...boxes.map(b => b.left)), right = Math.max(...boxes.map(b => b.right));
    return [block.className.match(/st-key-chart-[\w-]+/)[0], Math.round(100 * (right - left) / inner)];
  });
}"""

# Elements the keyboard stops at (focusable: shown, not visibility:hidden) that a reader cannot
# see even once focused: off-screen or a pixel wide (a skip link that shows itself on focus is
# fine; the old folded sidebar's links stayed off-screen).
_INVISIBLE_TAB_STOPS = """() => [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')]
  .filter(e => !e.disabled && e.tabIndex >= 0 && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
  .filter(e => { e.focus({preventScroll: true}); const r = e.getBoundingClientRect();
                 const hidden = document.activeElement === e && (r.right <= 0 || r.left >= innerWidth || r.width < 2 || r.height < 2);
                 e.blur(); return hidden; })
  .map(e => e.outerHTML.slice(0, 120))"""


class TestEveryChapterInEveryLanguage:
    def test_the_heading_is_the_chapter_title_in_that_language(self, shown):
        assert heading_text(shown.page) == expected_title(shown.chapter, shown.lang)

    def test_the_page_shows_no_exception_and_the_server_logs_no_traceback(self, shown):
        assert error_box_count(shown.page) == 0
        assert tracebacks(shown.base) == 0

    def test_the_top_navigation_lists_the_seven_chapters_in_that_language_and_there_is_no_sidebar(self, shown):
        assert nav_labels(shown.page) == expected_nav(shown.lang)
        assert shown.page.get_by_test_id("stSidebar").count() == 0
        assert shown.page.locator(SITE_BAR).get_by_role("radio").count() == 3  # the language control, always there

    def test_the_document_language_and_title_match_the_chapter(self, shown):
        assert html_lang(shown.page) == shown.lang
        assert load_strings(shown.lang)[f"chapters.{shown.chapter}.nav"] in shown.page.title()

    def test_the_address_keeps_the_chapter_and_one_language(self, shown):
        assert url_path(shown.page.url) == f"/{shown.chapter}"
        assert query_lang(shown.page.url) == [shown.lang]

    def test_charts_draw_marks_where_the_chapter_has_figures(self, shown):
        page = shown.page
        charts = page.locator(CHART)
        if shown.chapter not in CHART_CHAPTERS:
            assert charts.count() == 0
            return
        assert charts.count() >= 1
        for index in range(charts.count()):
            marks = charts.nth(index).locator("svg g.role-mark > path, svg g.role-mark > rect")
            assert marks.count() >= 1, f"chart {index} drew no marks"
        # every chart block (st.container key "chart-<id>") holds one chart, or one per panel side by side
        from datong.web.site_data import chart_blocks

        for ready in chart_blocks(shown.chapter, shown.lang):
            block = page.locator(f".st-key-chart-{ready.block.id}")
            assert block.locator(CHART).count() == max(1, len(ready.block.panels)), ready.block.id

    @pytest.mark.parametrize("width", [1280, 360])
    def test_axe_finds_no_serious_or_critical_violation(self, shown, width):
        resize(shown.page, width)
        assert _blocking_violations(shown.page) == []

    @pytest.mark.parametrize("width", [1280, 360])
    def test_the_first_screen_matches_its_approved_baseline(self, shown, width):
        page = shown.page
        resize(page, width)
        screenshot(page, f"{shown.chapter}-{shown.lang}-{width}")  # the whole page, to look at
        if (shown.chapter, shown.lang) not in BASELINE_VIEWS:
            pytest.skip("no baseline for this view (the whole page is saved to artifacts/screenshots/)")
        assert compare_with_baseline(page, f"{shown.chapter}-{shown.lang}-{width}") <= PIXEL_TOLERANCE

    def test_the_page_does_not_scroll_sideways_at_320_px_and_no_chart_is_wider_than_the_screen(self, shown):
        page = shown.page
        resize(page, 320, 800)
        assert horizontal_overflow(page) == {"document": 0, "main": 0}
        widths = page.locator(f"{CHART} svg.marks").evaluate_all("(ss) => ss.map(s => s.getBoundingClientRect().right)")
        assert all(right <= 320 for right in widths), widths

    def test_at_1280_px_every_chart_block_spans_at_least_60_percent_of_the_column(self, shown):
        resize(shown.page, 1280)
        spans = shown.page.evaluate(_CHART_SPANS, MAIN)
        assert (len(spans) > 0) == (shown.chapter in CHART_CHAPTERS)
        assert [block for block, share in spans if share < 60] == [], spans

    def test_no_card_grid_repeats_the_charts_numbers(self, shown):
        assert shown.page.get_by_test_id("stMetric").count() == 0

    def test_what_the_report_does_not_say_is_open_and_no_chevron_hides_it(self, shown):
        box = shown.page.locator(".st-key-silent")
        expect(box).to_be_visible()
        expect(box.locator("li").first).to_be_visible()
        assert shown.page.get_by_test_id("stExpander").filter(has_text=load_strings(shown.lang)["ui.silent_heading"]).count() == 0

    def test_on_a_phone_no_tab_stop_is_invisible(self, shown):
        resize(shown.page, 360)
        assert shown.page.evaluate(_INVISIBLE_TAB_STOPS) == []

    def test_charts_have_no_toolbar_to_show_raw_rows(self, shown):
        page = shown.page
        charts = page.get_by_test_id("stVegaLiteChart")
        for i in range(charts.count()):
            charts.nth(i).hover()
        toolbars = page.locator("[data-testid=stFullScreenFrame]:has([data-testid=stVegaLiteChart]) [data-testid=stElementToolbar]")
        assert [toolbars.nth(i).is_visible() for i in range(toolbars.count())] == [False] * toolbars.count()
        assert page.get_by_role("button", name="Show data").count() == 0  # not in the tab order either

    def test_a_focused_link_to_the_next_chapter_shows_a_clear_ring(self, shown):
        link = shown.page.locator(".st-key-previous-next").get_by_test_id("stPageLink-NavLink").last
        link.focus()
        style = link.evaluate("e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]")
        assert style == ["solid", "3px"]

    def test_no_request_went_to_another_host(self, shown):
        assert len(shown.page.requests_seen) > 0
        assert foreign_requests(shown.page, shown.base) == []

    def test_the_next_link_opens_the_next_chapter_in_the_same_language(self, shown, browser):
        lang = shown.lang
        prefix = load_strings(lang)["nav.next"].strip()
        with opened_page(browser, width=1280, height=900) as page:
            open_ready(page, f"{shown.base}/{shown.chapter}?lang={lang}")
            links = page.locator(".st-key-previous-next").get_by_test_id("stPageLink-NavLink").filter(has_text=prefix)
            if shown.chapter not in NEXT:
                assert links.count() == 0  # the last chapter has no "next"
                return
            assert links.count() == 1
            following = NEXT[shown.chapter]
            link = links.first
            assert link.inner_text().strip().startswith(prefix)
            assert load_strings(lang)[f"chapters.{following}.nav"] in link.inner_text()
            link.click()
            page.wait_for_url(f"**/{following}?*")
            expect(page.locator(f"{MAIN} h1").first).to_have_text(expected_title(following, lang))
            wait_ready(page)
            assert url_path(page.url) == f"/{following}"
            assert query_lang(page.url) == [lang]
            assert heading_text(page) == expected_title(following, lang)
            assert nav_labels(page) == expected_nav(lang)
            assert html_lang(page) == lang  # set once per session; the next chapter keeps it
            assert error_box_count(page) == 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_on_a_phone_the_source_chapter_shows_all_four_article_tabs_and_one_line_table_headings(browser, server, lang):
    with opened_page(browser, width=360, height=800) as page:
        open_ready(page, f"{server}/source?lang={lang}")
        strings = load_strings(lang)
        for key in ("tab_zh_hans", "tab_zh_hant", "tab_en", "tab_raw"):
            tab = page.get_by_role("tab", name=strings[f"source.{key}"], exact=True)
            box = tab.bounding_box()
            assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= 360, (key, box)
        # The repair table's headings: each on one line, within the screen.
        headings = page.locator(f"{MAIN} th").evaluate_all(_LINES_AND_RIGHT_EDGE)
        assert len(headings) == 2, headings
        assert [lines for _, lines, _ in headings] == [1, 1], headings
        assert all(right <= 360 for _, _, right in headings), headings


@pytest.mark.parametrize(("chapter", "lang"), [("guidance", "en"), ("firms", "en"), ("firms", "zh-Hans")])
def test_on_a_phone_next_is_a_full_width_control_at_least_44_px_tall(browser, server, chapter, lang):
    with opened_page(browser, width=320, height=800) as page:
        open_ready(page, f"{server}/{chapter}?lang={lang}")
        row = page.locator(".st-key-previous-next").bounding_box()
        following = page.locator(".st-key-next-chapter").get_by_test_id("stPageLink-NavLink").bounding_box()
        assert following["height"] >= 44, following
        assert following["width"] >= row["width"] - 2, (following, row)


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_on_a_phone_the_chapters_menu_opens_and_lists_every_chapter_as_a_link(browser, server, lang):
    with opened_page(browser, width=360, height=800) as page:
        open_ready(page, f"{server}/safety?lang={lang}")
        expect(page.locator(".st-key-site-nav")).to_be_hidden()
        page.locator(SITE_BAR).get_by_role("button", name=load_strings(lang)["nav.chapters"]).click()
        menu = page.get_by_test_id("stPopoverBody")
        expect(menu.get_by_test_id("stPageLink-NavLink")).to_have_count(len(CHAPTERS))
        assert [t.strip() for t in menu.get_by_test_id("stPageLink-NavLink").all_inner_texts()] == expected_nav(lang)
        menu.get_by_test_id("stPageLink-NavLink").filter(has_text=load_strings(lang)["chapters.firms.nav"]).click()
        page.wait_for_url("**/firms?*")
        expect(page.locator(f"{MAIN} h1").first).to_have_text(expected_title("firms", lang))
        assert query_lang(page.url) == [lang]
        wait_ready(page)  # the menu is drawn per page and only while open: the next page's is closed
        expect(page.get_by_test_id("stPopoverBody")).to_have_count(0)
        page.locator(SITE_BAR).get_by_role("button", name=load_strings(lang)["nav.chapters"]).press("Enter")
        expect(page.get_by_test_id("stPopoverBody").get_by_test_id("stPageLink-NavLink")).to_have_count(len(CHAPTERS))


def test_once_answered_the_overview_leads_with_its_finding_above_the_park_chart_on_the_first_screen(browser, server):
    with opened_page(browser, width=360, height=800) as page:
        open_ready(page, f"{server}/?lang=en")
        page.locator(".st-key-guess").get_by_role("button", name=load_strings("en")["engage.guess.skip"]).click()
        page.locator('[class*="st-key-chart-overview_parks"]').wait_for()
        wait_ready(page)
        wait_for_chart_marks(page)
        finding = page.locator('[class*="st-key-finding-overview_parks"] h2')
        expect(finding).to_have_text("91 of 106 park firms back at work")
        chart = page.locator('[class*="st-key-chart-overview_parks"]').locator(CHART).first
        assert finding.bounding_box()["y"] < chart.bounding_box()["y"] < 800 * 1.5  # the chart starts within 1.5 screens


# Each element's text, the lines its text takes (line boxes with distinct tops) and its right edge.
_LINES_AND_RIGHT_EDGE = """(els) => els.map(e => {
  const text = document.createRange();
  text.selectNodeContents(e);
  const tops = new Set(Array.from(text.getClientRects(), r => Math.round(r.top)));
  return [e.innerText, tops.size, Math.round(e.getBoundingClientRect().right)];
})"""
