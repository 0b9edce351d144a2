"""Reader text: every key in every language, numbers that match the figures, languages resolved safely."""

import re

import pytest

from datong import paths
from datong.chapters import CHAPTERS
from datong.figures import load_figures
from datong.i18n import (
    ARITHMETIC,
    LANGUAGES,
    Texts,
    language_from_locale,
    load_strings,
    missing_keys,
    placeholders,
    resolve_language,
)

FIGURES = load_figures(paths.FIGURES, paths.ARTICLE_HANS)
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
# Dates are not figures: the report's as-of date and the inferred year may be written out.
DATES = re.compile(r"4月27日|27 April|2020|COVID-19|GB/T 7714[-—]2015")
# ``{<derived id>_arithmetic}``: a derived figure's tag and arithmetic in running text.
ARITHMETIC_FIELDS = {f"{f.id}{ARITHMETIC}" for f in FIGURES.derived}


def texts(lang):
    return Texts(lang, load_strings(lang), FIGURES)


def test_every_key_exists_in_every_language():
    assert missing_keys() == {}
    assert len(load_strings("en")) == len(load_strings("zh-Hans")) == len(load_strings("zh-Hant")) > 100


def test_traditional_chinese_is_generated_from_simplified():
    hans, hant = load_strings("zh-Hans"), load_strings("zh-Hant")
    assert hans["chapters.departments.title"] == "强化部门联动"
    assert hant["chapters.departments.title"] == "強化部門聯動"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("chapter", [c.id for c in CHAPTERS])
def test_every_chapter_has_its_texts(lang, chapter):
    strings = load_strings(lang)
    for part in ("nav", "title", "lede", "body", "silent"):
        assert strings[f"chapters.{chapter}.{part}"].strip(), part


def _rendered(lang):
    """Every string of a language with figure placeholders filled (other fields left blank)."""
    t = texts(lang)
    for key, template in load_strings(lang).items():
        names = placeholders(template)
        blanks = {n: "" for n in names if n not in FIGURES.by_id and n not in ARITHMETIC_FIELDS}
        if key.startswith(("format.", "units.", "cite.months")):
            continue  # templates, unit names (10,000 yuan) and month names, not statements of fact
        yield key, t(key, **blanks)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_number_in_the_text_is_a_figure_as_that_language_writes_it(lang):
    t = texts(lang)
    allowed = set()
    for figure in FIGURES:
        allowed.update(NUMBER.findall(t.quantity(figure) + " " + t.compact(figure)))
    for key, text in _rendered(lang):
        for number in NUMBER.findall(DATES.sub("", text)):
            assert number in allowed, f"{lang} {key}: {number} is not a figure"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_placeholder_names_a_figure_or_a_known_field(lang):
    known = set(FIGURES.by_id) | ARITHMETIC_FIELDS | {"n", "n_million", "date", "title", "rate", "total", "needed", "more", "resumed", "label", "value", "formula",
                                                     # filled by the page: share links, citations, the served HTML
                                                     "accessed", "accessed_iso", "url", "day", "month", "month_name", "year", "site", "language", "as_of",
                                                     # the guess on the overview (datong.web.engage)
                                                     "guess", "diff"}
    for key, template in load_strings(lang).items():
        unknown = set(placeholders(template)) - known
        assert not unknown, f"{lang} {key}: {unknown}"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh-Hans", "20余家"), ("zh-Hant", "20餘家"), ("en", "more than 20 firms")],
)
def test_a_lower_bound_is_written_as_one_in_running_text(lang, expected):
    assert texts(lang).quantity(FIGURES["firms_helped_transport_permits"]) == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cards_show_lower_bounds_with_a_plus(lang):
    assert texts(lang).compact(FIGURES["fuhua_staff_back"]) == "500+"
    assert texts(lang).compact(FIGURES["park_resumption_rate"]) == "85.8%"


def test_english_writes_money_in_yuan_and_thousands_with_commas():
    t = texts("en")
    assert t.quantity(FIGURES["buruiji_q1_sales"]) == "more than ¥30 million"
    assert t.number(FIGURES["lesen_guitar_sets_exported"]) == "3,600"
    assert texts("zh-Hans").quantity(FIGURES["buruiji_q1_sales"]) == "超过3000万元"


def test_money_on_a_card_is_short_and_keeps_its_unit_and_its_lower_bound():
    sales = FIGURES["buruiji_q1_sales"]
    assert texts("en").compact(sales) == "¥30 million+"  # "more than ¥30 million" was cut off on a card
    assert texts("zh-Hans").compact(sales) == "超过3000万元"
    assert texts("zh-Hant").compact(sales) == "超過3000萬元"


