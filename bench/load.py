"""What a reader costs the server, measured over the wire: the site against two bare pages, in one run.

Usage::

    python bench/load.py                    # the full bench (about 10-20 minutes on 2 cores)
    python bench/load.py --quick            # small counts, every row (what tests/test_bench.py runs)
    python bench/load.py --only safety      # one chapter (repeatable)
    python bench/load.py --sessions 30 --soak 3000 --hold 200 --levels 10,50,100 --rounds 2
    python bench/load.py --target http://127.0.0.1:8080          # an already-running server or balancer
    python bench/load.py --compare http://127.0.0.1:8081 http://127.0.0.1:8080   # B against A, same run

No browser: the client speaks Streamlit 1.67's websocket protocol, as the frontend does. It
opens ``ws://HOST:PORT/<base>/_stcore/stream`` with the subprotocols ``streamlit`` and a token
slot (the frontend sends ``["streamlit", <xsrf token or PLACEHOLDER_AUTH_TOKEN>]``; the second
entry is only checked against an auth cookie) and an ``Origin`` header; sends a ``BackMsg``
whose ``rerun_script`` carries ``page_name`` (the URL path: ``"safety"``, ``""`` for the
overview) and ``query_string`` (``lang=en``); and reads ``ForwardMsg``s until
``script_finished``. An ``exception`` element in any delta, a ``page_not_found``, a compile
error, a timeout or a dropped connection is an error.

It starts its own servers on free loopback ports, and always stops them:

- **site**: ``streamlit run app.py`` from the repository root, so with the site's own
  ``.streamlit/config.toml``;
- **bare (defaults)**: ``bench/bare_page.py`` (one heading) served from a temporary folder with
  no config file, i.e. Streamlit's defaults, which is what any peer Streamlit app gets;
- **bare (site config)**: the same page beside a copy of the site's config: the floor for it;
- **bare (a chapter's elements)**, bare-e: ``bench/shape_page.py`` beside the same config, asked
  to draw what each chapter's run drew (as many elements of each type, and layout blocks) with
  placeholder content and no work behind them: Streamlit's own cost for a page of that shape.

It loads each chapter in each language, interleaved with the bare pages, and prints: new
readers/s (sequential new sessions, each: connect, one run, close), server CPU ms per new
reader (psutil, user+system of the server process over the sessions), both as ratios to the
bare pages measured alongside; p50/p95 latency and throughput at 10, 50 and 100 concurrent
readers (at 50 the site and the pages it is compared with alternate three times, ``--repeat``,
and each p95 ratio is the median of the three); server RSS after every page has been served;
memory per held session (200 held open); a soak (>= 2,000 sessions) with RSS growth after the
first 20%; errors and exception elements; and a ``targets`` block comparing with issue 9's
targets (met / not met).

The protocol part is importable (``sys.path`` must hold ``bench/``)::

    from load import open_session, connect, hold_sessions, send_widget_value

    result = await open_session("http://127.0.0.1:8501", "safety", "lang=en")
    result.outcome        # "ok", "refused" (handshake answered with an HTTP status, e.g. 503),
                          # "unreachable", "timeout", "closed" or "error"
    result.status         # the HTTP status of a refused handshake, else None
    result.seconds        # connect + run (+ close), or the time until the refusal
    result.exceptions     # exception elements seen; result.elements counts every element type
    result.widgets        # {user key or id: widget id} of the widgets drawn in the run

    async with hold_sessions(url, 200, pages=[("", "lang=en")]) as held:   # open, one run each, kept open
        ...               # held.sessions (open ones) and held.results (one per attempt, refusals included)

    async with connect(url) as session:      # a refused handshake raises Refused (.status, .seconds)
        first = await session.run("", "lang=en")
        rate = first.widgets["what-if-rate"]  # the overview's slider, by its key
        again = await send_widget_value(session, rate, [0.5])   # a slider's value is a double array
        await send_widget_value(session, rate, "hostile", field="string_value")  # any field, for fuzzing

``send_widget_value`` sends a ``rerun_script`` with the session's page and query and
``widget_states`` holding this value and the values sent before in the session (the frontend,
too, sends every widget's state on each rerun); widgets not named keep their defaults. The
field follows the value's type (bool, int, float, str, bytes; a list of numbers is a double
array, of str a string array) unless ``field=`` names a ``WidgetState`` field
(``int_array_value``, ``json_value``, ``trigger_value``, ...).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import functools
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psutil
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

ROOT = Path(__file__).resolve().parent.parent
BARE_PAGE = Path(__file__).resolve().parent / "bare_page.py"
SHAPE_PAGE = Path(__file__).resolve().parent / "shape_page.py"
LANGS = ("zh-Hans", "zh-Hant", "en")
SUBPROTOCOLS = ["streamlit", "PLACEHOLDER_AUTH_TOKEN"]  # what the frontend sends without a token
RUN_TIMEOUT = 60.0  # s, one session's connect + run
FINISHED_EARLY_FOR_RERUN = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
FINISHED_WITH_COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR


def chapter_pages() -> list[tuple[str, str]]:
    """(chapter id, URL path) in reading order; the overview is served at "/" (path "")."""
    sys.path.insert(0, str(ROOT))
    try:
        from datong.chapters import CHAPTERS, DEFAULT
    finally:
        sys.path.remove(str(ROOT))
    return [(c.id, "" if c is DEFAULT else c.url_path) for c in CHAPTERS]


# --------------------------------------------------------------------------- protocol


@dataclasses.dataclass
class Result:
    """One session's (or one run's) outcome."""

    outcome: str  # ok | refused | unreachable | timeout | closed | error
    seconds: float = 0.0  # connect + run (+ close); for a refusal, the time until it
    status: int | None = None  # HTTP status of a refused handshake
    exceptions: int = 0  # exception elements seen
    elements: Counter = dataclasses.field(default_factory=Counter)  # element type -> count
    blocks: int = 0  # layout blocks (containers, columns, tabs, ...)
    widgets: dict[str, str] = dataclasses.field(default_factory=dict)  # user key (or id) -> widget id
    detail: str = ""  # what went wrong, or the exception messages

    @property
    def ok(self) -> bool:
        return self.outcome == "ok" and self.exceptions == 0


class Refused(Exception):
    """The websocket handshake was answered with an HTTP status (e.g. 503) instead of an upgrade."""

    def __init__(self, status: int, seconds: float):
        super().__init__(f"handshake refused with HTTP {status} after {seconds * 1000:.0f} ms")
        self.status = status
        self.seconds = seconds


def stream_url(url: str) -> tuple[str, str]:
    """(websocket URL of the stream, Origin) for a site's base URL (``http://host:port/base``)."""
    parts = urlsplit(url if "//" in url else f"http://{url}")
    scheme = "wss" if parts.scheme in ("https", "wss") else "ws"
    origin_scheme = "https" if scheme == "wss" else "http"
    base = parts.path.rstrip("/")
    return f"{scheme}://{parts.netloc}{base}/_stcore/stream", f"{origin_scheme}://{parts.netloc}"


