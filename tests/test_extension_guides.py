"""The README's extension guides are true: following "Adding a chapter" step by step gives a
chapter that renders in every language and that the chapter-parametrized tests pick up, and
"Adding a language" names every place that lists the languages.

The chapter is added to a temporary copy of the project (never to this one), and checked there
in a separate Python process, so nothing of it leaks into this test run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from datong import paths, theme
from datong.i18n import GENERATED, LANGUAGES, WRITTEN, load_strings
from datong.web import routing, shell, site_data

ROOT = paths.ROOT
README = (ROOT / "README.md").read_text(encoding="utf-8")
NEW = "testing"  # the throwaway chapter's id


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, flags=re.MULTILINE | re.DOTALL)
    assert match, f"README has no section {title!r}"
    return match.group(1)


# --------------------------------------------------------------------------- a chapter, by the guide


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: {old!r} is no longer there once; update the guide and this test"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(textwrap.dedent(text))


def add_chapter_as_the_guide_says(root: Path) -> None:
    """The steps of README "Adding a chapter", in order, on the project at ``root``."""
    # 1. The registry: a Chapter in reading order (before the source chapter), with its key figures.
    _edit(root / "datong" / "chapters.py", '    Chapter("source", "about", ()),\n',
          f'    Chapter("{NEW}", "story", ("{NEW}_hiring_firms", "{NEW}_staff_firms")),\n    Chapter("source", "about", ()),\n')  # fmt: skip
    # 2. The page file, starting with ensure_routed() like the others.
    page = (root / "pages" / "safety.py").read_text(encoding="utf-8")
    (root / "pages" / f"{NEW}.py").write_text(page.replace('"safety"', f'"{NEW}"').replace("safety", NEW), encoding="utf-8")
    # 3. Its text in both written languages (no digits: figures are placeholders).
    for lang, words in (("zh-Hans", ("测试", "测试章节", "这是一个测试章节。", "报道没有说的。")), ("en", ("Testing", "A testing chapter", "A chapter for testing.", "Nothing."))):
        nav, title, lede, silent = words
        _append(root / "data" / "text" / f"{lang}.toml", f'''
            [chapters.{NEW}]
            nav = "{nav}"
            title = "{title}"
            lede = "{lede}"
            body = "{{{NEW}_hiring_firms}} · {{{NEW}_staff_firms}}"
            silent = "- {silent}"
            ''')  # fmt: skip
    # 4. Its figures, tagged with the chapter (quotes verbatim from the article, holding the value).
    _append(root / "data" / "figures.csv", f"""\
        {NEW}_hiring_firms,50,exact,firms,,{NEW},组织50家企业成功举办线上招聘会,参加线上招聘会的企业,Firms in the online hiring fair,,,
        {NEW}_staff_firms,5,exact,firms,,{NEW},帮助辖区5家企业解决了企业员工返岗难问题,帮助解决员工返岗难的企业,Firms helped to bring staff back,,,
        """)  # fmt: skip
    # 5. A chapter with key figures: its charts in the chart registry (datong/charts.py _REGISTRY)
    #    with their text ([charts.<chart id>]), and its heading on the poster ([poster.chapters]).
    _append(root / "datong" / "charts.py", f'''

        def {NEW}_chart(figures: Figures, texts: Texts) -> alt.LayerChart:
            ids = ["{NEW}_hiring_firms", "{NEW}_staff_firms"]
            return _finish(_bars(figures, texts, "{NEW}", ids, "charts.{NEW}.axis"), texts, "{NEW}", title_width=BAR_LABEL_WIDTH, subtitle=True)


        _REGISTRY["{NEW}"] = [("{NEW}", {NEW}_chart, ("{NEW}_hiring_firms", "{NEW}_staff_firms"), "stretch")]
        ''')  # fmt: skip
    for lang, (title, heading) in (("zh-Hans", ("测试图", "测试")), ("en", ("Testing chart", "Testing"))):
        charts_text = root / "data" / "text" / f"charts.{lang}.toml"
        _edit(charts_text, "[poster.chapters]\n", f'[poster.chapters]\n{NEW} = "{heading}"\n')
        _append(charts_text, f'''
            [charts.{NEW}]
            title = "{title}"
            subtitle = "{title}"
            axis = "{title}"
            description = "{title}: {{{NEW}_hiring_firms}}, {{{NEW}_staff_firms}}"
            ''')  # fmt: skip


CHECK = textwrap.dedent(
    f"""
    import json
    from streamlit.testing.v1 import AppTest
    from datong import chapters, charts, export, paths
    from datong.i18n import LANGUAGES, load_strings, missing_keys
    from datong.web import site_data

    result = {{"registered": "{NEW}" in chapters.BY_ID, "with_charts": "{NEW}" in charts.CHAPTERS_WITH_CHARTS,
              "missing_keys": missing_keys(), "pages": {{}}}}
    figures = site_data.figures()
    for lang in LANGUAGES:
        texts = site_data.texts(lang)
        at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=60)
        at.query_params["lang"] = lang
        at.run()
        at.switch_page(str(paths.ROOT / "pages" / "{NEW}.py")).run()
        result["pages"][lang] = {{
            "exceptions": [e.stack_trace for e in at.exception],
            "titles": [t.value for t in at.title],
            "expected_title": load_strings(lang)["chapters.{NEW}.title"],
            "body_shown": texts("chapters.{NEW}.body") in [m.value for m in at.markdown],
            "body": texts("chapters.{NEW}.body"),
            "charts": len(at.get("vega_lite_chart")),
            "chart_blocks": [b.id for b in charts.chapter_charts("{NEW}", figures, texts)],
            "poster": texts("poster.chapters.{NEW}") in export.poster_text(figures, texts),
            "nav": [link.label for link in at.get("page_link")],
        }}
    print("RESULT " + json.dumps(result, ensure_ascii=False))
    """
)


@pytest.fixture(scope="module")
def project_with_a_new_chapter(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project") / "site"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".venv", ".git", "artifacts", "__pycache__", ".pytest_cache", ".helpers", "*.pyc"))
    add_chapter_as_the_guide_says(root)
    return root


def _run(root: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, timeout=timeout)


def test_a_chapter_added_by_the_guide_renders_in_every_language(project_with_a_new_chapter):
    run = _run(project_with_a_new_chapter, "-c", CHECK)
    lines = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")]
    assert run.returncode == 0 and lines, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(lines[-1].removeprefix("RESULT "))
    assert result["registered"] and result["with_charts"]
    assert result["missing_keys"] == {}
    assert set(result["pages"]) == set(LANGUAGES)
    for lang, page in result["pages"].items():
        assert page["exceptions"] == [], lang
        assert page["titles"] == [page["expected_title"]], lang
        assert page["body_shown"] and "50" in page["body"] and "5" in page["body"], lang  # its figures, filled in
        assert page["chart_blocks"] == [NEW] and page["charts"] >= 1, lang
        assert page["poster"], lang


def test_the_tests_parametrized_over_chapters_pick_the_new_chapter_up(project_with_a_new_chapter):
    run = _run(project_with_a_new_chapter, "-m", "pytest", "tests/test_i18n.py", "tests/test_app.py", "-q", "-p", "no:cacheprovider",
               "-k", NEW, "-rA")  # fmt: skip
    output = run.stdout + run.stderr
    passed = re.search(r"(\d+) passed", output)
    assert run.returncode == 0 and passed, output[-4000:]
    assert int(passed.group(1)) >= 2 * len(LANGUAGES), output[-2000:]  # its texts and its page, in every language
    assert f"[{NEW}-" in output or f"-{NEW}]" in output or f"[{NEW}]" in output


def test_the_chapter_guide_names_every_step_the_test_takes():
    guide = _section("Adding a chapter")
    for place in ("datong/chapters.py", "pages/<id>.py", "ensure_routed()", "[chapters.<id>]", "data/figures.csv",
                  "_REGISTRY", "[charts.<chart id>]", "[poster.chapters]"):  # fmt: skip
        assert place in guide, place


# --------------------------------------------------------------------------- a language: every place that lists them


PER_LANGUAGE = {
    "datong/web/routing.py LANGUAGE_NAMES": set(routing.LANGUAGE_NAMES),
    "datong/web/shell.py OG_LOCALES": set(shell.OG_LOCALES),
    "datong/theme.py FONTS": set(theme.FONTS),
    "datong/i18n.py WRITTEN + GENERATED": set(WRITTEN) | set(GENERATED),
}


@pytest.mark.parametrize("place", sorted(PER_LANGUAGE))
def test_every_per_language_table_lists_exactly_the_sites_languages(place):
    """Adding a code to LANGUAGES fails here, naming each table still to fill in."""
    assert PER_LANGUAGE[place] == set(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_its_article_and_its_article_tab(lang):
    assert len(site_data.article().lines(lang)) == len(site_data.article().lines("zh-Hans"))
    assert f"source.tab_{lang.replace('-', '_').lower()}" in load_strings(lang)


def test_the_language_guide_names_every_place_that_lists_the_languages():
    guide = _section("Adding a language")
    names = ["LANGUAGES", "LANGUAGE_NAMES", "OG_LOCALES", "FONTS", "WRITTEN", "GENERATED", "language_from_locale",
             "label_zh", "label_en", "reason_zh", "quote_zh", "Article.lines", "source.tab_", "datong/web/ui.py"]  # fmt: skip
    for name in names:
        assert name in guide, name
    for place in PER_LANGUAGE:
        for word in place.split():
            assert word == "+" or word in guide, place
