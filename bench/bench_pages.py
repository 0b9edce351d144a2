"""Each chapter's warm in-process run time as a ratio to an empty page's, in the same run.

Usage: python bench/bench_pages.py [--runs N] [--lang L]
A ratio, not a time, because these machines are noisy; the target is ≤ 1.5×. Two baselines:
the empty page (``empty_page.py``: one heading, nothing else) and the site's own shell around
an empty chapter (``site_shell.py``: navigation, language switcher, one heading), so the
output shows both what a chapter costs and what it adds to the part every page pays.

"Warm" means a server that has already served a session: caches filled, and Streamlit out of
its legacy ``pages/`` directory mode (the first ``st.navigation`` call switches it off for the
whole process). AppTest switches that mode back on before every run, which would time the
first-request path (every file in ``pages/`` turned into a page, the chapter routed twice) on
every rerun; :func:`as_on_a_warm_server` keeps it off, as on a server readers have reached.
The empty page runs between the chapter's runs (same machine state), and the end of a run is
noticed within 0.05 ms (:func:`poll_finely`), so the ratio is not rounded to AppTest's 1 ms poll.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import ScriptRunnerEvent
from streamlit.testing.v1 import AppTest, local_script_runner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from datong.chapters import CHAPTERS  # noqa: E402
from datong.web import site_data  # noqa: E402


def as_on_a_warm_server() -> None:
    """Keep Streamlit out of its legacy pages/ mode, as the site's first run leaves it."""
    set_up = PagesManager.__init__

    def set_up_warm(self, *args, **kwargs):
        set_up(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False  # what st.navigation sets on a real server

    PagesManager.__init__ = set_up_warm


def poll_finely(interval: float = 0.00005) -> None:
    """Notice the end of a run within 0.05 ms instead of AppTest's 1 ms.

    AppTest checks every millisecond whether the script has finished, so a run time is rounded
    up to the next poll: on this machine a page that needs 0.1 ms more than another measured
    a whole millisecond (0.6× an empty page) more. Polling finely times the run, not the poll.
    """

    def wait_for_the_run(runner, timeout: float = 3) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            time.sleep(interval)
            if runner.script_stopped():
                return
        runner.request_stop()
        runner.join()
        raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")

    local_script_runner.require_widgets_deltas = wait_for_the_run


_script_clock: dict[str, float] = {}


def clock_the_script() -> None:
    """Record when each run's script starts and stops (the runner's own events).

    ``AppTest.run()`` also pays for the test harness (a mock runtime, an event loop, a thread,
    parsing the output) on every run: about half an empty page's total. That fixed cost pulls
    every ratio towards 1, so the bench prints the script's own time as well.
    """
    set_up = local_script_runner.LocalScriptRunner.__init__

    def on_event(_sender, event, **_kwargs) -> None:
        if event == ScriptRunnerEvent.SCRIPT_STARTED:
            _script_clock["start"] = time.perf_counter()
        elif event.name.startswith("SCRIPT_STOPPED"):
            _script_clock["stop"] = time.perf_counter()

    def set_up_clocked(self, *args, **kwargs):
        set_up(self, *args, **kwargs)
        self.on_event.connect(on_event, weak=False)

    local_script_runner.LocalScriptRunner.__init__ = set_up_clocked


def timed_run(at: AppTest) -> tuple[float, float]:
    """(whole AppTest run, the script alone) in seconds."""
    _script_clock.clear()
    start = time.perf_counter()
    at.run()
    total = time.perf_counter() - start
    return total, _script_clock.get("stop", 0.0) - _script_clock.get("start", 0.0)


def chapter_app(chapter_id: str, lang: str) -> AppTest:
    """The site showing one chapter, warmed up."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    if chapter_id != "overview":
        at.switch_page(str(ROOT / "pages" / f"{chapter_id}.py")).run()
    check_shows(at, chapter_id, lang)
    return at


def check_shows(at: AppTest, chapter_id: str, lang: str) -> None:
    """Fail loudly if the last run showed another page or an error (it would time the wrong thing)."""
    expected = site_data.texts(lang)(f"chapters.{chapter_id}.title")
    shown = [title.value for title in at.title]
    if shown != [expected] or at.exception:
        raise SystemExit(f"{chapter_id}: expected the heading {expected!r}, the run showed {shown} {at.exception}")


def compare(*apps: AppTest, runs: int) -> list[tuple[float, float]]:
    """Each app's medians (whole run, script alone), the apps' runs interleaved so all see the
    same machine."""
    times: list[list[tuple[float, float]]] = [[] for _ in apps]
    for _ in range(runs):
        for app, kept in zip(apps, times, strict=True):
            kept.append(timed_run(app))
    return [tuple(statistics.median(column) for column in zip(*kept, strict=True)) for kept in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--lang", default="zh-Hans")
    args = parser.parse_args()
    as_on_a_warm_server()
    poll_finely()
    clock_the_script()

    baseline = AppTest.from_file(str(ROOT / "bench" / "empty_page.py"))
    baseline.run()
    shell = AppTest.from_file(str(ROOT / "bench" / "site_shell.py"), default_timeout=60)
    shell.query_params["lang"] = args.lang
    shell.run()
    if shell.exception or len(shell.title) != 1:
        raise SystemExit(f"site_shell.py: expected one heading, the run showed {[t.value for t in shell.title]} {shell.exception}")
    print(f"warm runs, median of {args.runs} each, interleaved with both baselines; language {args.lang}")
    print("'run' = AppTest.run() as a whole; 'script' = the script alone (no test harness)")
    print("'÷ empty' = ratio to an empty page (one heading); '÷ shell' = ratio to the site's shell around an empty chapter")
    print(f"{'':<12} {'run ms':>7} {'÷ empty':>8} {'÷ shell':>8} {'script ms':>10} {'÷ empty':>8} {'÷ shell':>8}")
    worst = [0.0] * 4
    rows = []
    for chapter in CHAPTERS:
        at = chapter_app(chapter.id, args.lang)
        (run, script), (base_run, base_script), (shell_run, shell_script) = compare(at, baseline, shell, runs=args.runs)
        check_shows(at, chapter.id, args.lang)  # still the chapter after the timed runs
        ratios = [run / base_run, run / shell_run, script / base_script, script / shell_script]
        worst = [max(pair) for pair in zip(worst, ratios, strict=True)]
        rows.append((base_run, base_script, shell_run, shell_script))
        print(f"{chapter.id:<12} {run * 1000:7.2f} {ratios[0]:7.2f}× {ratios[1]:7.2f}× {script * 1000:10.2f} {ratios[2]:7.2f}× {ratios[3]:7.2f}×")
    base_run, base_script, shell_run, shell_script = (statistics.median(column) for column in zip(*rows, strict=True))
    print(f"{'empty page':<12} {base_run * 1000:7.2f} {'':>8} {'':>8} {base_script * 1000:10.2f}")
    print(f"{'site shell':<12} {shell_run * 1000:7.2f} {shell_run / base_run:7.2f}× {'':>8} {shell_script * 1000:10.2f} {shell_script / base_script:7.2f}×")
    print(f"{'worst':<12} {'':>7} {worst[0]:7.2f}× {worst[1]:7.2f}× {'':>10} {worst[2]:7.2f}× {worst[3]:7.2f}×  (target ≤ 1.5×)")


if __name__ == "__main__":
    main()
