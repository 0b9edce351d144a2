"""Property tests: the repair never fails on any input, and what it gets is what it gives back.

Random Unicode, GBK bytes decoded out of step, lines of only punctuation or only pinyin,
CRLF, a BOM, an empty file and a 10 MB one. The command must exit 0, 1 or 2 (never 3, never a
traceback), and the repair must keep the number of lines.
"""

from __future__ import annotations

import contextlib
import io
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datong import paths
from datong.pipeline.command import main
from datong.pipeline.repair import repair, split_lines

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
MARKS = "。，、；：？！“”‘’《》（）,.;:!?()—…"
PINYIN = ["(qū)", "(yè)", "(chǎn)", "(zhe)", "(shù)", "(ā)", "qū", "yè "]


def command(path, *args) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(path), *map(str, args)])
    return code, out.getvalue() + err.getvalue()


def check(text: str) -> None:
    result = repair(text)
    assert len(result.traditional.split("\n")) - 1 == max(1, len(split_lines(text)))
    assert "\r" not in result.traditional
    for spot in result.unresolved:
        assert spot.line >= 1 and spot.column >= 1 and spot.reason


@FAST
@given(st.text(max_size=300))
def test_any_unicode_text_is_repaired_without_an_error(text):
    check(text)


@FAST
@given(
    st.lists(
        st.sampled_from(
            ["", "\n", "\r\n", "\r", "\ufeff", "\ufffd", "!", "?", ",", "(", ")", "<", ">", "/p>", "&nbsp;", "a", "I", "^"]
        )
        | HAN.map(str),
        max_size=80,
    )
)
def test_text_made_of_the_pieces_damage_is_made_of_is_repaired_without_an_error(pieces):
    check("".join(pieces))


@st.composite
def gbk_out_of_step(draw):
    """Chinese text with marks, in GBK, with bytes lost and the rest decoded out of step."""
    chars = draw(st.lists(HAN | st.sampled_from(list(MARKS[:12])), min_size=1, max_size=120))
    data = bytearray("".join(chars).encode("gb18030"))
    for _ in range(draw(st.integers(1, 6))):
        if data:
            del data[draw(st.integers(0, len(data) - 1))]
    return bytes(data).decode("gb18030", errors="replace")


@FAST
@given(gbk_out_of_step())
def test_gbk_bytes_decoded_out_of_step_are_repaired_without_an_error(text):
    check(text)


@FAST
@given(
    st.lists(
        st.text(alphabet=MARKS, min_size=1, max_size=40)
        | st.lists(st.sampled_from(PINYIN), min_size=1, max_size=12).map("".join),
        max_size=8,
    )
)
def test_lines_of_only_punctuation_or_only_pinyin_are_repaired_without_an_error(lines):
    check("\n".join(lines))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.binary(max_size=400))
def test_the_command_on_any_bytes_exits_0_1_or_2_and_says_why_in_one_line(tmp_path_factory, data):
    source = tmp_path_factory.mktemp("in") / "next.raw.txt"
    source.write_bytes(data)
    out = source.with_name("out.txt")
    code, said = command(source, "--hant", out)
    assert code in (0, 1, 2), said
    assert "Traceback" not in said
    if code == 2:
        assert said.count("\n") == 1 and not out.exists()


def test_crlf_and_a_bom_repair_as_plain_line_ends_do():
    raw = paths.RAW_REPORT.read_text(encoding="utf-8")
    plain = repair(raw)
    for variant in ("\ufeff" + raw, raw.replace("\n", "\r\n"), "\ufeff" + raw.replace("\n", "\r\n"), raw.replace("\n", "\r")):
        again = repair(variant)
        assert again.traditional == plain.traditional
        assert [str(s) for s in again.unresolved] == [str(s) for s in plain.unresolved]


@pytest.mark.timeout(300)
def test_a_10_mb_file_is_repaired_in_linear_time(tmp_path):
    """10 MB: the raw report (one part in ten) among repaired text; the spots scale with it."""
    raw = paths.RAW_REPORT.read_text(encoding="utf-8")
    clean = paths.ARTICLE_HANT_AS_RECEIVED.read_text(encoding="utf-8")
    unit = clean * 9 + raw.rstrip("\n") + "\n"
    copies = 10_000_000 // len(unit.encode("utf-8"))
    source = tmp_path / "big.raw.txt"
    source.write_text(unit * copies, encoding="utf-8")
    assert source.stat().st_size > 9_900_000
    started = time.process_time()
    code, said = command(source, "--hant", tmp_path / "big.txt")
    seconds = time.process_time() - started
    assert code == 1
    assert said.count("unresolved:") == 4 * copies  # the raw report's four spots, in every copy
    lines = (tmp_path / "big.txt").read_text(encoding="utf-8").count("\n")
    assert lines == len(unit.splitlines()) * copies
    print(f"10 MB repaired in {seconds:.1f} s of CPU")
