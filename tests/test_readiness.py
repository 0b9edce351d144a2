"""The start-up data check (datong.web.readiness) and what the serving process loads."""

from __future__ import annotations

import subprocess
import sys

from datong import paths
from datong.web import readiness


def test_the_start_up_check_passes_on_the_repository_and_loads_no_pipeline_or_export_engine():
    code = (
        "import sys\n"
        "from datong.web import readiness\n"
        "state = readiness.check()\n"
        "print(state.ready, state.problem)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pypinyin', 'vl_convert') or m.startswith('datong.pipeline')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=paths.ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    ready, loaded = done.stdout.splitlines()[-2:]
    assert ready == "True "
    assert loaded == "[]"


def test_every_file_the_server_reads_is_checked():
    checked = set(readiness.data_files())
    assert {paths.FIGURES, paths.ARTICLE_HANS, paths.ARTICLE_HANT, paths.ARTICLE_EN, paths.SOURCE_META, paths.SITE_CSS, paths.REPAIR_REPORT} <= checked
    assert set(paths.TEXT.glob("*.toml")) <= checked


def test_a_missing_file_is_named(tmp_path):
    assert readiness.check_encoding(tmp_path / "figures.csv") == f"figures.csv: file is missing ({tmp_path / 'figures.csv'})"


def test_a_file_that_is_not_utf8_is_named_with_its_line(tmp_path):
    path = tmp_path / "en.toml"
    path.write_bytes("a = 1\nb = '中'\n".encode("gbk"))
    assert readiness.check_encoding(path) == "en.toml, line 2: not UTF-8 text (byte 0xd6)"


def test_a_good_file_passes(tmp_path):
    path = tmp_path / "ok.toml"
    path.write_text("a = '中'\n", encoding="utf-8")
    assert readiness.check_encoding(path) is None
