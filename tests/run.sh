#!/usr/bin/env bash
# The whole test suite: lint and type-check persistgen, then every test (unit, CLI, goldens,
# packaging, and the generated projects on SQLite and PostgreSQL).
# Usage: bash tests/run.sh [pytest args...]  (with arguments, only that pytest run)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }
if [ $# -eq 0 ]; then
  step "persistgen's whole suite: about 30 minutes on 2 cores (install, lint and types 2," \
    "the tests 24, the corpus of real schemas 3, the live migration test 1 to 3)"
fi

step "installing persistgen and its test tools into .venv"
python3 -m venv .venv >/dev/null 2>&1 || true
# -qq: pip's warnings about the machine's own configuration are not the suite's business.
.venv/bin/python -m pip install -qq --disable-pip-version-check --upgrade pip
# Strict editable mode keeps `mypy -p persistgen` able to follow the package.
.venv/bin/python -m pip install -qq --disable-pip-version-check \
  -e '.[dev]' --config-settings editable_mode=strict

# The generated projects are tested against a real PostgreSQL.
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi

# Debian's packages (command:package): PgBouncer, for the transaction-pooling tests; wrk, for
# the HTTP benchmark's; Chromium and its driver, for the documentation site's and the admin
# page's (tests/docs, tests/generated/test_admin.py).
for tool in pgbouncer:pgbouncer wrk:wrk chromium:chromium chromedriver:chromium-driver; do
  command="${tool%%:*}" package="${tool#*:}"
  if ! command -v "$command" >/dev/null && [ ! -x "/usr/sbin/$command" ]; then
    as_root=""; [ "$(id -u)" -eq 0 ] || as_root="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $as_root apt-get install -y -q "$package" >/dev/null ||
      { $as_root apt-get update -q >/dev/null && $as_root apt-get install -y -q "$package" >/dev/null; }
  fi
done

step "lint and types"
.venv/bin/ruff check generator tests benchmarks docs/hooks
.venv/bin/ruff format --check generator tests benchmarks docs/hooks
(cd .venv && bin/mypy --config-file ../pyproject.toml -p persistgen)
step "tests"
# With no arguments, the slowest tests are named at the end: where the suite's time goes.
if [ $# -eq 0 ]; then .venv/bin/pytest --durations=25; else .venv/bin/pytest "$@"; fi
# The corpus of real schemas (tests/corpus) takes minutes: it runs after a whole-suite run (no
# arguments), or alone with `bash tests/run.sh -m corpus tests/corpus`.
if [ $# -eq 0 ]; then step "the corpus of real schemas"; .venv/bin/pytest -m corpus tests/corpus; fi
# The live migration load test (README: "Migrating a live database"): after a whole-suite run,
# or alone with `bash tests/run.sh -m live tests/online`. A million rows here; CI's quick mode
# loads 100,000 (PERSISTGEN_LIVE_ROWS sets either).
if [ $# -eq 0 ]; then
  default_rows=1000000; [ "${CI:-}" = true ] && default_rows=100000
  rows="${PERSISTGEN_LIVE_ROWS:-$default_rows}"
  step "the live migration load test, $rows rows"
  PERSISTGEN_LIVE_ROWS="$rows" .venv/bin/pytest -m live tests/online
fi
