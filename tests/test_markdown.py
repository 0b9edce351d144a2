"""Markdown written by the site: literal text, tables, and lists that fit a phone."""

from datong.web.markdown import escape_markdown, markdown_records, markdown_table


def colon(label: str, value: str) -> str:
    return f"{label}：{value}"


def test_escaped_text_shows_markup_literally():
    assert escape_markdown("<script>*x*</script> $1 [a](b)") == r"\<script\>\*x\*\</script\> \$1 \[a\]\(b\)"


def test_a_record_puts_name_and_value_first_then_the_quote_then_the_rest_and_hides_the_id():
    rows = [
        {"指标": "园区已复工企业", "数值": "91", "原文": "已复工91家", "单位": "家", "id": "park_firms_resumed"},
        {"指标": "<b>x</b>", "数值": "20+", "原文": "", "单位": "家", "id": "y"},
    ]
    assert markdown_records(rows, colon).splitlines() == [
        "- **园区已复工企业** · 91  ",
        "  原文：已复工91家  ",
        "  单位：家",
        r"- **\<b\>x\</b\>** · 20\+  ",  # an empty cell is left out
        "  单位：家",
    ]


def test_a_table_has_a_header_a_rule_and_one_line_per_row():
    assert markdown_table([{"a": 1, "b": "x|y"}, {"a": 2, "b": "z"}]).splitlines() == [
        "| a | b |",
        "| --- | --- |",
        r"| 1 | x\|y |",
        "| 2 | z |",
    ]


def test_a_record_with_few_or_missing_cells_still_reads():
    rows = [{"指标": "只有名称", "数值": float("nan")}, {"指标": "", "id": "x"}, {"指标": "甲", "数值": "1"}]
    assert markdown_records(rows, colon).splitlines() == ["- **只有名称**", "- **甲** · 1"]
