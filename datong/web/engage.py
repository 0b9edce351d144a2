"""Blocks that ask something of the reader (issue 13): guess first, read side by side, listen.

* :func:`guess` (the overview): "how many of the 106 park firms were back at work?" A slider,
  then Reveal (or Skip); the reader's guess is drawn beside the report's 91 with one sentence on
  how far off it was. The guess lives in ``st.session_state`` only: nothing stores or sends it.
* :func:`side_by_side` (the source chapter): the report in Chinese, in the reader's script,
  beside our English, paragraph by paragraph (columns on a desktop, stacked on a phone); a
  select marks one figure's quote in the Chinese and its paragraph in the English.
* :func:`listen` (every chapter): Play, Pause/Resume and Stop buttons that read the chapter with
  the browser's own speech synthesis in the reader's language. The words are built here from
  the chapter's text keys (so "more than 20 firms" is spoken as written) and handed to the page
  as JSON data; the one script (:data:`LISTEN_SCRIPT`) is a constant, so its SHA-256 is listed
  in the Content-Security-Policy (:func:`inline_scripts`, used by ``datong.web.server``).

Text lives in ``data/text/engage.<lang>.toml``; the chart in :func:`datong.charts.guess_chart`.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from html import escape

import streamlit as st

from datong import charts, quotes
from datong.i18n import Texts, plain_text
from datong.web import site_data
from datong.web.markdown import escape_markdown

# --------------------------------------------------------------------------- guess, then see

GUESS_STATE = "guess-state"  # None (asking), "revealed" or "skipped"
GUESS_VALUE = "guess-value"  # the slider
GUESS_SHOWN = "guess-shown"  # the guess as revealed (the slider's value may change later)


def guess_bounds(p) -> tuple[int, int]:
    """The slider's range: none to all of the park firms."""
    return 0, int(p.figures["park_firms"].value)


