"""The served HTML in a real browser: readable with JavaScript off, replaced by the app when it
starts (nothing shows twice, the language kept), drawn under the Content-Security-Policy with
no violation, and embeddable from another origin."""

from __future__ import annotations

import http.server
import threading
from contextlib import contextmanager, nullcontext

import pytest
from browser_helpers import CHART, html_lang, open_ready, opened_page, wait_for_chart_marks, wait_ready

from datong.i18n import LANGUAGES, load_strings

SERVED = "main.served-text"


def console_collector(page) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text))
    return seen


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_javascript_a_reader_gets_the_chapters_text(browser, server, lang):
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"{server}/departments?lang={lang}")
        strings = load_strings(lang)
        assert page.locator(f"{SERVED} h1").inner_text() == strings["chapters.departments.title"]
        assert "20+" in page.locator(SERVED).inner_text()
        assert page.title() == f"{strings['chapters.departments.title']} · {strings['site.title']}"
        assert html_lang(page) == lang
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_app_takes_over_from_the_served_text_and_keeps_the_language(browser, server, lang):
    with opened_page(browser, locale="en-US") as page:
        messages = console_collector(page)
        open_ready(page, f"{server}/safety?lang={lang}")
        assert page.locator(SERVED).count() == 0  # replaced, not shown twice
        assert page.get_by_test_id("stHeading").first.inner_text().strip() == load_strings(lang)["chapters.safety.title"]
        assert html_lang(page) == lang
        assert wait_for_chart_marks(page) >= 1
        assert [m for m in messages if "Content Security Policy" in m] == []


@pytest.mark.parametrize("path", ["/?lang=en", "/departments?lang=zh-Hant", "/firms?lang=zh-Hans", "/source?lang=en"])
def test_chapters_draw_under_the_content_security_policy_with_no_violation(browser, server, path):
    with opened_page(browser) as page:
        violations = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        open_ready(page, server + path)
        if page.locator(CHART).count():
            wait_for_chart_marks(page)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        assert violations == []


