"""Real-browser tests: a fresh ``streamlit run app.py`` on a free port, driven by headless Chromium.

Every test in this folder is marked ``browser`` (deselect with ``-m "not browser"``) and gets a
generous timeout. Fixtures:

* ``server`` — a FRESH server process per test module (a deep link as the very first request
  behaves differently from later ones, see ``datong.web.routing``). A failing test's report gets the
  server's output as the section "streamlit server output".
* ``fresh_server`` — ``with fresh_server() as base:`` starts one more server for this test only
  (its output is attached on failure too: the server keeps it once stopped, so the report can
  read it after the ``with`` block); :func:`streamlit_server` is the plain context manager.
* ``browser`` — one Debian Chromium for the session (never ``playwright install``).

Tests open their own pages with :func:`browser_helpers.new_page` and read them with the other
helpers in ``browser_helpers``.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, CHROMIUM_ARGS, streamlit_server

HERE = Path(__file__).resolve().parent
TEST_TIMEOUT = 360  # seconds per test, the module server's start-up included (up to 180 s on a loaded 2-core machine)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real Chromium against a freshly started streamlit server")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``browser`` and give it a timeout unless it sets its own."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(TEST_TIMEOUT))


@pytest.fixture(scope="module")
def server():
    """A fresh server per test module."""
    with streamlit_server() as base:
        yield base


@pytest.fixture
def fresh_server(request):
    """A factory: ``with fresh_server() as base:`` starts a new server for this test alone."""

    @contextmanager
    def start(**kwargs):
        with streamlit_server(**kwargs) as base:
            request.node.extra_servers = [*getattr(request.node, "extra_servers", []), base]
            yield base

    return start


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item):
    """On a failing test, attach the output of every server it used."""
    report = (yield).get_result()
    if not report.failed:
        return
    base = getattr(item, "funcargs", {}).get("server")
    if base is not None and hasattr(base, "log"):
        report.sections.append(("streamlit server output", base.log()))
    for extra in getattr(item, "extra_servers", []):
        report.sections.append((f"streamlit server output ({extra})", extra.log()))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
