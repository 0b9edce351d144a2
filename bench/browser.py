"""Time from navigation to every chart drawn, per chapter, against a bare page's heading, in one run.

Usage::

    python bench/browser.py                 # median of 5 per chapter, zh-Hans
    python bench/browser.py --runs 3 --lang en --only safety
    python bench/browser.py --quick         # one run per page (what tests/test_bench.py runs)
    python bench/browser.py --network 100,10,5   # as over a phone's network: 100 ms each way, 10/5 Mbit/s
    python bench/browser.py --network 100        # the latency alone, throughput not throttled

Debian's Chromium (``/usr/bin/chromium``, or ``$CHROMIUM``) through Playwright, headless, with
the launch flags of ``tests/browser/browser_helpers.py``. Each load is a new reader: a fresh
browser context (cold cache), from just before ``page.goto`` until every chart of the chapter
has marks in its SVG (``[data-testid="stVegaLiteChart"] svg g.role-mark > path|rect|text``).
How many charts a chapter draws is read from one run over the websocket (``bench/load.py``),
so the bench waits for exactly those. The baselines are ``bench/bare_page.py`` (one heading)
with Streamlit's defaults (bare-d) and with the site's config (bare-s), timed until the heading
is drawn, and ``bench/shape_page.py`` drawing the chapter's shape (bare-e: as many elements of
each type and layout blocks as the chapter's run, placeholder content, each chart a small bar
chart), timed until its charts are drawn, as the chapter is. They are loaded in turn with each
chapter. It prints each chapter's median and its ratio to the baselines' medians measured
alongside; the target (issue 9) is ≤ 1.5× bare-d.

In our runs a bare heading's time moved with the day less than a chapter's, and the ratio to
bare-d with it (1.37× at worst at 9380c9d; 1.76× at 69b5917, on a slower day, with the tree
before that over 1.5× too in the same hour). bare-e draws as many charts, so its ratio separates
what the site adds from Streamlit's own work for a page of that shape.

On loopback a fetch costs no time, so what a reader waits for on a real network (round trips
before the app connects, script chunks fetched late) does not show. ``--network LATENCY,DOWN,UP``
has Chromium emulate one for every load (DevTools' network conditions: added latency in ms,
throughput in Mbit/s), the bare pages included; ``--network LATENCY`` adds the latency alone.

Chromium's throughput throttler (156 here) stalls at high rates: at 20 ms, 100/50 Mbit/s, on 12
of 30 loads every response body was held for a multiple of about 16 s (headers at 0.2 s, bodies
at 16, 32, 48 s), the bare pages as often as the site. The same loads stalled 0 of 30 times with
the latency alone, 0 of 18 at the phone profile 100,10,5 and 0 of 18 on loopback. So a load of
15 s or more with a fast throughput throttled is the emulator, not the server.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "browser"))

import load  # noqa: E402
from browser_helpers import CHART, CHART_MARKS, CHROMIUM, CHROMIUM_ARGS  # noqa: E402

TIMEOUT = 60_000  # ms, one load
DRAWN = """([chart, marks, n]) => {
  let drawn = 0;
  for (const c of document.querySelectorAll(chart)) if (c.querySelector(marks)) drawn++;
  return drawn >= n;
}"""
HEADING = '[data-testid="stHeading"]'
ERRORS = '[data-testid="stException"]'


def chapter_shape(url: str, path: str, query: str) -> tuple[int, str]:
    """How many charts one run of the chapter draws, and its shape query for the shape page."""
    result = asyncio.run(load.open_session(url, path, query))
    if not result.ok:
        raise RuntimeError(f"/{path}?{query}: {result.outcome} {result.detail}")
    return result.elements["vega_lite_chart"], load.shape_query(result)


def timed_load(browser, url: str, charts: int, network: tuple[float, float, float] | None = None) -> tuple[float | None, int]:
    """Seconds from navigation to ``charts`` charts drawn (or, with 0 charts, the first heading), None
    if not within a minute; and the exception boxes on the page. ``network``: (latency ms, down
    Mbit/s, up Mbit/s) to emulate."""
    context = browser.new_context()
    try:
        page = context.new_page()
        if network:
            emulate_network(context, page, network)
        started = time.perf_counter()
        try:
            page.goto(url, wait_until="commit", timeout=TIMEOUT)
            if charts:
                page.wait_for_function(DRAWN, arg=[CHART, CHART_MARKS, charts], polling="raf", timeout=TIMEOUT)
            else:
                page.wait_for_selector(HEADING, timeout=TIMEOUT)
        except PlaywrightTimeout:
            return None, page.locator(ERRORS).count()
        seconds = time.perf_counter() - started
        return seconds, page.locator(ERRORS).count()
    finally:
        context.close()


def emulate_network(context, page, network: tuple[float, float, float]) -> None:
    latency, down, up = network
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency, "downloadThroughput": throughput(down), "uploadThroughput": throughput(up)})


def throughput(mbits: float) -> float:
    """DevTools' bytes per second for Mbit/s; -1 (not throttled) stays -1."""
    return mbits * 125_000 if mbits > 0 else -1