def _user_key(widget_id: str) -> str:
    """The user key inside a widget id (``$$ID-<hash>-<key>``), or the id when it has none."""
    if widget_id.startswith("$$ID-"):
        _, _, rest = widget_id.partition("$$ID-")
        _, sep, key = rest.partition("-")
        if sep and key and key != "None":
            return key
    return widget_id


class Session:
    """One open reader session (use :func:`connect`)."""

    def __init__(self, ws: ClientConnection, url: str):
        self.ws = ws
        self.url = url
        self.page = ""
        self.query = ""
        self.widget_states: dict[str, WidgetState] = {}

    async def run(self, page: str | None = None, query: str | None = None, *, timeout: float = RUN_TIMEOUT) -> Result:
        """Ask for one run of ``page`` (URL path) with ``query``; read until it finishes."""
        if page is not None:
            self.page = page
        if query is not None:
            self.query = query
        state = ClientState(
            query_string=self.query,
            page_name=self.page,
            context_info=ContextInfo(
                timezone="UTC", timezone_offset=0, locale="en-US",
                url=f"{self.url.rstrip('/')}/{self.page}" + (f"?{self.query}" if self.query else ""),
            ),
        )  # fmt: skip
        if self.widget_states:
            state.widget_states.CopyFrom(WidgetStates(widgets=list(self.widget_states.values())))
        started = time.perf_counter()
        try:
            await self.ws.send(BackMsg(rerun_script=state).SerializeToString())
            result = await asyncio.wait_for(self._read_run(), timeout)
        except TimeoutError:
            result = Result("timeout", detail=f"no script_finished within {timeout:.0f} s")
        except ConnectionClosed as exc:
            result = Result("closed", detail=f"connection closed during the run: {exc}")
        result.seconds = time.perf_counter() - started
        return result

    async def _read_run(self) -> Result:
        result = Result("ok")
        problems = []
        async for data in self.ws:
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "add_block":
                result.blocks += 1
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                which = element.WhichOneof("type")
                result.elements[which] += 1
                if which == "exception":
                    result.exceptions += 1
                    problems.append(f"exception: {element.exception.type} {element.exception.message[:200]}")
                elif which:
                    body = getattr(element, which)
                    widget_id = getattr(body, "id", "") if "id" in body.DESCRIPTOR.fields_by_name else ""
                    if widget_id:
                        result.widgets[_user_key(widget_id)] = widget_id
            elif kind == "page_not_found":
                result.outcome = "error"
                problems.append(f"page_not_found: {msg.page_not_found.page_name!r}")
            elif kind == "script_finished":
                if msg.script_finished == FINISHED_EARLY_FOR_RERUN:
                    continue  # a rerun follows (st.rerun, a page switch)
                if msg.script_finished == FINISHED_WITH_COMPILE_ERROR:
                    result.outcome = "error"
                    problems.append("compile error")
                result.detail = "; ".join(problems)
                return result
        raise ConnectionClosed(None, None)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(), 10)


@contextlib.asynccontextmanager
async def connect(url: str, *, timeout: float = RUN_TIMEOUT, cookie: str | None = None):
    """An open session to the site at ``url``; raises :class:`Refused` on an HTTP answer (503, ...)."""
    ws_url, origin = stream_url(url)
    headers = {"Cookie": cookie} if cookie else None
    started = time.perf_counter()
    try:
        ws = await ws_connect(
            ws_url, subprotocols=SUBPROTOCOLS, origin=origin, additional_headers=headers,
            open_timeout=timeout, max_size=None, ping_interval=None, close_timeout=5,
        )  # fmt: skip
    except InvalidStatus as exc:
        raise Refused(exc.response.status_code, time.perf_counter() - started) from None
    session = Session(ws, url)
    try:
        yield session
    finally:
        await session.close()