@contextmanager
def other_origin(html: str):
    """A page on another loopback origin (another port)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


def test_a_newsroom_page_on_another_origin_can_embed_a_chapter(browser, server):
    source = f"{server}/safety?lang=en&embed=true"  # another port: another origin
    snippet = f'<!doctype html><title>Newsroom</title><iframe src="{source}" title="Safety" width="800" height="900"></iframe>'
    with other_origin(snippet) as newsroom, opened_page(browser) as page:
        page.goto(newsroom)
        frame = page.frame_locator("iframe")
        frame.get_by_test_id("stHeading").first.wait_for(timeout=30_000)
        assert frame.get_by_test_id("stHeading").first.inner_text().strip() == load_strings("en")["chapters.safety.title"]
        frame.locator(f"{CHART} svg").first.wait_for(timeout=30_000)


def test_a_figure_permalink_opens_with_the_figures_source_shown(browser, server):
    with opened_page(browser) as page:
        open_ready(page, f"{server}/?fig=jobs_collected&lang=en")
        assert page.url.split("?")[0].endswith("/departments")
        wait_ready(page)
        main = page.get_by_test_id("stMain")
        quote = "收集整理323个用工岗位"
        main.get_by_text(quote, exact=False).first.wait_for(timeout=20_000)


def test_a_chapter_with_charts_fetches_each_chart_script_it_preloads_once_and_finds_it(browser, server):
    from datong.web import preload

    with opened_page(browser, locale="en-US") as page:
        fetched: list[tuple[str, int]] = []
        page.on("response", lambda response: fetched.append((response.url.rsplit("/", 1)[-1], response.status)))
        messages = console_collector(page)
        open_ready(page, f"{server}/firms?lang=en")
        assert wait_for_chart_marks(page) >= 1
        chunks = set(preload.chart_chunks())
        ours = [(name, status) for name, status in fetched if name in chunks]
        assert sorted(ours) == sorted((name, 200) for name in chunks)  # every one, once, found
        assert [m for m in messages if "preload" in m.lower() or "Content Security Policy" in m] == []


def test_the_share_fold_draws_its_link_and_embed_code_only_when_opened_and_the_code_script_comes_then(browser, server):
    """Closed, a story chapter sends no st.code, so Streamlit's code highlighter (1.5 MB) is not fetched."""
    from playwright.sync_api import expect

    strings = load_strings("en")
    with opened_page(browser, locale="en-US") as page:
        fetched: list[str] = []
        page.on("response", lambda response: fetched.append(response.url.rsplit("/", 1)[-1]))
        open_ready(page, f"{server}/safety?lang=en")
        assert wait_for_chart_marks(page) >= 1
        assert [name for name in fetched if name.startswith("StreamlitSyntaxHighlighter.")] == []
        assert page.get_by_test_id("stCode").count() == 0
        page.get_by_test_id("stExpander").filter(has_text=strings["share.heading"]).locator("summary").click()
        codes = page.get_by_test_id("stCode")
        expect(codes).to_have_count(2)
        assert codes.first.inner_text().strip().endswith("/safety?lang=en")
        assert "<iframe" in codes.nth(1).inner_text() and "embed=true" in codes.nth(1).inner_text()
        assert any(name.startswith("StreamlitSyntaxHighlighter.") for name in fetched)
        page.get_by_test_id("stPageLink-NavLink").filter(has_text=strings["chapters.firms.nav"]).first.click()
        page.wait_for_url("**/firms?*")
        wait_ready(page)
        expect(page.get_by_test_id("stCode")).to_have_count(0)  # the next chapter's fold is its own, closed


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_the_source_chapters_copy_button_copies_the_citation_it_names_without_the_code_highlighter(browser, server, lang):
    """The citations are text with their own copy buttons: no st.code, so no 1.5 MB highlighter."""
    from playwright.sync_api import expect

    strings = load_strings(lang)
    with opened_page(browser, locale="en-US") as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
        fetched: list[str] = []
        page.on("response", lambda response: fetched.append(response.url.rsplit("/", 1)[-1]))
        open_ready(page, f"{server}/source?lang={lang}")
        button = page.get_by_role("button", name=f"{strings['cite.copy']} {strings['cite.apa_label']}", exact=True)
        expect(button).to_be_visible()
        shown = page.locator("#cite-apa").inner_text()
        assert shown.startswith(strings["cite.apa"].split("(")[0].strip()) and shown.endswith(f"/source?lang={lang}")
        button.click()
        expect(page.locator(".datong-cite .cite-status")).to_have_text(strings["cite.copied"])
        assert page.evaluate("navigator.clipboard.readText()") == shown
        assert page.get_by_test_id("stCode").count() == 0
        assert [name for name in fetched if name.startswith("StreamlitSyntaxHighlighter.")] == []


@pytest.mark.parametrize("base_path", ["", "news/datong"])
def test_a_chapter_opened_directly_connects_at_once_without_asking_its_own_address_first(browser, server, fresh_server, base_path):
    """Streamlit's front end would try /firms/_stcore/health (a 404) before the real one; the page
    says where the server is, also under a base path. Links between chapters keep the base."""
    strings = load_strings("en")
    running = fresh_server(base_path=base_path) if base_path else nullcontext(server)
    with running as root, opened_page(browser, locale="en-US") as page:
        asked: list[tuple[str, int]] = []
        page.on("response", lambda r: asked.append((r.url, r.status)) if "/_stcore/" in r.url else None)
        open_ready(page, f"{root}/firms?lang=en")
        assert page.get_by_test_id("stHeading").first.inner_text().strip() == strings["chapters.firms.title"]
        assert wait_for_chart_marks(page) >= 1
        assert [(url, status) for url, status in asked if url.endswith("/health")] == [(f"{root}/_stcore/health", 200)]
        assert [url for url, status in asked if status == 404] == []
        page.get_by_test_id("stPageLink-NavLink").filter(has_text=strings["chapters.source.nav"]).first.click()
        page.wait_for_url(f"{root}/source?lang=en", timeout=20_000)
        wait_ready(page)
        assert page.get_by_test_id("stHeading").first.inner_text().strip() == strings["chapters.source.title"]
