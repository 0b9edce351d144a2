"""Load shedding, measured over the wire: past the session limit, extra readers are refused fast
and the readers within it are served as if nothing happened.

Usage: python bench/shed.py [--limit 50] [--extra 50] [--rounds 3]

Starts the site with ``DATONG_MAX_SESSIONS=<limit>`` on a free loopback port, then, in one run:

1. **unloaded**: ``limit`` new readers arrive together (each: connect, one run of the overview,
   kept open), and their latencies are recorded; all close;
2. **over the limit**: ``limit + extra`` new readers arrive together. The first ``limit`` are
   served; the others must be refused with HTTP 503.

It prints the refusals' times (target: every one ≤ 100 ms), the served readers' p95 as a ratio
to the unloaded p95 of the same round (target ≤ 1.5×), and errors (target 0). A ratio, not a
time: these machines are noisy. Bounded: ``rounds`` rounds, then it stops its server.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import hold_sessions, open_session, servers


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)] if ordered else float("nan")


async def round_trip(url: str, limit: int, extra: int) -> dict:
    pages = [("", "lang=en")]
    async with hold_sessions(url, limit, pages=pages, parallel=limit) as held:
        unloaded = [r.seconds for r in held.results if r.ok]
        errors = [r for r in held.results if not r.ok]
        # the limit is reached and those readers are reading: more arrive
        late = await asyncio.gather(*(open_session(url, "", "lang=en") for _ in range(extra)))
    await asyncio.sleep(1.0)  # the server notices the closed sessions
    # a burst: limit + extra readers at the same moment
    async with hold_sessions(url, limit + extra, pages=pages, parallel=limit + extra) as burst:
        served = [r.seconds for r in burst.results if r.ok]
        refused = [r for r in burst.results if r.outcome == "refused"]
        errors += [r for r in burst.results if not r.ok and r.outcome != "refused"]
    return {
        "unloaded_p95": p95(unloaded), "served_p95": p95(served), "served": len(served),
        "late_refused_503": sum(r.status == 503 for r in late), "late_max": max(r.seconds for r in late),
        "late_median": statistics.median(r.seconds for r in late),
        "refused": len(refused), "refused_503": sum(r.status == 503 for r in refused),
        "refusal_max": max((r.seconds for r in refused), default=float("nan")),
        "errors": len(errors) + sum(r.exceptions for r in [*held.results, *burst.results]),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--extra", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with servers(bare=False, site_env={"DATONG_MAX_SESSIONS": str(args.limit)}) as started:
        url = started["site"].url
        rows = [asyncio.run(round_trip(url, args.limit, args.extra)) for _ in range(args.rounds)]
    print(f"limit {args.limit} sessions; {args.extra} more arrive while the limit is held, then a burst of {args.limit + args.extra}")
    print(f"{'round':<6} {'late 503s':>9} {'late max ms':>12} {'late med ms':>12} {'burst served':>13} {'burst 503s':>11} "
          f"{'burst refusal max ms':>21} {'burst p95 ÷ unloaded':>21} {'errors':>7}")  # fmt: skip
    for i, r in enumerate(rows, 1):
        ratio = r["served_p95"] / r["unloaded_p95"] if r["unloaded_p95"] else float("nan")
        print(f"{i:<6} {r['late_refused_503']:>9} {r['late_max'] * 1000:>12.1f} {r['late_median'] * 1000:>12.1f} {r['served']:>13} "
              f"{r['refused_503']:>11} {r['refusal_max'] * 1000:>21.1f} {ratio:>20.2f}× {r['errors']:>7}")  # fmt: skip
    late_max = max(r["late_max"] for r in rows)
    burst_max = max(r["refusal_max"] for r in rows)
    worst_ratio = max(r["served_p95"] / r["unloaded_p95"] for r in rows)
    errors = sum(r["errors"] for r in rows)
    all_refused = all(r["late_refused_503"] == args.extra and r["refused_503"] == args.extra and r["served"] == args.limit for r in rows)
    print("targets")
    print(f"  every reader past the limit refused with 503: {'met' if all_refused else 'NOT MET'}")
    print(f"  slowest refusal while the limit is held {late_max * 1000:.1f} ms (target ≤ 100 ms): {'met' if late_max <= 0.1 else 'NOT MET'}")
    print(f"  slowest refusal in a burst {burst_max * 1000:.1f} ms (target ≤ 100 ms): {'met' if burst_max <= 0.1 else 'NOT MET'}")
    print(f"  served p95 in a burst {worst_ratio:.2f}× unloaded (target ≤ 1.5×): {'met' if worst_ratio <= 1.5 else 'NOT MET'}")
    print(f"  errors {errors} (target 0): {'met' if errors == 0 else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
