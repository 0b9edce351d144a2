"""The repair rules, each on small inline cases, and the rebuild of the checked-in articles."""

import hashlib
import json
import re

import pytest

from datong import paths
from datong.pipeline.corrections import Correction, CorrectionError, apply_corrections, load_corrections
from datong.pipeline.repair import (
    _lone_rare_at,
    dropped_mark_flags,
    main,
    normalise_punctuation,
    punctuation_edits,
    redecode_misaligned_runs,
    remove_inserted_readings,
    repair,
    unresolved_spots,
)
from datong.pipeline.spots import find_spots

META = json.loads(paths.SOURCE_META.read_text(encoding="utf-8"))


def garble(text: str) -> str:
    """Make a misaligned run the way the mirror did: drop the first byte, decode one byte over."""
    data = text.encode("gb18030")
    return data[1:].decode("gb18030", errors="replace")


# --- the raw source -----------------------------------------------------------------------


def test_raw_source_is_the_file_received_byte_for_byte():
    data = paths.RAW_REPORT.read_bytes()
    assert len(data) == META["bytes"] == 5412
    assert hashlib.sha256(data).hexdigest() == META["sha256"]


def test_the_source_sidecar_says_what_the_source_is_and_marks_the_year_as_inferred():
    for field in ("what", "reporter", "as_of", "year", "year_reason", "sha256", "how_it_reached_us", "damage"):
        assert META[field], field
    assert META["file"] == paths.RAW_REPORT.name
    assert META["year"] == 2020 and META["year_is_inferred"] is True
    assert len(META["damage"]) == 3


# --- pinyin readings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("工業(yè)區(qū)", "工業區"),
        ("復產(chǎn)", "復產"),
        ("(大通工業(yè)新區(qū)、上窯)", "(大通工業新區、上窯)"),  # a real parenthesis around readings
        ("接著(zhe)", "接著"),  # neutral tone is still a reading
    ],
)
def test_a_reading_of_the_character_before_it_is_removed(text, expected):
    assert remove_inserted_readings(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "(記者 朱慶磊)",  # the byline
        "銀行(bank)",  # an English word in parentheses
        "企業(2020)",  # a number in parentheses
        "方案(A)",  # a Latin letter that is not pinyin
        "區(chǎn)",  # a syllable that is not a reading of this character
        "abc(ā)",  # no Chinese character before it
    ],
)
def test_parentheses_that_are_not_a_reading_survive(text):
    assert remove_inserted_readings(text) == (text, 0)


def test_removed_readings_are_counted():
    assert remove_inserted_readings("區(qū)產(chǎn)(記者 朱慶磊)")[1] == 2


# --- punctuation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("甲,乙", "甲，乙"),
        ("甲,,乙", "甲，乙"),
        ("交付,。", "交付。"),
        ("黨委,、政府", "黨委、政府"),
        ("活動,;摸排", "活動；摸排"),
        ("愁死了!大通", "愁死了！大通"),
        ("真的?是", "真的？是"),
    ],
)
def test_ascii_doubled_and_stacked_punctuation_becomes_one_full_width_mark(text, expected):
    assert normalise_punctuation(text)[0] == expected


@pytest.mark.parametrize("text", ["3,600個", "85.8%", "8:30開會"])
def test_punctuation_inside_numbers_is_left_alone(text):
    assert normalise_punctuation(text)[0] == text


def test_genuine_parentheses_around_chinese_become_full_width_and_english_ones_stay():
    assert normalise_punctuation("(記者 朱慶磊)")[0] == "（記者 朱慶磊）"
    assert normalise_punctuation("see (page 2).")[0] == "see (page 2)."


@pytest.mark.parametrize(("text", "expected"), [("共12(12）家", "共12（12）家"), ("共12（12)家", "共12（12）家")])
def test_a_parenthesis_whose_partner_is_full_width_becomes_full_width_too(text, expected):
    assert normalise_punctuation(text)[0] == expected


# --- misaligned GBK runs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("。”企業", "。”企業"),  # 業 = 98 49: its trail byte reads as I, so nothing is lost
        ("。“我區", "。“我區"),  # 區 = 85 5E: trail ^
        ("。“前不久", "。“前不�"),  # 久 = BE C3: the trail byte has no partner left
    ],
)
def test_a_run_read_one_byte_off_after_a_lost_lead_byte_is_re_decoded(original, expected):
    opened = "“" if "”" in original else ""  # a closing quotation mark needs its opening one before it
    garbled = opened + "景象" + garble(original).replace("！", "!") + "(yè)"
    assert "!" in garbled  # the mirror read 0xA3A1 as ！ and folded it to ASCII
    fixed, count = redecode_misaligned_runs(garbled)
    assert fixed == opened + "景象" + expected + "(yè)"
    assert count == 1


