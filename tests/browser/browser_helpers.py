"""Helpers for the browser tests: start a server, open pages, read what Streamlit drew.

Kept out of ``conftest.py`` so test modules can import them by a name no other folder uses
(``from browser_helpers import ...``); the fixtures in ``conftest.py`` are built on them.
"""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[2]  # the folder holding app.py
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from datong.chapters import CHAPTERS  # noqa: E402
from datong.i18n import LANGUAGES, load_strings  # noqa: E402

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
BASELINES = ROOT / "tests" / "browser" / "baselines"  # approved first screens (see compare_with_baseline)
UPDATE_BASELINES = os.environ.get("UPDATE_BASELINES") == "1"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
READY_TIMEOUT = 30_000  # ms

# Selectors. Keys give stable ones: st.container(key="x") is drawn with the class st-key-x.
MAIN = '[data-testid="stMain"]'
CHART = '[data-testid="stVegaLiteChart"]'
CHART_MARKS = "svg g.role-mark > path, svg g.role-mark > rect, svg g.role-mark > text"
ERROR_BOXES = '[data-testid="stException"], [data-testid="stAlertContentError"]'
SITE_BAR = ".st-key-site-bar"  # the site's own navigation and language control (datong.web.routing)
NAV_LINKS = '.st-key-site-nav [data-testid="stPageLink-NavLink"]'  # the chapter row (a desktop shows it)


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerURL(str):
    """The base URL (``http://127.0.0.1:PORT``); ``.log()`` returns the server's output so far."""

    log: object
    host: str


# The server is healthy once start-up has built every chart and file in every language
# (datong.web.readiness): on a busy 2-core machine that took over 60 s.
SERVER_START_TIMEOUT = 180.0


@contextmanager
def streamlit_server(script: str = "app.py", *, env: dict | None = None, timeout: float = SERVER_START_TIMEOUT, base_path: str = ""):
    """Start ``streamlit run script`` in the project folder on a free port; yield its base URL (with
    ``base_path``, Streamlit's ``server.baseUrlPath``, if given); always stop it.

    Raises with the server's output if it exits or is not healthy in time.
    """
    port = free_port()
    prefix = base_path.strip("/")
    log = tempfile.NamedTemporaryFile(mode="w+", suffix=".log", encoding="utf-8")  # noqa: SIM115 (closed in finally, below)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--server.baseUrlPath", base_path],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
    )  # fmt: skip

    kept: list[str] = []  # the whole output, read once the server has stopped and its log is gone

    def output() -> str:
        """The server's output so far; after it stopped, all of it (a failure report reads it then)."""
        if kept:
            return kept[0]
        log.flush()
        with open(log.name, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    base = ServerURL(f"http://127.0.0.1:{port}" + (f"/{prefix}" if prefix else ""))
    base.log = output
    base.host = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{output()}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as response:
                    if response.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit not healthy after {timeout}s:\n{output()}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        kept.append(output())
        log.close()


# --------------------------------------------------------------------------- pages


def new_page(browser, *, locale: str = "zh-CN", width: int = 1280, height: int = 900):
    """A page in a new context. ``page.requests_seen`` lists every request URL, ``page.dialogs_seen`` every
    dialog, ``page.messages_seen`` counts the server's websocket messages (one frame each)."""
    context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
    page = context.new_page()
    page.requests_seen = []  # type: ignore[attr-defined]
    page.dialogs_seen = []  # type: ignore[attr-defined]
    page.messages_seen = 0  # type: ignore[attr-defined]
    page.on("request", lambda request: page.requests_seen.append(request.url))  # type: ignore[attr-defined]

    def on_message(_frame) -> None:
        page.messages_seen += 1  # type: ignore[attr-defined]

    page.on("websocket", lambda socket: socket.on("framereceived", on_message))

    def on_dialog(dialog) -> None:
        page.dialogs_seen.append(f"{dialog.type}: {dialog.message}")  # type: ignore[attr-defined]
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return page


@contextmanager
def opened_page(browser, **settings):
    """``with opened_page(browser, width=360) as page:`` a :func:`new_page` whose context is always closed."""
    page = new_page(browser, **settings)
    try:
        yield page
    finally:
        page.context.close()


# True once the app is connected, not running, and no element was added for 500 ms. Needed because
# the script-state attribute can read "notRunning" while the first run's elements still stream in.
_SETTLED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testScriptState !== 'notRunning'
      || app.dataset.testConnectionState !== 'CONNECTED') { window.__settled = null; return false; }
  const n = document.querySelectorAll('[data-testid="stElementContainer"]').length;
  const now = performance.now(), last = window.__settled;
  if (!last || last.n !== n) { window.__settled = {n, t: now}; return false; }
  return now - last.t > 500;
}"""


def wait_ready(page, timeout: float = READY_TIMEOUT) -> None:
    """Wait until Streamlit drew a heading, finished running and stopped adding elements."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_selector('[data-testid="stHeading"]', timeout=timeout)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    page.wait_for_function(_SETTLED, polling=100, timeout=timeout)


