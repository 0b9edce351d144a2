"""Issue 13 in-process: guess first (overview), side by side (source), listen (every chapter)."""

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from datong import charts, paths, quotes
from datong.chapters import CHAPTERS
from datong.i18n import LANGUAGES
from datong.web import engage, headers, site_data
from datong.web.markdown import escape_markdown

APP = str(paths.ROOT / "app.py")
FIGURES = site_data.figures()
ARTICLE = site_data.article()


def run(chapter_id: str = "overview", lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["lang"] = lang
    at.run()
    if chapter_id != "overview":
        at.switch_page(str(paths.ROOT / "pages" / f"{chapter_id}.py")).run()
    assert not at.exception
    return at


def markdown_values(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def parallel_paragraphs(at: AppTest, side: str) -> list[str]:
    """The side-by-side block's paragraphs of one side ("zh" or "en"), each as its HTML."""
    return re.findall(rf'<p class="parallel-{side}[^"]*".*?</p>', "".join(markdown_values(at)))


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


# --------------------------------------------------------------------------- guess, then see


def headline_description(lang: str) -> str:
    ready = next(r for r in site_data.chart_blocks("overview", lang) if r.block.id == engage.HEADLINE_CHART)
    return ready.spec["description"]


def chart_descriptions(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["description"] for c in at.get("vega_lite_chart")]


def headings(at: AppTest) -> list[str]:
    return [h.value for h in at.header]


@pytest.mark.parametrize(
    ("lang", "question", "finding"),
    [
        ("en", "Of the 106 firms in the district's 2 industrial parks, how many were back at work by 27 April?", "91 of 106 park firms back at work"),
        ("zh-Hans", "大通区2个工业园区入驻的106家企业中，截至4月27日有多少家已经复工？", "106家中91家复工"),
        ("zh-Hant", "大通區2個工業園區入駐的106家企業中，截至4月27日有多少家已經復工？", "106家中91家復工"),
    ],
)
def test_the_overview_asks_the_question_and_holds_back_the_headline_chart_until_the_reader_answers(lang, question, finding):
    at = run("overview", lang)
    assert escape_markdown(question) in markdown_values(at)
    slider = next(s for s in at.slider if s.key == engage.GUESS_VALUE)
    assert (slider.min, slider.max, slider.value) == (0, 106, 53)
    assert engage.GUESS_STATE not in at.session_state or at.session_state[engage.GUESS_STATE] is None
    assert chart_descriptions(at) == []  # the answer is not on the page: no chart, no text with it
    assert finding not in headings(at)
    body = site_data.texts(lang)("chapters.overview.body").strip()
    assert body not in markdown_values(at) and not [s for s in at.slider if s.key == "what-if-rate"]
    assert escape_markdown(site_data.texts(lang)("engage.guess.waiting")) in [c.value for c in at.caption]
    button(at, "guess-skip").click().run()
    assert headline_description(lang) in chart_descriptions(at)
    assert finding in headings(at)
    assert body in markdown_values(at) and [s for s in at.slider if s.key == "what-if-rate"]


@pytest.mark.parametrize(
    ("lang", "guess", "sentence"),
    [
        ("en", 70, "You guessed 70: 21 fewer than the report's 91 firms (85.8%)."),
        ("en", 100, "You guessed 100: 9 more than the report's 91 firms (85.8%)."),
        ("en", 91, "You guessed 91: exactly right, the report's 91 firms (85.8%)."),
        ("zh-Hans", 70, "你猜的是70家，比报道的91家少21家（复工率85.8%）。"),
        ("zh-Hans", 106, "你猜的是106家，比报道的91家多15家（复工率85.8%）。"),
        ("zh-Hant", 91, "你猜的是91家，完全猜中：報道的數字正是91家（復工率85.8%）。"),
    ],
)
def test_reveal_shows_how_far_off_the_guess_was_and_draws_it_beside_the_reports_91(lang, guess, sentence):
    at = run("overview", lang)
    next(s for s in at.slider if s.key == engage.GUESS_VALUE).set_value(guess).run()
    button(at, "guess-reveal").click().run()
    assert not at.exception
    assert at.session_state[engage.GUESS_STATE] == "revealed"
    assert escape_markdown(sentence) in markdown_values(at)
    assert not [s for s in at.slider if s.key == engage.GUESS_VALUE]  # the block collapsed to its result
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    guess_spec = specs[0]  # the guess chart, then the headline chart that waited for it
    assert str(guess) in guess_spec["description"] and "91" in guess_spec["description"]
    assert specs[1]["description"] == headline_description(lang)


def test_skip_goes_straight_to_the_answer_and_guess_again_hides_it_and_asks_once_more():
    at = run("overview", "en")
    button(at, "guess-skip").click().run()
    assert at.session_state[engage.GUESS_STATE] == "skipped"
    assert escape_markdown("The report's answer: 91 firms of the 106 firms were back at work (85.8%).") in markdown_values(at)
    assert not [s for s in at.slider if s.key == engage.GUESS_VALUE]
    assert chart_descriptions(at)[0] == headline_description("en")
    button(at, "guess-again").click().run()
    assert [s.key for s in at.slider if s.key == engage.GUESS_VALUE] == [engage.GUESS_VALUE]
    assert headline_description("en") not in chart_descriptions(at)


@pytest.mark.parametrize(("fig", "shown"), [("park_firms_resumed", True), ("park_resumption_rate", True), ("above_scale_firms", False), ("<b>x</b>", False)])
def test_a_permalink_to_the_headline_figure_shows_its_chart_without_the_game(fig, shown):
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["lang"] = "en"
    at.query_params["fig"] = fig
    at.run()
    assert not at.exception
    assert (headline_description("en") in chart_descriptions(at)) is shown


@pytest.mark.parametrize(("value", "kept"), [(-5, 0), (500, 106), ("x", 53), (None, 53), (float("nan"), 53), (42.6, 43)])
def test_a_guess_from_the_client_is_always_a_whole_number_of_firms_in_range(value, kept):
    assert engage.clamp_guess(value, 106) == kept


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("guess", [0, 1, 53, 91, 106])
def test_the_guess_chart_is_a_spec_with_both_numbers_and_a_description(lang, guess):
    texts = site_data.texts(lang)
    chart = charts.guess_chart(FIGURES, texts, guess)
    spec = json.loads(json.dumps(chart.to_dict()))
    assert spec["description"] == texts("engage.guess.description", guess=guess)
    rows = [row for data in spec["datasets"].values() for row in data]
    report = [r for r in rows if r.get("figure_id") == "park_firms_resumed" and "x2" in r and r["x2"] < charts.CANVAS_WIDTH]
    assert [r["value"] for r in report] == [91]
    assert round(report[0]["x2"] / charts.CANVAS_WIDTH * 106) == 91
    yours = [r for r in rows if r.get("hypothetical") and "x2" in r and r["x2"] < charts.CANVAS_WIDTH]
    assert [r["value"] for r in yours] == ([] if guess in (0, 106) else [guess])
    words = [r["text"] for r in rows if "text" in r]
    assert texts("engage.guess.chart_yours", guess=guess) in "\n".join(words).replace("\n", "")
    assert "pick" not in json.dumps(spec.get("params", []))  # not clickable: nothing to pick


def test_the_guess_chart_fits_a_phone():
    spec = charts.guess_chart(FIGURES, site_data.texts("en"), 70).to_dict()
    assert spec["width"] == charts.CANVAS_WIDTH <= 272


# --------------------------------------------------------------------------- side by side


def test_the_chinese_and_english_articles_have_the_same_number_of_paragraphs():
    assert len(ARTICLE.zh_hans) == len(ARTICLE.en) == len(ARTICLE.zh_hant) == 12


# Figures whose number the English writes another way, with the words it uses instead (checked,
# so the exception must stay true): the report's 两 (two) is spelled out, as the report spells
# it; 3000万元 is "30 million" yuan in English.
ENGLISH_WORDING = {"park_count": "two industrial parks", "buruiji_product_lines": "two lines", "buruiji_q1_sales": "30 million"}


@pytest.mark.parametrize("figure", list(FIGURES.reported), ids=lambda f: f.id)
def test_every_figures_quote_is_in_the_same_paragraph_on_both_sides(figure):
    (index,) = quotes.by_paragraph([figure], ARTICLE.zh_hans)
    assert figure.quote_zh in ARTICLE.zh_hans[index]
    assert site_data.texts("zh-Hant").quote(figure) in ARTICLE.zh_hant[index]
    assert index < len(ARTICLE.en)
    english = ARTICLE.en[index]
    number = site_data.texts("en").number(figure)
    if figure.id in ENGLISH_WORDING:
        assert not re.search(rf"(?<![\d,.]){re.escape(number)}(?![\d,])", english)
        assert ENGLISH_WORDING[figure.id] in english
    else:
        assert re.search(rf"(?<![\d,.]){re.escape(number)}(?![\d,])", english), (figure.id, number, english)


def test_paragraph_of_gives_every_reported_figure_a_paragraph():
    where = engage.paragraph_of(FIGURES, ARTICLE)
    assert set(where) == {f.id for f in FIGURES.reported}
    assert where["park_firms"] == 7 and where["firms_helped_transport_permits"] == 10


@pytest.mark.parametrize(("lang", "script"), [("zh-Hans", "zh-Hans"), ("zh-Hant", "zh-Hant"), ("en", "zh-Hans")])
def test_the_source_chapter_shows_the_report_beside_the_english_paragraph_by_paragraph(lang, script):
    at = run("source", lang)
    chinese, english = parallel_paragraphs(at, "zh"), parallel_paragraphs(at, "en")
    assert len(chinese) == len(english) == 12
    assert all(f'lang="{script}"' in m for m in chinese)
    assert "<mark>" not in "".join(chinese + english)  # nothing picked, nothing marked
    assert ARTICLE.lines(script)[4][:20] in chinese[4]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_picking_a_figure_marks_its_quote_in_the_chinese_and_its_paragraph_in_the_english(lang):
    at = run("source", lang)
    next(s for s in at.selectbox if s.key == engage.PARALLEL_PICK).set_value("firms_helped_transport_permits").run()
    assert not at.exception
    chinese, english = parallel_paragraphs(at, "zh"), parallel_paragraphs(at, "en")
    quote = site_data.texts(lang).quote(FIGURES["firms_helped_transport_permits"])
    assert [i for i, m in enumerate(chinese) if "<mark>" in m] == [10]
    assert f"<mark>{quote}</mark>" in chinese[10]
    assert [i for i, m in enumerate(english) if "<mark>" in m] == [10]
    assert english[10].count("<mark>") == 1 and "more than 20 firms" in english[10]


# --------------------------------------------------------------------------- listen


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_chapter_has_the_listen_control_with_its_words_as_json_data(chapter, lang):
    at = run(chapter.id, lang)
    html = [h.proto.body for h in at.get("html") if h.proto.body.startswith('<div class="datong-listen"')]
    assert len(html) == 1
    body = html[0]
    assert " hidden>" in body  # hidden until the browser finds a voice
    assert body.count("<button") == 3 and 'data-action="play"' in body and 'data-action="stop"' in body
    assert f"<script>{engage.LISTEN_SCRIPT}</script>" in body
    data = json.loads(re.search(r'<script type="application/json" class="listen-data">(.*?)</script>', body, re.DOTALL).group(1))
    assert data["lang"] == {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "en": "en"}[lang]
    texts = site_data.texts(lang)
    assert data["parts"][0] == texts(f"chapters.{chapter.id}.title")
    assert texts("ui.silent_heading") in data["parts"]


@pytest.mark.parametrize(("lang", "bound"), [("en", "more than 20 firms"), ("zh-Hans", "20余家"), ("zh-Hant", "20餘家")])
def test_a_lower_bound_is_spoken_as_the_text_writes_it(lang, bound):
    parts = engage.spoken_parts(site_data.texts(lang), "departments")
    assert any(bound in part for part in parts)
    assert not any(re.search(r"\b20\+", part) for part in parts)


def test_the_spoken_text_has_no_markdown_and_each_part_is_a_sentence():
    parts = engage.spoken_parts(site_data.texts("en"), "overview")
    assert parts[:2] == ["Datong back at work: the overview", "By 27 April, most firms in Datong District's industrial parks were back at work."]
    assert not any(re.search(r"[*_#`]|^- ", part) for part in parts)
    assert any(part.startswith("According to the report, by 27 April, of the 106 firms based in the district's 2 industrial parks") for part in parts)


def test_the_data_cannot_close_its_script_element():
    assert "<" not in engage._json_for_html({"x": "</script><b>&"})
    assert json.loads(engage._json_for_html({"x": "</script><b>&"})) == {"x": "</script><b>&"}


def test_the_listen_script_is_constant_and_its_hash_is_in_the_content_security_policy():
    from datong.web import server

    server._security_headers.cache_clear()
    policy = dict(server._security_headers())[b"content-security-policy"].decode()
    assert headers.script_hash(engage.LISTEN_SCRIPT) in policy
    assert engage.inline_scripts() == [engage.LISTEN_SCRIPT]
    assert {engage.listen_html(c.id, lang).count(engage.LISTEN_SCRIPT) for c in CHAPTERS for lang in LANGUAGES} == {1}
    assert "http" not in engage.LISTEN_SCRIPT and "fetch" not in engage.LISTEN_SCRIPT  # speaks locally, asks no host