def test_the_exclamation_mark_before_a_run_is_part_of_a_full_stop_and_an_opening_quote():
    # 。“ is A1A3 A1B0: lose the first A1 and A3A1 reads as ！
    assert redecode_misaligned_runs("景象�,!扒安痪")[0] == "景象。“前不�"


def test_a_run_that_reads_worse_when_re_decoded_is_kept():
    text = "可把夏鳳茹愁死了!大通區"
    assert redecode_misaligned_runs(text) == (text, 0)


def test_a_genuine_exclamation_mark_before_ordinary_text_is_kept():
    assert redecode_misaligned_runs("太好了!我們走吧")[0] == "太好了!我們走吧"


def test_a_reading_on_a_straddling_byte_pair_gives_back_the_lost_byte():
    # 輸 = DD94, 等 = B5C8: the pair 94 B5 (數, shù) got a reading and B5 went missing.
    garbled = "運輸?shù)确矫娴耐怀鰡栴}39個"
    assert redecode_misaligned_runs(garbled)[0] == "運輸等方面的突出問題39個"


def test_a_dangling_lead_byte_merges_with_the_lost_byte_mark_after_it_and_a_mark_is_guessed_for_it():
    # the dangling byte is 0xA1, which leads only marks: not 。 or 、 after 。” (a text never stacks them)
    result = repair("“現在會按時送達,�,!薄�4月")
    assert result.traditional.strip() == "“現在會按時送達。”“4月"
    assert [s.reason.split(":")[0] for s in result.unresolved] == ["re-decoded, but “ here is a guess"]


@pytest.mark.parametrize(
    ("before", "lead", "guess"),
    [
        ("他說“我們會按時送達", 0xA1, "”"),  # a quotation is open: it closes
        ("他說我們會按時送達", 0xA1, "。"),  # none is: the commonest mark of 0xA1
        ("會按時送達。”", 0xA1, "“"),  # not 。 or 、 after 。”
        ("會按時送達", 0xA3, "，"),  # the commonest mark of 0xA3
    ],
)
def test_a_lost_trail_byte_after_a_marks_lead_byte_is_guessed_as_the_likeliest_mark_there(before, lead, guess):
    from datong.pipeline.repair import _guess_lost_mark

    assert _guess_lost_mark(before, lead)[0] == guess


def test_when_characters_tie_a_decoding_that_pairs_quotation_marks_wins_and_one_that_unpairs_them_loses():
    # ！薄 and 。” read equally well; only the open “ decides
    assert redecode_misaligned_runs("“會按時送達!薄�")[0].startswith("“會按時送達。”")
    assert redecode_misaligned_runs("會按時送達!薄�")[0] == "會按時送達!薄�"


# --- corrections --------------------------------------------------------------------------


def test_a_correction_applies_when_it_matches_exactly_once():
    text, count = apply_corrections("前不�，", [Correction("前不�", "前不久", "lost byte")])
    assert (text, count) == ("前不久，", 1)


@pytest.mark.parametrize(("text", "times"), [("無", 0), ("前不�前不�", 2)])
def test_a_correction_that_does_not_match_exactly_once_stops_the_pipeline(text, times):
    correction = Correction("前不�", "前不久", "lost byte", source="corrections.csv", row=3)
    with pytest.raises(CorrectionError, match=rf"corrections.csv, row 3, field 'match'.*{times} times"):
        apply_corrections(text, [correction])


@pytest.mark.parametrize(
    ("rows", "field"),
    [("a,b,ok,好\nc,d,,好\n", "reason"), ("a,b,ok,好\nc,d,ok,\n", "reason_zh"), ("a,b,ok,好\nc,d,ok\n", "reason_zh")],
)
def test_a_corrections_file_without_a_reason_in_each_language_names_its_row(tmp_path, rows, field):
    path = tmp_path / "fix.csv"
    path.write_text("match,replacement,reason,reason_zh\n" + rows, encoding="utf-8")
    with pytest.raises(CorrectionError, match=rf"fix.csv, row 3, field '{field}': empty"):
        load_corrections(path)


def test_a_corrections_file_without_the_chinese_reason_column_says_so(tmp_path):
    path = tmp_path / "fix.csv"
    path.write_text("match,replacement,reason\na,b,ok\n", encoding="utf-8")
    with pytest.raises(CorrectionError, match=r"fix.csv, row 1: missing column\(s\) reason_zh"):
        load_corrections(path)


# --- the whole report ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def repaired():
    return repair(paths.RAW_REPORT.read_text(encoding="utf-8"), load_corrections(paths.CORRECTIONS))


def test_rebuilding_gives_the_checked_in_articles_exactly(repaired):
    assert repaired.traditional == paths.ARTICLE_HANT_AS_RECEIVED.read_text(encoding="utf-8")
    assert repaired.simplified == paths.ARTICLE_HANS.read_text(encoding="utf-8")


