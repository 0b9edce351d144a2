"""Through nginx in front of two replicas (deploy/scale_out.py), a reader's chart click and PNG download work.

Both need affinity: the click reruns the reader's session, held by one replica, and the PNG is
drawn by that replica on request and fetched from its memory (``/media/...``) by a plain HTTP
request that nginx must send to the same replica.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_helpers import CHART, ROOT, error_box_count, figures_csv, open_ready, opened_page, wait_for_chart_marks
from playwright.sync_api import expect

from datong.i18n import load_strings

sys.path.insert(0, str(ROOT / "deploy"))
from scale_out import scale_out

PICK_MARKS = 'svg g.role-mark[class*="_pick"] > path'  # as in test_clicking.py
PICKED = '[class*="st-key-quote-picked-"]'
BLOCK = ".st-key-chart-departments_firms"  # the first chart block of /departments
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def balanced():
    with scale_out(replicas=2, timeout=240) as base:
        yield base


def served_by(base, path_prefix: str) -> list[tuple[str, str]]:
    """(status, replica) of each request under ``path_prefix``, from nginx's access log.

    A websocket is logged when it closes, a moment after its page: wait for one, 10 s at most.
    """
    deadline = time.monotonic() + 10
    while True:
        log = (base.prefix / "access.log").read_text(encoding="utf-8")
        found = re.findall(r'"GET ' + re.escape(path_prefix) + r'\S* HTTP/1\.1" (\d+) \d+ upstream=(\S+)', log)
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def foreign(page, base) -> list[str]:
    host = urlsplit(base).netloc
    return [url for url in page.requests_seen if not url.startswith(("data:", "blob:")) and urlsplit(url).netloc != host]


def figure_in_tooltip(page, target) -> str:
    """Hover a mark as a reader would; the figure whose English label Vega's tooltip shows."""
    target.scroll_into_view_if_needed()
    target.hover()
    tooltip = page.locator("#vg-tooltip-element.visible")
    tooltip.wait_for(timeout=10_000)
    text = tooltip.inner_text()
    matches = [fid for fid, row in figures_csv().items() if row["label_en"] in text]
    assert matches, f"no figure's label in the tooltip {text!r}"
    return max(matches, key=lambda fid: len(figures_csv()[fid]["label_en"]))


def test_a_chart_click_through_the_balancer_shows_the_quote_of_that_figure(browser, balanced):
    with opened_page(browser) as page:
        open_ready(page, f"{balanced}/departments?lang=en")
        assert wait_for_chart_marks(page) >= 1
        target = page.locator(CHART).first.locator(PICK_MARKS).nth(1)
        figure_id = figure_in_tooltip(page, target)
        box = target.bounding_box()
        assert box is not None and box["width"] > 0
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        quote = page.locator(f'{PICKED}[class*="-{figure_id}"]')
        quote.wait_for(timeout=15_000)
        expect(quote).to_contain_text(figures_csv()[figure_id]["quote_zh"], timeout=15_000)
        assert page.locator(PICKED).count() == 1
        assert error_box_count(page) == 0
        assert foreign(page, balanced) == []
    streams = served_by(balanced, "/_stcore/stream")
    assert streams and all(status == "101" for status, _ in streams), balanced.log()


def test_a_png_download_through_the_balancer_is_a_real_png(browser, balanced):
    texts = load_strings("en")
    with opened_page(browser) as page:
        open_ready(page, f"{balanced}/departments?lang=en")
        wait_for_chart_marks(page)
        block = page.locator(BLOCK)
        block.get_by_role("tab", name=texts["ui.table_tab"]).click()
        button = block.get_by_role("button", name=texts["ui.download_png"])
        expect(button).to_be_visible(timeout=15_000)
        with page.expect_download(timeout=60_000) as started:
            button.click()
        download = started.value
        assert download.failure() is None
        assert download.suggested_filename == "datong-departments_firms-en.png"
        data = Path(download.path()).read_bytes()
        assert data[:8] == PNG_MAGIC and len(data) > 5_000
        assert error_box_count(page) == 0
        assert foreign(page, balanced) == []
    media = served_by(balanced, "/media/")
    assert media and media[-1][0] == "200", balanced.log()
    # the file came from the replica that holds the session (the one that drew it)
    streams = served_by(balanced, "/_stcore/stream")
    assert media[-1][1] in {replica for _, replica in streams}