def clamp_guess(value: object, highest: int) -> int:
    """Whatever a client sends, a whole number of firms from 0 to ``highest`` (else the middle)."""
    try:
        number = round(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return highest // 2
    return max(0, min(highest, number))


def guess_sentence(texts: Texts, figures, guess: int) -> str:
    """How far off the guess was: over by N, under by N, or exactly right."""
    resumed = int(figures["park_firms_resumed"].value)
    if guess == resumed:
        return texts("engage.guess.exact", guess=guess)
    key = "engage.guess.over" if guess > resumed else "engage.guess.under"
    return texts(key, guess=guess, diff=abs(guess - resumed))


def _question(p) -> str:
    resumed = p.figures["park_firms_resumed"]
    date = p.texts.strings[f"engage.dates.{resumed.as_of.replace('-', '_')}"]
    return p.t("engage.guess.question", date=date)


@lru_cache(maxsize=512)
def _guess_spec(lang: str, guess: int) -> str:
    """The guess chart's spec as JSON, built once per language and guess (a copy per run)."""
    chart = charts.guess_chart(site_data.figures(), site_data.texts(lang), guess)
    return json.dumps(chart.to_dict())


def _set_state(state: str | None) -> None:
    st.session_state[GUESS_STATE] = state
    if state == "revealed":
        st.session_state[GUESS_SHOWN] = st.session_state.get(GUESS_VALUE)


def guess_answered(chapter_id: str, lang: str) -> bool:
    """Whether the overview may show its answer (the headline chart and every block after it that
    states the number): the reader revealed or skipped, or came by a figure's permalink
    (``?fig=``) for the headline chart, which is a request for the number."""
    if st.session_state.get(GUESS_STATE) in ("revealed", "skipped"):
        return True
    from datong.web import share  # the permalink's rules live there

    figure_id = st.query_params.get("fig")
    return isinstance(figure_id, str) and share.permalink_chart(figure_id, chapter_id, lang) == HEADLINE_CHART


HEADLINE_CHART = "overview_parks"  # the chart that holds the answer: it waits for the guess


def _answer(state: str | None) -> None:
    """Reveal, Skip or Again: the whole page reruns, since the headline chart outside this block
    appears (or goes again) with the answer."""
    _set_state(state)
    st.rerun(scope="app")


@st.fragment
def guess(p) -> None:
    """Ask, then show: the question, a slider, Reveal and Skip; then the result in its place.

    A fragment: moving the slider reruns this block only. The buttons rerun the whole page,
    because the blocks below that give the answer (:func:`guess_answered`) wait for it.
    """
    lowest, highest = guess_bounds(p)
    state = st.session_state.get(GUESS_STATE)
    with st.container(key="guess", border=True):
        st.subheader(p.t("engage.guess.heading"), anchor=False)
        if state not in ("revealed", "skipped"):
            st.markdown(escape_markdown(_question(p)))
            st.slider(p.t("engage.guess.slider_label"), min_value=lowest, max_value=highest, value=highest // 2, step=1, key=GUESS_VALUE)
            with st.container(horizontal=True, key="guess-buttons"):
                reveal = st.button(p.t("engage.guess.reveal"), key="guess-reveal", type="primary")
                skip = st.button(p.t("engage.guess.skip"), key="guess-skip")
            st.caption(escape_markdown(p.t("engage.guess.privacy")))
            st.caption(escape_markdown(p.t("engage.guess.waiting")))
            if reveal or skip:
                _answer("revealed" if reveal else "skipped")
            return
        if state == "revealed":
            value = clamp_guess(st.session_state.get(GUESS_SHOWN), highest)
            with st.container(key="guess-result"):
                st.markdown(escape_markdown(guess_sentence(p.texts, p.figures, value)))
            with st.container(key="units-guess"):
                st.vega_lite_chart(json.loads(_guess_spec(p.lang, value)), width="content", theme=None, key=f"guess-chart-{value}")
        else:
            with st.container(key="guess-result"):
                st.markdown(escape_markdown(p.t("engage.guess.skipped")))
        if st.button(p.t("engage.guess.again"), key="guess-again"):
            _answer(None)


# --------------------------------------------------------------------------- side by side

PARALLEL_PICK = "parallel-pick"


def chinese_lang(lang: str) -> str:
    """The script a reader gets the Chinese in: Traditional for zh-Hant readers, else Simplified."""
    return "zh-Hant" if lang == "zh-Hant" else "zh-Hans"


def paragraph_of(figures, article) -> dict[str, int]:
    """Each reported figure's paragraph index (line of the article), found from its Chinese quote."""
    groups = quotes.by_paragraph(list(figures.reported), article.zh_hans)
    return {figure.id: index for index, group in groups.items() for figure in group}


def _marked(pieces) -> str:
    return "".join(f"<mark>{escape(text)}</mark>" if is_quote else escape(text) for text, is_quote in pieces)


@st.fragment
def side_by_side(p) -> None:
    """The report beside our English, one row per paragraph; a picked figure's quote marked in both.

    A fragment: picking a figure reruns this block only.
    """
    zh = chinese_lang(p.lang)
    reported = [f.id for f in p.figures.reported]
    where = paragraph_of(p.figures, p.article)
    with st.container(key="side-by-side"):
        st.header(p.t("engage.parallel.heading"), anchor=False)
        st.markdown(escape_markdown(p.t("engage.parallel.intro")))
        picked = st.selectbox(
            p.t("engage.parallel.pick_label"), [None, *reported], key=PARALLEL_PICK,
            format_func=lambda fid: p.t("engage.parallel.pick_none") if fid is None else p.texts.label(p.figures[fid]),
        )  # fmt: skip
        if picked not in where:
            picked = None
        marked = where.get(picked) if picked else None
        if picked:
            with st.container(key="parallel-note"):
                st.caption(escape_markdown(p.t("engage.parallel.marked_note", label=p.texts.label(p.figures[picked]))))
        st.markdown(parallel_html(p, zh, picked, marked), unsafe_allow_html=True)


def parallel_html(p, zh: str, picked: str | None, marked: int | None) -> str:
    """The two texts as one block of HTML, a row per paragraph: one element instead of five per
    row (each element costs the server a message on every run), and site.css sets the rows as
    two columns on a desktop and stacks them on a phone. Every text is escaped."""
    heads = (
        '<div class="parallel-heads">'
        f'<p class="parallel-head" lang="{zh}">{escape(p.t(f"engage.parallel.zh_heading_{zh[3:].lower()}"))}</p>'
        f'<p class="parallel-head" lang="en">{escape(p.t("engage.parallel.en_heading"))}</p></div>'
    )
    rows = []
    for index, (chinese, english) in enumerate(zip(p.article.lines(zh), p.article.lines("en"), strict=True)):
        here = index == marked
        pieces = quotes.highlight(chinese, [p.texts.quote(p.figures[picked])]) if here else [(chinese, False)]
        css = " marked" if here else ""
        text = f"<mark>{escape(english)}</mark>" if here else escape(english)
        rows.append(
            f'<div class="parallel-row"><p class="parallel-zh{css}" lang="{zh}">{_marked(pieces)}</p>'
            f'<p class="parallel-en{css}" lang="en">{text}</p></div>'
        )
    return f'<div class="parallel">{heads}{"".join(rows)}</div>'


# --------------------------------------------------------------------------- listen

SPEECH_LANGS = {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "en": "en"}
# Voice languages (lower case, "_" read as "-") that can read each: a voice matches a tag
# exactly or by prefix ("en" matches "en-GB"). Cantonese (zh-HK) voices are not offered for
# Traditional text: they read it in another language.
VOICE_LANGS = {"zh-Hans": ("zh-cn", "zh-hans", "cmn-hans", "cmn-cn"), "zh-Hant": ("zh-tw", "zh-hant", "cmn-hant", "cmn-tw"), "en": ("en",)}

# One constant script for every chapter and language (its SHA-256 is in the CSP). It reads the
# words and labels from the JSON element beside it, shows the control only when the browser has
# a voice for the language (voices may arrive late: voiceschanged), and queues one utterance
# per sentence (long utterances stall in some browsers).
LISTEN_SCRIPT = """(function () {
  var me = document.currentScript;
  var box = me ? me.closest(".datong-listen") : null;
  if (!box || box.getAttribute("data-ready")) return;
  box.setAttribute("data-ready", "1");
  var synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function") return;
  var data;
  try { data = JSON.parse(box.querySelector("script.listen-data").textContent); } catch (e) { return; }
  var play = box.querySelector("[data-action=play]");
  var pause = box.querySelector("[data-action=pause]");
  var stop = box.querySelector("[data-action=stop]");
  var status = box.querySelector(".listen-status");
  var voice = null, state = "stopped", run = 0, watch = null;
  function pickVoice() {
    var all = synth.getVoices() || [];
    voice = null;
    for (var i = 0; i < all.length; i++) {
      var tag = String(all[i].lang || "").replace(/_/g, "-").toLowerCase();
      for (var j = 0; j < data.voices.length; j++) {
        var want = data.voices[j];
        if (tag === want || tag.indexOf(want + "-") === 0) { voice = all[i]; break; }
      }
      if (voice) break;
    }
    box.hidden = !voice;
  }
  function show(next) {
    state = next;
    status.textContent = data.status[next] || "";
    pause.textContent = next === "paused" ? data.resume : data.pause;
    pause.disabled = !(next === "playing" || next === "paused");
    stop.disabled = pause.disabled;
  }
  function gone() {
    if (box.isConnected) return;
    run++;
    synth.cancel();
    clearInterval(watch);
  }
  play.addEventListener("click", function () {
    var mine = ++run;
    synth.cancel();
    show("playing");
    data.parts.forEach(function (text, index) {
      var said = new SpeechSynthesisUtterance(text);
      said.lang = data.lang;
      if (voice) said.voice = voice;
      said.onerror = function () { if (mine === run) show("stopped"); };
      if (index === data.parts.length - 1) said.onend = function () { if (mine === run) show("done"); };
      synth.speak(said);
    });
    clearInterval(watch);
    watch = setInterval(gone, 1000);
  });
  pause.addEventListener("click", function () {
    if (state === "playing") { synth.pause(); show("paused"); }
    else if (state === "paused") { synth.resume(); show("playing"); }
  });
  stop.addEventListener("click", function () { run++; synth.cancel(); show("stopped"); status.textContent = data.status.stopped; });
  if (synth.speaking) synth.cancel();
  show("stopped");
  status.textContent = "";
  pickVoice();
  if (synth.addEventListener) synth.addEventListener("voiceschanged", pickVoice);
  else synth.onvoiceschanged = pickVoice;
})();"""


def inline_scripts() -> list[str]:
    """The inline scripts this module sends, for the CSP's hashes (``datong.web.server``)."""
    return [LISTEN_SCRIPT]


_LIST_ITEM = re.compile(r"^\s*[-*]\s+", re.MULTILINE)
_CHINESE_SENTENCE = re.compile(r"[^。！？]+(?:[。！？]+[”’」』）)]*|$)")
_ENGLISH_BREAK = re.compile(r"(?<=[.!?])[”’\"')]?\s+(?=[A-Z“‘\"(])")


def sentences(text: str, lang: str) -> list[str]:
    """A paragraph cut into sentences, each spoken as one utterance."""
    if lang == "en":
        parts, start = [], 0
        for match in _ENGLISH_BREAK.finditer(text):
            parts.append(text[start : match.end()].strip())
            start = match.end()
        parts.append(text[start:].strip())
    else:
        parts = [piece.strip() for piece in _CHINESE_SENTENCE.findall(text)]
    return [part for part in parts if part]


def spoken_parts(texts: Texts, chapter_id: str) -> list[str]:
    """What is read aloud: the chapter's title, dek, body and what the report does not say,
    as the text writes them (``Texts`` fills the figures: "more than 20 firms", 20余家)."""
    key = f"chapters.{chapter_id}."
    blocks = [texts(key + "title"), texts(key + "lede")]
    blocks += re.split(r"\n\s*\n", texts(key + "body"))
    blocks.append(texts("ui.silent_heading"))
    blocks += _LIST_ITEM.sub("", texts(key + "silent")).splitlines()
    parts = []
    for block in blocks:
        for line in _LIST_ITEM.sub("", block).split("\n\n"):
            text = plain_text(line)
            if text:
                parts += sentences(text, texts.lang)
    return parts


def _json_for_html(value: object) -> str:
    """JSON safe inside a ``<script type="application/json">`` element (no ``<``, ``>`` or ``&``)."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@lru_cache(maxsize=64)
def listen_html(chapter_id: str, lang: str) -> str:
    """The control: hidden until the script finds a voice; its words and labels as JSON data."""
    texts = site_data.texts(lang)
    data = {
        "lang": SPEECH_LANGS[lang],
        "voices": list(VOICE_LANGS[lang]),
        "parts": spoken_parts(texts, chapter_id),
        "pause": texts("engage.listen.pause"),
        "resume": texts("engage.listen.resume"),
        "status": {state: texts(f"engage.listen.status_{state}") for state in ("playing", "paused", "stopped", "done")},
    }
    label = escape(texts("engage.listen.label"))
    return (
        f'<div class="datong-listen" role="group" aria-labelledby="listen-label" hidden>'
        f'<p class="listen-label" id="listen-label">{label}</p>'
        '<div class="listen-buttons">'
        f'<button type="button" data-action="play">{escape(texts("engage.listen.play"))}</button>'
        f'<button type="button" data-action="pause" disabled>{escape(texts("engage.listen.pause"))}</button>'
        f'<button type="button" data-action="stop" disabled>{escape(texts("engage.listen.stop"))}</button>'
        '<span class="listen-status" role="status" aria-live="polite"></span>'
        "</div>"
        f'<p class="listen-note">{escape(texts("engage.listen.note"))}</p>'
        f'<script type="application/json" class="listen-data">{_json_for_html(data)}</script>'
        f"<script>{LISTEN_SCRIPT}</script>"
        "</div>"
    )


def listen(p) -> None:
    """Read this chapter aloud, in the browser (see :data:`LISTEN_SCRIPT`)."""
    with st.container(key="listen"):
        st.html(listen_html(p.chapter.id, p.lang), unsafe_allow_javascript=True)
