"""The benchmarks still run and print what the README says they print (no timing is asserted:
these machines are noisy, so the numbers are for reading, not for pass/fail)."""

import re
import subprocess
import sys

from datong import paths
from datong.chapters import CHAPTERS

RATIO = r"\d+\.\d\d×"


def bench(name: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(paths.ROOT / "bench" / name), *args],
        capture_output=True, text=True, timeout=300, cwd=paths.ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_page_bench_prints_every_chapter_against_both_baselines():
    out = bench("bench_pages.py", "--runs", "2", "--lang", "en")
    for chapter in CHAPTERS:
        assert re.search(rf"^{chapter.id} +[\d.]+ +{RATIO} +{RATIO} +[\d.]+ +{RATIO} +{RATIO}$", out, re.MULTILINE), out
    assert re.search(rf"^site shell +[\d.]+ +{RATIO} +[\d.]+ +{RATIO}$", out, re.MULTILINE), out
    assert re.search(rf"^worst +{RATIO} +{RATIO} +{RATIO} +{RATIO} +\(target ≤ 1.5×\)$", out, re.MULTILINE), out


def test_the_element_bench_prices_every_element():
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("bench_elements", paths.ROOT / "bench" / "bench_elements.py")
    sys.path.insert(0, str(paths.ROOT / "bench"))
    try:
        module = module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(paths.ROOT / "bench"))
    out = bench("bench_elements.py", "--runs", "2", "--copies", "1")
    for name in module.ELEMENTS:
        assert re.search(rf"^{re.escape(name)} +-?[\d.]+ +-?{RATIO}$", out, re.MULTILINE), out