def network_conditions(text: str) -> tuple[float, float, float]:
    """``"100,10,5"`` as (latency ms, down Mbit/s, up Mbit/s); ``"100"`` as (100, -1, -1): the
    latency alone, throughput not throttled (DevTools' -1)."""
    try:
        parts = [float(part) for part in text.split(",")]
    except ValueError:
        parts = []
    if len(parts) not in (1, 3):
        raise argparse.ArgumentTypeError("LATENCY or LATENCY,DOWN,UP: one or three numbers, e.g. 100 or 100,10,5")
    if parts[0] < 0 or any(rate <= 0 for rate in parts[1:]):
        raise argparse.ArgumentTypeError("latency ≥ 0 and throughputs > 0")
    latency, down, up = parts if len(parts) == 3 else (parts[0], -1.0, -1.0)
    return latency, down, up


def main(argv: list[str] | None = None) -> int:
    chapters_known = [cid for cid, _ in load.chapter_pages()]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, help="loads per page; the median is reported (default 5; quick 1)")
    parser.add_argument("--lang", default="zh-Hans", choices=load.LANGS)
    parser.add_argument("--only", action="append", choices=chapters_known, metavar="CHAPTER", help="only this chapter (repeatable)")
    parser.add_argument("--quick", action="store_true", help="one load per page, the bare pages once (for tests)")
    parser.add_argument("--network", type=network_conditions, metavar="LATENCY[,DOWN,UP]", help="emulate a network: ms, Mbit/s, Mbit/s (e.g. 100,10,5), or the latency alone (e.g. 100)")
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 5)
    pages = [(cid, path) for cid, path in load.chapter_pages() if not args.only or cid in args.only]
    query = f"lang={args.lang}"
    with load.servers(shape=True) as started:
        site = started["site"].url
        shapes = {cid: chapter_shape(site, path, query) for cid, path in pages}  # before Playwright's event loop
        errors = in_the_browser(args, runs, pages, shapes, {name: server.url for name, server in started.items()})
    return 1 if errors else 0


