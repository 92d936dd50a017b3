#!/usr/bin/env bash
# The two quick-start commands:  ./urbis.sh demo   and   ./urbis.sh test
# Each installs everything it needs first (a virtual environment in .venv, the Python packages,
# the pinned npm front-end libraries, compiled translations), so a fresh clone needs nothing else.
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python3.11}
VENV=.venv

install() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  # Reinstall only when the dependency list changed since the last install.
  local stamp="$VENV/.urbis-installed"
  local want
  want=$(cat pyproject.toml requirements/constraints.txt package.json package-lock.json | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e ".[dev,scale]"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
  fi
  "$VENV/bin/python" scripts/vendor.py
  if find urbis -name '*.po' -path '*/locale/*' | grep -q .; then
    "$VENV/bin/python" -m urbis.cli compilemessages --ignore=.venv --ignore=node_modules -v 0
  fi
}

install_chromium() {
  # Browser tests drive Debian's Chromium; they are skipped (and say so) when it cannot be had.
  if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's Chromium for the browser tests…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
      || echo "Chromium could not be installed: browser tests will be skipped."
  fi
}

case "${1:-}" in
  demo)
    shift
    install
    exec "$VENV/bin/urbis" demo "$@"
    ;;
  test)
    shift
    install
    install_chromium
    exec "$VENV/bin/python" scripts/test.py "$@"
    ;;
  install)
    install
    ;;
  *)
    echo "usage: ./urbis.sh demo [--scale N] [--no-serve] | ./urbis.sh test [pytest args] | ./urbis.sh install" >&2
    exit 2
    ;;
esac