def test_the_command_rebuilds_both_articles_identically(tmp_path):
    hant, hans = tmp_path / "hant.txt", tmp_path / "hans.txt"
    assert main([str(paths.RAW_REPORT), "--corrections", str(paths.CORRECTIONS), "--hant", str(hant), "--hans", str(hans)]) == 0
    assert hant.read_bytes() == paths.ARTICLE_HANT_AS_RECEIVED.read_bytes()
    assert hans.read_bytes() == paths.ARTICLE_HANS.read_bytes()


def test_the_command_flags_what_no_rule_could_mend_when_run_without_corrections(tmp_path, capsys):
    assert main([str(paths.RAW_REPORT), "--hant", str(tmp_path / "out.txt")]) == 1
    assert capsys.readouterr().out.count("unresolved:") == 4  # the guessed “ also leaves its quotation open


def test_the_repair_reports_how_many_fixes_of_each_kind(repaired):
    assert repaired.counts["redecoded"] == 8
    assert repaired.counts["readings"] == 146
    assert repaired.counts["punctuation"] == 122
    assert repaired.counts["corrections"] == 3


@pytest.mark.parametrize("path", [paths.ARTICLE_HANT_AS_RECEIVED, paths.ARTICLE_HANS])
def test_the_articles_hold_no_trace_of_the_damage(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", text), "a pinyin reading survived"
    assert "," not in text and ";" not in text and "!" not in text and "?" not in text
    assert "\ufffd" not in text
    assert not unresolved_spots(text)
    for mojibake in ("髽", "覅", "▍", "扒安痪", "澳壳埃", "确矫娴"):
        assert mojibake not in text


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        (paths.ARTICLE_HANT_AS_RECEIVED, ["（大通工業新區、上窯工業集聚區）", "（記者 朱慶磊）"]),
        (paths.ARTICLE_HANS, ["（大通工业新区、上窑工业集聚区）", "（记者 朱庆磊）"]),
    ],
)
def test_genuine_parentheses_and_the_byline_survive(path, kept):
    text = path.read_text(encoding="utf-8")
    for phrase in kept:
        assert phrase in text


def test_the_articles_keep_the_subtitle_then_one_line_per_paragraph():
    hans = paths.ARTICLE_HANS.read_text(encoding="utf-8").splitlines()
    hant = paths.ARTICLE_HANT_AS_RECEIVED.read_text(encoding="utf-8").splitlines()
    raw = paths.RAW_REPORT.read_text(encoding="utf-8").splitlines()
    assert len(hans) == len(hant) == len(raw) == 12
    assert hans[0] == "——大通区推进企业复工复产一线见闻"


def test_the_simplified_text_prints_particles_as_a_mainland_paper_does():
    text = paths.ARTICLE_HANS.read_text(encoding="utf-8")
    assert "一个接着一个" in text and "跳动着" in text
    assert "著" not in text


def test_the_recovered_quotations_read_as_the_report_printed_them():
    text = paths.ARTICLE_HANS.read_text(encoding="utf-8")
    for sentence in (
        "会按时送达。”4月27日上午",
        "景象。“前不久，一批3600个电吉他套装顺利出口美国。”企业负责人李勇",
        "“目前，企业大部分员工已返岗，人数达500余人",
        "“加速度”。“我区按照‘分类、分级、分区、有序、有责’的原则",
        "复工复产。”大通区委主要负责同志",
        "物流运输等方面的突出问题39个",
    ):
        assert sentence in text
    assert text.count("“") == text.count("”")


# An earlier run on the line came back longer than it was read (`?` + three characters for four),
# so a flag inside a later run has to be moved by both the run's own edit and the earlier one.
@pytest.mark.parametrize("garbled", ["<p>清晨六點?纸堑柠牥?暌呀浟\ufffd(liàng)起了燈。"])
def test_a_guessed_character_is_flagged_at_its_own_column_after_an_earlier_run_on_the_line(garbled):
    result = repair(garbled)
    line = result.traditional.split("\n")[0]
    guesses = [s for s in result.unresolved if " here is a guess" in s.reason]
    assert guesses
    for spot in guesses:
        guess = spot.reason.split("re-decoded, but ")[1].split(" here is a guess")[0]
        assert line[spot.column - 1 : spot.column - 1 + len(guess)] == guess, (spot, line)


# --- confidence: a guess is named, never passed off as the text -------------------------------
# Each garbled line below is one the simulator (tests/damage.py) made; before these checks the
# repair handed back the wrong character with exit 0.


def test_a_character_its_reading_chose_among_homophones_is_flagged_naming_the_others():
    # 步瑞吉 lost the trail byte of 步 (B2 BD); its reading bù fits 不 步 部 布 … with the lead byte B2.
    result = repair("報道沒(méi)有給出(chū)三家企業的員工總數徊�(bù)瑞吉製衣的返崗人數也沒有提到。")
    line = result.traditional.split("\n")[0]
    [spot] = [s for s in result.unresolved if "from its reading bù" in s.reason]
    guess = spot.reason.split("re-decoded, but ")[1][0]
    assert line[spot.column - 1] == guess
    assert "步" in spot.reason.split("it could be ")[1] or guess == "步"