def open_ready(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    wait_ready(page)


def wait_for_chart_marks(page, timeout: float = READY_TIMEOUT) -> int:
    """Wait until every Vega-Lite chart on the page has drawn at least one mark; return the number of charts."""
    page.wait_for_function(
        """([chart, marks]) => [...document.querySelectorAll(chart)]
             .every(c => c.querySelectorAll(marks).length > 0)""",
        arg=[CHART, CHART_MARKS], timeout=timeout,
    )  # fmt: skip
    return page.locator(CHART).count()


def screenshot(page, name: str, *, max_height: int = 20_000) -> Path:
    """A whole-page PNG in artifacts/screenshots/<name>.png (git-ignored).

    Streamlit scrolls inside ``stMain``, not the document, so Playwright's ``full_page`` alone
    captures one screen: the viewport is made as tall as the content for the shot, then restored.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    viewport = page.viewport_size
    content = page.evaluate(
        """(main) => { const m = document.querySelector(main);
                        return m ? m.scrollHeight : document.documentElement.scrollHeight; }""",
        MAIN,
    )  # fmt: skip
    tall = min(max(content, viewport["height"]), max_height)
    page.set_viewport_size({"width": viewport["width"], "height": tall})
    try:
        wait_for_layout(page)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(viewport)
    return path


# Sizes that a resize changes: the page's and every chart's. Stable for 300 ms = laid out
# (Vega redraws container-width charts after a resize; fonts may still swap in).
_LAID_OUT = """(chart) => {
  const sizes = [document.documentElement.scrollWidth, document.documentElement.scrollHeight,
    ...[...document.querySelectorAll(chart + ' svg')].map(s => Math.round(s.getBoundingClientRect().width))].join();
  const now = performance.now(), last = window.__laidOut;
  if (!last || last.sizes !== sizes) { window.__laidOut = {sizes, t: now}; return false; }
  return now - last.t > 300;
}"""


def wait_for_layout(page, timeout: float = READY_TIMEOUT) -> None:
    """Wait (instead of a fixed sleep) until the page and its charts stop changing size, e.g. after a resize."""
    page.evaluate("() => { window.__laidOut = null; return document.fonts.ready.then(() => true); }")
    page.wait_for_function(_LAID_OUT, arg=CHART, polling=50, timeout=timeout)


def resize(page, width: int, height: int = 900) -> None:
    """Set the window size and wait until the page and its charts are laid out again."""
    page.set_viewport_size({"width": width, "height": height})
    wait_for_chart_marks(page)
    wait_for_layout(page)


# Screenshots compared with an approved one, as Streamlit's e2e suite does: a pixel counts as
# different when any channel differs by more than CHANNEL_TOLERANCE (anti-aliasing and font
# hinting move a few levels); the shot passes while at most PIXEL_TOLERANCE of its pixels differ
# (a changed word, a moved chart or a new colour changes far more: one changed line of body
# text at 1280 px is about 0.6% of a 1280×900 screen). Only the first screen is compared: it is
# what every reader sees, and a whole page would fail on any change of text further down.
CHANNEL_TOLERANCE = 40
PIXEL_TOLERANCE = 0.002


def pixel_difference(actual, expected) -> float:
    """The share of pixels that differ by more than CHANNEL_TOLERANCE (1.0 if the sizes differ)."""
    from PIL import ImageChops

    if actual.size != expected.size:
        return 1.0
    diff = ImageChops.difference(actual.convert("RGB"), expected.convert("RGB")).convert("L")
    changed = sum(diff.point(lambda level: 255 if level > CHANNEL_TOLERANCE else 0).histogram()[255:])
    return changed / (actual.width * actual.height)


def compare_with_baseline(page, name: str) -> float:
    """Screenshot the first screen and compare it with ``tests/browser/baselines/<name>.png``.

    Returns the share of differing pixels. With ``UPDATE_BASELINES=1`` the shot becomes the
    baseline (look at it first). A missing baseline fails, naming the command that makes it.
    The shot and, on a difference, a diff image go to artifacts/screenshots/.
    """
    from PIL import Image, ImageChops

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"first-screen-{name}.png"
    page.evaluate("(main) => { const m = document.querySelector(main); if (m) m.scrollTop = 0; }", MAIN)
    wait_for_layout(page)
    page.screenshot(path=str(shot), animations="disabled", caret="hide")
    baseline = BASELINES / f"{name}.png"
    if UPDATE_BASELINES:
        BASELINES.mkdir(parents=True, exist_ok=True)
        baseline.write_bytes(shot.read_bytes())
        return 0.0
    if not baseline.is_file():
        raise AssertionError(f"no baseline {baseline.relative_to(ROOT)}: look at {shot.relative_to(ROOT)}, then run with UPDATE_BASELINES=1")
    with Image.open(shot) as actual, Image.open(baseline) as expected:
        share = pixel_difference(actual, expected)
        if share > PIXEL_TOLERANCE and actual.size == expected.size:
            ImageChops.difference(actual.convert("RGB"), expected.convert("RGB")).save(SCREENSHOTS / f"first-screen-{name}.diff.png")
    return share


# --------------------------------------------------------------------------- reading the page


def heading_text(page) -> str:
    """The chapter title: the first h1 in the main area."""
    return page.locator(f'{MAIN} [data-testid="stHeading"] h1').first.inner_text().strip()


def nav_labels(page) -> list[str]:
    """The chapter links of the site's navigation, in order (read from the DOM: a phone folds the row into a menu)."""
    return [text.strip() for text in page.locator(NAV_LINKS).all_text_contents()]


def error_box_count(page) -> int:
    """Exceptions (``stException``) and error alerts; the site shows neither on purpose."""
    return page.locator(ERROR_BOXES).count()


def tracebacks(base: ServerURL) -> int:
    return base.log().count("Traceback (most recent call last)")


def foreign_requests(page, base: ServerURL) -> list[str]:
    """Requests to any host but the server's own (data: and blob: URLs never leave the browser)."""
    return [
        url for url in page.requests_seen
        if not url.startswith(("data:", "blob:")) and urlsplit(url).netloc != base.host
    ]  # fmt: skip


def url_path(url: str) -> str:
    return urlsplit(url).path


def query_lang(url: str) -> list[str]:
    """Every ``lang`` value in the URL's query (a list, so a doubled parameter shows)."""
    return parse_qs(urlsplit(url).query).get("lang", [])


def html_lang(page) -> str:
    return page.evaluate("document.documentElement.lang")


def horizontal_overflow(page) -> dict[str, int]:
    """How far the document and the main scroll area are wider than the window (0 = no sideways scroll)."""
    return page.evaluate(
        """(main) => {
             const m = document.querySelector(main);
             return {document: document.documentElement.scrollWidth - window.innerWidth,
                     main: m ? m.scrollWidth - m.clientWidth : 0};
           }""",
        MAIN,
    )  # fmt: skip


# --------------------------------------------------------------------------- expected text


def expected_title(chapter_id: str, lang: str) -> str:
    return load_strings(lang)[f"chapters.{chapter_id}.title"]


def expected_nav(lang: str) -> list[str]:
    return [load_strings(lang)[f"chapters.{chapter.id}.nav"] for chapter in CHAPTERS]


def figures_csv() -> dict[str, dict[str, str]]:
    """data/figures.csv by figure id."""
    with open(ROOT / "data" / "figures.csv", encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


__all__ = [
    "BASELINES", "CHAPTERS", "CHART", "CHART_MARKS", "CHROMIUM", "CHROMIUM_ARGS", "LANGUAGES", "MAIN", "NAV_LINKS",
    "PIXEL_TOLERANCE", "ROOT", "SCREENSHOTS", "SITE_BAR", "ServerURL", "compare_with_baseline", "error_box_count",
    "expected_nav", "expected_title", "figures_csv", "foreign_requests", "heading_text", "horizontal_overflow",
    "html_lang", "nav_labels", "new_page", "open_ready", "opened_page", "pixel_difference", "query_lang", "resize",
    "screenshot", "streamlit_server", "tracebacks", "url_path", "wait_for_chart_marks", "wait_for_layout", "wait_ready",
]  # fmt: skip
