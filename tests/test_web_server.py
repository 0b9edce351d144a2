"""The real web server over plain HTTP and its websocket, no browser: what a crawler, a link
preview, a hostile client or an operator's mistake meets."""

from __future__ import annotations

import io
import re
import time

import pytest
from web_servers import Collected, get, project_copy, site_server

from datong.chapters import CHAPTERS
from datong.i18n import LANGUAGES, load_strings
from datong.web.site_pages import streamlit_index

pytestmark = pytest.mark.timeout(240)
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy", "permissions-policy")


@pytest.fixture(scope="module")
def server():
    with site_server(env={"DATONG_PUBLIC_URL": "https://news.example.org/datong"}) as base:
        yield base


def page(server, path: str, **headers) -> tuple[int, dict, Collected, str]:
    status, response_headers, body = get(server + path, headers=headers)
    text = body.decode("utf-8")
    parsed = Collected()
    parsed.feed(text)
    return status, response_headers, parsed, text


@pytest.mark.parametrize("chapter", [c.id for c in CHAPTERS])
def test_every_chapter_is_served_with_its_head_and_text_in_every_language(server, chapter):
    path = "" if chapter == "overview" else chapter
    for lang in LANGUAGES:
        strings = load_strings(lang)
        status, headers, parsed, _ = page(server, f"/{path}?lang={lang}")
        assert status == 200
        assert parsed.html_lang == lang
        assert parsed.title == f"{strings[f'chapters.{chapter}.title']} · {strings['site.title']}"
        assert parsed.meta["og:image"] == f"https://news.example.org/datong/preview/{chapter}.{lang}.png"
        assert strings[f"chapters.{chapter}.title"] in parsed.text
        assert headers["content-language"] == lang


def test_the_browsers_language_picks_the_served_language_when_the_address_has_none(server):
    _, headers, parsed, _ = page(server, "/safety", **{"Accept-Language": "zh-TW,zh;q=0.9,en;q=0.5"})
    assert parsed.html_lang == "zh-Hant" and "Accept-Language" in headers["vary"]


SCRIPT = re.search(r'src="\./(static/js/index\.[^"]+\.js)"', streamlit_index()).group(1)


@pytest.mark.parametrize(
    "path", ["/", "/safety?lang=en", f"/{SCRIPT}", "/_stcore/health", "/robots.txt", "/sitemap.xml", "/favicon.svg", "/nope", "/firms/x"]
)
def test_every_response_carries_the_security_headers(server, path):
    _, headers, _ = get(server + path)
    for name in SECURITY_HEADERS:
        assert headers[name], name
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["permissions-policy"] and "geolocation=()" in headers["permissions-policy"]
    csp = dict(d.strip().split(" ", 1) for d in headers["content-security-policy"].split(";"))
    assert csp["default-src"] == "'self'" and csp["connect-src"] == "'self'"
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["frame-ancestors"] == "*"


@pytest.mark.parametrize("path", ["/", "/firms?lang=en", "/source?lang=zh-Hant", "/nope"])
def test_every_inline_script_a_page_is_served_with_has_its_hash_in_the_policy(server, path):
    """A script the policy does not list would not run: Chromium would refuse it and log a violation."""
    from datong.web import headers as security

    _, response_headers, _, text = page(server, path)
    scripts = security.inline_scripts(text)
    assert len(scripts) == (1 if path == "/" else 2)  # Streamlit's own, and where the server is below the root
    for script in scripts:
        assert security.script_hash(script) in response_headers["content-security-policy"]


def test_the_preview_card_is_a_1200_by_630_png(server):
    from PIL import Image

    status, headers, body = get(server + "/preview/safety.zh-Hant.png")
    assert status == 200 and headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(body)).size == (1200, 630)
    for unknown in ("/preview/nope.en.png", "/preview/safety.fr.png", "/preview/x"):
        assert get(server + unknown)[0] == 404


def test_robots_sitemap_and_figures_are_files_not_the_app_shell(server):
    for path, kind in (("/robots.txt", "text/plain"), ("/sitemap.xml", "application/xml"), ("/figures.csv", "text/csv")):
        status, headers, body = get(server + path)
        assert status == 200 and headers["content-type"].startswith(kind), path
        assert b"<div id=\"root\">" not in body
    assert b"Sitemap: https://news.example.org/datong/sitemap.xml" in get(server + "/robots.txt")[2]
    assert get(server + "/figures.csv")[2].decode("utf-8-sig").splitlines()[0].count(",") >= 5


def test_a_figure_permalink_of_another_chapter_is_sent_there(server):
    status, headers, _ = get(server + "/?fig=jobs_collected&lang=en")
    assert status == 302 and headers["location"] == "departments?fig=jobs_collected&lang=en"


def test_an_unknown_address_gets_the_overview_with_a_404_and_noindex(server):
    status, _, parsed, _ = page(server, "/safty?lang=en")
    assert status == 404 and parsed.meta["robots"] == "noindex"
    assert parsed.title.startswith(load_strings("en")["chapters.overview.title"])


