"""Each chapter's warm in-process run time as a ratio to an empty page's, in the same run.

Usage: python bench/bench_pages.py [--runs N]
A ratio, not a time, because these machines are noisy; the target is ≤ 1.5×.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from datong.chapters import CHAPTERS  # noqa: E402


def warm_median(at: AppTest, runs: int) -> float:
    at.run()  # warm-up: caches filled, modules imported
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def chapter_app(chapter_id: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    if chapter_id != "overview":
        at.switch_page(str(ROOT / "pages" / f"{chapter_id}.py")).run()
    return at


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--lang", default="zh-Hans")
    args = parser.parse_args()

    baseline = warm_median(AppTest.from_file(str(ROOT / "bench" / "empty_page.py")), args.runs)
    print(f"empty page: {baseline * 1000:.1f} ms (median of {args.runs} warm runs)")
    print(f"{'chapter':<12} {'ms':>8} {'ratio':>7}")
    for chapter in CHAPTERS:
        median = warm_median(chapter_app(chapter.id, args.lang), args.runs)
        print(f"{chapter.id:<12} {median * 1000:8.1f} {median / baseline:6.1f}×")


if __name__ == "__main__":
    main()
