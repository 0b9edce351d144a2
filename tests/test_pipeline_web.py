"""Data flows one way: the site reads what the repair command wrote, and never runs the repair.

The source chapter's counts, corrections and changes come from ``data/repair-report.json``
(:mod:`datong.repair_log`); the Traditional article is ``data/article.zh-Hant.txt``, the
Simplified text through the same conversion as every Traditional quote.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from datong import paths
from datong.figures import load_figures
from datong.repair_log import RepairLogError, load_repair_log
from datong.script import to_traditional


def test_the_source_chapter_loads_and_renders_without_the_pipeline_pypinyin_or_jieba():
    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        "from datong.web import site_data, ui\n"
        "report = site_data.repair_report()\n"
        "print(len(site_data.corrections()), sum(report.counts.values()), len(site_data.raw_report()))\n"
        "print(len(site_data.article().full_text('zh-Hant')))\n"
        "at = AppTest.from_file('app.py', default_timeout=60)\n"
        "at.query_params['lang'] = 'zh-Hant'\n"
        "at.run()\n"
        "at.switch_page('pages/source.py').run()\n"
        "print(len(at.exception), any('| ' in m.value for m in at.markdown))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pypinyin', 'jieba') or m.startswith('datong.pipeline')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=paths.ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    counts, lines, rendered, loaded = done.stdout.splitlines()[-4:]
    assert counts == f"3 {8 + 146 + 122 + 2 + 3} {len(paths.RAW_REPORT.read_text(encoding='utf-8'))}"
    assert lines == "12"
    assert rendered == "0 True"
    assert loaded == "[]"


def test_the_repair_log_gives_the_counts_and_corrections_the_chapter_shows():
    log = load_repair_log(paths.REPAIR_REPORT)
    assert dict(log.counts) == {"redecoded": 8, "readings": 146, "punctuation": 122, "parentheses": 2, "corrections": 3}
    assert [c.replacement for c in log.corrections] == ["送達。”4月27日", "“前不久，", "目前，企業"]
    assert log.corrections[0].line == 2 and log.corrections[0].reason_zh.startswith("首字节0xA1")
    assert len(log.changes) == 8 + 146 + 122 + 4 + 3 and log.unresolved == ()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda r: "not json", "repair-report.json: not valid JSON"),
        (lambda r: {**r, "version": 2}, "repair-report.json, field 'version': expected 1"),
        (lambda r: {**r, "counts": {"readings": -1}}, "repair-report.json, field 'counts.readings': not a count"),
        (lambda r: {k: v for k, v in r.items() if k != "changes"}, "repair-report.json, field 'changes': missing"),
        (
            lambda r: {**r, "corrections": [{**r["corrections"][0], "reason_zh": None}]},
            "repair-report.json, corrections[0], field 'reason_zh'",
        ),
        (lambda r: {**r, "unresolved": [{"line": 1}]}, "repair-report.json, unresolved[0], field 'column'"),
    ],
)
def test_a_damaged_repair_log_is_refused_naming_file_and_field(tmp_path, edit, message):
    report = json.loads(paths.REPAIR_REPORT.read_text(encoding="utf-8"))
    path = tmp_path / "repair-report.json"
    edited = edit(report)
    path.write_text(edited if isinstance(edited, str) else json.dumps(edited), encoding="utf-8")
    with pytest.raises(RepairLogError, match=message.replace("(", r"\(").replace("[", r"\[").replace("]", r"\]")):
        load_repair_log(path)


def test_a_missing_repair_log_says_how_to_make_it(tmp_path):
    with pytest.raises(RepairLogError, match=r"repair-report\.json: file is missing .*python -m datong\.pipeline"):
        load_repair_log(tmp_path / "repair-report.json")


def test_the_traditional_article_is_the_simplified_one_converted_line_for_line():
    hans = paths.ARTICLE_HANS.read_text(encoding="utf-8").splitlines()
    hant = paths.ARTICLE_HANT.read_text(encoding="utf-8").splitlines()
    assert hant == [to_traditional(line) for line in hans]
    assert "干部" not in paths.ARTICLE_HANT.read_text(encoding="utf-8")  # the mirror kept simplified forms; s2tw does not
    assert "「" in hant[1] and "“" not in "".join(hant)  # corner quotation marks for Traditional readers


def test_every_figures_traditional_quote_is_found_verbatim_in_the_traditional_article():
    figures = load_figures(paths.FIGURES, paths.ARTICLE_HANS)
    article = paths.ARTICLE_HANT.read_text(encoding="utf-8")
    missing = [f.id for f in figures.reported if to_traditional(f.quote_zh) not in article]
    assert len(figures.reported) == 22 and missing == []


def test_the_mirror_text_is_kept_under_a_name_that_says_it_is_as_received():
    assert paths.ARTICLE_HANT_AS_RECEIVED.name == "article.zh-Hant.as-received.txt"
    text = paths.ARTICLE_HANT_AS_RECEIVED.read_text(encoding="utf-8")
    assert "干部入企服務" in text and "“" in text  # the mirror's own forms and marks


def test_the_traditional_reading_text_differs_from_the_mirrors_in_the_quotes_that_did_not_match():
    figures = load_figures(paths.FIGURES, paths.ARTICLE_HANS)
    mirror = paths.ARTICLE_HANT_AS_RECEIVED.read_text(encoding="utf-8")
    plain = [
        to_traditional(f.quote_zh).replace("「", "“").replace("」", "”").replace("『", "‘").replace("』", "’")
        for f in figures.reported
    ]
    assert sum(q not in mirror for q in plain) == 6  # issue 12.2: 6 of 22 were not found in the mirror's text
