"""Start the site's real web server (``streamlit run app.py``) for plain-HTTP tests, no browser.

:func:`site_server` runs it in any project folder (the repository, or a damaged copy made by
:func:`project_copy`) on a free loopback port and yields its base URL; the server's output is
kept, so a failing test can show it, and the process is always stopped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server(str):
    """The base URL; ``.output()`` is what the server printed so far."""

    output: object
    port: int


def get(url: str, headers: dict | None = None, method: str = "GET", timeout: float = 30):
    """(status, headers, body) of a request, without raising on HTTP errors or following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@contextmanager
def site_server(root: Path = ROOT, *, env: dict | None = None, wait_healthy: bool = True, timeout: float = 180.0):
    port = free_port()
    log = Path(tempfile.mkstemp(suffix=".log")[1])
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"],
            cwd=root, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
        )  # fmt: skip
    server = Server(f"http://127.0.0.1:{port}")
    server.output = lambda: log.read_text(encoding="utf-8", errors="replace")
    server.port = port
    server.pid = proc.pid  # to look at what the serving process loaded (/proc/<pid>/maps)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}:\n{server.output()}")
            try:
                status, _, _ = get(server + "/_stcore/health", timeout=2)
                if status == 200 or (not wait_healthy and status == 503):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not up after {timeout}s:\n{server.output()}")
            time.sleep(0.2)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def project_copy(destination: Path) -> Path:
    """The project's files (no .git, .venv or artifacts) copied to ``destination``, to damage there."""
    ignore = shutil.ignore_patterns(".git", ".venv", "artifacts", "__pycache__", ".pytest_cache", ".helpers", "node_modules")
    shutil.copytree(ROOT, destination, ignore=ignore)
    return destination


class Collected(HTMLParser):
    """Tags, attributes and visible text of a page, as a crawler reads it."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict] = []
        self.scripts: list[tuple[dict, str]] = []
        self.text: list[str] = []
        self.html_lang = None
        self.title = ""
        self._in = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "meta":
            self.meta[a.get("name") or a.get("property") or ""] = a.get("content", "")
        if tag == "link":
            self.links.append(a)
        self._in.append((tag, a))

    def handle_endtag(self, tag):
        if self._in:
            self._in.pop()

    def handle_data(self, data):
        tag, attrs = self._in[-1] if self._in else ("", {})
        if tag == "title":
            self.title += data
        elif tag == "script":
            self.scripts.append((attrs, data))
        elif data.strip():
            self.text.append(data.strip())


def run_async(coroutine):
    """Run a coroutine to its end on a thread of its own. In a whole-suite run Playwright's sync API
    keeps an event loop running on the main thread, where ``asyncio.run`` refuses to start another."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