def test_a_simplified_character_a_decoding_gives_in_traditional_text_is_flagged():
    # ；富華 lost the lead byte of ；, and the decoding the scores chose reads 。换華: 换 is not in Big5.
    result = repair("單(dān)位為人數(shuò),兩(liàng)項都是下限。樂森黑馬樂器返崗員工12,;蝗A服飾返(fǎn)崗員工12。")
    [spot] = [s for s in result.unresolved if "Simplified character in Traditional text" in s.reason]
    assert "'换'" in spot.reason
    assert result.traditional.split("\n")[0][spot.column - 1] == "换"


def test_variants_both_scripts_write_are_not_flagged_in_traditional_text():
    text = "這裡的報導說，公里數、峰會、准許、吃飯和群眾的說法都對。這個報導裡沒有錯字。"
    assert find_spots(text) == []
    assert find_spots(text + "换個說法。")[0].reason.endswith("'换'")


def test_a_traditional_character_in_simplified_text_is_flagged():
    [spot] = find_spots("报道说这里的企业已经复工，这里的规定说過了。这个报道里没有错字。")
    assert "Traditional character in Simplified text" in spot.reason and spot.column == 20


def test_a_rare_character_a_decoding_gives_in_no_word_with_its_neighbours_is_found():
    # ：已復工 lost the lead byte of 已; a lost 。 would give 貉, which makes no word with 。 or 復
    assert _lone_rare_at("你的估計。", "貉復工", "的企業") == 0
    assert _lone_rare_at("你的估計：", "已復工", "的企業") is None


def test_a_lead_byte_lost_after_a_folded_colon_is_guessed_and_named_and_the_colon_kept():
    result = repair("你的估(gū)計:褟凸さ钠髽I(yè)有(yǒu)多少家")  # 你的估計：已復工的企業
    line = result.traditional.split("\n")[0]
    assert line.startswith("你的估計：") and line.endswith("復工的企業有多少家")
    assert [s.column for s in result.unresolved] == [6]  # the guessed character (把 for 已): named


def test_a_common_decoding_in_words_raises_no_rare_character_flag():
    result = repair(garble("“前不久，一批3600個口罩已經送達。"))
    assert result.traditional.startswith("“前不久")
    assert not [s for s in result.unresolved if "rare character" in s.reason]


def test_the_word_model_reads_a_traditional_character_as_the_simplified_one_it_stands_for():
    from datong.pipeline.words import segment_score, word_cost

    assert word_cost("業") == word_cost("业") > -18.0  # -18 is a character the dictionary lacks
    assert segment_score("復工的企業") == segment_score("复工的企业")
    assert segment_score("。貉復") < segment_score("：已復")


# --- guesses the words make: each applied where it reads best, and named -------------------------
def _guess_spots(result, words: str) -> list:
    return [s for s in result.unresolved if s.reason.startswith(f"re-decoded, but {words} here is a guess")]


def test_a_lost_trail_byte_with_no_reading_after_it_is_guessed_from_the_words_and_named_at_its_column():
    result = repair("景象\ufffd,!扒安痪\ufffd,,一批")  # the real report: 久 (BE C3) lost C3, and no reading follows
    line = result.traditional.strip()
    assert line == "景象。“前不久，一批"
    [spot] = _guess_spots(result, "久")
    assert "the mirror lost its second byte" in spot.reason and "就" in spot.reason  # 就 is BE CD: another fit
    assert line[spot.column - 1] == "久"


def test_a_run_goes_on_past_a_pair_the_mirror_showed_as_a_question_mark_and_the_pair_is_filled_and_named():
    # “目前，企業 lost the lead byte of “: out of step, ， and 企 give AC C6, a private-use pair shown as ?
    result = repair("加工。澳壳埃?髽I大部分員")
    line = result.traditional.strip()
    assert line == "加工。“目前，企業大部分員"
    [spot] = _guess_spots(result, "，企")
    assert "a pair the mirror showed as ?" in spot.reason
    assert line[spot.column - 1 : spot.column + 1] == "，企"


def test_a_question_mark_opening_a_run_is_filled_as_the_pair_of_a_comma_and_the_next_lead_byte():
    result = repair("<p>清晨六點?纸堑柠牥?暌呀浟\ufffd(liàng)起了燈。")  # 清晨六點，街角的麪包店已經亮起了燈。
    line = result.traditional.strip()
    assert line.startswith("清晨六點，街角的麪包店已經")
    assert 5 in [s.column for s in result.unresolved]  # where the run and its filled pair begin: named
    [spot] = _guess_spots(result, "包店")  # the second pair: named at its own column
    assert line[spot.column - 1 : spot.column + 1] == "包店"


