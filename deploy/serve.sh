#!/usr/bin/env bash
# Install and start the site on this machine: makes a virtual environment (.venv) beside app.py,
# installs requirements.txt into it, then runs `streamlit run app.py` (http://localhost:8501).
# Works on a stock Debian/Ubuntu Python (PEP 668 forbids pip into the system Python; venv needs
# Debian's python3-venv, installed here when missing). Extra arguments go to streamlit, e.g.
#   bash deploy/serve.sh --server.port 8502
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv 2>/dev/null; then
    rm -rf .venv
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv .venv
  fi
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
exec .venv/bin/python -m streamlit run app.py "$@"
