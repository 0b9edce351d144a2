"""Share and cite: a chapter's link and embed code, a figure's permalink, and a real citation.

Readers pass a story on by its address, newsrooms embed it, researchers cite it. The link is
the chapter's address in the reader's language, built on the public base URL
(``DATONG_PUBLIC_URL``; otherwise the address the reader's browser reports). The link and embed
code are shown in ``st.code``, whose copy button copies them with one click or keypress; the
citations have copy buttons of their own (:data:`COPY_SCRIPT`). A figure's
permalink (``?fig=<id>``) opens its chapter with the figure's source shown, as if the reader
had clicked its mark (:func:`apply_figure_permalink`).
"""

from __future__ import annotations

import datetime as dt
from html import escape
from urllib.parse import urlsplit

import streamlit as st

from datong import chapters
from datong.i18n import Texts
from datong.web import shell

_APPLIED = "figure-permalink-applied"


def site_base() -> str:
    """The base URL links are built on."""
    import os

    if os.environ.get(shell.PUBLIC_URL_ENV, "").strip():
        return shell.public_base_url()
    url = st.context.url
    parts = urlsplit(url) if isinstance(url, str) else None
    base_path = st.get_option("server.baseUrlPath")
    if parts and parts.scheme in ("http", "https") and parts.netloc:
        prefix = "/".join(s for s in str(base_path or "").split("/") if s)
        return f"{parts.scheme}://{parts.netloc}" + (f"/{prefix}" if prefix else "")
    return shell.public_base_url(st.get_option("server.port"), base_path)


def chapter_link(chapter_id: str, lang: str) -> str:
    return shell.chapter_url(site_base(), chapters.BY_ID[chapter_id], lang)


def figure_link(figure_id: str, chapter_id: str, lang: str) -> str:
    return f"{chapter_link(chapter_id, lang)}&fig={figure_id}"


def embed_code(chapter_id: str, lang: str, texts: Texts) -> str:
    """An ``<iframe>`` with a title and a size, using Streamlit's ``?embed=true``."""
    title = texts("share.embed_title", title=texts(f"chapters.{chapter_id}.title"), site=texts("site.title"))
    src = f"{chapter_link(chapter_id, lang)}&embed=true"
    return (
        f'<iframe src="{escape(src, quote=True)}" title="{escape(title, quote=True)}" '
        'width="100%" height="900" style="border:0" loading="lazy"></iframe>'
    )


def share_key(chapter_id: str) -> str:
    """The share fold's key: one per chapter, so a fold left open is closed on the next page."""
    return f"share-open-{chapter_id}"


def share_block(chapter_id: str, lang: str, texts: Texts) -> None:
    """The chapter's link and embed code, folded until asked for, and drawn only once asked for
    (opening the fold reruns the page): closed, the page sends no ``st.code``, so the browser does
    not fetch Streamlit's code highlighter (1.5 MB of script) and the run has five elements fewer."""
    from datong.web.routing import LANGUAGE_NAMES

    fold = st.expander(texts("share.heading"), key=share_key(chapter_id), on_change="rerun")
    if not fold.open:
        return
    with fold, st.container(key="share"):
        st.markdown(texts("share.link_label", language=LANGUAGE_NAMES[lang]))
        st.code(chapter_link(chapter_id, lang), language=None, wrap_lines=True)
        st.caption(texts("share.link_help"))
        st.markdown(texts("share.embed_label"))
        st.caption(texts("share.embed_help"))
        st.code(embed_code(chapter_id, lang, texts), language="html", wrap_lines=True)


def accessed_date(texts: Texts, today: dt.date) -> str:
    months = texts("cite.months").split(",")
    return texts("cite.date", year=today.year, month=today.month, day=today.day, month_name=months[today.month - 1])


def citations(lang: str, texts: Texts, today: dt.date) -> tuple[str, str]:
    """(APA, GB/T 7714-2015) for the report as this site presents it, accessed today."""
    url = chapter_link("source", lang)
    values = {"accessed": accessed_date(texts, today), "accessed_iso": today.isoformat(), "url": url}
    return texts("cite.apa", **values), texts("cite.gbt", **values)


