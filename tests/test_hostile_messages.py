"""Hand-written websocket messages: any widget value a client can send, straight over Streamlit's
protocol (bench/load.py's client), never reaches a reader as an exception, and the server stays up."""

from __future__ import annotations

import math
import sys

import pytest
from web_servers import ROOT, get, run_async, site_server

sys.path.insert(0, str(ROOT / "bench"))
from load import connect, open_session, send_widget_value

pytestmark = pytest.mark.timeout(600)

HOSTILE_VALUES = [
    (1e308, "double_value"), (-1e308, "double_value"), (math.nan, "double_value"), (math.inf, "double_value"),
    (2**62, "int_value"), (-1, "int_value"), (True, "bool_value"),
    ("<script>alert(1)</script>", "string_value"), ("x" * 1_000_000, "string_value"), ("", "string_value"),
    ([math.nan, 1e308, -1.0], "double_array_value"), ([str(i) for i in range(2000)], "string_array_value"),
    ('{"selection": {"pick": [{"figure_id": "<b>x</b>"}]}}', "json_value"), ("{not json", "json_value"),
    (b"\x00\xff" * 1000, "bytes_value"), (True, "trigger_value"),
]  # fmt: skip
ANSWERED = "lang=en&fig=park_firms_resumed"  # the overview with its what-if: a permalink skips the guess
PAGES = [("", "lang=en"), ("", ANSWERED), ("departments", "lang=zh-Hant"), ("source", "lang=zh-Hans")]


@pytest.fixture(scope="module")
def server():
    with site_server() as base:
        yield base


async def fuzz_page(url: str, page: str, query: str) -> list[str]:
    problems = []
    async with connect(url) as session:
        first = await session.run(page, query)
        assert first.ok, first.detail
        assert first.widgets, "the page draws widgets to fuzz"
        for name, widget_id in first.widgets.items():
            for value, field in HOSTILE_VALUES:
                session.widget_states.clear()  # one hostile value at a time
                result = await send_widget_value(session, widget_id, value, field=field)
                if not result.ok:
                    problems.append(f"{page or '/'} {name} {field}={str(value)[:40]!r}: {result.outcome} {result.detail[:300]}")
    return problems


@pytest.mark.parametrize(("page", "query"), PAGES)
def test_no_widget_value_a_client_sends_shows_an_exception(server, page, query):
    assert run_async(fuzz_page(server, page, query)) == []


def test_thousands_of_distinct_slider_values_raise_nothing_and_the_server_stays_up(server):
    async def slide() -> list[str]:
        problems = []
        async with connect(server) as session:
            first = await session.run("", ANSWERED)
            rate = first.widgets["what-if-rate"]
            for i in range(600):
                result = await send_widget_value(session, rate, [86 + i * 0.0233])
                if not result.ok:
                    problems.append(result.detail)
        return problems

    assert run_async(slide()) == []
    assert get(server + "/_stcore/health")[0] == 200


def test_a_message_over_the_size_limit_closes_only_that_connection(server):
    async def oversized() -> tuple[str, bool]:
        async with connect(server) as session:
            first = await session.run("", ANSWERED)
            rate = first.widgets["what-if-rate"]
            result = await send_widget_value(session, rate, "x" * (5 * 1024 * 1024), field="string_value")
        after = await open_session(server, "safety", "lang=en")
        return result.outcome, after.ok

    outcome, fresh_session_ok = run_async(oversized())
    assert outcome == "closed"  # the server drops a 5 MB message (server.maxMessageSize = 4)
    assert fresh_session_ok



def test_a_value_streamlit_itself_cannot_read_gets_a_short_notice_not_an_error_box(server):
    async def wrong_type() -> tuple:
        async with connect(server) as session:
            first = await session.run("source", "lang=en")
            result = await send_widget_value(session, first.widgets["lang_picker"], 1e308, field="double_value")
        again = await open_session(server, "source", "lang=en")  # other readers are not affected
        return result, again

    result, again = run_async(wrong_type())
    assert result.exceptions == 0 and result.elements["alert"] == 1
    assert again.ok and again.elements["heading"] >= 1
