# Shared set-up steps for scripts/run, scripts/test and .ci/run. Source it; do not run it.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Debian packages: WeasyPrint's libraries and fonts, gettext's msgfmt; the tests add Chromium.
RUN_DEBIAN_PACKAGES=(gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
TEST_DEBIAN_PACKAGES=(chromium poppler-utils)

ensure_debian_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    die "missing system packages: ${missing[*]} (install them with your package manager)"
  fi
  if [ "$(id -u)" -ne 0 ]; then
    die "missing Debian packages: ${missing[*]}
Install them first:  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
  say "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
  local candidate root
  for candidate in python3.13 python3.12 python3 python; do
    if command -v "$candidate" >/dev/null && python_ok "$candidate"; then
      command -v "$candidate"; return 0
    fi
  done
  root="$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")"
  for candidate in $(ls -d "$root"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do
    if python_ok "$candidate/bin/python3"; then
      echo "$candidate/bin/python3"; return 0
    fi
  done
  die "Najem needs Python 3.12 or newer and none was found on PATH or under pyenv.
Install one, e.g.:  pyenv install 3.12  (or your distribution's python3.12 package)"
}

ensure_venv() {
  if [ -x .venv/bin/python ] && ! python_ok .venv/bin/python; then
    say "Replacing .venv (it was made with Python older than 3.12)"
    rm -rf .venv
  fi
  if [ ! -x .venv/bin/python ]; then
    local py; py="$(find_python)"
    say "Creating .venv with $("$py" --version)"
    "$py" -m venv .venv
  fi
  # The bench extra (locust, matplotlib) too: the suite runs a tiny real run of each
  # benchmark, which would otherwise be skipped.
  local stamp=.venv/.najem-installed want extras="test,bench"
  want="$( (cat pyproject.toml constraints.txt; echo "$extras") | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "Installing Python dependencies (pinned by constraints.txt)"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -c constraints.txt -e ".[$extras]"
    echo "$want" > "$stamp"
  fi
}

compile_translations() {
  say "Compiling translations"
  .venv/bin/python manage.py compilemessages --ignore=.venv -v 0
}

# The background worker (django-tasks-db): runs queued tasks (PDFs of long lists).
# start_worker [db_worker options] starts it in the background; stop_worker ends it and
# the process its autoreloader started (by their process ids).
WORKER_PID=""
start_worker() {
  say "Starting the background worker (manage.py db_worker)"
  .venv/bin/python manage.py db_worker "$@" &
  WORKER_PID=$!
}

stop_worker() {
  [ -n "$WORKER_PID" ] || return 0
  local children
  children="$(pgrep -P "$WORKER_PID" 2>/dev/null || true)"
  # shellcheck disable=SC2086
  kill -TERM "$WORKER_PID" $children 2>/dev/null || true
  WORKER_PID=""
}

# Enqueue the ping job and wait until the running worker has done it (smoke test).
worker_smoke() {
  .venv/bin/python manage.py shell -v 0 -c '
import sys, time
from jobs.services import job_start
from jobs.tasks import ping
job = job_start(kind="smoke", target=None, by=None, task=ping)
for _ in range(120):
    job.refresh_from_db()
    if job.finished:
        break
    time.sleep(0.5)
print(f"smoke: background job {job.pk} -> {job.status}")
sys.exit(0 if job.status == "done" else 1)
'
}