def test_a_reading_inserted_after_a_run_does_not_hide_the_word_the_run_ends_in():
    # 企業 against 起業: both 企 and 起 read qǐ after the lead byte C6; the word after the reading decides
    result = repair("有效釋放!逼\ufffd(qǐ)業負責人")
    assert "企業負責人" in result.traditional
    assert _guess_spots(result, "企")  # chosen from its reading among characters that sound the same: named


@pytest.mark.parametrize(
    ("garbled", "clean"),
    [
        ("對應報道中的“餘卑多”“突破”：報道給出", "對應報道中的“餘”“多”“突破”："),  # 卑 is B1 B0: ” and “ without their A1s
        ("寫作“餘”“多卑超過”的數字是下限", "寫作“餘”“多”“超過”的數字"),
    ],
)
def test_a_common_character_made_of_two_marks_trail_bytes_is_read_as_the_two_marks_where_the_words_say_so(garbled, clean):
    result = repair(garbled)
    assert clean in result.traditional
    assert result.unresolved  # two marks' lost bytes against a common character: a person checks it


@pytest.mark.parametrize("text", ["他說保證書一定要寫好", "北京大學北門外", "阿姨說啊"])
def test_a_character_made_of_two_marks_trail_bytes_that_reads_as_a_word_stays(text):
    result = repair(text)  # 保 B1 A3, 北 B1 B1, 阿 B0 A2, 啊 B0 A1
    assert (result.traditional.strip(), result.unresolved) == (text, [])


@pytest.mark.parametrize(
    ("garbled", "stacked"),
    [
        ("佔比條形圖,扛鶙l代表一組企業的全部", "圖？根"),  # ，每根條: 每 lost C3; ？ lost A3 would read ，？根條
        ("“今年一季度”,、９め釓凸さ壬舷\ufffd(xià)文，推", None),  # 、停工後: 停 lost CD; 。 lost A1 would read 、。工後
    ],
)
def test_a_decoding_that_stacks_two_marks_is_never_passed_off_as_sure(garbled, stacked):
    result = repair(garbled)  # a text never has 、。 or ，？: such a decoding lost a character
    if stacked:
        assert stacked not in result.traditional
    assert any("low confidence" in s.reason for s in result.unresolved)


@pytest.mark.parametrize(
    ("garbled", "clean", "guess"),
    [
        ("強化服務保障(zhàng)?\ufffd(yǐn)導轄區企業安全", "強化服務保障，引導轄區企業安全", "引"),
        ("分類回收箱?\ufffd(fén)別收集紙張", "分類回收箱，分別收集紙張", "分"),
        ("點起來熬湯?\ufffd(tā)說:“湯是", "點起來熬湯，他說：“湯是", "他"),
    ],
)
def test_a_question_mark_and_a_lost_byte_before_a_reading_are_a_comma_and_the_character_the_reading_names(
    garbled, clean, guess
):
    # ， lost its lead byte A3: its trail AC and the next lead byte made a private-use pair (?),
    # and that character's trail byte, read as a lead byte before "(", was lost (�); its reading stayed.
    result = repair(garbled)
    assert result.traditional.strip() == clean
    [spot] = [s for s in result.unresolved if "a guess from its reading" in s.reason]
    assert result.traditional[spot.column - 1] == guess  # among the others that sound the same: named


@pytest.mark.parametrize(
    ("garbled", "clean"),
    [
        ("字,也沒有?xìng)\ufffd(yòng)任何內容代", "也沒有用任何內容代"),
        ("三幅單?wō)\ufffd(wèi)不同的單位圖", "三幅單位不同的單位圖"),
    ],
)
def test_a_straddling_reading_then_a_lost_byte_and_a_reading_name_the_character_between_them(garbled, clean):
    # 有用: the pair 有's trail + 用's lead got a reading (xìng) and lost 用's lead; 用's trail,
    # read as a lead byte before "(", was lost too. Both readings together name 用.
    result = repair(garbled)
    assert clean in result.traditional
    assert any("a guess from its reading" in s.reason for s in result.unresolved)


def test_two_pairs_shown_as_question_marks_side_by_side_make_three_characters_and_are_named():
    # “組合拳”，助力企業: ， lost A3; AC D6 and FA C1 were both private-use pairs (??), 力's
    # trail A6 and 企's lead make ζ. Out of step, ?? is ， + 助 + the lead byte of 力.
    result = repair("暖企服務“組合拳”??ζ髽I跑出復工復產")
    line = result.traditional.strip()
    assert line.endswith("力企業跑出復工復產") and len(line) == len("暖企服務“組合拳”，助力企業跑出復工復產")
    assert [s.column for s in result.unresolved] == [10]  # the three characters out of step: named where they begin


