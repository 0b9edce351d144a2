"""What a second replica buys: bench/load.py against 1 replica and N replicas behind nginx, in one run.

Usage::

    python deploy/bench_scale_out.py                             # 1 against 2 replicas, bench/load.py's defaults
    python deploy/bench_scale_out.py --replicas 2 -- --sessions 5 --levels 10,50 --rounds 2 --only departments
    (everything after ``--`` goes to bench/load.py)

Starts A (nginx in front of 1 replica) and B (nginx in front of N replicas), both from
deploy/scale_out.py with the same config, then runs ``bench/load.py --compare A B --cookie
datong_bench``, which loads them interleaved and prints B/A (every replica first serves each
chapter in each language once, directly). The load client is one address
standing for many readers, so both balancers hash on the cookie it sends fresh with every
session (``$cookie_datong_bench``) instead of the client address, and their per-address limits
are lifted; everything else is the production template. On this 2-core machine the client
shares the cores with the replicas, so N replicas cannot reach N×: the ratio is a floor for a
machine with a core per replica.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import subprocess
import sys

from scale_out import ROOT, python, scale_out

sys.path.insert(0, str(ROOT / "bench"))
from load import LANGS, chapter_pages, open_session

COOKIE = "datong_bench"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ours, passed = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="replicas behind B (default 2)")
    args = parser.parse_args(ours)
    bench = {"limits": False, "hash_key": f"$cookie_{COOKIE}", "timeout": 300}
    with contextlib.ExitStack() as stack:
        one = stack.enter_context(scale_out(1, **bench))
        many = stack.enter_context(scale_out(args.replicas, **bench))
        # Every replica serves every chapter in every language once before the bench: the first
        # session of a language in a process costs seconds (measured: 3-7 s for the overview),
        # and load.py's warm-up goes through each balancer in one language, reaching one replica.
        for replica in [*one.replicas, *many.replicas]:
            for (_, path), lang in itertools.product(chapter_pages(), LANGS):
                result = asyncio.run(open_session(replica, path, f"lang={lang}"))
                if result.outcome != "ok" or result.exceptions:
                    print(f"# warm-up failed on {replica}/{path}: {result}", file=sys.stderr)
                    return 1
        print(f"# A: 1 replica behind nginx at {one}; B: {args.replicas} replicas behind nginx at {many}", flush=True)
        command = [python(), str(ROOT / "bench" / "load.py"), "--compare", one, many, "--cookie", COOKIE, *passed]
        done = subprocess.run(command, cwd=ROOT)
        for name, base in (("A", one), ("B", many)):
            log = (base.prefix / "access.log").read_text(encoding="utf-8")
            counts = {replica: log.count(f"upstream={replica} ") for replica in (r.removeprefix("http://") for r in base.replicas)}
            print(f"# {name}: sessions and requests per replica: {counts}")
        return done.returncode


if __name__ == "__main__":
    sys.exit(main())
