"""The loaders every page reads through: computed once per key, chart data complete."""

import threading
import time

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from datong import paths
from datong.web.site_data import arrow_table, once_per_key


def test_concurrent_callers_of_one_key_wait_for_a_single_computation():
    calls = []

    @once_per_key()
    def slow(key):
        calls.append(key)
        time.sleep(0.05)
        return key.upper()

    results = []
    threads = [threading.Thread(target=lambda: results.append(slow("a"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["A"] * 8
    assert calls == ["a"]
    assert slow("b") == "B" and calls == ["a", "b"]


def test_a_bounded_cache_forgets_its_oldest_key_first():
    calls = []

    @once_per_key(maxsize=2)
    def double(n):
        calls.append(n)
        return 2 * n

    assert [double(1), double(2), double(1), double(3), double(1), double(2)] == [2, 4, 2, 6, 2, 4]
    # 3 pushes out 1 (the oldest stored, hits do not refresh it); 1 then pushes out 2
    assert calls == [1, 2, 3, 1, 2]


def test_one_call_spelt_three_ways_is_computed_once():
    calls = []

    @once_per_key()
    def blocks(chapter, lang, share=False):
        calls.append((chapter, lang, share))
        return object()

    first = blocks("overview", "en")
    assert blocks("overview", "en", False) is first
    assert blocks("overview", lang="en", share=False) is first
    assert blocks("overview", "en", True) is not first
    assert calls == [("overview", "en", False), ("overview", "en", True)]


def test_every_chapter_a_reader_opens_was_built_at_start_up(monkeypatch):
    """After warm(), rendering any chapter in any language builds no chart again."""
    from datong import charts
    from datong.web import site_data

    site_data.warm()
    built = []
    original = charts.chapter_charts
    monkeypatch.setattr(charts, "chapter_charts", lambda *a, **k: built.append(a[0]) or original(*a, **k))
    for lang in ("zh-Hans", "zh-Hant", "en"):
        at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=60)
        at.query_params["lang"] = lang
        at.run()
        for page in ("overview", "departments", "firms", "safety", "officials"):
            at.switch_page(f"pages/{page}.py").run()
            assert not at.exception
    assert built == []


def test_chart_data_keeps_columns_that_only_later_rows_have():
    table = arrow_table([{"a": 1}, {"a": 2, "b": "x"}])
    assert isinstance(table, pa.Table)  # a public dataframe-like type, not pre-encoded bytes (issue 9.6)
    assert table.column_names == ["a", "b"]
    assert table.to_pylist() == [{"a": 1, "b": None}, {"a": 2, "b": "x"}]


def _language_scripts(at: AppTest) -> int:
    return sum("documentElement.lang" in element.proto.body for element in at.get("html"))


@pytest.mark.parametrize("lang", ["zh-Hant", "en"])
def test_the_document_language_script_is_sent_once_per_session_and_again_after_a_switch(lang):
    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=30)
    at.query_params["lang"] = lang
    at.run()
    assert _language_scripts(at) == 1
    at.run()
    assert _language_scripts(at) == 0  # the document keeps the attribute
    other = "zh-Hans"
    at.segmented_control(key="lang_picker").set_value(other).run()
    assert _language_scripts(at) == 1
    assert f"{other!r}" in next(e.proto.body for e in at.get("html") if "documentElement.lang" in e.proto.body)


def test_a_chart_on_the_page_leaves_its_title_to_the_heading_above_it_but_keeps_its_subtitle():
    from datong.chapters import CHAPTERS
    from datong.web.site_data import chart_blocks

    seen_subtitles = 0
    for chapter in CHAPTERS:
        for ready in chart_blocks(chapter.id, "en"):
            full = ready.block.chart.to_dict()["title"]  # what the PNG and SVG downloads draw
            shown = ready.spec.get("title")
            if isinstance(full, dict) and full.get("subtitle"):
                seen_subtitles += 1
                assert shown["text"] == full["subtitle"] and "subtitle" not in shown
            else:
                assert shown is None, (ready.block.id, shown)
    assert seen_subtitles >= 2  # the two bar charts that explain their faded ends


@pytest.mark.parametrize(
    ("text", "message"),
    [("{", r"meta.json: not valid JSON"), ('{"year": 2020}', r"meta.json, field 'year_is_inferred'"), ('{"year_is_inferred": "false"}', r"meta.json, field 'year_is_inferred'")],
)
def test_a_broken_source_description_fails_at_load_naming_file_and_field(tmp_path, text, message):
    from datong.web.site_data import source_meta

    path = tmp_path / "meta.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        source_meta(path)


def test_after_warm_up_no_page_in_traditional_needs_the_converter_again():
    """warm() converts every Traditional string a page shows, then frees OpenCC's dictionaries
    (about 40 MiB): every chapter in zh-Hant, the overview past its guess, the served HTML and
    the source chapter's files must then come from what was converted (none reloads them)."""
    import subprocess
    import sys

    code = """
import sys
from streamlit.testing.v1 import AppTest
from datong import chapters, script
from datong.web import shell, site_data, site_pages
site_data.warm()
assert script._converter.cache_info().currsize == 0, "warm() left the converter loaded"
at = AppTest.from_file("app.py", default_timeout=60)
at.query_params["lang"] = "zh-Hant"
at.query_params["fig"] = "park_firms_resumed"
at.run()
for page in ("officials", "guidance", "departments", "safety", "firms", "source"):
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, page
for chapter in chapters.CHAPTERS:
    html = shell.chapter_html(site_pages.streamlit_index(), chapter, "zh-Hant", "http://localhost:8501",
                              site_data.texts("zh-Hant"), site_data.figures())
    assert "<h1" in html
site_data.source_files("zh-Hant")
print(script._converter.cache_info().currsize)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=paths.ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split()[-1] == "0"
