"""The README's quick start: two commands, and each does what it says."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time

from web_servers import ROOT, free_port, get, project_copy


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, flags=re.DOTALL)


def test_the_quick_start_is_two_commands_and_ci_runs_the_second():
    assert quick_start_commands() == ["bash deploy/serve.sh", "bash tests/run.sh"]
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci[-1] == "bash tests/run.sh"


def test_both_scripts_use_a_virtual_environment_never_the_system_python():
    for script in ("deploy/serve.sh", "tests/run.sh"):
        text = (ROOT / script).read_text()
        assert "python3 -m venv .venv" in text and "python3-venv" in text, script
        assert not re.search(r"^\s*(python3 -m )?pip3? install", text, flags=re.MULTILINE), script


def test_the_serve_command_installs_and_starts_the_site(tmp_path):
    root = project_copy(tmp_path / "site")
    os.symlink(ROOT / ".venv", root / ".venv")  # the venv this suite runs in: the script installs into it
    port = free_port()
    proc = subprocess.Popen(
        ["bash", "deploy/serve.sh", "--server.port", str(port), "--server.headless", "true"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert proc.poll() is None, proc.stdout.read().decode()
        status, _, body = get(f"http://127.0.0.1:{port}/safety?lang=en")
        assert status == 200 and b"<title>Safety first" in body
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
