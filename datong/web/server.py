"""The web server around Streamlit: ASGI middleware that ``app.py`` hands to ``st.App``.

From the outside in (each a small class, composed by :func:`middleware`):

* :class:`SecurityHeaders`: CSP and friends on every HTTP response (:mod:`datong.web.headers`).
* :class:`Readiness`: until the data has passed its start-up check (:mod:`datong.web.readiness`),
  the health endpoints answer 503, pages get a "temporarily unavailable" page, and websockets
  are refused: no reader ever sees a wrong number or a traceback.
* :class:`SessionLimit`: past ``DATONG_MAX_SESSIONS`` live sessions in this process, a new
  websocket or page request gets a quick 503 with ``Retry-After`` (nginx then tries another
  replica; a reader who gets none sees a "busy, retrying" page). Open sessions are unaffected.
* :class:`SitePages`: each chapter × language served with its own head and text
  (:mod:`datong.web.shell`), plus ``/robots.txt``, ``/sitemap.xml``, ``/favicon.svg``,
  ``/figures.csv`` and the link-preview cards ``/preview/<chapter>.<lang>.png``.
* :class:`NestedPathRedirect`: nested addresses go to their chapter.

Nothing from a request reaches a response but a validated chapter, language or figure id.
"""

from __future__ import annotations

import asyncio
import os
import re
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs

from datong.web import headers, readiness

STATIC = Path(__file__).resolve().parent / "static"
MAX_SESSIONS_ENV = "DATONG_MAX_SESSIONS"
DEFAULT_MAX_SESSIONS = 400  # per process; see README "Capacity"
RETRY_AFTER_BUSY = "5"
RETRY_AFTER_UNAVAILABLE = "60"

# Streamlit's own segments (API, media, components, assets): a path with one is never redirected.
# The page itself asks for ``<address>/_stcore/health`` to find the server's base path; it
# must get Streamlit's 404, not a redirect.
STREAMLIT_SEGMENTS = frozenset({"_stcore", "media", "component", "static", "app", "auth", "oauth2callback"})
HEALTH_PATHS = ("_stcore/health", "_stcore/script-health-check")
STREAM_PATH = "_stcore/stream"
_PREVIEW = re.compile(r"preview/([a-z]+)\.(zh-Hans|zh-Hant|en)\.png")
_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9_~-]{1,100}")  # no dots: files such as manifest.json are Streamlit's


def _base_prefix(base_url_path: str) -> list[str]:
    return [s for s in (base_url_path or "").split("/") if s]


def relative_path(path: str, base_url_path: str) -> str | None:
    """The path below the site's base (``"safety"``, ``""`` for the root), or None outside it."""
    parts = path.lstrip("/").split("/")
    prefix = _base_prefix(base_url_path)
    if parts[: len(prefix)] != prefix:
        return None
    return "/".join(parts[len(prefix) :])


def _raw_path(scope) -> str:
    raw = scope.get("raw_path")  # as sent, percent-encoding kept; "path" is decoded
    return raw.decode("latin-1").split("?", 1)[0] if raw else scope["path"]


async def respond(send, status: int, body: bytes, content_type: str, extra: dict | None = None, *, head: bool = False) -> None:
    """A whole HTTP response in two messages."""
    fields = {"content-type": content_type, "content-length": str(len(body)), **(extra or {})}
    await send({"type": "http.response.start", "status": status, "headers": [(k.encode(), v.encode()) for k, v in fields.items()]})
    await send({"type": "http.response.body", "body": b"" if head else body})


async def refuse_websocket(scope, send, status: int, retry_after: str) -> None:
    """Refuse a websocket handshake with a plain HTTP status (ASGI's websocket denial response)."""
    body = f"{status}\n".encode()
    if "websocket.http.response" in scope.get("extensions", {}):
        fields = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode()), (b"retry-after", retry_after.encode())]
        await send({"type": "websocket.http.response.start", "status": status, "headers": fields})
        await send({"type": "websocket.http.response.body", "body": body})
    else:  # servers without the extension answer a close before accept with 403
        await send({"type": "websocket.close", "code": 1013})


