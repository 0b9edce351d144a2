"""The over-the-wire benches run and print every row, the targets block and no errors.

No timing is asserted: these machines are noisy, so the numbers are for reading, not for
pass/fail. Both benches start their own servers on free loopback ports; they run one after the
other (``--quick``: one session or load per row), so neither starves the other of the two cores.
"""

import http.server
import re
import socketserver
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from web_servers import run_async

from datong import paths
from datong.chapters import CHAPTERS

BENCH = paths.ROOT / "bench"
RATIO = r"(?:\d+\.\d\d×|n/a)"
SPREAD = r"\((?:-?\d+\.\d\d–-?\d+\.\d\d|n/a)\)"
NUMBER = r"\d+(?:\.\d+)?"
LANGS = ("zh-Hans", "zh-Hant", "en")


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    """Run ``load.py --quick``, ``browser.py --quick`` over an emulated 20 ms latency, then
    ``shape_cost.py --quick``; their stdout, after checking each exited 0.

    Latency alone: with throughput throttled too, Chromium held whole pages for 16-80 s (CI at
    0dfa5aa timed out on one chapter; see bench/browser.py). One after the other, not side by
    side, so neither bench's servers wait on the other's load for the two cores."""
    done = {}
    for name, extra in (("load.py", []), ("browser.py", ["--network", "20"]), ("shape_cost.py", [])):
        argv = [sys.executable, str(BENCH / name), "--quick", *extra]
        proc = subprocess.run(argv, cwd=paths.ROOT, text=True, capture_output=True, timeout=300)
        assert proc.returncode == 0, f"{name} exited {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        done[name] = proc.stdout
    return done


def rows(out: str, section: str) -> str:
    """The lines of one ``## section`` of the output."""
    match = re.search(rf"^## {re.escape(section)}.*?$(.*?)(?=^## |\Z)", out, re.MULTILINE | re.DOTALL)
    assert match, f"no section {section!r} in:\n{out}"
    return match.group(1)


def test_the_load_bench_prints_new_readers_and_cpu_for_every_chapter_against_both_bare_pages(outputs):
    table = rows(outputs["load.py"], "new readers")
    langs = " +".join([NUMBER] * len(LANGS))
    for chapter in CHAPTERS:
        assert re.search(rf"^{chapter.id} +{NUMBER} +{langs} +{NUMBER}( +{RATIO}){{4}} +{NUMBER} +{RATIO} +\d+$", table, re.MULTILINE), table
    for bare in ("bare-d", "bare-s"):
        assert re.search(rf"^{bare} +{NUMBER} +{NUMBER}$", table, re.MULTILINE), table


def test_the_load_bench_prints_latency_at_three_levels_for_every_chapter(outputs):
    table = rows(outputs["load.py"], "latency")
    for name in [c.id for c in CHAPTERS]:
        assert re.search(rf"^{name}( +\d+){{6}} +{NUMBER} +{RATIO} +{RATIO} +{RATIO}$", table, re.MULTILINE), table
    for bare in ("bare-d", "bare-s"):
        assert re.search(rf"^{bare}( +\d+){{6}} +{NUMBER}$", table, re.MULTILINE), table


def test_the_load_bench_prints_memory_served_held_and_soaked(outputs):
    out = outputs["load.py"]
    for name in ("site", "bare-d", "bare-s"):
        assert re.search(rf"^{name} +\d+ MiB$", rows(out, "server RSS"), re.MULTILINE), out
    for name in ("site", "bare-s"):
        assert re.search(rf"^{name} +-?\d+ KB per session", rows(out, "memory per held session"), re.MULTILINE), out
    assert re.search(r"growth after warm-up [+-]\d+\.\d%$", rows(out, "soak"), re.MULTILINE), out


def test_the_load_bench_saw_no_errors_and_no_exception_elements(outputs):
    table = rows(outputs["load.py"], "errors")
    for name in ("site", "bare-d", "bare-s", "bare-e"):
        match = re.search(rf"^{name} +(\d+) sessions, (\d+) errors \(none\), (\d+) exception elements$", table, re.MULTILINE)
        assert match, table
        assert int(match.group(1)) > 0 and match.group(2) == "0" and match.group(3) == "0", table
    assert "time budget" not in outputs["load.py"], outputs["load.py"]
    assert "cannot draw" not in outputs["load.py"], outputs["load.py"]  # bench/shape_page.py draws every element type the site sends