@pytest.mark.parametrize(
    ("garbled", "clean"),
    [
        ("銷往美國、\ufffd(é)羅斯等國(guó)家和地區", "銷往美國、俄羅斯等國家和地區"),
        ("銷往美國,\ufffd(é)羅斯等國(guó)家和地區", "銷往美國，俄羅斯等國家和地區"),
        ("復工條件、\ufffd(bǎo)障措施、監督", "復工條件、保障措施、監督"),
    ],
)
def test_a_lost_byte_after_a_mark_with_a_reading_after_it_is_the_character_the_reading_and_the_words_name(garbled, clean):
    # 俄 lost its lead byte after 、, and its trail byte, read as a lead byte before "(", was lost too
    result = repair(garbled)
    assert result.traditional.strip() == clean
    assert [s.column for s in result.unresolved] == [6]  # any character of that reading would do: named


def test_a_run_the_words_are_sure_of_and_the_characters_lean_to_is_applied_and_flagged_not_left():
    # ：園 (A3 BA 88 40) lost A3: 簣 and a trail byte alone (@). The words read 推算：園區 far better;
    # the characters alone barely prefer it (園 is a rarer Traditional form), so it is flagged.
    result = repair("用減法推算簣@區企業減去規上")
    assert result.traditional.strip() == "用減法推算：園區企業減去規上"
    assert [s.reason.split(" (")[0] for s in result.unresolved] == ["a misaligned run, re-decoded with low confidence"]


def test_a_folded_colon_left_before_a_decoding_reads_as_the_colon_it_will_be_again():
    # ：修復 (修 lost its lead byte after the colon) against 。恨復 (the colon's bytes read as 。 and a
    # lead byte): with the folded : counted as nothing, the decoding that swallowed it won unflagged
    result = repair("簡體:迯歪岬膱蟮馈７斌w(tī):修復後的報道")
    assert result.traditional.strip().startswith("簡體：修復後的報道。繁體")
    assert result.unresolved  # a lead byte guessed after a mark: named


# --- what a run takes with it: quotation marks, a ? outweighed, a lost byte one character earlier -----


@pytest.mark.parametrize(
    ("line", "columns"),
    [
        ("寫作“餘”“啾“突破”的數字", [6, 8]),  # 多” lost a byte each: the “ before 啾 never closes
        ("屬地黨政領導班子包”。規下工業企業", [10]),  # 保 read as ”。: nothing is open to close
        ("“實現了‘開門紅？”夏鳳茹告訴記者", [10]),  # ’。 lost: ” closes “ while ‘ is open
        ("“目前，企業產能得到有效釋放！斌業負責人吳睿說。", [15]),  # never closed: after its last sentence
    ],
)
def test_quotation_marks_that_do_not_pair_are_found_where_the_closing_mark_was_lost(line, columns):
    spots = find_spots(line)
    assert [s.column for s in spots] == columns
    assert all("quotation" in s.reason for s in spots)


@pytest.mark.parametrize(
    "line",
    ["他說：“湯是面的根本，偷不得懶。”來吃麵的人", "按照‘分類、分級’的原則，“一企一策”。", "Datong’s 復工·大通", "“a‘b’c”說"],
)
def test_quotation_marks_that_pair_and_an_apostrophe_are_not_flagged(line):
    assert [s for s in find_spots(line) if "quotation" in s.reason] == []


def test_a_question_mark_a_decoded_mark_outweighs_is_dropped_and_named():
    # 。專家提醒， lost the A1 of 。: A3 and 專's lead make a pair the mirror showed as ?, and 專 is gone
    result = repair("五度以下?＜姨嵝熏早晚出門")
    line = result.traditional.strip()
    assert line == "五度以下。家提醒，早晚出門"
    assert line[result.unresolved[0].column - 1] == "。"  # named there (first by the run, which also says why)
    edits = punctuation_edits("以下?。家")
    [flag] = dropped_mark_flags("以下?。家", edits)
    assert flag.column == 2 and "stacked on another mark" in flag.reason
    assert dropped_mark_flags("好嗎?,我", punctuation_edits("好嗎?,我")) == []  # ? outweighs , : kept as ？


@pytest.mark.parametrize(
    ("garbled", "clean"),
    [
        ("跑出復工復產“加速度薄!拔覅^按照", "跑出復工復產“加速度”。“我區按照"),  # 薄 is B1 A1: the A1 of “
        ("全力打好暖企服務“組合拳”,助力企業跑出“加速度薄!拔覅^按照", "“加速度”。“我區按照"),
    ],
)
def test_a_lost_lead_byte_may_have_been_the_one_before_the_character_before_the_run(garbled, clean):
    # the run !拔 needs an A1 before it: 薄 (B1 A1) holds one, and its B1 is the trail byte of ”
    assert repair(garbled).traditional.strip().endswith(clean)


def test_a_character_a_straddling_reading_chose_among_several_lead_bytes_is_named_with_the_others():
    # 堂很 straddled: the pair (堂's trail, 很's lead) got the reading méi and lost 很's lead byte;
    # méi allows several lead bytes, and 堂弟 is a word: the guess is wrong, and it is named
    result = repair("說這是“一堂?méi)軐嵲诘恼n”。")
    assert result.traditional.strip() == "說這是“一堂弟實在的課”。"
    [spot] = [s for s in result.unresolved if "straddl" in s.reason or "shares with the character before" in s.reason]
    assert "弟" in spot.reason and "很" in spot.reason.split("allows")[1]