@cache
def static_page(name: str) -> bytes:
    return (STATIC / name).read_bytes()


class _Middleware:
    def __init__(self, app, base_url_path: str = "") -> None:
        self.app = app
        self.base_url_path = base_url_path

    def below_base(self, scope) -> str | None:
        return relative_path(_raw_path(scope), self.base_url_path)


class SecurityHeaders(_Middleware):
    """Adds :func:`datong.web.headers.security_headers` to every HTTP response."""

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = _security_headers()

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []), *((n, v) for n, v in extra if n not in names)]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


@cache
def _security_headers() -> list[tuple[bytes, bytes]]:
    from datong.web import engage, share, shell
    from datong.web.routing import document_language_scripts
    from datong.web.site_pages import streamlit_index

    return headers.security_headers([*headers.inline_scripts(streamlit_index()), shell.BACKEND_BASE_SCRIPT, *document_language_scripts(), *engage.inline_scripts(), *share.inline_scripts()])


class Readiness(_Middleware):
    """Nothing but a "temporarily unavailable" answer until the data has passed its check."""

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket") or readiness.STATE.ready:
            await self.app(scope, receive, send)
            return
        path = self.below_base(scope)
        if scope["type"] == "websocket":
            await refuse_websocket(scope, send, 503, RETRY_AFTER_UNAVAILABLE)
            return
        head = scope["method"] == "HEAD"
        if path in HEALTH_PATHS:
            await respond(send, 503, b"not ready: the site's data failed its check (see the server log)\n", "text/plain; charset=utf-8",
                          {"cache-control": "no-store"}, head=head)  # fmt: skip
            return
        if path is not None and _is_page(path):
            await respond(send, 503, static_page("unavailable.html"), "text/html; charset=utf-8",
                          {"retry-after": RETRY_AFTER_UNAVAILABLE, "cache-control": "no-store"}, head=head)  # fmt: skip
            return
        await self.app(scope, receive, send)


def _is_page(path: str) -> bool:
    """A page address: the root or one plain segment (a chapter, or a stray one)."""
    return path == "" or bool(_PLAIN_SEGMENT.fullmatch(path))


def max_sessions() -> int:
    try:
        return max(1, int(os.environ.get(MAX_SESSIONS_ENV, DEFAULT_MAX_SESSIONS)))
    except ValueError:
        return DEFAULT_MAX_SESSIONS


class SessionLimit(_Middleware):
    """Sheds load: past the limit of live sessions, new ones get a quick 503, open ones go on."""

    def __init__(self, app, base_url_path: str = "", limit: int | None = None) -> None:
        super().__init__(app, base_url_path)
        self.limit = limit or max_sessions()
        self.live = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "websocket" and self.below_base(scope) == STREAM_PATH:
            if self.live >= self.limit:
                await refuse_websocket(scope, send, 503, RETRY_AFTER_BUSY)
                return
            self.live += 1  # one event loop: no lock needed
            try:
                await self.app(scope, receive, send)
            finally:
                self.live -= 1
            return
        if scope["type"] == "http" and self.live >= self.limit and scope["method"] in ("GET", "HEAD"):
            path = self.below_base(scope)
            if path is not None and _is_page(path):
                await respond(send, 503, static_page("busy.html"), "text/html; charset=utf-8",
                              {"retry-after": RETRY_AFTER_BUSY, "cache-control": "no-store"}, head=scope["method"] == "HEAD")  # fmt: skip
                return
        await self.app(scope, receive, send)