def test_the_load_bench_ends_with_every_target_of_issue_9(outputs):
    table = rows(outputs["load.py"], "targets")
    for target in (
        "new readers/s ≥ 1.5× bare-d", "CPU per new reader ≤ 2× bare-s", "p95 at 2 concurrent ≤ 2× bare-s",
        "RSS after serving everything ≤ 200 MiB", "held session ≤ 150 KB", "soak growth ≤ 5%",
        "(proposed) CPU per new reader ≤ 1.5× bare-e", "(proposed) p95 at 2 concurrent ≤ 2× bare-e",
    ):  # fmt: skip
        assert re.search(rf"^{re.escape(target)} +.+  (met|NOT MET|not measured)$", table, re.MULTILINE), table
    assert re.search(r"^0 errors and exception elements \(site\) +0  met$", table, re.MULTILINE), table


def test_the_load_bench_shows_the_floor_a_chapters_shape_alone_sets_under_both_bare_s_targets(outputs):
    table = rows(outputs["load.py"], "floor")
    chapters = "|".join(c.id for c in CHAPTERS)
    for label in ("CPU per new reader", "p95 at 2 concurrent"):
        line = rf"^{re.escape(label)} +{RATIO} \(({chapters})\) to {RATIO} \(({chapters})\); (\d) of {len(CHAPTERS)} chapters' shapes alone over 2×$"
        assert re.search(line, table, re.MULTILINE), table


def test_a_floor_line_names_the_lightest_and_heaviest_shape_and_counts_those_over_the_limit():
    load = bench_module("load")
    line = load.floor_line("CPU per new reader", {"guidance": 2.08, "source": 3.61, "firms": 1.95, "safety": float("nan")}, 2.0)
    assert line == "CPU per new reader       1.95× (firms) to 3.61× (source); 2 of 3 chapters' shapes alone over 2×"
    assert load.floor_line("p95", {"firms": float("nan")}, 2.0).endswith("not measured")


def test_the_browser_bench_times_every_chapter_against_the_bare_pages_and_its_own_shape(outputs):
    out = outputs["browser.py"]
    assert re.search(r"^# browser bench: .*, median of 1, emulated network 20 ms, throughput not throttled; commit ", out, re.MULTILINE), out
    for chapter in CHAPTERS:  # charts, then ms for the chapter, bare-d, bare-s and bare-e, then three ratios
        assert re.search(rf"^{chapter.id} +\d+( +\d+){{4}} +{RATIO} +{RATIO} +{RATIO}$", out, re.MULTILINE), out
    assert re.search(r"^errors: 0 exception boxes, 0 loads not drawn within 60 s$", out, re.MULTILINE), out
    table = rows(out, "targets")
    assert re.search(r"^every chart drawn ≤ 1\.5× bare-d heading +worst \w+ \d+\.\d\d×  (met|NOT MET)$", table, re.MULTILINE), table
    assert re.search(r"^\(proposed\) every chart drawn ≤ 1\.5× bare-e +worst \w+ \d+\.\d\d×  (met|NOT MET)$", table, re.MULTILINE), table


def test_the_browser_bench_shows_the_floor_a_chapters_shape_alone_sets_under_the_bare_d_target(outputs):
    table = rows(outputs["browser.py"], "floor")
    chapters = "|".join(c.id for c in CHAPTERS)
    line = rf"^every chart drawn +{RATIO} \(({chapters})\) to {RATIO} \(({chapters})\); (\d) of {len(CHAPTERS)} chapters' shapes alone over 1\.5×$"
    assert re.search(line, table, re.MULTILINE), table


@pytest.mark.parametrize(("text", "conditions"), [("100,10,5", (100.0, 10.0, 5.0)), ("0,1.5,0.75", (0.0, 1.5, 0.75)), ("100", (100.0, -1.0, -1.0))])
def test_the_browser_bench_reads_network_conditions_as_latency_and_throughputs_or_the_latency_alone(text, conditions):
    assert bench_module("browser").network_conditions(text) == conditions


@pytest.mark.parametrize("text", ["100,10", "a,b,c", "100,0,5", "-1,10,5", "100,10,5,1", "-1", "", "fast"])
def test_the_browser_bench_refuses_network_conditions_it_cannot_emulate(text):
    import argparse

    with pytest.raises(argparse.ArgumentTypeError):
        bench_module("browser").network_conditions(text)


def test_the_shape_bench_prices_every_kind_each_chapter_draws_against_the_whole_shape(outputs):
    out = outputs["shape_cost.py"]
    for chapter in CHAPTERS:
        table = rows(out, f"{chapter.id}:")
        head = re.search(rf"^## {chapter.id}: (\d+) elements, (\d+) blocks \(zh-Hans\); the whole shape {NUMBER} ms", out, re.MULTILINE)
        assert head, out
        kinds = re.findall(rf"^\| (\w+) \| (\d+) \| {RATIO} {SPREAD} \| -?\d+% \| -?{RATIO} \|$", table, re.MULTILINE)
        counts = dict((kind, int(n)) for kind, n in kinds)
        assert len(counts) == len(kinds) and counts.pop("blocks") == int(head.group(2)), table
        assert sum(counts.values()) == int(head.group(1)) and "heading" in counts and "page_link" in counts, table
        assert re.search(rf"^\| everything but one heading \| \| {RATIO} {SPREAD} \| -?\d+% \| \|$", table, re.MULTILINE), table
        assert re.search(rf"^the whole shape = {RATIO} one heading's page; 2× that page = {RATIO} the whole", table, re.MULTILINE), table
    assert "vega_lite_chart" in rows(out, "firms:") and "download_button" in rows(out, "source:")
    assert out.rstrip().endswith("errors and exception elements: 0"), out


