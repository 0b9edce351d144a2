"""The repair command as a newsroom meets it: exit 0 / 1 / 2, one-line messages, atomic outputs, the report."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from datong import paths
from datong.pipeline.command import main


def run(args, capsys):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out, out.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"\x00\x01\x02binary\x00" * 20, "binary data"),
        ("我們正組織員工加班".encode("gbk"), "not UTF-8 text (byte 0xce); if it is GBK"),
        ("我們".encode("utf-16"), "UTF-16 text"),
    ],
)
def test_an_unreadable_input_exits_2_with_one_line_naming_it(tmp_path, capsys, content, message):
    source = tmp_path / "next.raw.txt"
    if content is not None:
        source.write_bytes(content)
    code, _, err = run([source, "--hant", tmp_path / "out.txt"], capsys)
    assert code == 2
    assert err.count("\n") == 1 and message in err and str(source) in err
    assert not (tmp_path / "out.txt").exists()


def test_a_folder_given_as_input_exits_2(tmp_path, capsys):
    code, _, err = run([tmp_path], capsys)
    assert code == 2 and "is a directory" in err


def test_an_empty_file_is_repaired_to_an_empty_text(tmp_path, capsys):
    source, out = tmp_path / "empty.txt", tmp_path / "out.txt"
    source.write_bytes(b"")
    code, _, _ = run([source, "--hant", out], capsys)
    assert code == 0 and out.read_text(encoding="utf-8") == "\n"


def test_the_command_never_writes_over_its_input(tmp_path, capsys):
    source = tmp_path / "next.raw.txt"
    source.write_text("區(qū)產(chǎn),,好\n", encoding="utf-8")
    code, _, err = run([source, "--hant", source], capsys)
    assert code == 2 and "never writes over its input" in err
    assert source.read_text(encoding="utf-8") == "區(qū)產(chǎn),,好\n"


def test_an_output_is_replaced_whole_and_no_temporary_file_is_left(tmp_path, capsys):
    source, out = tmp_path / "next.raw.txt", tmp_path / "out.txt"
    source.write_text("區(qū)產(chǎn),,好\n", encoding="utf-8")
    out.write_text("old", encoding="utf-8")
    assert run([source, "--hant", out], capsys)[0] == 0
    assert out.read_text(encoding="utf-8") == "區產，好\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["next.raw.txt", "out.txt"]


def test_a_correction_that_no_longer_matches_exits_2_and_leaves_the_outputs_as_they_were(tmp_path, capsys):
    source, out, fixes = tmp_path / "next.raw.txt", tmp_path / "out.txt", tmp_path / "fix.csv"
    source.write_text("區(qū)產(chǎn)\n", encoding="utf-8")
    fixes.write_text("match,replacement,reason,reason_zh\n前不�,前不久,lost byte,丢失字节\n", encoding="utf-8")
    out.write_text("old", encoding="utf-8")
    code, _, err = run([source, "--hant", out, "--corrections", fixes], capsys)
    assert code == 2 and "fix.csv, row 2, field 'match'" in err and "matches 0 times" in err
    assert out.read_text(encoding="utf-8") == "old"


def test_a_missing_output_folder_exits_2(tmp_path, capsys):
    source = tmp_path / "next.raw.txt"
    source.write_text("好\n", encoding="utf-8")
    code, _, err = run([source, "--hant", tmp_path / "no" / "out.txt"], capsys)
    assert code == 2 and "does not exist" in err


def test_spots_left_exit_1_each_named_by_line_column_and_reason(tmp_path, capsys):
    code, out, _ = run([paths.RAW_REPORT, "--hant", tmp_path / "out.txt"], capsys)
    assert code == 1
    spots = [line for line in out.splitlines() if "unresolved:" in line]
    assert spots == [
        "  unresolved: line 2, column 52: re-decoded, but “ here is a guess: the mirror lost its second byte"
        " (it could be ’, ‘, ”): check it: …，會按時送達。”“4月27日上午…",
        "  unresolved: line 2, column 88: the quotation opened with “ at column 52 is not closed in this paragraph:"
        " …電話一個接著一個。電話鈴聲里，跳動…",
        "  unresolved: line 5, column 53: re-decoded, but 久 here is a guess: the mirror lost its second byte"
        " (it could be 就, 拘, 均, 具): check it: …復產景象。“前不久，一批3600…",
        "  unresolved: line 6, column 72: implausible character(s) 'ｓ': …布料加工。“目前ｓ業大部分員工已返…",
    ]


def test_the_report_lists_every_change_and_every_spot_left(tmp_path, capsys):
    report = tmp_path / "report.json"
    code, _, _ = run([paths.RAW_REPORT, "--hant", tmp_path / "out.txt", "--report", report], capsys)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert code == 1
    assert data["counts"] == {"redecoded": 8, "readings": 146, "punctuation": 122, "parentheses": 2, "corrections": 0}
    assert len(data["changes"]) == 8 + 146 + 122 + 2 * 2  # a pair of parentheses is two changes, one fix
    assert {tuple(sorted(c)) for c in data["changes"]} == {("after", "before", "column", "confidence", "line", "rule")}
    first = data["changes"][0]
    assert (first["line"], first["column"], first["rule"], first["before"], first["after"]) == (
        1,
        6,
        "readings",
        "(qū)",
        "",
    )  # ——大通區(qū): after 區, column 6
    straddle = next(c for c in data["changes"] if c["before"].startswith("?shù)"))
    assert (straddle["rule"], straddle["after"], straddle["confidence"]) == ("redecoded", "等方面的突出問題", 1.0)
    assert [(s["line"], s["column"]) for s in data["unresolved"]] == [(2, 52), (2, 88), (5, 53), (6, 72)]


def test_the_committed_report_is_what_the_command_writes_now(tmp_path, capsys):
    report = tmp_path / "repair-report.json"
    args = [paths.RAW_REPORT, "--corrections", paths.CORRECTIONS, "--hant", tmp_path / "h.txt", "--report", report]
    assert run(args, capsys)[0] == 0
    assert report.read_bytes() == paths.REPAIR_REPORT.read_bytes()


def test_the_committed_report_says_what_the_source_chapter_shows():
    data = json.loads(paths.REPAIR_REPORT.read_text(encoding="utf-8"))
    assert data["counts"] == {"redecoded": 8, "readings": 146, "punctuation": 122, "parentheses": 2, "corrections": 3}
    assert [c["match"] for c in data["corrections"]] == ["送達。”“4月27日", "“前不久，", "目前ｓ業"]
    assert all(c["reason"] and c["reason_zh"] for c in data["corrections"])
    assert data["unresolved"] == []


def test_the_module_commands_both_run_and_say_how(tmp_path):
    for module in ("datong.pipeline", "datong.pipeline.repair"):
        done = subprocess.run(
            [sys.executable, "-m", module, "--help"], capture_output=True, text=True, cwd=paths.ROOT, timeout=60
        )
        assert done.returncode == 0 and "Exit 0: repaired; 1:" in " ".join(done.stdout.split())


def _readme_example() -> list[str]:
    """The ```text blocks of the README's worked example of a corrections file, in order."""
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**Fixing a flagged spot with a corrections file**") :]
    section = section[: section.index("`datong/figures.py`")]
    return [block.split("\n", 1)[1].rstrip("\n") for block in section.split("```text")[1:]]


def test_the_readmes_worked_example_of_a_corrections_file_is_what_the_command_says(tmp_path, capsys, monkeypatch):
    sample, flagged, corrections, fixed = (block.split("\n```")[0] for block in _readme_example())
    (tmp_path / "next-report.raw.txt").write_text(sample + "\n", encoding="utf-8")
    (tmp_path / "next-corrections.csv").write_text(corrections + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for shown in (flagged, fixed):
        command, *said = shown.split("\n")
        code, out, _ = run(command.removeprefix("$ python -m datong.pipeline ").split(), capsys)
        assert said[-2:] == ["$ echo $?", str(code)]
        assert out.rstrip("\n").split("\n") == said[:-2]
