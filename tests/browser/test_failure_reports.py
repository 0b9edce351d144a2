"""A failing browser test is reported with its servers' output; it never crashes the run.

The report hook (``conftest.pytest_runtest_makereport``) reads a server's log after the test,
when a ``with fresh_server() as base:`` block has already stopped that server. It used to read a
closed file, and ``ValueError: I/O operation on closed file`` ended the whole pytest run. Here a
tiny failing test is run by pytest in a subprocess, with this folder's fixtures and hooks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent

TINY_APP = 'import streamlit as st\n\nst.title("tiny")\n'

FAILING_TEST = textwrap.dedent(
    """
    import urllib.request


    def test_fails_after_its_fresh_server_stopped(fresh_server, tmp_path_factory):
        app = tmp_path_factory.mktemp("app") / "tiny_app.py"
        app.write_text({app!r}, encoding="utf-8")
        with fresh_server(script=str(app)) as base:
            with urllib.request.urlopen(f"{{base}}/_stcore/health", timeout=5) as response:
                assert response.read() == b"ok"
        assert 1 + 1 == 3, "deliberately failing"
    """
).format(app=TINY_APP)


def run_pytest_on(test_dir: Path, fixtures_dir: Path) -> subprocess.CompletedProcess:
    """pytest on ``test_dir`` with the browser folder's conftest loaded as a plugin from ``fixtures_dir``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(fixtures_dir), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(test_dir), "-p", "conftest", "-p", "no:cacheprovider",
         "--rootdir", str(test_dir), "-c", os.devnull, "-q", "-rA"],
        cwd=test_dir, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip


def test_a_failing_test_with_a_fresh_server_is_reported_with_the_servers_output(tmp_path):
    test_dir = tmp_path / "suite"
    test_dir.mkdir()
    (test_dir / "test_tiny.py").write_text(FAILING_TEST, encoding="utf-8")
    result = run_pytest_on(test_dir, HERE)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output  # 1: tests failed; 3 was the crash (internal error)
    assert "1 failed" in output, output
    assert "I/O operation on closed file" not in output and "INTERNALERROR" not in output, output
    assert "deliberately failing" in output, output
    assert "streamlit server output (http://127.0.0.1:" in output, output
    report = output.split("streamlit server output (http://127.0.0.1:", 1)[1]
    assert "You can now view your Streamlit app" in report, output  # what streamlit run prints on start
