#!/usr/bin/env bash
# The whole test suite, from a fresh machine: makes a virtual environment (.venv), installs what
# the tests need into it, then runs them. Works on a stock Debian/Ubuntu Python (PEP 668: the
# system Python refuses pip installs, so nothing is installed into it).
# Usage: bash tests/run.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
apt_install() {
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# Debian and Ubuntu ship venv without ensurepip until python3-venv is installed.
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv 2>/dev/null || { rm -rf .venv; apt_install python3-venv; python3 -m venv .venv; }
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt

# Browser tests drive Debian's Chromium; Chinese text needs a CJK font (screenshots, PNG export);
# the scale-out tests run Debian's nginx on loopback.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wqy\|WenQuanYi" || need+=(fonts-wqy-microhei)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  apt_install "${need[@]}"
fi

# Tests start servers with the venv's streamlit: put it first on PATH.
export PATH="$PWD/.venv/bin:$PATH"
status=0
.venv/bin/python -m pytest "$@" || status=$?
[ "$status" -eq 5 ] && { echo "pytest collected no tests" >&2; exit 1; }
exit "$status"
