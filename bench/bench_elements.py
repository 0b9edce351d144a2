"""What one Streamlit element adds to a warm rerun, as a share of an empty page's run time.

Usage: python bench/bench_elements.py [--runs N] [--copies K]
Why: bench_pages.py says how far each chapter is from the ≤ 1.5× target; this says what the
chapters are made of costs, so a maintainer can see which budget an element spends. Each row
is a tiny page with the empty page's heading plus K copies of one element, timed like the
chapters (warm, interleaved, polled finely) against the same page with no copies; the cost of
one element is (page − control) / K, printed in ms and as a share of the empty page's run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pages import ROOT, as_on_a_warm_server, compare, poll_finely

SET_UP = """\
import streamlit as st
from datong.web import site_data
CHART = site_data.chart_blocks("officials", "zh-Hans")[0]  # a site chart: Arrow data built once
st.title("Baseline")
"""

# element -> one copy, with {i} for a unique key; what the chapters use
ELEMENTS = {
    "markdown paragraph": "st.markdown('A paragraph {i}.')",
    "header": "st.header('Heading {i}', anchor=False)",
    "metric card (help, border)": "st.metric('Label {i}', '47', help='Quote', border=True)",
    "container (keyed)": "st.container(key='c{i}').markdown('x')",
    "columns (2)": "st.columns(2)",
    "expander": "st.expander('More {i}').markdown('x')",
    "tabs (3, lazy)": "st.tabs(['a', 'b', 'c'], key='t{i}', on_change='rerun')",
    "selectbox": "st.selectbox('Pick {i}', [None, 1, 2, 3], key='s{i}')",
    "segmented control": "st.segmented_control('Lang {i}', ['a', 'b', 'c'], key='g{i}', required=True)",
    "download button": "st.download_button('Get {i}', b'x' * 3000, file_name='x.csv', key='d{i}')",
    "site chart (clickable)": (
        "st.vega_lite_chart(CHART.fresh_spec(), theme=None, key='v{i}', on_select='rerun', selection_mode='pick')"
    ),
}


def page_source(element: str, copies: int) -> str:
    return SET_UP + "".join(element.format(i=i) + "\n" for i in range(copies))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    as_on_a_warm_server()
    poll_finely()

    baseline = AppTest.from_file(str(ROOT / "bench" / "empty_page.py"))
    baseline.run()
    print(f"one element's cost in a warm rerun ({args.copies} copies per page, median of {args.runs} runs)")
    print(f"{'element':<28} {'ms':>6} {'× empty page':>13}")
    with tempfile.TemporaryDirectory() as folder:

        def page_of(element: str, number: int) -> AppTest:
            script = Path(folder) / f"page_{number}.py"
            script.write_text(page_source(element, args.copies), encoding="utf-8")
            page = AppTest.from_file(str(script), default_timeout=30)
            page.run()
            return page

        # The control page: the same set-up with no copies, so set-up and compiling do not count.
        control = page_of("", 0)
        [(base, _)] = compare(baseline, runs=args.runs)  # the empty page, for the share column
        for number, (name, element) in enumerate(ELEMENTS.items(), start=1):
            (median, _), (without, _) = compare(page_of(element, number), control, runs=args.runs)
            each = (median - without) / args.copies
            print(f"{name:<28} {each * 1000:6.3f} {each / base:12.2f}×")

if __name__ == "__main__":
    main()