def test_a_run_in_doubt_is_named_where_it_begins_and_covers_every_character_it_changed():
    result = repair("或寫作“餘薄岸唷薄艾過”的數字是下限")
    [spot] = [s for s in result.unresolved if "low confidence" in s.reason]
    line = result.traditional.strip()
    run = next(c for c in result.changes if c.rule == "redecoded")
    assert line[spot.column - 1 : spot.column + spot.width] == run.after


def test_a_common_character_read_as_two_marks_that_each_lost_a_byte_is_named():
    # 包保 (保 is B1 A3) reads as 包”。 with two A1s put back: two losses at one spot, a guess (here a wrong one)
    garbled = (
        "大通(tōng)區結合全市開展的“千名幹部入企服務”活動,,建立(wèi)了相應制度:區級領導聯繫幫扶規上工業企(qǐ)業,"
        "屬地黨政領導班子包保規下工業企業(yè)。 區裡還選派12科級幹部駐(zhù)點企業,擔任(rèn)防疫和復(fù)工指導員,"
        "指導企業開展疫情防(fáng)控(qiāng)。 報(fù)道在同一句中還說,大通區幫(bāng)助企業(yè)協(xié)調(tiáo)解決原(yuán)材料(liáo)"
        "供應、物流運輸等方面(miàn)的突出問題12。報道把這句話的主語(yǔ)寫作(zuō)大通區(gōu),沒有說這些問題(dì)全部由駐(zhù)"
        "企幹部解決,。 報道稱，這些服務為企業復工復產“創造良("
    )
    result = repair(garbled)
    line = result.traditional.split("\n")[0]
    assert "班子包”。規下" in line
    [spot] = [s for s in result.unresolved if "two marks that each lost a byte" in s.reason]
    assert "保" in spot.reason and line[spot.column - 1 : spot.column + spot.width] == "”。"


def test_a_question_mark_between_characters_in_step_may_be_two_marks_that_each_lost_their_lead_byte():
    # 、“ is A1 A2 A1 B0: both A1s lost, A2 B0 is a private-use pair, shown as ?; the ” after pairs it
    result = repair("實行區域小循環、網(wǎng)格化管理?小單元作戰(zhàn)”模式")
    line = result.traditional.strip()
    assert line.startswith("實行區域小循環、網格化管理") and line.endswith("“小單元作戰”模式")
    [spot] = [s for s in result.unresolved if s.column == len("實行區域小循環、網格化管理") + 1]
    assert line[spot.column - 1 : spot.column + 1] in ("、“", "，“")  # a guess between the two: named


def test_a_question_mark_a_question_ends_stays_a_question_mark():
    result = repair("你吃飯了嗎?我吃過了。")
    assert result.traditional.strip() == "你吃飯了嗎？我吃過了。" and result.unresolved == []


def test_a_guessed_lead_byte_after_a_mark_is_followed_past_a_pair_shown_as_a_question_mark_and_named():
    # `，只聽見翻書的聲音` lost 只's lead byte D6 after the comma; the run goes on past a pair shown as ?.
    # Read as a mark's lost lead byte instead, it made `；聽見`: the comma gone and nothing named.
    result = repair("店裏很少有人說話,宦犚姺瓡?穆�(shēng)音。")
    line = result.traditional.strip()
    assert re.fullmatch("店裏很少有人說話，.聽見翻..聲音。", line)  # the guesses (a character, a pair) are named
    column = len("店裏很少有人說話，") + 1
    assert [s for s in result.unresolved if s.column == column and "guessing a lost lead byte" in s.reason]


def test_a_run_just_after_a_mark_the_trigger_reached_is_read_too_and_named():
    # `，“前不久”是唯一`: the ? opens nothing here, 是 lost its lead byte after the ” (which stays)
    result = repair("丟失一個字節?前不久”俏ㄒ缓虾跷囊獾�(de)讀法")
    line = result.traditional.strip()
    assert "前不久”是唯一合乎文意" in line and "鼻" not in line
    column = line.index("是唯一") + 1
    assert [s for s in result.unresolved if s.column <= column <= s.column + s.width and "low confidence" in s.reason]


def test_a_run_that_began_just_after_a_mark_before_anything_looked_wrong_is_read_from_there():
    # `。推算部分`: 推 lost its lead byte after 。, and 扑悴 read as common characters until 糠
    result = repair("未復工12,凸ぢ�12。扑悴糠忠蕴摼�表示。")
    line = result.traditional.strip()
    assert "扑" not in line and "悴" not in line and "算部分以虛" in line
    column = line.index("算部分")
    assert [s for s in result.unresolved if s.column == column and "guessing a lost lead byte" in s.reason]