def citation_block(lang: str, texts: Texts) -> None:
    """How to cite, in the reader's language, with the address and today's date.

    Not ``st.code``: the source chapter is open, and ``st.code`` made every reader of it fetch
    and run Streamlit's code highlighter (1.5 MB of script, about 0.5 s of blocked main thread)
    for two lines of prose. The citations are plain text with a copy button each.
    """
    apa, gbt = citations(lang, texts, dt.date.today())
    with st.container(key="citation"):
        st.header(texts("cite.heading"), anchor=False)
        st.markdown(texts("cite.intro"))
        st.html(citation_html(texts, (("apa", texts("cite.apa_label"), apa), ("gbt", texts("cite.gbt_label"), gbt))), unsafe_allow_javascript=True)


# One constant script for the citation block (its SHA-256 is in the CSP). Its buttons come
# hidden and show only when it runs; each copies the text it names. Where the browser gives no
# clipboard (a page over plain HTTP), it selects the text for the reader to copy instead.
COPY_SCRIPT = """(function () {
  var me = document.currentScript;
  var box = me ? me.closest(".datong-cite") : null;
  if (!box || box.getAttribute("data-ready")) return;
  box.setAttribute("data-ready", "1");
  var status = box.querySelector(".cite-status");
  function say(what) { status.textContent = box.getAttribute(what) || ""; }
  Array.prototype.forEach.call(box.querySelectorAll("button[data-copy]"), function (button) {
    var text = box.querySelector("#" + button.getAttribute("data-copy"));
    if (!text) return;
    function select() {
      var range = document.createRange();
      range.selectNodeContents(text);
      var chosen = window.getSelection();
      chosen.removeAllRanges();
      chosen.addRange(range);
      say("data-selected");
    }
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text.textContent).then(function () { say("data-copied"); }, select);
      } else {
        select();
      }
    });
    button.hidden = false;
  });
})();"""


def citation_html(texts: Texts, entries) -> str:
    """The citations, each with its label and a copy button named by both; ``entries`` are
    (id, label, citation). Every text is escaped: the citations hold the page's address."""
    parts = []
    for key, label, text in entries:
        parts.append(
            f'<p class="cite-label" id="cite-{key}-label">{escape(label)}</p>'
            f'<p class="cite-text" id="cite-{key}">{escape(text)}</p>'
            f'<button type="button" id="copy-{key}" data-copy="cite-{key}" aria-labelledby="copy-{key} cite-{key}-label" hidden>'
            f"{escape(texts('cite.copy'))}</button>"
        )
    return (
        f'<div class="datong-cite" data-copied="{escape(texts("cite.copied"))}" data-selected="{escape(texts("cite.selected"))}">'
        f'{"".join(parts)}<p class="cite-status" role="status" aria-live="polite"></p>'
        f"<script>{COPY_SCRIPT}</script></div>"
    )


def inline_scripts() -> list[str]:
    """The inline scripts this module sends, for the CSP's hashes (``datong.web.server``)."""
    return [COPY_SCRIPT]


def permalink_chart(figure_id: str, chapter_id: str, lang: str) -> str | None:
    """The chart block of this chapter that shows the figure, if any."""
    from datong.web import site_data

    for ready in site_data.chart_blocks(chapter_id, lang):
        if figure_id in ready.block.figure_ids:
            return ready.block.id
    return None


def apply_figure_permalink(chapter_id: str, lang: str, pick_key) -> None:
    """``?fig=<id>``: pick the figure in its chart's picker, once per session and id.

    An unknown id, or one of another chapter, is ignored quietly (the web server already sends
    a permalink of another chapter there). ``pick_key`` gives the picker's session key of a chart.
    """
    figure_id = st.query_params.get("fig")
    if not isinstance(figure_id, str) or st.session_state.get(_APPLIED) == (chapter_id, figure_id):
        return
    chart_id = permalink_chart(figure_id, chapter_id, lang)
    if chart_id is None:
        return
    st.session_state[pick_key(chart_id)] = figure_id
    st.session_state[_APPLIED] = (chapter_id, figure_id)