def test_the_shape_bench_leaves_out_each_kind_drawn_in_turn_and_keeps_one_heading_as_the_floor():
    shape_cost = bench_module("shape_cost")
    assert shape_cost.variants("heading=4&markdown=8&code=0&blocks=37") == {
        "the whole shape": "heading=4&markdown=8&code=0&blocks=37",
        "heading": "heading=0&markdown=8&code=0&blocks=37",
        "markdown": "heading=4&markdown=0&code=0&blocks=37",
        "blocks": "heading=4&markdown=8&code=0&blocks=0",
        "one heading": "heading=1",
    }  # no variant for a kind the chapter does not draw (code=0)


def test_the_shape_bench_reports_a_kinds_share_and_one_elements_cost_as_ratios_of_the_same_round():
    shape_cost = bench_module("shape_cost")
    measured = {"the whole shape": [40.0, 80.0], "vega_lite_chart": [30.0, 62.0], "heading": [38.0, 76.0], "one heading": [10.0, 20.0]}
    lines = shape_cost.report("firms", "vega_lite_chart=4&heading=2", measured)
    assert lines[0].startswith("## firms: 6 elements, 0 blocks (zh-Hans); the whole shape 60.0 ms")
    # largest share first. Charts: 0.75 and 0.775 of the whole in the two rounds; one chart
    # 10/4 ms of a 10 ms page, then 18/4 of 20: the medians of the rounds' ratios
    assert lines[3] == "| vega_lite_chart | 4 | 0.76× (0.75–0.78) | 24% | 0.24× |"
    assert lines[4] == "| heading | 2 | 0.95× (0.95–0.95) | 5% | 0.10× |"
    assert lines[5] == "| everything but one heading | | 0.25× (0.25–0.25) | 75% | |"
    assert lines[6].startswith("the whole shape = 4.00× one heading's page; 2× that page = 0.50× the whole")
    assert lines[6].endswith("a page of this shape would have to cost 50% less")


@pytest.mark.parametrize("bench", ["load", "shape_cost"])
def test_the_benches_refuse_a_chapter_the_site_does_not_have(bench, capsys):
    with pytest.raises(SystemExit) as exited:
        bench_module(bench).parse_args(["--only", "nosuch"])
    assert exited.value.code == 2
    assert "--only nosuch: no such chapter (departments, firms, guidance, officials, overview, safety, source)" in capsys.readouterr().err
    assert bench_module(bench).parse_args(["--only", "firms"]).only == ["firms"]


def test_a_p95_ratio_is_the_median_of_the_alternations_ratios_not_a_ratio_of_medians():
    median_ratio = bench_module("load").median_ratio
    assert median_ratio([4, 6, 9], [1, 3, 3]) == 3.0  # ratios 4, 2, 3; medians' ratio would be 6/3 = 2
    assert median_ratio([2, 3, 30], [1, 1, 1]) == 3.0  # one bad moment moves it less than a mean (11.67)


def test_a_p95_ratio_leaves_out_alternations_without_a_baseline_and_is_nan_with_none():
    median_ratio = bench_module("load").median_ratio
    assert median_ratio([5, 2, 3], [0, 1, 1]) == 2.5
    ratio = median_ratio([5], [0])
    assert ratio != ratio


def bench_module(name: str):
    """A bench script imported as a module (``bench/`` on the path while it imports)."""
    import importlib

    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(BENCH))