class SitePages(_Middleware):
    """Each chapter's own HTML, and the site's small files (robots, sitemap, favicon, cards, CSV)."""

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path = self.below_base(scope)
        handled = path is not None and await self.serve(path, scope, send, head=scope["method"] == "HEAD")
        if not handled:
            await self.app(scope, receive, send)

    async def serve(self, path: str, scope, send, *, head: bool) -> bool:
        from datong.web import site_pages

        base = site_pages.base_url()
        if path == "robots.txt":
            await respond(send, 200, site_pages.robots(base), "text/plain; charset=utf-8", head=head)
        elif path == "sitemap.xml":
            await respond(send, 200, site_pages.sitemap(base), "application/xml; charset=utf-8", head=head)
        elif path == "favicon.svg":
            await respond(send, 200, static_page("favicon.svg"), "image/svg+xml", {"cache-control": "public, max-age=86400"}, head=head)
        elif path == "figures.csv":
            await respond(send, 200, site_pages.figures_csv(), "text/csv; charset=utf-8",
                          {"content-disposition": 'attachment; filename="datong-figures.csv"'}, head=head)  # fmt: skip
        elif path.startswith("preview/"):
            match = _PREVIEW.fullmatch(path)
            png = await asyncio.to_thread(site_pages.preview, *match.groups()) if match else None
            if png is None:
                await respond(send, 404, b"no such preview\n", "text/plain; charset=utf-8", head=head)
            else:
                await respond(send, 200, png, "image/png", {"cache-control": "public, max-age=86400"}, head=head)
        elif _is_page(path):
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            accept = dict(scope.get("headers", [])).get(b"accept-language", b"").decode("latin-1")
            page = site_pages.page(path, query, accept, base)
            if page.redirect:
                query_string = scope.get("query_string", b"").decode("latin-1")
                await respond(send, 302, b"", "text/plain", {"location": page.redirect + "?" + query_string})
            else:
                await respond(send, page.status, page.html, "text/html; charset=utf-8",
                              {"cache-control": "no-cache", "vary": "Accept-Language", "content-language": page.lang}, head=head)  # fmt: skip
        else:
            return False
        return True


def nested_path_target(path: str, base_url_path: str = "") -> str | None:
    """Where to send a request for ``path``: its first segment when it is nested, else None.

    ``path`` is the address as the browser sent it (still percent-encoded: ``x%2Fy`` is one
    segment to the browser, so it must be one here). The answer is relative (``../firms``), so
    it stays right behind a proxy that adds a prefix Streamlit never sees. ``//`` paths are
    left to Streamlit, which refuses them.
    """
    if path.startswith("//"):
        return None
    parts = path.lstrip("/").split("/")  # empty parts count: the browser resolves "../" by them
    prefix = _base_prefix(base_url_path)
    if parts[: len(prefix)] != prefix:
        return None
    parts = parts[len(prefix) :]
    if len(parts) < 2 or not parts[0] or STREAMLIT_SEGMENTS.intersection(parts) or parts[0] == "preview":
        return None
    return "../" * (len(parts) - 1) + parts[0]


class NestedPathRedirect(_Middleware):
    """A GET or HEAD for a nested address is answered with a 302 to its first segment.

    Streamlit answers any unknown address with its page, whose scripts and styles are linked
    relative to the address; under a nested one (``/firms/x``) they resolve to
    ``/firms/static/…``, get the page again instead of code, and the reader saw a blank page.
    """

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            target = nested_path_target(_raw_path(scope), self.base_url_path)
            if target is not None:
                query = scope.get("query_string", b"").decode("latin-1")
                await respond(send, 302, b"", "text/plain", {"location": target + ("?" + query if query else "")})
                return
        await self.app(scope, receive, send)


def middleware(base_url_path: str = "") -> list:
    """The stack, outermost first, as ``st.App(middleware=...)`` takes it."""
    from starlette.middleware import Middleware

    return [Middleware(cls, base_url_path=base_url_path) for cls in (SecurityHeaders, Readiness, SessionLimit, SitePages, NestedPathRedirect)]


@asynccontextmanager
async def lifespan(_app):
    """Start-up: check and load all data before the server takes its first reader."""
    await asyncio.to_thread(readiness.check)
    yield
