"""Server CPU per new reader of two or more running servers, interleaved, as ratios to the first.

    python bench/ab_cpu.py http://127.0.0.1:8601 http://127.0.0.1:8602 [--sessions 10] [--rounds 5] [--only source]

For A/B tests of one change (issue 9.6: does a piece of speed machinery pay?): start the same
tree with and without the change on two ports, then run this. Each round loads every chapter in
every language ``--sessions`` times on each server in turn (a new session each: connect, one run,
close) and reads the server's CPU time (user + system, psutil) around it, so both servers meet
the same noise. The server is found by the port it listens on. Prints ms of CPU per new reader
per server and round, the medians, and each median as a ratio to the first server's.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import LANGS, chapter_pages, open_session


def server_process(url: str) -> psutil.Process:
    """The process listening on the URL's port (a server started by hand, or by another script)."""
    port = urlsplit(url).port
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
            return psutil.Process(conn.pid)
    raise SystemExit(f"no process listens on port {port}")


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def pages(only: list[str] | None) -> list[str]:
    """The URL paths to load: every chapter's, or those named with --only."""
    return [path for cid, path in chapter_pages() if not only or cid in only]


async def one_round(url: str, process: psutil.Process, sessions: int, paths: list[str]) -> tuple[float, int]:
    """CPU ms per new reader over these chapters in every language, and the errors seen."""
    errors, readers = 0, 0
    before = cpu_seconds(process)
    for path in paths:
        for lang in LANGS:
            for _ in range(sessions):
                result = await open_session(url, path, f"lang={lang}")
                errors += not result.ok or bool(result.exceptions)
                readers += 1
    return (cpu_seconds(process) - before) * 1000 / readers, errors


async def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--sessions", type=int, default=10, help="new readers per chapter and language per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", action="append", metavar="CHAPTER", help="only this chapter (repeatable)")
    args = parser.parse_args(argv)
    paths = pages(args.only)
    processes = [server_process(url) for url in args.urls]
    for url in args.urls:  # warm: every chapter once, so no round pays a first build
        for path in paths:
            for lang in LANGS:
                await open_session(url, path, f"lang={lang}")
    per_server: list[list[float]] = [[] for _ in args.urls]
    errors = 0
    for number in range(1, args.rounds + 1):
        cells = []
        for index, (url, process) in enumerate(zip(args.urls, processes, strict=True)):
            ms, failed = await one_round(url, process, args.sessions, paths)
            per_server[index].append(ms)
            errors += failed
            cells.append(f"{ms:7.1f}")
        print(f"round {number}: " + " ".join(cells) + "  ms CPU per new reader", flush=True)
    medians = [statistics.median(values) for values in per_server]
    for url, median in zip(args.urls, medians, strict=True):
        print(f"{url}: median {median:.1f} ms per new reader = {median / medians[0]:.2f}× the first")
    print(f"errors and exception elements: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
