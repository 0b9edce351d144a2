"""The code passes the project's lint rules (ruff.toml), so a maintainer's `ruff check .` is clean."""

import subprocess
import sys

from datong import paths


def test_ruff_finds_nothing_in_the_project():
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
        capture_output=True, text=True, cwd=paths.ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