@pytest.mark.parametrize(
    ("lang", "as_of"),
    [("en", "27 April 2020 (year inferred)"), ("zh-Hans", "2020年4月27日（年份为推断）")],
)
def test_the_year_is_always_marked_as_inferred(lang, as_of):
    assert as_of in texts(lang).as_of(FIGURES["park_firms"])
    assert texts(lang).as_of(FIGURES["officials_posted"]) == load_strings(lang)["ui.as_of_not_stated"]


@pytest.mark.parametrize(
    ("lang", "period"),
    [("en", "In the first quarter of 2020 (year inferred)"), ("zh-Hans", "2020年一季度（年份为推断）"), ("zh-Hant", "2020年一季度（年份為推斷）")],
)
def test_a_total_over_a_quarter_is_dated_in_the_quarter_not_as_of_it(lang, period):
    """Sales are a total over the quarter, not a stock at a date: no "As of" / 截至."""
    assert texts(lang).as_of(FIGURES["buruiji_q1_sales"]) == period


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_derived_figure_in_running_text_carries_its_tag_and_arithmetic(lang):
    """A derived figure in a chapter's prose is followed by its arithmetic, which names it derived."""
    t, derived = texts(lang), {f.id for f in FIGURES.derived}
    tag = t.strings["ui.derived_arithmetic"].split("{", 1)[0]
    checked = 0
    for key, template in load_strings(lang).items():
        if not key.startswith("chapters.") or not key.endswith((".body", ".lede")):
            continue
        for name in set(placeholders(template)) & derived:
            assert f"{name}{ARITHMETIC}" in placeholders(template), f"{lang} {key}: {name} has no arithmetic"
            checked += 1
    assert checked >= 6, "the overview's six derived figures are no longer in its prose"
    body = t("chapters.overview.body")
    for figure in FIGURES.derived:
        assert tag + figure.formula in body, figure.id
    assert tag + "106 − 39 = 67" in body and tag + "55 ÷ 67 = 82.1%" in body


@pytest.mark.parametrize(
    ("requested", "locale", "expected"),
    [
        ("en", None, "en"),
        ("zh-Hant", "en-US", "zh-Hant"),
        ("xx", "en-GB", "en"),
        (None, "zh-TW", "zh-Hant"),
        (None, "zh-HK", "zh-Hant"),
        (None, "zh-CN", "zh-Hans"),
        (None, "fr-FR", "zh-Hans"),
        (None, None, "zh-Hans"),
        ("<script>alert(1)</script>", None, "zh-Hans"),
        ("en" * 3000, "en", "en"),
        (["en"], None, "zh-Hans"),
        ("EN", None, "zh-Hans"),
    ],
)
def test_the_language_falls_back_quietly_to_the_browsers_then_simplified(requested, locale, expected):
    assert resolve_language(requested, locale) == expected


def test_an_absurd_locale_is_ignored():
    assert language_from_locale("zh-" + "x" * 100) == "zh-Hans"
    assert language_from_locale(42) == "zh-Hans"


def test_a_figure_with_its_own_wording_says_it_as_the_report_does():
    """``format.figure.<id>`` exists to keep the report's words, so in Chinese it must be them."""
    own = {key.removeprefix("format.figure."): key for key in load_strings("zh-Hans") if key.startswith("format.figure.")}
    assert own, "no figure has its own wording; the test would prove nothing"
    for figure_id in own:
        figure = FIGURES[figure_id]
        assert texts("zh-Hans").quantity(figure) in figure.quote_zh
        assert texts("en").quantity(figure).startswith("more than ") == figure.is_lower_bound
    lesen, fuhua = FIGURES["lesen_staff_back"], FIGURES["fuhua_staff_back"]
    assert (texts("zh-Hans").quantity(lesen), texts("zh-Hans").quantity(fuhua)) == ("100多人", "500余人")
    assert "100多人" in lesen.quote_zh and "500余人" in fuhua.quote_zh


def test_english_figure_labels_are_in_sentence_case():
    """Cards, lists and the picker show labels on their own; lowercase ones read as fragments."""
    labels = [texts("en").label(figure) for figure in FIGURES.all]
    assert len(labels) == len(FIGURES.all) > 20
    assert [label for label in labels if not label[0].isupper()] == []
