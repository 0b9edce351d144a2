"""The web server's one addition to Streamlit: nested addresses go to their chapter.

Streamlit answers any unknown address with its page, whose scripts and styles are linked
relative to the address; under a nested one (``/firms/x``) they resolve to ``/firms/static/…``,
get the page again instead of code, and the reader sees a blank white page. A redirect to
the first segment (``/firms``, keeping the query) gives the chapter instead; an unknown first
segment is then handled as a stray address by :func:`datong.web.routing.stray_path`.
"""

from __future__ import annotations

# Streamlit's own segments (API, media, components, assets): a path with one is never redirected.
# The page itself asks for ``<address>/_stcore/health`` to find the server's base path; it
# must get Streamlit's 404, not a redirect.
STREAMLIT_SEGMENTS = frozenset({"_stcore", "media", "component", "static", "app", "auth", "oauth2callback"})


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
    prefix = [s for s in base_url_path.split("/") if s]
    if parts[: len(prefix)] != prefix:
        return None
    parts = parts[len(prefix) :]
    if len(parts) < 2 or not parts[0] or STREAMLIT_SEGMENTS.intersection(parts):
        return None
    return "../" * (len(parts) - 1) + parts[0]


class NestedPathRedirect:
    """ASGI middleware: a GET or HEAD for a nested address is answered with a 302 to its first segment."""

    def __init__(self, app, base_url_path: str = "") -> None:
        self.app = app
        self.base_url_path = base_url_path

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            raw = scope.get("raw_path")  # as sent, percent-encoding kept; "path" is decoded
            path = raw.decode("latin-1").split("?", 1)[0] if raw else scope["path"]
            target = nested_path_target(path, self.base_url_path)
            if target is not None:
                from starlette.responses import RedirectResponse

                query = scope.get("query_string", b"").decode("latin-1")
                location = target + ("?" + query if query else "")
                await RedirectResponse(location, status_code=302)(scope, receive, send)
                return
        await self.app(scope, receive, send)
