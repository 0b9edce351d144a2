"""How to cite: both citations as plain text, each with a copy button named by its label, one
constant script allowed by the CSP, and no ``st.code`` (and so no code highlighter) on arrival."""

import datetime as dt
from html.parser import HTMLParser

import pytest

from datong.i18n import LANGUAGES
from datong.web import share, site_data

HOSTILE = '</p><script>alert(1)</script><b onclick="x">&amp;'


class Parsed(HTMLParser):
    """Elements with their attributes, and the text of each element that has an id."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: dict[str, str] = {}
        self._open: list[str | None] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        self._open.append(attributes.get("id"))
        if attributes.get("id"):
            self.text[attributes["id"]] = ""

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        for element_id in filter(None, self._open):
            self.text[element_id] += data


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_citation_shows_as_text_with_a_copy_button_named_by_its_label(lang):
    texts = site_data.texts(lang)
    apa, gbt = share.citations(lang, texts, dt.date(2026, 12, 7))
    page = Parsed(share.citation_html(texts, (("apa", texts("cite.apa_label"), apa), ("gbt", texts("cite.gbt_label"), gbt))))
    assert page.text["cite-apa"] == apa and page.text["cite-gbt"] == gbt
    assert page.text["cite-apa-label"] == texts("cite.apa_label") and page.text["cite-gbt-label"] == texts("cite.gbt_label")
    buttons = [attributes for tag, attributes in page.elements if tag == "button"]
    assert [b["data-copy"] for b in buttons] == ["cite-apa", "cite-gbt"]
    for button, key in zip(buttons, ("apa", "gbt"), strict=True):
        assert button["aria-labelledby"] == f"copy-{key} cite-{key}-label"  # "Copy" + "APA": which one it copies
        assert page.text[button["id"]] == texts("cite.copy")
        assert "hidden" in button  # shown by the script: without it, a button that does nothing is not offered
    box = next(attributes for tag, attributes in page.elements if "datong-cite" in attributes.get("class", ""))
    assert (box["data-copied"], box["data-selected"]) == (texts("cite.copied"), texts("cite.selected"))
    assert [attributes.get("role") for tag, attributes in page.elements if "cite-status" in attributes.get("class", "")] == ["status"]


def test_the_citations_and_labels_are_escaped_so_an_address_cannot_add_markup():
    texts = site_data.texts("en")
    html = share.citation_html(texts, (("apa", HOSTILE, HOSTILE),))
    page = Parsed(html)
    assert page.text["cite-apa"] == HOSTILE and page.text["cite-apa-label"] == HOSTILE
    assert [tag for tag, _ in page.elements].count("script") == 1  # the copy script only
    assert not any(tag == "b" for tag, _ in page.elements)


def test_the_copy_script_is_constant_and_its_hash_is_in_the_content_security_policy():
    from datong.web import headers, server

    server._security_headers.cache_clear()
    policy = dict(server._security_headers())[b"content-security-policy"].decode()
    assert headers.script_hash(share.COPY_SCRIPT) in policy
    texts = site_data.texts("zh-Hans")
    html = share.citation_html(texts, (("apa", "a", "b"), ("gbt", "c", "d")))
    assert html.count(f"<script>{share.COPY_SCRIPT}</script>") == 1
    assert "http" not in share.COPY_SCRIPT and "fetch" not in share.COPY_SCRIPT  # copies locally, asks no host