def test_a_run_only_the_quotation_marks_chose_is_named_as_in_doubt():
    # `，“成熟一戶、復工一戶”。按照`: both marks around the quotation were lost, so the open quotation
    # the words prefer (`”。按照`) is not there to pair with, and 薄 (B1 A1) won only on the marks
    result = repair("嚴格審核把關?成熟一戶、復工一戶薄０凑铡耙黄笠徊摺保瑢嵭袇^域小循(xún)環")
    line = result.traditional.strip()
    assert "一戶薄。按照“一企一策”，實行" in line
    column = line.index("薄") + 2  # the run it chose begins after 薄; its rival, one character earlier, takes 薄 in
    assert [s for s in result.unresolved if s.column == column and "low confidence" in s.reason]


def test_a_closing_quotation_mark_with_none_open_reaches_back_to_where_its_opening_mark_was_lost():
    # `，“前不久”`: the ? took the opening mark with it; the spot on ” reaches back over it
    line = "並寫明理由：丟失一個字節？前不久”是唯一合乎文意的讀法"
    [spot] = [s for s in find_spots(line) if "where none is open" in s.reason]
    assert line[spot.column - 1] == "”" and line[spot.column - 1 - spot.reach : spot.column - 1] == "？前不久"
    [spot] = [s for s in find_spots("他說" + "前" * 20 + "”。") if "where none is open" in s.reason]
    assert spot.reach == 12  # at most as far back as a run that ends at a spot


@pytest.mark.parametrize(
    "garbled",
    [
        "嚴格審核把關?成熟一戶、復工一戶",
        "他說這是真的?我不信。",
        "全角標(biāo)點被換成英文(wén)半角標(biào)點??�(qiě)常常重複",  # `，而且`: two pairs shown as ?, folded as ??
    ],
)
def test_a_question_mark_read_as_one_after_words_that_ask_nothing_is_named(garbled):
    # `把關，“成熟`: both lead bytes lost, AC B0 shown as ?; with no closing mark to pair, ？ reads best
    result = repair(garbled)
    column = result.traditional.index("？") + 1
    [spot] = [s for s in result.unresolved if s.column == column]
    assert "ask nothing" in spot.reason and "，“" in spot.reason


@pytest.mark.parametrize("garbled", ["你吃飯了嗎?我吃過了。", "你去不去?我去。", "為什麼?因為下雨了。", "有多少人?三個。"])
def test_a_question_mark_after_a_question_is_not_named(garbled):
    assert repair(garbled).unresolved == []


def test_a_character_that_reads_almost_as_well_as_two_marks_that_each_lost_a_byte_is_named():
    # `他說：“湯`: ： and “ each lost their lead byte and BA B0 is 喊; the words hardly prefer either
    result = repair("老闆每天凌晨四點起來熬湯,,他說喊湯是面的根本(bēn),偷不得懶。")
    line = result.traditional.strip()
    column = line.index("喊") + 1
    [spot] = [s for s in result.unresolved if s.column == column]
    assert "：“" in spot.reason and "two marks that each lost a byte" in spot.reason


@pytest.mark.parametrize("text", ["他大聲喊道：快來！", "孩子們在院子裡喊叫。", "屬地黨政領導班子包保規下工業企業。"])
def test_a_character_of_two_marks_trail_bytes_in_words_is_not_named(text):
    # 包保 (保 is B1 A3) reads almost as well as 包”。, but ”。 opens no quotation: not named
    assert repair(text).unresolved == []


def test_a_short_quotation_whose_two_marks_each_lost_their_lead_byte_is_looked_at_and_restored():
    # `的“久”：`: B0 BE C3 B1 read without its two A1s is 熬帽, two common characters before a mark
    result = repair("並寫明理由: - “前不久”的熬帽:丟失一個字節,,“前不久”是唯一合乎文意的讀法。")
    line = result.traditional.strip()
    assert "“前不久”的“久”：丟失" in line
    assert [s for s in result.unresolved if s.column == line.index("久”：") + 2]  # the second mark: a guess, named


def test_the_pairs_a_text_uses_again_and_again_are_its_known_words():
    from datong.pipeline.repair import repeated_pairs

    known = repeated_pairs("已復(fù)工12家，未復工3家，復工率80%。復古")
    assert "復工" in known  # three times, one of them with an inserted reading between
    assert "復古" not in known and "工率" not in known  # once each


def test_a_guessed_character_prefers_the_words_the_text_itself_uses():
    # 復's lost trail byte leaves 工 (B9 A4) a guess among B9's characters: the dictionary prefers
    # 復古, but this text says 復工 three times
    result = repair("由報道數字推算:共12,已復工12,未?dìng)凸�12,復工率12。推算部分以虛線表示。")
    line = result.traditional.strip()
    assert "未復工12，復工率12" in line
    [spot] = [s for s in result.unresolved if "工 here is a guess" in s.reason]
    assert "古" in spot.reason  # the dictionary's choice, named among the others
