"""The web server's redirect for nested addresses (datong.web.server), without a server."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from datong.web.server import NestedPathRedirect, nested_path_target


@pytest.mark.parametrize(
    ("path", "base", "target"),
    [
        ("/firms/x", "", "../firms"),
        ("/firms/x/", "", "../../firms"),  # relative to the directory /firms/x/
        ("/firms/x/y/z", "", "../../../firms"),
        ("/nope/x", "", "../nope"),  # then routing shows the overview with its notice
        ("/news/datong/firms/x", "news/datong", "../firms"),
        ("/news/datong/firms/x", "/news/datong/", "../firms"),
        ("/firms", "", None),  # one segment: routing's business
        ("/", "", None),
        ("/news/datong/firms", "news/datong", None),
        ("/other/firms/x", "news/datong", None),  # not under the base path
        ("/safety/_stcore/health", "", None),  # the page probing for the server's base path
        ("/_stcore/stream", "", None),
        ("/static/js/index.js", "", None),
        ("/media/abc.png", "", None),
        ("/component/x/index.html", "", None),
        ("//evil.example/x", "", None),  # left to Streamlit, which answers 400
        ("/news/datong/firms/x%2Fy", "news/datong", "../firms"),  # x%2Fy is one segment to the browser
        ("/firms//x", "", "../../firms"),  # an empty segment is one more level to climb
        ("/a%3Fb/c", "", "../a%3Fb"),  # then routing treats the unknown a?b as stray
    ],
)
def test_a_nested_address_goes_to_its_first_segment_and_streamlits_own_paths_are_left_alone(path, base, target):
    assert nested_path_target(path, base) == target


def _call(path: str, method: str = "GET", query: bytes = b"", kind: str = "http", raw_path: bytes | None = None, base: str = ""):
    """Run the middleware on one request; return (what reached Streamlit, what was sent back)."""
    reached, sent = [], []

    async def streamlit(scope, receive, send):
        reached.append(scope["path"])

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    scope = {"type": kind, "method": method, "path": path, "query_string": query, "headers": []}
    if raw_path is not None:
        scope["raw_path"] = raw_path
    # In a thread of its own: AppTest, earlier in the same session, leaves an event loop running here.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, NestedPathRedirect(streamlit, base)(scope, receive, send)).result()
    return reached, sent


def test_the_middleware_reads_the_address_as_sent_not_as_decoded():
    reached, sent = _call("/news/datong/firms/x/y", raw_path=b"/news/datong/firms/x%2Fy", base="news/datong")
    assert reached == [] and dict(sent[0]["headers"])[b"location"] == b"../firms"


def test_the_middleware_redirects_a_nested_get_keeping_the_query():
    reached, sent = _call("/firms/x", query=b"lang=en&x=%3Cscript%3E")
    assert reached == []
    assert sent[0]["status"] == 302
    assert dict(sent[0]["headers"])[b"location"] == b"../firms?lang=en&x=%3Cscript%3E"


@pytest.mark.parametrize(("path", "method", "kind"), [("/firms", "GET", "http"), ("/firms/x", "POST", "http"), ("/x/_stcore/stream", "GET", "websocket")])
def test_the_middleware_passes_everything_else_to_streamlit(path, method, kind):
    reached, sent = _call(path, method, kind=kind)
    assert reached == [path] and sent == []


@pytest.mark.parametrize("path", ["/firms/x", "/firms/x/", "/firms/x/y/z", "/news/datong/firms/x", "/news/datong/firms/x/y/", "/news/datong/firms/x%2Fy"])
def test_the_relative_redirect_lands_on_the_chapter_the_browser_resolves(path):
    from urllib.parse import urljoin

    base = "news/datong" if path.startswith("/news/") else ""
    landing = urljoin("https://example.org" + path, nested_path_target(path, base))
    assert landing == "https://example.org/" + (base + "/" if base else "") + "firms"


def test_streamlit_run_finds_the_web_server_in_app_py_and_it_gets_the_redirect():
    """`streamlit run app.py` serves ``app`` (the st.App with the middleware) only if it finds it."""
    import ast
    from pathlib import Path

    from streamlit.web.server.app_discovery import discover_asgi_app

    from datong import paths

    found = discover_asgi_app(Path(paths.ROOT / "app.py"))
    assert found.is_asgi_app and found.import_string.endswith(":app")
    source = (paths.ROOT / "app.py").read_text(encoding="utf-8")
    calls = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "App"]
    assert len(calls) == 1 and "server.middleware(" in ast.unparse(calls[0]) and "server.baseUrlPath" in ast.unparse(calls[0])
    from datong.web import server

    stack = [m.cls.__name__ for m in server.middleware("")]
    assert stack == ["SecurityHeaders", "Readiness", "SessionLimit", "SitePages", "NestedPathRedirect"]
