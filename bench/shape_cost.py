"""Where a new reader's server CPU goes, by kind of element: each kind left out of a chapter's shape in turn.

Usage::

    python bench/shape_cost.py                  # every chapter (about 6 minutes on 2 cores)
    python bench/shape_cost.py --only firms     # one chapter (repeatable)
    python bench/shape_cost.py --quick          # one session a variant, two rounds (tests)

Issue 9 asks for server CPU per new reader ≤ 2× a one-heading page. ``bench/load.py`` shows that
a page drawing a chapter's elements with nothing behind them (bare-e) already costs several times
that page. This bench says which elements make the difference, so a newsroom can weigh a chart
or a link against what it costs to serve.

It starts the site only to read each chapter's shape (what its run drew for a new reader in
zh-Hans: elements of each type, and layout blocks), and ``bench/shape_page.py`` beside a copy of
the site's config. Then, in rounds, it loads the shape page (a new session each: connect, one
run, close) drawing: the whole shape; the shape with one kind left out, for each kind; and one
heading, which is what the one-heading page draws. Each variant's server CPU per new reader is
a ratio to the whole shape's in the same round; the printed ratio is the median over rounds. The
variants' order turns each round, so none always runs first.

Per kind it prints how many the chapter draws, the whole shape without them, their share of the
whole (with the lowest and highest round, since these machines are noisy: on 2 shared cores a
share under about a tenth is within the noise, and may print below zero), and what one of them
costs as a fraction of the whole one-heading page.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import (
    Server,
    chapter_pages,
    git_commit,
    median_ratio,
    open_session,
    refuse_unknown_chapters,
    servers,
    shape_query,
    times,
)

WHOLE = "the whole shape"
ONE_HEADING = "one heading"
LANG = "zh-Hans"


def counts_of(shape: str) -> dict[str, int]:
    """A shape query (``heading=4&blocks=37``) as {kind: how many}, in its order."""
    return {kind: int(n) for kind, n in parse_qsl(shape)}


def variants(shape: str) -> dict[str, str]:
    """The shape page's queries: the whole shape, the shape without each kind it draws, one heading."""
    counts = counts_of(shape)
    out = {WHOLE: shape}
    for kind, n in counts.items():
        if n:
            out[kind] = urlencode({k: (0 if k == kind else v) for k, v in counts.items()})
    out[ONE_HEADING] = "heading=1"
    return out


async def cpu_per_reader(server: Server, query: str, sessions: int) -> tuple[float, int]:
    """Server CPU ms per new reader of the shape page with this query, and the errors seen."""
    errors = 0
    before = server.cpu()
    for _ in range(sessions):
        result = await open_session(server.url, "", query)
        errors += not result.ok or bool(result.exceptions)
    return (server.cpu() - before) * 1000 / sessions, errors


async def chapter_costs(server: Server, shape: str, sessions: int, rounds: int) -> tuple[dict[str, list[float]], int]:
    """Each variant's CPU ms per new reader, one figure a round, the order turning each round."""
    queries = variants(shape)
    for query in queries.values():  # warm: no round pays a first run
        await open_session(server.url, "", query)
    names = list(queries)
    measured: dict[str, list[float]] = {name: [] for name in names}
    errors = 0
    for number in range(rounds):
        turned = names[number % len(names) :] + names[: number % len(names)]
        for name in turned:
            ms, failed = await cpu_per_reader(server, queries[name], sessions)
            measured[name].append(ms)
            errors += failed
    return measured, errors


def spread(numerators: list[float], denominators: list[float]) -> str:
    """The lowest and highest of the rounds' ratios, ``(0.70–0.80)``: how far the noise goes."""
    ratios = [a / b for a, b in zip(numerators, denominators, strict=True) if b]
    return f"({min(ratios):.2f}–{max(ratios):.2f})" if ratios else "(n/a)"


def report(chapter: str, shape: str, measured: dict[str, list[float]]) -> list[str]:
    """The chapter's table: each kind's count, the shape without it, its share, one element's cost."""
    counts = counts_of(shape)
    whole, floor = measured[WHOLE], measured[ONE_HEADING]
    elements = sum(n for kind, n in counts.items() if kind != "blocks")
    lines = [
        f"## {chapter}: {elements} elements, {counts.get('blocks', 0)} blocks ({LANG}); "
        f"the whole shape {statistics.median(whole):.1f} ms CPU per new reader (median of {len(whole)} rounds)",
        "| left out | how many | CPU ×the whole (rounds' range) | share of the whole | one of them ×one heading's page |",
        "| --- | --- | --- | --- | --- |",
    ]
    without = {kind: median_ratio(measured[kind], whole) for kind in counts if kind in measured}
    for kind in sorted(without, key=without.get):  # the largest share first
        n = counts[kind]
        each = median_ratio([(w - k) / n for w, k in zip(whole, measured[kind], strict=True)], floor)
        lines.append(f"| {kind} | {n} | {times(without[kind])} {spread(measured[kind], whole)} | {1 - without[kind]:.0%} | {times(each)} |")
    heading = median_ratio(floor, whole)
    lines.append(f"| everything but one heading | | {times(heading)} {spread(floor, whole)} | {1 - heading:.0%} | |")
    lines.append(
        f"the whole shape = {times(median_ratio(whole, floor))} one heading's page; "
        f"2× that page = {times(2 * heading)} the whole: a page of this shape would have to cost "
        f"{max(0.0, 1 - 2 * heading):.0%} less"
    )
    return lines


async def bench(args: argparse.Namespace, site: Server, shape_server: Server) -> int:
    errors = 0
    print(f"# shape bench: {args.sessions} new readers a variant, {args.rounds} rounds; commit {git_commit()}\n")
    for chapter, path in chapter_pages():
        if args.only and chapter not in args.only:
            continue
        drawn = await open_session(site.url, path, f"lang={LANG}")
        if not drawn.ok or drawn.exceptions:
            print(f"## {chapter}: the site's run failed ({drawn.outcome}: {drawn.detail})")
            errors += 1
            continue
        shape = shape_query(drawn)
        measured, failed = await chapter_costs(shape_server, shape, args.sessions, args.rounds)
        errors += failed
        print("\n".join(report(chapter, shape, measured)), end="\n\n", flush=True)
    print(f"errors and exception elements: {errors}")
    return 1 if errors else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one session a variant, two rounds (for tests)")
    parser.add_argument("--sessions", type=int, help="new readers per variant and round (default 20; quick 1)")
    parser.add_argument("--rounds", type=int, help="rounds (default 5; quick 2)")
    parser.add_argument("--only", action="append", metavar="CHAPTER", help="only this chapter (repeatable)")
    args = parser.parse_args(argv)
    args.sessions = args.sessions or (1 if args.quick else 20)
    args.rounds = args.rounds or (2 if args.quick else 5)
    refuse_unknown_chapters(parser, args.only)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with servers(site=True, bare=False, shape=True) as started:
        return asyncio.run(bench(args, started["site"], started["bare-e"]))


if __name__ == "__main__":
    sys.exit(main())