async def open_session(
    url: str, page: str = "", query: str = "", *, timeout: float = RUN_TIMEOUT, cookie: str | None = None
) -> Result:
    """A new reader: connect, one run of ``page`` with ``query``, close. Never raises for the server's doing."""
    started = time.perf_counter()
    try:
        async with connect(url, timeout=timeout, cookie=cookie) as session:
            result = await session.run(page, query, timeout=timeout)
    except Refused as refused:
        return Result("refused", seconds=refused.seconds, status=refused.status, detail=str(refused))
    except TimeoutError:
        return Result("timeout", seconds=time.perf_counter() - started, detail="handshake timed out")
    except ConnectionClosed as exc:
        return Result("closed", seconds=time.perf_counter() - started, detail=str(exc))
    except OSError as exc:
        return Result("unreachable", seconds=time.perf_counter() - started, detail=str(exc))
    except Exception as exc:  # a protocol surprise is a result to report, not a crash of the bench
        return Result("error", seconds=time.perf_counter() - started, detail=f"{type(exc).__name__}: {exc}")
    result.seconds = time.perf_counter() - started
    return result


def _widget_state(widget_id: str, value: object, field: str | None) -> WidgetState:
    state = WidgetState(id=widget_id)
    if field is None:
        if isinstance(value, bool):
            field = "bool_value"
        elif isinstance(value, int):
            field = "int_value"
        elif isinstance(value, float):
            field = "double_value"
        elif isinstance(value, str):
            field = "string_value"
        elif isinstance(value, bytes):
            field = "bytes_value"
        elif isinstance(value, (list, tuple)):
            field = "string_array_value" if value and all(isinstance(v, str) for v in value) else "double_array_value"
        else:
            raise TypeError(f"no WidgetState field for {type(value).__name__}; name one with field=")
    if field.endswith("_array_value"):
        getattr(state, field).data.extend(value)
    else:
        setattr(state, field, value)
    return state


async def send_widget_value(
    session: Session, widget_id: str, value: object, *, field: str | None = None, timeout: float = RUN_TIMEOUT
) -> Result:
    """Rerun the session's page with ``widget_id`` set to ``value`` (and the values sent before)."""
    session.widget_states[widget_id] = _widget_state(widget_id, value, field)
    return await session.run(timeout=timeout)


@dataclasses.dataclass
class Held:
    sessions: list[Session]  # open, each has had one run
    results: list[Result]  # one per attempt, refusals included