HOSTILE = [
    "/%3Cscript%3Ealert(1)%3C/script%3E",
    '/safety?lang="><script>alert(1)</script>',
    "/safety?lang=" + "x" * 8000,
    "/safety?fig=<img src=x onerror=alert(1)>&lang=en",
    "/%E5%AE%89%E5%85%A8?lang=zh-Hans",
    "/safety?lang=en&lang=<b>bold</b>",
    "/'onmouseover='alert(1)",
]


@pytest.mark.parametrize("path", HOSTILE)
def test_nothing_a_request_sends_reaches_the_html(server, path):
    status, _, body = get(server + path.replace(" ", "%20").replace('"', "%22").replace("<", "%3C").replace(">", "%3E").replace("'", "%27"))
    text = body.decode("utf-8", errors="replace")
    assert status in (200, 302, 404)
    for marker in ("alert(1)", "<b>bold", "onerror", "xxxxxxxxxx", "onmouseover"):
        assert marker not in text


def test_a_nested_address_still_goes_to_its_chapter(server):
    status, headers, _ = get(server + "/firms/x?lang=en")
    assert status == 302 and headers["location"] == "../firms?lang=en"


# --------------------------------------------------------------------------- load shedding


def open_stream(base: str):
    from websockets.sync.client import connect

    url = base.replace("http://", "ws://") + "/_stcore/stream"
    return connect(url, subprotocols=["streamlit"], origin=base, open_timeout=10)


def test_past_the_session_limit_new_websockets_are_refused_and_open_ones_go_on():
    from contextlib import ExitStack

    from websockets.exceptions import InvalidStatus

    with site_server(env={"DATONG_MAX_SESSIONS": "3"}) as base:
        with ExitStack() as stack:
            held = [stack.enter_context(open_stream(base)) for _ in range(3)]
            for _ in range(5):
                with pytest.raises(InvalidStatus) as caught:
                    open_stream(base)
                assert caught.value.response.status_code == 503
                assert caught.value.response.headers["Retry-After"] == "5"
            status, headers, body = get(base + "/safety?lang=en")
            assert status == 503 and headers["retry-after"] == "5"
            assert "busy, retrying" in body.decode("utf-8").lower() and "读者太多" in body.decode("utf-8")
            for socket in held:
                socket.ping().wait(5)  # the open sessions are still served
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # once they close, new readers are let in again
            try:
                with open_stream(base):
                    break
            except InvalidStatus:
                time.sleep(0.1)
        else:
            pytest.fail("sessions not released after close")
        assert get(base + "/safety?lang=en")[0] == 200


# --------------------------------------------------------------------------- bad data fails closed


def _wrong_value(root):
    path = root / "data" / "figures.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("jobs_collected,323,", "jobs_collected,332,"), encoding="utf-8")


def _missing_file(root):
    (root / "data" / "article.en.txt").unlink()


def _wrong_encoding(root):
    path = root / "data" / "text" / "en.toml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


def _broken_toml(root):
    path = root / "data" / "text" / "zh-Hans.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('[nav]', '[nav', 1), encoding="utf-8")


def _quote_not_in_article(root):
    path = root / "data" / "article.zh-Hans.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("323", "三百二十三", 1), encoding="utf-8")


def _broken_repair_report(root):
    path = root / "data" / "repair-report.json"
    path.write_text(path.read_text(encoding="utf-8")[:200], encoding="utf-8")


DAMAGE = {
    "wrong value": (_wrong_value, ["figures.csv", "row", "value"]),
    "missing file": (_missing_file, ["article.en.txt", "missing"]),
    "wrong encoding": (_wrong_encoding, ["en.toml", "line 1", "not UTF-8"]),
    "broken TOML": (_broken_toml, ["zh-Hans.toml"]),
    "quote no longer in the article": (_quote_not_in_article, ["figures.csv", "row", "quote_zh"]),
    "broken repair report": (_broken_repair_report, ["repair-report.json"]),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_data_keeps_the_server_not_ready_and_readers_get_a_short_page(tmp_path, damage):
    harm, named = DAMAGE[damage]
    root = project_copy(tmp_path / "site")
    harm(root)
    with site_server(root, wait_healthy=False) as base:
        status, _, body = get(base + "/_stcore/health")
        assert status == 503, body
        for path in ("/", "/safety?lang=en", "/source?lang=zh-Hant"):
            status, headers, body = get(base + path)
            text = body.decode("utf-8")
            assert status == 503 and headers["retry-after"] == "60"
            assert "Temporarily unavailable" in text and "暂时无法访问" in text and "暫時無法訪問" in text
            assert "Traceback" not in text and "323" not in text and "332" not in text
        from websockets.exceptions import InvalidStatus

        with pytest.raises(InvalidStatus) as caught:
            open_stream(base)
        assert caught.value.response.status_code == 503
        log = base.output()
        assert "NOT READY" in log
        line = next(line for line in log.splitlines() if "NOT READY" in line)
        for word in named:
            assert word in line, line
