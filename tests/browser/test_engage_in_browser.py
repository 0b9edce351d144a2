"""Issue 13 in a real browser: guess first, side by side, listen, in three languages.

Each feature passes the checks every chapter passes (no request to another host, no serious
axe-core violation, no sideways scroll at 320 px, no Content-Security-Policy violation), and
works from the keyboard. Headless Chromium has no speech voices here, so the listen control
is checked hidden without one; its play path runs against a stub of ``window.speechSynthesis``
(an init script) that records what it is asked to speak, in which language.
"""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_helpers import (
    CHART,
    LANGUAGES,
    MAIN,
    SCREENSHOTS,
    error_box_count,
    foreign_requests,
    horizontal_overflow,
    new_page,
    open_ready,
    resize,
    wait_for_chart_marks,
    wait_for_layout,
)
from playwright.sync_api import expect

from datong.i18n import load_strings
from datong.web import engage, site_data

BLOCKING_IMPACTS = {"serious", "critical"}
GUESS = ".st-key-guess"
HEADLINE = '[class*="st-key-chart-overview_parks"]'  # the chart that waits for the reader's answer
PARALLEL = ".st-key-side-by-side"
LISTEN = ".datong-listen"
SPEECH = {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "en": "en"}
VOICE_OF = {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "en": "en-GB"}

# A stand-in for the browser's speech synthesis: voices in window.__voiceLangs (set before this
# runs), every call recorded in window.__calls, every utterance's text and lang in window.__spoken.
STUB = """(() => {
  window.__calls = []; window.__spoken = [];
  const listeners = {};
  class FakeUtterance { constructor(text) { this.text = text; this.lang = ''; this.voice = null; this.onend = null; this.onerror = null; } }
  const fake = {
    speaking: false, paused: false, pending: false,
    getVoices: () => (window.__voiceLangs || []).map((lang, i) => ({lang, name: 'stub ' + lang, voiceURI: 'stub' + i, localService: true, default: i === 0})),
    speak(u) { window.__calls.push('speak'); window.__spoken.push({text: u.text, lang: u.lang, voice: u.voice ? u.voice.lang : null}); this.speaking = true; },
    pause() { window.__calls.push('pause'); this.paused = true; },
    resume() { window.__calls.push('resume'); this.paused = false; },
    cancel() { window.__calls.push('cancel'); this.speaking = false; },
    addEventListener(type, fn) { (listeners[type] = listeners[type] || []).push(fn); },
    removeEventListener() {},
    fire(type) { (listeners[type] || []).forEach(fn => fn(new Event(type))); },
  };
  Object.defineProperty(window, 'speechSynthesis', {value: fake, configurable: true});
  window.SpeechSynthesisUtterance = FakeUtterance;
})();"""


def blocking_violations(page) -> list[str]:
    found = []
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] in BLOCKING_IMPACTS:
            found += [f"{violation['id']}: {node['html'][:160]}" for node in violation["nodes"]]
    return found


def opened(browser, server, path: str, *, width: int = 1280, voices: list[str] | None = None):
    """A page with every console line recorded (``page.console_seen``), optionally with the speech stub."""
    page = new_page(browser, width=width, height=900)
    page.console_seen = []  # type: ignore[attr-defined]
    page.on("console", lambda message: page.console_seen.append(message.text))  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.console_seen.append(f"pageerror: {error}"))  # type: ignore[attr-defined]
    if voices is not None:
        page.add_init_script(f"window.__voiceLangs = {json.dumps(voices)};")
        page.add_init_script(STUB)
    open_ready(page, f"{server}{path}")
    return page


def csp_violations(page) -> list[str]:
    return [m for m in page.console_seen if "Content Security Policy" in m or m.startswith("pageerror")]