def in_the_browser(args, runs: int, pages: list[tuple[str, str]], shapes: dict[str, tuple[int, str]], urls: dict[str, str]) -> int:
    """Load each chapter and the baselines in turn, ``runs`` times; print medians, ratios and targets."""
    errors = 0
    site, bare_d, bare_s, bare_e = urls["site"], urls["bare-d"], urls["bare-s"], urls["bare-e"]
    charts = {cid: n for cid, (n, _) in shapes.items()}
    shape_urls = {cid: f"{bare_e}/?{shape}" for cid, (_, shape) in shapes.items()}
    query = f"lang={args.lang}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            net = args.network
            timed_load(browser, bare_d, 0, net)  # warm the browser; the servers have served a session each
            if not args.quick:
                timed_load(browser, bare_s, 0, net)
                for cid, path in pages:
                    timed_load(browser, f"{site}/{path}?{query}", charts[cid], net)
                    timed_load(browser, shape_urls[cid], charts[cid], net)
            over = ("loopback" if not net else f"emulated network {net[0]:g} ms, " + (f"{net[1]:g}/{net[2]:g} Mbit/s" if net[1] > 0 else "throughput not throttled"))
            print(f"# browser bench: {CHROMIUM} ({browser.version}), {args.lang}, median of {runs}, {over}; commit {load.git_commit()}")
            print("# time from navigation to every chart drawn (a chapter without charts: its heading); bare-d and bare-s: the heading;")
            print("# bare-e: the chapter's shape with placeholder content, to as many charts drawn")
            print(f"{'page':<12} {'charts':>6} {'ms':>6} {'bare-d ms':>9} {'bare-s ms':>9} {'bare-e ms':>9} {'×bare-d':>8} {'×bare-s':>8} {'×bare-e':>8}")
            worst, worst_e = ("", 0.0), ("", 0.0)
            baseline: dict[str, list[float]] = {}
            shape_over_d: dict[str, float] = {}  # chapter → bare-e against bare-d: its shape's floor
            timeouts: list[str] = []
            for cid, path in pages:
                times: dict[str, list[float]] = {"site": [], "bare-d": [], "bare-s": [], "bare-e": []}
                for _ in range(runs):
                    for name, url, n in (("bare-d", bare_d, 0), ("site", f"{site}/{path}?{query}", charts[cid]), ("bare-s", bare_s, 0), ("bare-e", shape_urls[cid], charts[cid])):
                        if args.quick and name in baseline:
                            times[name] = baseline[name]  # quick: the bare pages once, for every chapter
                            continue
                        seconds, boxes = timed_load(browser, url, n, net)
                        errors += boxes
                        if seconds is None:
                            timeouts.append(f"{name} {cid}")
                        else:
                            times[name].append(seconds)
                baseline = baseline or {name: times[name] for name in ("bare-d", "bare-s")}
                if not all(times.values()):
                    print(f"{cid:<12} {charts[cid]:>6} not drawn within {TIMEOUT // 1000} s in any load", flush=True)
                    continue
                med = {name: statistics.median(values) for name, values in times.items()}
                r_d, r_s, r_e = (med["site"] / med[name] for name in ("bare-d", "bare-s", "bare-e"))
                shape_over_d[cid] = med["bare-e"] / med["bare-d"]
                worst = max(worst, (cid, r_d), key=lambda item: item[1])
                worst_e = max(worst_e, (cid, r_e), key=lambda item: item[1])
                print(f"{cid:<12} {charts[cid]:>6} {med['site'] * 1000:>6.0f} {med['bare-d'] * 1000:>9.0f} {med['bare-s'] * 1000:>9.0f} "
                      f"{med['bare-e'] * 1000:>9.0f} {r_d:>7.2f}× {r_s:>7.2f}× {r_e:>7.2f}×", flush=True)  # fmt: skip
        finally:
            browser.close()
    print(f"errors: {errors} exception boxes, {len(timeouts)} loads not drawn within {TIMEOUT // 1000} s"
          + (f" ({', '.join(timeouts)})" if timeouts else ""))  # fmt: skip
    errors += len(timeouts)
    print("\n## targets (issue 9; ratios in this run)")
    print(f"{'every chart drawn ≤ 1.5× bare-d heading':<42} {f'worst {worst[0]} {worst[1]:.2f}×':>22}  {'met' if worst[1] <= 1.5 else 'NOT MET'}")
    print(f"{'(proposed) every chart drawn ≤ 1.5× bare-e':<42} {f'worst {worst_e[0]} {worst_e[1]:.2f}×':>22}  {'met' if worst_e[1] <= 1.5 else 'NOT MET'}")
    print(f"{'0 exception boxes and 0 loads timed out':<42} {errors:>22}  {'met' if errors == 0 else 'NOT MET'}")
    print("\n## floor (bare-e against bare-d: Streamlit and Vega drawing each chapter's shape, as many small bar charts, nothing of the site's)")
    print(load.floor_line("every chart drawn", shape_over_d, 1.5))
    print("(the site's own work has what is left of the 1.5× budget: 1.5 divided by its chapter's figure here)")
    return errors


if __name__ == "__main__":
    sys.exit(main())
