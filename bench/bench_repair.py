"""The repair's round trip on simulated damage: how many characters come back right, and whether
every one that does not is flagged.

    python bench/bench_repair.py [--documents 200] [--seed 0]

Clean documents from the corpus (tests/damage.py: our article, our reader text, tests/corpus/)
are garbled by the seeded simulator and repaired; each repaired line is aligned with its clean
Traditional line. Prints the share of characters right, the differences left silent (not within
3 columns of a flagged spot: the target is 0), how many differences were flagged, how many spots
the clean documents themselves raise (false flags), and the time per document.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from damage import damage, documents  # noqa: E402

from datong.pipeline.repair import repair  # noqa: E402

NEAR = 3  # a difference within this many columns of a flagged spot counts as flagged


@dataclass
class Tally:
    characters: int = 0
    right: int = 0
    differences: int = 0
    silent: list = field(default_factory=list)
    documents: int = 0
    flagged_documents: int = 0
    clean_spots: int = 0
    spots: int = 0
    runs: int = 0
    seconds: float = 0.0


def compare(repaired: str, clean: str, spots) -> tuple[int, int, list]:
    """Characters right, differences, and the differences no spot is near (line, column, clean, repaired)."""
    flagged: dict[int, list[tuple[int, int]]] = {}
    for spot in spots:  # a spot covers its column, the run that may end there, and a run in doubt that begins there
        flagged.setdefault(spot.line, []).append((spot.column - 1 - spot.reach, spot.column - 1 + spot.width))
    right, differences, silent = 0, 0, []
    got_lines, want_lines = repaired.split("\n"), clean.split("\n")
    for number, want in enumerate(want_lines, start=1):
        got = got_lines[number - 1] if number - 1 < len(got_lines) else ""
        matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                right += i2 - i1
                continue
            differences += 1
            columns = range(j1, max(j2, j1 + 1))
            near = flagged.get(number, [])
            if not any(first - NEAR <= c <= last + NEAR for c in columns for first, last in near):
                silent.append((number, j1 + 1, want[i1:i2], got[j1:j2]))
    return right, differences, silent


def measure(count: int, seed: int = 0) -> Tally:
    tally = Tally()
    for index, clean_doc in enumerate(documents(count, seed)):
        damaged = damage(clean_doc, seed * 100_000 + index)
        started = time.perf_counter()
        result = repair(damaged.garbled)
        tally.seconds += time.perf_counter() - started
        right, differences, silent = compare(result.traditional, damaged.clean, result.unresolved)
        tally.characters += len(damaged.clean.replace("\n", ""))
        tally.right += right
        tally.differences += differences
        tally.silent += [(index, *s) for s in silent]
        tally.documents += 1
        tally.flagged_documents += bool(result.unresolved)
        tally.spots += len(result.unresolved)
        tally.runs += damaged.runs
        tally.clean_spots += len(repair(damaged.clean).unresolved)
    return tally


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=10, help="silent differences to print")
    args = parser.parse_args(argv)
    t = measure(args.documents, args.seed)
    print(f"documents: {t.documents} ({t.characters} characters, {t.runs} runs thrown out of step)")
    print(f"characters right: {t.right / t.characters:.4%} (target >= 99.5%)")
    print(f"differences left: {t.differences}, of them silent (no flag within {NEAR} columns): {len(t.silent)} (target 0)")
    print(f"spots named for a person to check: {t.spots} ({t.spots / t.documents:.1f} a document)")
    print(f"documents flagged (exit 1): {t.flagged_documents}; spots on the clean documents (false flags): {t.clean_spots}")
    print(f"repair time: {t.seconds / t.documents * 1000:.1f} ms per document")
    for silent in t.silent[: args.show]:
        print("  silent:", silent)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
