"""bench/shed.py runs and shows shedding working: every reader past the limit refused with 503,
none failing (its timings are for reading: no timing is asserted)."""

import re
import subprocess
import sys

from datong import paths


def test_the_shedding_bench_refuses_every_reader_past_the_limit_and_reports_no_error():
    done = subprocess.run(
        [sys.executable, str(paths.ROOT / "bench" / "shed.py"), "--limit", "6", "--extra", "4", "--rounds", "1"],
        capture_output=True, text=True, timeout=300, cwd=paths.ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert re.search(r"^1 +4 +[\d.]+ +[\d.]+ +6 +4 +[\d.]+ +[\d.]+× +0$", out, re.MULTILINE), out
    assert "every reader past the limit refused with 503: met" in out
    assert "errors 0 (target 0): met" in out
    for target in ("while the limit is held", "in a burst", "served p95 in a burst"):
        assert target in out
