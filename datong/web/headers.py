"""Security headers for every response the web server sends.

The Content-Security-Policy allows only the site's own origin, with these allowances, each
measured in Chromium against Streamlit 1.67's frontend (``tests/browser/test_security.py``
fails on any CSP violation in the console):

* ``script-src 'self'`` plus the SHA-256 of each inline script: Streamlit's ``index.html``
  has one (``window.prerenderReady = false``), a chapter's page one that says where the server
  is (``datong.web.shell.BACKEND_BASE_SCRIPT``), and the site sends one per language to set
  ``<html lang>`` after an in-app language switch. Hashes, not ``'unsafe-inline'``.
* ``'wasm-unsafe-eval'``: none needed so far; listed in :data:`EXTRA_SCRIPT_SOURCES` if a
  Streamlit upgrade needs it.
* ``style-src 'self' 'unsafe-inline'``: Streamlit styles its components at run time
  (Emotion injects ``<style>`` elements and sets ``style`` attributes); there is no nonce hook.
  Inline styles cannot run code.
* ``img-src 'self' data: blob:``: Vega and Streamlit draw icons and exports as data/blob URLs.
* ``font-src 'self' data:``: Streamlit's own fonts are served by the site; KaTeX-style data fonts.
* ``connect-src 'self'``: the websocket (``/_stcore/stream``) and health checks, same origin.
* ``worker-src 'self' blob:``: Vega's and Streamlit's web workers.
* ``frame-ancestors``: who may embed the site. Newsrooms embed explainers, so the default is
  anyone (``*``); set ``DATONG_FRAME_ANCESTORS`` (space-separated origins, or ``'none'``) to
  restrict it. ``X-Frame-Options`` is not sent: it cannot say "anyone", and CSP supersedes it.

HSTS and TLS belong at the proxy (see ``deploy/README.md``): this server speaks plain HTTP on
loopback.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re

FRAME_ANCESTORS_ENV = "DATONG_FRAME_ANCESTORS"
EXTRA_SCRIPT_SOURCES: tuple[str, ...] = ()
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>(.*?)</script>", re.DOTALL)


def script_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_scripts(html: str) -> list[str]:
    """The bodies of the inline scripts in a page (not ``src=`` ones, not JSON-LD data)."""
    return _INLINE_SCRIPT.findall(html)


def frame_ancestors() -> str:
    configured = os.environ.get(FRAME_ANCESTORS_ENV, "").strip()
    if not configured:
        return "*"
    allowed = [part for part in configured.split() if re.fullmatch(r"'none'|'self'|https?://[A-Za-z0-9.-]+(:\d+)?", part)]
    return " ".join(allowed) or "'none'"


def content_security_policy(scripts: list[str]) -> str:
    hashes = sorted({script_hash(s) for s in scripts})
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *hashes, *EXTRA_SCRIPT_SOURCES],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "frame-src": ["'self'"],
        "media-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": [frame_ancestors()],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def security_headers(scripts: list[str]) -> list[tuple[bytes, bytes]]:
    """The headers every response carries (ASGI form)."""
    headers = {
        "Content-Security-Policy": content_security_policy(scripts),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
