"""The site in-process (AppTest): every chapter in every language runs and shows its heading and numbers."""

from html import escape

import pytest
from streamlit.testing.v1 import AppTest

from datong import paths
from datong.chapters import CHAPTERS
from datong.i18n import LANGUAGES, Texts, load_strings
from datong.web.site_data import figures

APP = str(paths.ROOT / "app.py")


def run(chapter_id: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if chapter_id and chapter_id != "overview":
        at.switch_page(str(paths.ROOT / "pages" / f"{chapter_id}.py")).run()
    return at


def answered(at: AppTest) -> AppTest:
    """The overview past its question (Skip): its headline chart waits for the reader's answer."""
    at.button(key="guess-skip").click().run()
    return at


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_every_chapter_runs_in_every_language_with_its_heading_kicker_dek_and_byline_and_no_card_grid(chapter, lang):
    from html import escape

    from datong.web.ui import _story_chapters

    at = run(chapter.id, lang=lang)
    strings = load_strings(lang)
    assert not at.exception
    assert [t.value for t in at.title] == [strings[f"chapters.{chapter.id}.title"]]
    assert len(at.metric) == 0  # the charts' own labels carry the numbers
    shown = [m.value for m in at.markdown]
    story = _story_chapters()
    if chapter in story:
        kicker = strings["nav.kicker"].format(n=story.index(chapter) + 1, total=len(story))
        assert kicker == {"en": f"Chapter {story.index(chapter) + 1} of {len(story)}"}.get(lang, kicker)
    elif chapter.section != "story":
        kicker = strings[f"nav.section_{chapter.section}"]
    else:
        kicker = None  # the overview opens the story: no kicker
    kickers = [m for m in shown if 'class="kicker"' in m]
    assert kickers == ([f'<p class="kicker">{escape(kicker)}</p>'] if kicker else [])
    assert not kicker or shown[0] == kickers[0]  # above the title
    dek, byline = escape(strings[f"chapters.{chapter.id}.lede"]), escape(strings["site.source_line"])
    assert f'<p class="dek">{dek}</p>\n\n<p class="byline">{byline}</p>' in shown  # the byline, under the dek


@pytest.mark.parametrize(("lang", "finding"), [("en", "91 of 106 park firms back at work"), ("zh-Hans", "106家中91家复工"), ("zh-Hant", "106家中91家復工")])
def test_the_overview_leads_with_the_park_finding_in_words_from_the_figures_once_the_reader_answers(lang, finding):
    at = answered(run("overview", lang=lang))
    headers = [h.value for h in at.header]
    assert headers[0] == finding  # the first heading after the title: the finding, above its chart
    charts = at.get("vega_lite_chart")
    import json

    assert "91" in json.loads(charts[0].proto.spec)["description"]


def lang_param(at: AppTest) -> str:
    """The ?lang= value as the browser would see it (AppTest gives a str or a list)."""
    value = at.query_params["lang"]
    return value[-1] if isinstance(value, list) else value


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_language_is_written_back_into_the_url(lang):
    at = run("safety", lang=lang)
    assert lang_param(at) == lang


@pytest.mark.parametrize(
    "value",
    ["xx", "", "en" * 2500, "<script>alert(1)</script>", "zh-Hans<img src=x onerror=alert(1)>"],
)
def test_an_unknown_or_hostile_language_falls_back_to_simplified_chinese(value):
    at = run(lang=value)
    assert not at.exception
    assert lang_param(at) == "zh-Hans"
    assert at.title[0].value == load_strings("zh-Hans")["chapters.overview.title"]
    rendered = " ".join(m.value for m in at.markdown)
    assert "<script>" not in rendered and "onerror" not in rendered


def test_unknown_query_parameters_are_ignored():
    at = run("departments", lang="en", utm_source="<b>x</b>", page="9999")
    assert not at.exception
    assert at.title[0].value == load_strings("en")["chapters.departments.title"]


def test_the_reader_can_switch_language_and_the_choice_sticks_across_chapters():
    at = run("overview", lang="en")
    at.segmented_control(key="lang_picker").set_value("zh-Hant").run()
    assert lang_param(at) == "zh-Hant"
    at.switch_page(str(paths.ROOT / "pages" / "firms.py")).run()
    assert at.title[0].value == load_strings("zh-Hant")["chapters.firms.title"]


def test_the_overview_shows_its_counts_and_the_three_rates_always_with_no_switch():
    import json

    at = answered(run("overview", lang="en"))
    assert len(at.toggle) == 0
    charts = at.get("vega_lite_chart")
    # parks; the two size waffles side by side (one chart each); the rates; the what-if
    assert len(charts) == 5
    specs = [json.loads(chart.proto.spec) for chart in charts]
    template = load_strings("en")["charts.overview_rates.description"]
    rates = [spec for spec in specs if spec["description"].startswith(template.split("{")[0])]
    assert len(rates) == 1 and "85.8%" in rates[0]["description"] and "82.1%" in rates[0]["description"]
    assert all("title" not in spec for spec in specs)  # one title per chart: the block's heading


def test_the_what_if_slider_reports_how_many_more_firms_a_target_rate_needed():
    at = answered(run("overview", lang="en"))
    at.slider(key="what-if-rate").set_value(95.0).run()
    text = " ".join(m.value for m in at.markdown)
    # 95% of 106 firms is 100.7, so 101 firms; 10 more than the 91 reported
    assert "101" in text and "10 more" in text


def test_charts_keep_their_data_across_reruns_although_their_specs_are_built_once():
    import json

    at = run("departments", lang="en")
    at.run()  # a rerun reads the cached spec again: Streamlit must not have emptied it
    charts = at.get("vega_lite_chart")
    assert len(charts) == 2
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        assert spec["description"]
        assert len(chart.proto.datasets) >= 1


@pytest.mark.parametrize("rate", [86.0, 100.0])
def test_the_what_if_slider_never_claims_fewer_firms_than_reported_at_either_end(rate):
    at = answered(run("overview", lang="en"))
    slider = at.slider(key="what-if-rate")
    assert slider.min == 86.0 and slider.max == 100.0  # from the first step above 85.8%
    slider.set_value(rate).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    more = {86.0: "1 more", 100.0: "15 more"}[rate]  # 86% of 106 → 92 firms; 100% → 106
    assert more in text and "0 more" not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_source_chapter_shows_each_kind_of_repair_with_its_count(lang):
    from datong.web.site_data import repair_report

    at = run("source", lang=lang)
    strings = load_strings(lang)
    tables = [m.value for m in at.markdown if m.value.startswith("| ")]
    assert len(tables) == 1
    rows = tables[0].splitlines()[2:]  # after the header and the rule
    cells = [[cell.strip().replace("\\", "") for cell in row.strip("| ").split(" | ")] for row in rows]
    expected = [[strings[f"source.repair.{kind}"], str(n)] for kind, n in repair_report().counts.items()]
    assert cells == expected
    assert sorted(int(n) for _, n in cells) == [2, 3, 8, 122, 146]  # as python -m datong.pipeline.repair prints


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_source_chapter_gives_each_correction_its_reason_in_the_readers_language(lang):
    from datong.script import to_traditional
    from datong.web.site_data import corrections

    at = run("source", lang=lang)
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")  # un-escape Markdown
    fixes = corrections()
    assert len(fixes) == 3
    for fix in fixes:
        expected = {"en": fix.reason, "zh-Hans": fix.reason_zh, "zh-Hant": to_traditional(fix.reason_zh)}[lang]
        assert expected in shown
        if lang != "en":
            assert fix.reason not in shown  # no English reason left on a Chinese page


@pytest.mark.parametrize(
    ("url", "base", "stray"),
    [
        ("http://localhost:8501/safty", "", "safty"),
        ("http://localhost:8501/safty/", None, "safty"),
        ("https://example.org/news/datong/safty", "news/datong", "safty"),
        ("https://example.org/news/datong/safety", "/news/datong/", None),  # a chapter
        ("https://example.org/other/safty", "news/datong", None),  # not under the site's base path
        ("http://localhost:8501/", "", None),
        ("http://localhost:8501", "", None),
        ("http://localhost:8501/index", "", None),  # reserved by the default page
        ("http://localhost:8501/firms/deeper", "", None),  # nested: left to Streamlit
        ("http://localhost:8501/%3Cscript%3E", "", None),  # not a plain segment
        ("http://localhost:8501/" + "a" * 101, "", None),  # too long
        (None, "", None),
        (["http://localhost:8501/x"], "", None),
    ],
)
def test_a_stray_address_is_recognised_only_when_it_is_a_plain_unknown_segment(url, base, stray):
    from datong.web.routing import DEFAULT_PAGE_PATH, stray_path

    known = {chapter.url_path for chapter in CHAPTERS} | {DEFAULT_PAGE_PATH}
    assert stray_path(url, base, known) == stray


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_source_chapter_lists_every_figure_with_its_value_and_quote_and_no_internal_id(lang):
    at = run("source", lang=lang)
    texts = Texts(lang, load_strings(lang), figures())
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")  # un-escape Markdown
    for figure in figures().all:
        item = f"**{texts.label(figure)}** · {texts.compact(figure)}"
        assert item in shown, item
        check = figure.formula if figure.derived else texts.quote(figure)
        assert texts("ui.labelled", label=texts("ui.formula" if figure.derived else "ui.quote"), value=check) in shown
    assert "park_firms_resumed" not in shown and not at.dataframe


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_charts_data_tab_lists_each_of_its_figures_with_where_it_comes_from(lang):
    from datong.web.site_data import chart_blocks

    texts = Texts(lang, load_strings(lang), figures())
    for ready in chart_blocks("overview", lang):
        items = ready.data_list.replace("\\", "").split("\n- ")
        assert len(items) == len(ready.block.figure_ids)
        for item, figure_id in zip(items, ready.block.figure_ids, strict=True):
            figure = figures()[figure_id]
            lines = item.removeprefix("- ").splitlines()
            assert lines[0].strip() == f"**{texts.label(figure)}** · {texts.compact(figure)}"
            origin = texts("ui.derived_yes") + figure.formula if figure.derived else texts("ui.derived_no")
            assert lines[1].strip() == texts("ui.labelled", label=texts("ui.is_derived"), value=origin)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_source_chapters_downloads_are_all_there_and_none_reruns_the_page(lang):
    at = run("source", lang=lang)
    strings = load_strings(lang)
    buttons = at.get("download_button")
    expected = [strings[k] for k in ("ui.download_csv", "ui.download_json", "ui.download_article", "source.download_poster", "source.download_poster_text")]
    assert [b.proto.label for b in buttons] == expected
    assert all(b.proto.ignore_rerun for b in buttons)  # a rerun could drop a file still being fetched


def test_the_phone_menu_draws_its_chapter_links_only_while_open():
    """Closed (every desktop reader, most phone ones), it costs one element, not seven (issue 9)."""
    strings = load_strings("en")
    nav = [strings[f"chapters.{c.id}.nav"] for c in CHAPTERS]
    at = run("safety", lang="en")
    links = [link.label for link in at.get("page_link")]
    assert links.count(strings["chapters.officials.nav"]) == 1  # the row only: the closed menu has none
    assert [label for label in links if label in nav][:7] == nav  # the desktop row, in reading order
    menu = at.get("popover")[0]
    assert menu.proto.popover.label == strings["nav.chapters"]
    assert not menu.proto.popover.open


@pytest.mark.parametrize("chapter", ["overview", "safety", "source"])
def test_the_share_fold_draws_the_link_and_embed_code_only_while_open(chapter):
    from datong.web.share import share_key

    at = run(chapter, lang="en")
    shown = lambda: [code.value for code in at.get("code")]  # noqa: E731
    before = shown()
    assert not any(value.startswith("<iframe") for value in before)  # source shows its citation, open
    at.session_state[share_key(chapter)] = True
    at.run()
    after = [value for value in shown() if value not in before]
    path = "" if chapter == "overview" else chapter
    assert after[0] == f"http://localhost:8501/{path}?lang=en"
    assert after[1].startswith('<iframe src="http://localhost:8501/') and "embed=true" in after[1]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_source_chapter_cites_as_text_with_todays_date_and_sends_no_code_block_until_shared(lang):
    """st.code would make every reader fetch Streamlit's code highlighter (1.5 MB) for two citations."""
    import datetime as dt

    from datong.web import share

    at = run("source", lang=lang)
    texts = Texts(lang, load_strings(lang), figures())
    assert at.get("code") == []
    cited = [element.proto.body for element in at.get("html") if "datong-cite" in element.proto.body]
    assert len(cited) == 1
    for citation in share.citations(lang, texts, dt.date.today()):
        assert escape(citation) in cited[0]


def test_each_session_navigates_with_its_own_copies_of_the_pages_the_process_built_once():
    """st.navigation flags the page it runs, so sessions must not share page objects; copying
    the process's pages spares each new reader eight ``st.Page`` builds (files resolved on disk)."""
    from datong.web import routing

    first, second = run(lang="en"), run(lang="en")
    mine, theirs = (at.session_state[routing._PAGES]["en"] for at in (first, second))
    template = routing._page_templates("en")
    assert [p.url_path for p in mine.by_chapter.values()] == [p.url_path for p in template.by_chapter.values()]
    assert [p.title for p in mine.by_chapter.values()] == [p.title for p in template.by_chapter.values()]
    for page, other, built in zip(mine.by_chapter.values(), theirs.by_chapter.values(), template.by_chapter.values(), strict=True):
        assert page is not other and page is not built and other is not built
    listed = [page for pages in mine.sections.values() for page in pages]
    assert all(any(page is link for page in listed) for link in mine.by_chapter.values())  # a link is the page navigation runs
    assert not any(page._can_be_called for pages in template.sections.values() for page in pages)