def test_a_refused_handshake_is_an_outcome_with_its_status_and_time():
    """What the hardening tests rely on: a server over its session limit answers 503, not a crash."""
    load = bench_module("load")

    class Full(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    with socketserver.TCPServer(("127.0.0.1", 0), Full) as full:
        threading.Thread(target=full.serve_forever, daemon=True).start()
        try:
            result = run_async(load.open_session(f"http://127.0.0.1:{full.server_address[1]}", "", ""))
        finally:
            full.shutdown()
    assert result.outcome == "refused" and result.status == 503, result
    assert 0 < result.seconds < 10, result


ANSWERED = "lang=en&fig=park_firms_resumed"  # the overview past its guess (datong.web.engage.guess_answered)


def test_the_load_client_reads_charts_widgets_and_missing_pages_from_the_site():
    """The browser bench waits for as many charts as one run over the websocket sends (the overview,
    answered, has some: a permalink to its headline figure skips the guess)."""
    load = bench_module("load")
    with load.servers(bare=False) as started:
        url = started["site"].url
        overview = run_async(load.open_session(url, "", ANSWERED))
        asking = run_async(load.open_session(url, "", "lang=en"))
        missing = run_async(load.open_session(url, "a/b", "lang=en"))
        refused = run_async(load.open_session("http://127.0.0.1:1", "", ""))

        async def slide() -> tuple:
            async with load.connect(url) as session:
                first = await session.run("", ANSWERED)
                again = await load.send_widget_value(session, first.widgets["what-if-rate"], [0.5])
                return first, again

        first, again = run_async(slide())
    assert overview.ok and overview.elements["vega_lite_chart"] >= 2, overview
    assert asking.ok and asking.elements.get("vega_lite_chart", 0) == 0 and "what-if-rate" not in asking.widgets, asking  # the guess first
    assert "what-if-rate" in overview.widgets and overview.widgets["what-if-rate"].endswith("-what-if-rate"), overview.widgets
    assert missing.outcome == "error" and "page_not_found" in missing.detail, missing
    assert refused.outcome == "unreachable", refused
    assert first.ok and again.ok and again.elements["vega_lite_chart"] == first.elements["vega_lite_chart"], (first, again)


def test_the_load_bench_compares_two_running_servers_and_prints_b_against_a():
    """What the deploy tests use for 2 replicas against 1: --compare A B, interleaved, with ratios."""
    load = bench_module("load")
    with load.servers(site=False) as started:
        a, b = started["bare-d"].url, started["bare-s"].url
        done = subprocess.run(
            [sys.executable, str(BENCH / "load.py"), "--compare", a, b, "--only", "overview", "--sessions", "1", "--levels", "1,2", "--rounds", "1"],
            capture_output=True, text=True, timeout=120, cwd=paths.ROOT,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(rf"^overview( +{NUMBER}){{14}}$", done.stdout, re.MULTILINE), done.stdout
    assert re.search(rf"^new readers/s one at a time: {RATIO}$", done.stdout, re.MULTILINE), done.stdout
    for level in (1, 2):
        assert re.search(rf"^at +{level} concurrent: throughput .* = {RATIO}; p95 .* = {RATIO}$", done.stdout, re.MULTILINE), done.stdout
    assert re.search(r"^B +\d+ sessions, 0 errors \(none\), 0 exception elements$", done.stdout, re.MULTILINE), done.stdout


def test_the_serving_process_loads_neither_pandas_nor_the_export_engine_after_serving_every_page():
    """Issue 9.3: what serving loads. Chart data are plain rows and Arrow tables, so pandas (about
    40 MiB) stays out; vl-convert loads on the first export only. Read from the live server's
    memory map (the packages' compiled modules) after every chapter in every language, and the
    overview past its guess, went over the websocket. The pure-Python pipeline packages (pypinyin,
    jieba) leave no trace there: tests/test_pipeline_web.py checks them in-process."""
    from web_servers import site_server

    load = bench_module("load")

    async def every_page(url: str) -> list:
        pages = [(path, f"lang={lang}") for _, path in load.chapter_pages() for lang in LANGS]
        results = [await load.open_session(url, path, query) for path, query in [*pages, ("", "lang=en&fig=park_firms_resumed")]]
        return [r for r in results if not r.ok or r.exceptions]

    with site_server() as server:
        assert run_async(every_page(server)) == []
        maps = Path(f"/proc/{server.pid}/maps").read_text()
    assert "site-packages/pyarrow/" in maps  # the check sees a compiled package that is loaded
    assert [name for name in ("pandas", "vl_convert") if f"site-packages/{name}/" in maps] == []


def test_the_ab_bench_prints_cpu_per_reader_and_ratios_for_running_servers():
    """bench/ab_cpu.py finds each server by its port and prints medians and ratios to the first."""
    from web_servers import site_server

    with site_server() as server:
        argv = [sys.executable, str(BENCH / "ab_cpu.py"), server, server, "--sessions", "1", "--rounds", "2", "--only", "guidance"]
        done = subprocess.run(argv, cwd=paths.ROOT, text=True, capture_output=True, timeout=240)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    rounds = re.findall(rf"^round (\d): +({NUMBER}) +({NUMBER})  ms CPU per new reader$", done.stdout, re.MULTILINE)
    assert [r[0] for r in rounds] == ["1", "2"] and all(float(a) > 0 and float(b) > 0 for _, a, b in rounds)
    medians = re.findall(rf"^{re.escape(server)}: median ({NUMBER}) ms per new reader = (\d+\.\d\d)× the first$", done.stdout, re.MULTILINE)
    assert len(medians) == 2 and medians[0][1] == "1.00"
    assert "errors and exception elements: 0" in done.stdout