def shot(page, selector: str, name: str) -> None:
    """An element's screenshot in artifacts/screenshots/engage-<name>.png, to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    viewport = page.viewport_size
    # Streamlit scrolls inside stMain: make the window as tall as the content, so the whole element is drawn
    tall = page.evaluate("(main) => document.querySelector(main).scrollHeight", MAIN)
    page.set_viewport_size({"width": viewport["width"], "height": min(max(tall, viewport["height"]), 20_000)})
    try:
        wait_for_layout(page)
        page.locator(selector).first.screenshot(path=str(SCREENSHOTS / f"engage-{name}.png"))
    finally:
        page.set_viewport_size(viewport)


def texts(lang: str):
    return site_data.texts(lang)


def checked_everywhere(page, server, name: str) -> None:
    """The checks every chapter passes, at 1280 and 360 px, and no sideways scroll at 320 px."""
    assert error_box_count(page) == 0
    assert foreign_requests(page, server) == []
    assert blocking_violations(page) == []
    resize(page, 360)
    assert blocking_violations(page) == []
    resize(page, 320)
    assert horizontal_overflow(page) == {"document": 0, "main": 0}, name
    assert csp_violations(page) == []


# --------------------------------------------------------------------------- guess, then see


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_reader_guesses_with_the_keyboard_reveals_and_sees_their_guess_beside_the_report(browser, server, lang):
    page = opened(browser, server, f"/?lang={lang}")
    try:
        guess = page.locator(GUESS)
        question = texts(lang)("engage.guess.question", date=texts(lang).strings["engage.dates.2020_04_27"])
        expect(guess).to_contain_text(question)
        thumb = guess.get_by_role("slider")
        assert thumb.input_value() == "53"
        assert page.locator(HEADLINE).count() == 0  # the answer is not on the page yet, nor any chart
        assert page.locator(CHART).count() == 0 and page.locator(".st-key-what-if").count() == 0
        expect(guess).to_contain_text(texts(lang)("engage.guess.waiting"))
        thumb.focus()
        for _ in range(3):
            page.keyboard.press("ArrowLeft")
        expect(thumb).to_have_value("50")
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
        page.keyboard.press("Tab")
        reveal = guess.get_by_role("button", name=texts(lang)("engage.guess.reveal"))
        expect(reveal).to_be_focused()
        shot(page, GUESS, f"guess-asking-{lang}-1280")
        page.keyboard.press("Enter")
        result = page.locator(".st-key-guess-result")
        expect(result).to_have_text(engage.guess_sentence(texts(lang), site_data.figures(), 50))
        expect(guess.get_by_role("slider")).to_have_count(0)  # collapsed to its result
        expect(page.locator(f".st-key-units-guess {CHART}")).to_have_count(1)
        wait_for_chart_marks(page)
        assert "50" in page.locator(f".st-key-units-guess {CHART}").get_attribute("aria-label")
        # the headline chart that waited for the answer, after the guess
        expect(page.locator(HEADLINE)).to_have_count(1)
        wait_for_chart_marks(page)
        boxes = [page.locator(s).bounding_box() for s in (GUESS, HEADLINE)]
        assert boxes[0]["y"] < boxes[1]["y"]
        for ready in site_data.chart_blocks("overview", lang):  # and every chart after it, drawn
            assert page.locator(f".st-key-chart-{ready.block.id} {CHART}").count() == max(1, len(ready.block.panels)), ready.block.id
        shot(page, GUESS, f"guess-revealed-{lang}-1280")
        checked_everywhere(page, server, "overview, revealed")
        resize(page, 360)
        shot(page, GUESS, f"guess-revealed-{lang}-360")
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_skip_with_the_keyboard_goes_straight_to_the_answer(browser, server, lang):
    page = opened(browser, server, f"/?lang={lang}", width=360)
    try:
        shot(page, GUESS, f"guess-asking-{lang}-360")
        skip = page.locator(GUESS).get_by_role("button", name=texts(lang)("engage.guess.skip"))
        skip.focus()
        page.keyboard.press("Enter")
        expect(page.locator(".st-key-guess-result")).to_have_text(texts(lang)("engage.guess.skipped"))
        expect(page.locator(f".st-key-units-guess {CHART}")).to_have_count(0)
        expect(page.locator(HEADLINE)).to_have_count(1)
        again = page.locator(GUESS).get_by_role("button", name=texts(lang)("engage.guess.again"))
        again.focus()
        page.keyboard.press("Enter")
        expect(page.locator(GUESS).get_by_role("slider")).to_have_count(1)
        expect(page.locator(HEADLINE)).to_have_count(0)  # asked again: the answer goes again
        assert foreign_requests(page, server) == []
    finally:
        page.context.close()


# --------------------------------------------------------------------------- side by side


@pytest.mark.parametrize(("lang", "script"), [("zh-Hans", "zh-Hans"), ("zh-Hant", "zh-Hant"), ("en", "zh-Hans")])
def test_the_report_and_the_english_side_by_side_with_a_figure_picked_by_keyboard(browser, server, lang, script):
    page = opened(browser, server, f"/source?lang={lang}")
    try:
        block = page.locator(PARALLEL)
        block.scroll_into_view_if_needed()
        chinese, english = block.locator("p.parallel-zh"), block.locator("p.parallel-en")
        expect(chinese).to_have_count(12)
        expect(english).to_have_count(12)
        assert chinese.nth(0).get_attribute("lang") == script
        # a wide screen: the Chinese paragraph left of its English, on the same row
        left, right = chinese.nth(7).bounding_box(), english.nth(7).bounding_box()
        assert left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 2
        # the keyboard path: focus the select, arrow down to the figure, Enter
        label = texts(lang).label(site_data.figures()["firms_helped_transport_permits"])
        for attempt in range(3):  # a rerun still in flight can drop the focus: refocus and reopen (bounded)
            block.get_by_role("combobox").focus()
            page.keyboard.press("ArrowDown")
            try:
                page.get_by_role("option").first.wait_for(timeout=10_000)
                break
            except Exception:
                if attempt == 2:
                    raise
                page.keyboard.press("Escape")
        for _ in range(30):
            if page.locator('[role="option"][data-focused="true"]').inner_text().strip() == label:
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        quote = texts(lang).quote(site_data.figures()["firms_helped_transport_permits"])
        expect(chinese.nth(10).locator("mark")).to_have_text(quote)
        expect(english.nth(10).locator("mark")).to_have_count(1)
        expect(block.locator("mark")).to_have_count(2)
        chinese.nth(10).scroll_into_view_if_needed()
        shot(page, PARALLEL, f"parallel-{lang}-1280")
        checked_everywhere(page, server, "source, side by side")
        resize(page, 360)  # a phone: stacked, the Chinese above its English
        top, below = chinese.nth(10).bounding_box(), english.nth(10).bounding_box()
        assert top["y"] + top["height"] <= below["y"]
        shot(page, PARALLEL, f"parallel-{lang}-360")
    finally:
        page.context.close()


# --------------------------------------------------------------------------- listen


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_listen_control_is_hidden_where_the_browser_has_no_voice_for_the_language(browser, server, lang):
    page = opened(browser, server, f"/safety?lang={lang}")
    try:
        page.wait_for_selector(f"{LISTEN}[data-ready]", state="attached")
        real = page.evaluate(
            "(voices) => speechSynthesis.getVoices().filter(v => voices.some(w => { const t = v.lang.replace(/_/g, '-').toLowerCase(); return t === w || t.startsWith(w + '-'); })).length",
            list(engage.VOICE_LANGS[lang]),
        )  # fmt: skip
        assert real == 0, "this Chromium has a voice: the hidden case is covered by the stubs below"
        expect(page.locator(LISTEN)).to_be_hidden()
        expect(page.locator(".st-key-listen")).to_be_hidden()
        assert csp_violations(page) == []
    finally:
        page.context.close()


@pytest.mark.parametrize(("lang", "voices"), [("en", ["fr-FR", "zh-CN"]), ("zh-Hant", ["zh-HK", "zh-CN"]), ("zh-Hans", [])])
def test_a_voice_in_another_language_does_not_show_the_control(browser, server, lang, voices):
    page = opened(browser, server, f"/safety?lang={lang}", voices=voices)
    try:
        page.wait_for_selector(f"{LISTEN}[data-ready]", state="attached")
        expect(page.locator(LISTEN)).to_be_hidden()
    finally:
        page.context.close()


def test_a_voice_that_arrives_late_shows_the_control(browser, server):
    page = opened(browser, server, "/safety?lang=en", voices=[])
    try:
        page.wait_for_selector(f"{LISTEN}[data-ready]", state="attached")
        expect(page.locator(LISTEN)).to_be_hidden()
        page.evaluate("() => { window.__voiceLangs = ['en-US']; speechSynthesis.fire('voiceschanged'); }")
        expect(page.locator(LISTEN)).to_be_visible()
    finally:
        page.context.close()


@pytest.mark.parametrize(("lang", "bound"), [("en", "more than 20 firms"), ("zh-Hans", "20余家"), ("zh-Hant", "20餘家")])
def test_play_pause_resume_and_stop_by_keyboard_speak_the_chapter_in_the_readers_language(browser, server, lang, bound):
    page = opened(browser, server, f"/departments?lang={lang}", voices=["fr-FR", VOICE_OF[lang]])
    try:
        control = page.locator(LISTEN)
        expect(control).to_be_visible()
        strings = load_strings(lang)
        play = control.get_by_role("button", name=strings["engage.listen.play"])
        pause = control.get_by_role("button", name=strings["engage.listen.pause"])
        expect(pause).to_be_disabled()
        # keyboard: Tab from the chapter's byline reaches Play
        page.locator(".st-key-chapter-head p.byline").click()
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement && document.activeElement.dataset.action === 'play'"):
                break
        expect(play).to_be_focused()
        page.keyboard.press("Enter")
        spoken = page.evaluate("window.__spoken")
        assert [s["text"] for s in spoken] == engage.spoken_parts(site_data.texts(lang), "departments")
        assert {s["lang"] for s in spoken} == {SPEECH[lang]}
        assert {s["voice"] for s in spoken} == {VOICE_OF[lang]}
        assert any(bound in s["text"] for s in spoken)
        assert not any("20+" in s["text"] for s in spoken)
        expect(control.locator(".listen-status")).to_have_text(strings["engage.listen.status_playing"])
        page.keyboard.press("Tab")
        expect(pause).to_be_focused()
        page.keyboard.press("Enter")
        expect(control.get_by_role("button", name=strings["engage.listen.resume"])).to_be_focused()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        expect(control.get_by_role("button", name=strings["engage.listen.stop"])).to_be_focused()
        page.keyboard.press("Enter")
        calls = page.evaluate("window.__calls")
        assert [c for c in calls if c != "speak"][-4:] == ["cancel", "pause", "resume", "cancel"]
        expect(control.locator(".listen-status")).to_have_text(strings["engage.listen.status_stopped"])
        assert foreign_requests(page, server) == []
        assert blocking_violations(page) == []
        assert csp_violations(page) == []
        if lang in ("zh-Hans", "en"):
            shot(page, ".st-key-listen", f"listen-{lang}-1280")
            resize(page, 360)
            shot(page, ".st-key-listen", f"listen-{lang}-360")
        resize(page, 320)
        assert horizontal_overflow(page) == {"document": 0, "main": 0}
        assert blocking_violations(page) == []
    finally:
        page.context.close()