@contextlib.asynccontextmanager
async def hold_sessions(
    url: str, n: int, *, pages: Iterable[tuple[str, str]] = (("", ""),), parallel: int = 10,
    timeout: float = RUN_TIMEOUT, cookie: str | None = None,
):  # fmt: skip
    """Open ``n`` sessions (``parallel`` at a time), one run each over ``pages`` in turn, and keep them open.

    Yields a :class:`Held`; refused or failed attempts are in ``results`` and not held. Closes all on exit.
    """
    pages = list(pages)
    held = Held([], [])
    gate = asyncio.Semaphore(parallel)
    stack = contextlib.AsyncExitStack()

    async def one(i: int) -> None:
        page, query = pages[i % len(pages)]
        async with gate:
            started = time.perf_counter()
            try:
                session = await stack.enter_async_context(connect(url, timeout=timeout, cookie=cookie))
            except Refused as refused:
                held.results.append(Result("refused", seconds=refused.seconds, status=refused.status, detail=str(refused)))
                return
            except Exception as exc:
                held.results.append(Result("unreachable", seconds=time.perf_counter() - started, detail=str(exc)))
                return
            result = await session.run(page, query, timeout=timeout)
            result.seconds = time.perf_counter() - started
            held.results.append(result)
            if result.outcome == "ok":
                held.sessions.append(session)

    async with stack:
        await asyncio.gather(*(one(i) for i in range(n)))
        yield held


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A ``streamlit run`` on a free loopback port, its process, and its output."""

    def __init__(self, name: str, script: str, cwd: Path, args: list[str], env: dict[str, str] | None = None):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(mode="w+", suffix=".log", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(self.port), *args],
            cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ, **(env or {})},
        )  # fmt: skip
        self.ps = psutil.Process(self.proc.pid)

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")

    def wait_healthy(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.output()[-3000:]}")
            if "NOT READY" in self.output():  # the site's start-up check failed: it will never be healthy
                raise RuntimeError(f"{self.name} is not ready:\n{self.output()[-3000:]}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not healthy after {timeout:.0f} s:\n{self.output()[-3000:]}")

    def cpu(self) -> float:
        times = self.ps.cpu_times()
        return times.user + times.system

    def rss(self) -> int:
        return self.ps.memory_info().rss

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()


BARE_ARGS = ["--browser.gatherUsageStats", "false", "--server.address", "127.0.0.1", "--server.headless", "true"]


@contextlib.contextmanager
def servers(*, site: bool = True, bare: bool = True, shape: bool = False, site_env: dict[str, str] | None = None) -> Iterator[dict[str, Server]]:
    """Start the site (with ``site_env`` added to its environment), both bare pages and, with
    ``shape``, the page drawing a chapter's elements (``bench/shape_page.py``), in parallel; wait
    until healthy; yield them by name (``site``, ``bare-d``, ``bare-s``, ``bare-e``); always stop them."""
    started: dict[str, Server] = {}
    with tempfile.TemporaryDirectory(prefix="bench-bare-") as tmp:
        defaults, site_config = Path(tmp) / "defaults", Path(tmp) / "site-config"
        for folder in (defaults, site_config):
            folder.mkdir()
            shutil.copy(BARE_PAGE, folder / "bare_page.py")
        shutil.copy(SHAPE_PAGE, site_config / "shape_page.py")
        (site_config / ".streamlit").mkdir()
        shutil.copy(ROOT / ".streamlit" / "config.toml", site_config / ".streamlit" / "config.toml")
        try:
            if site:
                started["site"] = Server("site", "app.py", ROOT, ["--server.address", "127.0.0.1", "--server.headless", "true"], site_env)
            if bare:
                started["bare-d"] = Server("bare page, Streamlit's defaults", "bare_page.py", defaults, BARE_ARGS)
                started["bare-s"] = Server("bare page, site config", "bare_page.py", site_config, BARE_ARGS)
            if shape:
                started["bare-e"] = Server("a chapter's elements, site config", "shape_page.py", site_config, BARE_ARGS)
            for server in started.values():
                server.wait_healthy()
            yield started
        finally:
            for server in started.values():
                server.stop()


def shape_query(result: Result) -> str:
    """The query for ``bench/shape_page.py`` that draws what this run drew."""
    return "&".join(f"{kind}={n}" for kind, n in {**drawn_kinds(result), "blocks": result.blocks}.items())


def drawn_kinds(result: Result) -> dict[str, int]:
    """Elements of each type a run drew, exceptions aside (a chapter's shape, with ``result.blocks``)."""
    return {kind: n for kind, n in sorted(result.elements.items()) if kind != "exception"}


# --------------------------------------------------------------------------- measuring


@dataclasses.dataclass
class Tally:
    """Everything seen by one target (a server or URL)."""

    sessions: int = 0
    failed: Counter = dataclasses.field(default_factory=Counter)  # outcome -> count
    exceptions: int = 0
    details: list[str] = dataclasses.field(default_factory=list)

    def add(self, result: Result, where: str) -> None:
        self.sessions += 1
        self.exceptions += result.exceptions
        if result.outcome != "ok":
            self.failed[result.outcome] += 1
        if (result.outcome != "ok" or result.exceptions) and len(self.details) < 10:
            self.details.append(f"{where}: {result.outcome} {result.detail}".strip())

    @property
    def errors(self) -> int:
        return sum(self.failed.values())


@dataclasses.dataclass
class Sequential:
    sessions: int = 0
    seconds: float = 0.0
    cpu: float = 0.0

    @property
    def rate(self) -> float:
        return self.sessions / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu / self.sessions if self.sessions else 0.0


@dataclasses.dataclass
class Concurrent:
    level: int
    latencies: list[float]
    seconds: float

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pooled(self, other: Concurrent) -> Concurrent:
        """This measurement and another at the same level as one: their sessions and their time."""
        return Concurrent(self.level, self.latencies + other.latencies, self.seconds + other.seconds)


def median_ratio(numerators: list[float], denominators: list[float]) -> float:
    """The median of the pairs' ratios (NaN where a denominator is 0 or unmeasured; NaN if none is
    left): one alternation caught at a bad moment moves it less than a ratio of pooled figures."""
    ratios = [div(a, b) for a, b in zip(numerators, denominators, strict=True)]
    known = [r for r in ratios if r == r]
    return statistics.median(known) if known else float("nan")


class Target:
    """A URL to load, its server process when we started it, and its tally."""

    def __init__(self, name: str, url: str, server: Server | None = None, cookie: str | None = None):
        self.name, self.url, self.server, self.cookie_name = name, url, server, cookie
        self.tally = Tally()

    def cookie(self) -> str | None:
        return f"{self.cookie_name}={secrets.token_hex(8)}" if self.cookie_name else None

    def cpu(self) -> float:
        return self.server.cpu() if self.server else 0.0

    async def session(self, page: str, query: str, where: str) -> Result:
        result = await open_session(self.url, page, query, cookie=self.cookie())
        self.tally.add(result, f"{where} /{page}" + (f"?{query}" if query else ""))
        return result

    async def sequential(self, page: str, query: str, n: int, into: Sequential, where: str) -> None:
        cpu0, t0 = self.cpu(), time.perf_counter()
        for _ in range(n):
            await self.session(page, query, where)
        into.seconds += time.perf_counter() - t0
        into.cpu += self.cpu() - cpu0
        into.sessions += n

    async def concurrent(self, pages: list[tuple[str, str]], level: int, total: int, where: str) -> Concurrent:
        """``level`` readers at once, each starting a new session when its last ends, ``total`` in all."""
        latencies: list[float] = []
        left = iter(range(total))

        async def reader() -> None:
            for i in left:
                page, query = pages[i % len(pages)]
                result = await self.session(page, query, where)
                if result.outcome == "ok":
                    latencies.append(result.seconds)

        t0 = time.perf_counter()
        await asyncio.gather(*(reader() for _ in range(level)))
        return Concurrent(level, latencies, time.perf_counter() - t0)


def mib(n: float) -> str:
    return f"{n / 2**20:.0f} MiB"


def div(a: float, b: float) -> float:
    return a / b if b else float("nan")


def ratio(a: float, b: float) -> str:
    return times(div(a, b))


def times(value: float) -> str:
    """A ratio as printed: ``1.23×``, or ``n/a`` where it could not be measured (NaN)."""
    return f"{value:.2f}×" if value == value else "n/a"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


class Clock:
    """The run's time budget: phases left when it is spent are reported as not measured."""

    def __init__(self, minutes: float):
        self.deadline = time.monotonic() + 60 * minutes
        self.skipped: list[str] = []

    def left(self, phase: str) -> bool:
        if time.monotonic() < self.deadline:
            return True
        self.skipped.append(phase)
        return False


# --------------------------------------------------------------------------- the bench


async def bench_servers(args: argparse.Namespace, started: dict[str, Server]) -> int:
    site = Target("site", started["site"].url, started["site"])
    bare_d = Target("bare-d", started["bare-d"].url, started["bare-d"])
    bare_s = Target("bare-s", started["bare-s"].url, started["bare-s"])
    bare_e = Target("bare-e", started["bare-e"].url, started["bare-e"])
    targets = (site, bare_d, bare_s)
    chapters = [(cid, path) for cid, path in chapter_pages() if not args.only or cid in args.only]
    langs = args.lang or list(LANGS)
    clock = Clock(args.max_minutes)
    print(f"# load bench: {len(chapters)} chapters × {len(langs)} languages; site {site.url} (pid {site.server.proc.pid}), "
          f"bare (defaults) {bare_d.url}, bare (site config) {bare_s.url}")  # fmt: skip
    print(f"# counts: {args.sessions} new readers per chapter and language, levels {args.levels} × {args.rounds} rounds, "
          f"hold {args.hold}, soak {args.soak}; commit {git_commit()}")  # fmt: skip

    # Warm up: every page once (the site's first session leaves Streamlit's legacy pages/ mode),
    # and read what each chapter draws, for the page that draws the same (bare-e).
    shape: dict[str, str] = {}  # chapter → the query of bench/shape_page.py that draws its shape
    elements: dict[str, int] = {}
    for cid, path in chapters:
        drawn = [await site.session(path, f"lang={lang}", f"warm-up {cid}") for lang in langs]
        kinds = drawn_kinds(drawn[0])
        shape[cid], elements[cid] = shape_query(drawn[0]), sum(kinds.values())
        twin = await bare_e.session("", shape[cid], "warm-up")
        if missing := sorted(set(kinds) - set(twin.elements)):
            print(f"# bare-e for {cid} cannot draw {', '.join(missing)} (bench/shape_page.py draws nothing for them)")
    for bare in (bare_d, bare_s):
        for _ in range(1 if args.quick else 3):
            await bare.session("", "", "warm-up")

    # 1. New readers, one at a time, interleaved in small blocks with both bare pages.
    print("\n## new readers, one at a time (connect, one run, close)")
    print(f"{'page':<12} {'readers/s':>9} " + " ".join(f"{lang:>7}" for lang in langs)
          + f" {'CPU ms':>7} {'×bare-d r/s':>11} {'×bare-s r/s':>11} {'×bare-s CPU':>11} {'×bare-d CPU':>11}"
          + f" {'bare-e CPU':>10} {'×bare-e CPU':>11} {'elements':>8}")  # fmt: skip
    per_chapter: dict[str, dict[str, Sequential]] = {}
    bare_all = {"bare-d": Sequential(), "bare-s": Sequential()}
    block = max(1, min(5, args.sessions))
    for cid, path in chapters:
        if not clock.left(f"new readers: {cid}"):
            continue
        seq = {"site": Sequential(), "bare-d": Sequential(), "bare-s": Sequential(), "bare-e": Sequential(), **{lang: Sequential() for lang in langs}}
        for lang in langs:
            done = 0
            while done < args.sessions:
                n = min(block, args.sessions - done)
                await bare_d.sequential("", "", n, seq["bare-d"], "new readers")
                await site.sequential(path, f"lang={lang}", n, seq[lang], f"new readers {cid}")
                await bare_s.sequential("", "", n, seq["bare-s"], "new readers")
                await bare_e.sequential("", shape[cid], n, seq["bare-e"], f"new readers, {cid}'s elements")
                done += n
        for lang in langs:
            for field in ("sessions", "seconds", "cpu"):
                setattr(seq["site"], field, getattr(seq["site"], field) + getattr(seq[lang], field))
        for name in bare_all:
            for field in ("sessions", "seconds", "cpu"):
                setattr(bare_all[name], field, getattr(bare_all[name], field) + getattr(seq[name], field))
        per_chapter[cid] = seq
        s, d, b, e = seq["site"], seq["bare-d"], seq["bare-s"], seq["bare-e"]
        print(f"{cid:<12} {s.rate:>9.1f} " + " ".join(f"{seq[lang].rate:>7.1f}" for lang in langs)
              + f" {s.cpu_ms:>7.1f} {ratio(s.rate, d.rate):>11} {ratio(s.rate, b.rate):>11}"
              f" {ratio(s.cpu_ms, b.cpu_ms):>11} {ratio(s.cpu_ms, d.cpu_ms):>11}"
              f" {e.cpu_ms:>10.1f} {ratio(s.cpu_ms, e.cpu_ms):>11} {elements[cid]:>8}", flush=True)  # fmt: skip
    for name, label in (("bare-d", "bare-d"), ("bare-s", "bare-s")):
        b = bare_all[name]
        print(f"{label:<12} {b.rate:>9.1f} " + " ".join(f"{'':>7}" for _ in langs) + f" {b.cpu_ms:>7.1f}")
    print("(bare-d: a bare one-heading page with Streamlit's defaults; bare-s: the same page with the site's config;"
          " bare-e: a page with the site's config drawing the chapter's elements and blocks, with nothing behind them)")  # fmt: skip

    # 2. Memory after every page has been served.
    rss_served = {t.name: t.server.rss() for t in targets}
    print("\n## server RSS after every page has been served")
    for t in targets:
        print(f"{t.name:<12} {mib(rss_served[t.name]):>9}")

    # 3. Memory per held session: right after every page was served once, before the crowds of
    # the latency phase leave freed memory in the heap that new sessions would reuse unseen.
    held_kb: dict[str, float] = {}
    if clock.left("held sessions"):
        print(f"\n## memory per held session ({args.hold} held open, each after one run)")
        pages = [(path, f"lang={lang}") for _, path in chapters for lang in langs]
        for t in (site, bare_s):
            await asyncio.sleep(1)
            before = t.server.rss()
            async with hold_sessions(t.url, args.hold, pages=pages if t is site else [("", "")]) as held:
                for r in held.results:
                    t.tally.add(r, "held session")
                await asyncio.sleep(1)
                after = t.server.rss()
                kept = len(held.sessions)
            await asyncio.sleep(1)
            released = t.server.rss()
            held_kb[t.name] = (after - before) / max(1, kept) / 1024
            print(f"{t.name:<12} {held_kb[t.name]:>7.0f} KB per session  (RSS {mib(before)} → {mib(after)} with {kept} held, "
                  f"{mib(released)} after closing them)")  # fmt: skip

    # 4. Latency as readers pile up.
    print(f"\n## latency at {', '.join(map(str, args.levels))} concurrent readers ({args.rounds} sessions per reader; ms)")
    header = " ".join(f"{f'p50@{c}':>7} {f'p95@{c}':>7}" for c in args.levels)
    mid = args.levels[len(args.levels) // 2]
    print(f"{'page':<12} {header} {f'r/s@{mid}':>8} {f'×bare-s p95@{mid}':>15} {f'×bare-d p95@{mid}':>15} {f'×bare-e p95@{mid}':>15}")
    latency: dict[str, dict[str, Concurrent]] = {}
    # bare-d once per level (at ~120 ms of CPU a session it needs minutes per level); bare-s,
    # the baseline of the target, alongside every chapter.
    bare_d_latency = {level: await bare_d.concurrent([("", "")], level, level * args.rounds, f"latency@{level}") for level in args.levels}
    # At the middle level the site, bare-s and bare-e alternate --repeat times: a p95 taken while
    # the load client shares the two cores swings by half from one moment to the next, so each
    # ratio is the median of the ratios of the alternations (bare-d is too slow to repeat).
    p95_ratio: dict[str, dict[str, float]] = {}
    shape_p95: dict[str, float] = {}  # chapter → bare-e's p95 against bare-s's: its shape's floor
    for cid, path in chapters:
        if not clock.left(f"latency: {cid}"):
            continue
        pages = [(path, f"lang={lang}") for lang in langs]
        rows = {f"bare-d@{level}": bare_d_latency[level] for level in args.levels}
        alternations: list[dict[str, Concurrent]] = []
        for level in args.levels:
            total = level * args.rounds
            for _ in range(args.repeat if level == mid else 1):
                turn = {"site": await site.concurrent(pages, level, total, f"latency@{level} {cid}"),
                        "bare-s": await bare_s.concurrent([("", "")], level, total, f"latency@{level}")}  # fmt: skip
                if level == mid:
                    turn["bare-e"] = await bare_e.concurrent([("", shape[cid])], mid, total, f"latency@{mid}, {cid}'s elements")
                    alternations.append(turn)
                for name, measured in turn.items():
                    rows[f"{name}@{level}"] = rows[f"{name}@{level}"].pooled(measured) if f"{name}@{level}" in rows else measured
        latency[cid] = rows
        site_p95 = [turn["site"].pct(0.95) for turn in alternations]
        p95_ratio[cid] = {
            "bare-s": median_ratio(site_p95, [turn["bare-s"].pct(0.95) for turn in alternations]),
            "bare-d": median_ratio(site_p95, [rows[f"bare-d@{mid}"].pct(0.95)] * len(alternations)),
            "bare-e": median_ratio(site_p95, [turn["bare-e"].pct(0.95) for turn in alternations]),
        }
        shape_p95[cid] = median_ratio([turn["bare-e"].pct(0.95) for turn in alternations], [turn["bare-s"].pct(0.95) for turn in alternations])
        cells = " ".join(f"{ms(rows[f'site@{c}'].pct(0.5)):>7} {ms(rows[f'site@{c}'].pct(0.95)):>7}" for c in args.levels)
        r = {name: times(value) for name, value in p95_ratio[cid].items()}
        print(f"{cid:<12} {cells} {rows[f'site@{mid}'].throughput:>8.1f} {r['bare-s']:>15} {r['bare-d']:>15} {r['bare-e']:>15}", flush=True)
    if latency:
        merged = {c: functools.reduce(Concurrent.pooled, [rows[f"bare-s@{c}"] for rows in latency.values()]) for c in args.levels}
        for name, by_level in (("bare-d", bare_d_latency), ("bare-s", merged)):
            cells = " ".join(f"{ms(by_level[c].pct(0.5)):>7} {ms(by_level[c].pct(0.95)):>7}" for c in args.levels)
            print(f"{name:<12} {cells} {by_level[mid].throughput:>8.1f}")
        print(f"(latency of the sessions that finished, pooled over the {args.repeat} alternations at {mid}; the ratios at {mid} are the"
              f" median of the {args.repeat} alternations' ratios; a baseline's timeouts are listed under errors)")  # fmt: skip

    # 5. Soak.
    growth = None
    if clock.left("soak"):
        print(f"\n## soak: {args.soak} new sessions on the site, 4 at a time, every page in turn")
        pages = [(path, f"lang={lang}") for _, path in chapters for lang in langs]
        samples: list[tuple[int, int]] = [(0, site.server.rss())]
        step = max(1, args.soak // 20)
        done = 0
        while done < args.soak and clock.left("soak (cut short)"):
            n = min(step, args.soak - done)
            await site.concurrent(pages[done % len(pages) :] + pages[: done % len(pages)], 4, n, "soak")
            done += n
            samples.append((done, site.server.rss()))
        warm = next(rss for count, rss in samples if count >= 0.2 * done)
        end = samples[-1][1]
        growth = 100 * (end - warm) / warm
        print(f"RSS: {mib(samples[0][1])} at start, {mib(warm)} after warm-up (first 20%), {mib(end)} after {done}, "
              f"peak {mib(max(r for _, r in samples))}; growth after warm-up {growth:+.1f}%")  # fmt: skip
        print("RSS every 5%: " + " ".join(f"{r / 2**20:.0f}" for _, r in samples))
        if done < args.soak:
            growth = None

    # 6. Errors.
    print("\n## errors (the site's must be 0; a baseline overloaded at 100 readers may time out)")
    for t in (*targets, bare_e):
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(t.tally.failed.items())) or "none"
        print(f"{t.name:<12} {t.tally.sessions:>6} sessions, {t.tally.errors} errors ({kinds}), {t.tally.exceptions} exception elements")
        for line in t.tally.details:
            print(f"    {line}")
    if clock.skipped:
        print(f"not measured (time budget of {args.max_minutes:g} min spent): {', '.join(clock.skipped)}")

    # 7. Targets (issue 9).
    print("\n## targets (issue 9; ratios in this run)")
    rows = []

    def worst_of(values: dict[str, float], high_is_bad: bool) -> tuple[str, float]:
        known = {k: v for k, v in values.items() if v == v}  # NaN: a baseline too cheap to measure
        if not known:
            return "", float("nan")
        key = (max if high_is_bad else min)(known, key=known.get)
        return key, known[key]

    def judged(label: str, worst: tuple[str, float], ok) -> tuple[str, str, bool | None]:
        name, value = worst
        if value != value:
            return label, "not measured", None
        return label, f"worst {name} {value:.2f}×", ok(value)

    rows.append(judged("new readers/s ≥ 1.5× bare-d", worst_of(
        {c: div(s["site"].rate, s["bare-d"].rate) for c, s in per_chapter.items()}, False), lambda r: r >= 1.5))  # fmt: skip
    rows.append(judged("CPU per new reader ≤ 2× bare-s", worst_of(
        {c: div(s["site"].cpu_ms, s["bare-s"].cpu_ms) for c, s in per_chapter.items()}, True), lambda r: r <= 2))  # fmt: skip
    rows.append(judged("(proposed) CPU per new reader ≤ 1.5× bare-e", worst_of(
        {c: div(s["site"].cpu_ms, s["bare-e"].cpu_ms) for c, s in per_chapter.items()}, True), lambda r: r <= 1.5))  # fmt: skip
    rows.append(judged(f"p95 at {mid} concurrent ≤ 2× bare-s", worst_of({c: r["bare-s"] for c, r in p95_ratio.items()}, True), lambda r: r <= 2))
    rows.append(judged(f"(proposed) p95 at {mid} concurrent ≤ 2× bare-e", worst_of({c: r["bare-e"] for c, r in p95_ratio.items()}, True), lambda r: r <= 2))
    rows.append(("RSS after serving everything ≤ 200 MiB", mib(rss_served["site"]), rss_served["site"] <= 200 * 2**20))
    if "site" in held_kb:
        rows.append(("held session ≤ 150 KB", f"{held_kb['site']:.0f} KB", held_kb["site"] <= 150))
    else:
        rows.append(("held session ≤ 150 KB", "not measured", None))
    rows.append(("soak growth ≤ 5%", f"{growth:+.1f}%" if growth is not None else "not measured", None if growth is None else growth <= 5))
    errors = site.tally.errors + site.tally.exceptions
    rows.append(("0 errors and exception elements (site)", str(errors), errors == 0))
    for label, value, met in rows:
        print(f"{label:<42} {value:>22}  {'met' if met else 'not measured' if met is None else 'NOT MET'}")

    # 8. The floor under the two targets set against bare-s.
    print("\n## floor (bare-e against bare-s: Streamlit's own cost for each chapter's shape, nothing of the site's behind it)")
    shape_cpu = {c: div(s["bare-e"].cpu_ms, s["bare-s"].cpu_ms) for c, s in per_chapter.items()}
    for label, values in (("CPU per new reader", shape_cpu), (f"p95 at {mid} concurrent", shape_p95)):
        print(floor_line(label, values, 2.0))
    print("(a chapter whose shape alone is over 2× bare-s cannot meet a target of 2× bare-s, whatever the site's own work costs)")
    return 1 if errors else 0


def floor_line(label: str, values: dict[str, float], limit: float) -> str:
    """One line of the floor: the lightest and heaviest chapter's shape, and how many are over ``limit``."""
    known = {c: v for c, v in values.items() if v == v}
    if not known:
        return f"{label:<24} not measured"
    low, high = min(known, key=known.get), max(known, key=known.get)
    over = sum(v > limit for v in known.values())
    return f"{label:<24} {known[low]:.2f}× ({low}) to {known[high]:.2f}× ({high}); {over} of {len(known)} chapters' shapes alone over {limit:g}×"


async def bench_urls(args: argparse.Namespace, urls: list[str]) -> int:
    """Load already-running servers (a replica, a balancer), interleaved; with two, print B/A."""
    targets = [Target("A" if i == 0 else "B", url, cookie=args.cookie) for i, url in enumerate(urls)]
    chapters = [(cid, path) for cid, path in chapter_pages() if not args.only or cid in args.only]
    langs = args.lang or list(LANGS)
    clock = Clock(args.max_minutes)
    for t in targets:
        print(f"# {t.name}: {t.url}")
    print(f"# counts: {args.sessions} new readers per chapter and language, levels {args.levels} × {args.rounds} rounds")
    for t in targets:
        for cid, path in chapters:
            await t.session(path, f"lang={langs[0]}", f"warm-up {cid}")
    names = [t.name for t in targets]
    cols = " ".join(f"{f'{n} r/s':>8}" for n in names) + " " + " ".join(
        f"{f'{n} p50@{c}':>10} {f'{n} p95@{c}':>10} {f'{n} r/s@{c}':>10}" for c in args.levels for n in names
    )
    print(f"\n## per page: new readers/s one at a time; latency (ms) and throughput (r/s) at each concurrency\n{'page':<12} {cols}")
    totals = {(t.name, c): [] for t in targets for c in args.levels}
    seq_totals = {t.name: Sequential() for t in targets}
    for cid, path in chapters:
        if not clock.left(cid):
            continue
        pages = [(path, f"lang={lang}") for lang in langs]
        seq = {t.name: Sequential() for t in targets}
        for lang in langs:
            for t in targets:
                await t.sequential(path, f"lang={lang}", args.sessions, seq[t.name], f"new readers {cid}")
        conc = {}
        for c in args.levels:
            for t in targets:
                conc[t.name, c] = await t.concurrent(pages, c, c * args.rounds, f"latency@{c} {cid}")
                totals[t.name, c].append(conc[t.name, c])
        for t in targets:
            for field in ("sessions", "seconds"):
                setattr(seq_totals[t.name], field, getattr(seq_totals[t.name], field) + getattr(seq[t.name], field))
        cells = " ".join(f"{seq[n].rate:>8.1f}" for n in names) + " " + " ".join(
            f"{ms(conc[n, c].pct(0.5)):>10} {ms(conc[n, c].pct(0.95)):>10} {conc[n, c].throughput:>10.1f}"
            for c in args.levels for n in names
        )  # fmt: skip
        print(f"{cid:<12} {cells}", flush=True)
    if len(targets) == 2:
        a, b = names
        print("\n## B against A (B/A; throughput higher is better, p95 lower is better)")
        print(f"new readers/s one at a time: {ratio(seq_totals[b].rate, seq_totals[a].rate)}")
        for c in args.levels:
            ta = sum(len(x.latencies) for x in totals[a, c]) / max(1e-9, sum(x.seconds for x in totals[a, c]))
            tb = sum(len(x.latencies) for x in totals[b, c]) / max(1e-9, sum(x.seconds for x in totals[b, c]))
            pa = Concurrent(c, [v for x in totals[a, c] for v in x.latencies], 1).pct(0.95)
            pb = Concurrent(c, [v for x in totals[b, c] for v in x.latencies], 1).pct(0.95)
            print(f"at {c:>3} concurrent: throughput {tb:.1f} vs {ta:.1f} r/s = {ratio(tb, ta)}; p95 {ms(pb)} vs {ms(pa)} ms = {ratio(pb, pa)}")
    print("\n## errors (must be 0)")
    errors = 0
    for t in targets:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(t.tally.failed.items())) or "none"
        print(f"{t.name:<12} {t.tally.sessions:>6} sessions, {t.tally.errors} errors ({kinds}), {t.tally.exceptions} exception elements")
        for line in t.tally.details:
            print(f"    {line}")
        errors += t.tally.errors + t.tally.exceptions
    return 1 if errors else 0


def git_commit() -> str:
    done = subprocess.run(["git", "log", "-1", "--format=%h %s"], capture_output=True, text=True, cwd=ROOT)
    return done.stdout.strip()[:80] or "unknown"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small counts, every row (for tests)")
    parser.add_argument("--sessions", type=int, help="new readers per chapter and language (default 20; quick 1)")
    parser.add_argument("--levels", help="concurrent readers, comma-separated (default 10,50,100; quick 1,2,3)")
    parser.add_argument("--rounds", type=int, help="sessions per concurrent reader (default 2; quick 1)")
    parser.add_argument("--hold", type=int, help="sessions held open to price one (default 200; quick 6)")
    parser.add_argument("--soak", type=int, help="sessions in the soak (default 2000; quick 21)")
    parser.add_argument("--only", action="append", metavar="CHAPTER", help="only this chapter (repeatable)")
    parser.add_argument("--lang", action="append", choices=LANGS, help="only this language (repeatable)")
    parser.add_argument("--target", metavar="URL", help="load this running server or balancer; start nothing")
    parser.add_argument("--compare", nargs=2, metavar=("URL_A", "URL_B"), help="load two running servers, interleaved; print B/A")
    parser.add_argument("--cookie", metavar="NAME", help="with --target/--compare: send a fresh cookie NAME=<random> per session")
    parser.add_argument("--repeat", type=int, help="alternations of site, bare-s and bare-e at the middle level (default 3; quick 2)")
    parser.add_argument("--max-minutes", type=float, default=40.0, help="time budget; phases left after it are not measured")
    args = parser.parse_args(argv)
    quick = args.quick
    args.sessions = args.sessions or (1 if quick else 20)
    args.levels = [int(x) for x in (args.levels or ("1,2,3" if quick else "10,50,100")).split(",")]
    args.rounds = args.rounds or (1 if quick else 2)
    args.hold = args.hold or (6 if quick else 200)
    args.soak = args.soak or (21 if quick else 2000)
    args.repeat = args.repeat or (2 if quick else 3)
    refuse_unknown_chapters(parser, args.only)
    return args


def refuse_unknown_chapters(parser: argparse.ArgumentParser, only: list[str] | None) -> None:
    """Exit with a usage error naming the chapters if ``--only`` names one the site does not have."""
    known = {cid for cid, _ in chapter_pages()}
    for cid in only or ():
        if cid not in known:
            parser.error(f"--only {cid}: no such chapter ({', '.join(sorted(known))})")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.target or args.compare:
        return asyncio.run(bench_urls(args, [args.target] if args.target else list(args.compare)))
    with servers(shape=True) as started:
        try:
            return asyncio.run(bench_servers(args, started))
        except BaseException:
            for server in started.values():
                print(f"--- {server.name} output (end)\n{server.output()[-2000:]}", file=sys.stderr)
            raise


if __name__ == "__main__":
    sys.exit(main())
