#!/usr/bin/env bash
# Install persistgen, generate the blog example into ./demo/blog and serve it on SQLite.
# Usage: bash examples/serve.sh [example-name] [port]
set -euo pipefail
cd "$(dirname "$0")/.."
example="${1:-blog}"
port="${2:-8000}"

python3 -m venv .venv >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q --disable-pip-version-check -e .

rm -rf "demo/$example"
.venv/bin/persistgen new project "$example" --spec "examples/$example.yaml" --dir demo
cd "demo/$example"
../../.venv/bin/python -m pip install -q --disable-pip-version-check -e .
package="$(sed -n 's/^  package: *//p' persistgen.yaml | head -n 1)"
../../.venv/bin/alembic upgrade head
echo "Serving http://127.0.0.1:$port/docs (pool: /health/db). Ctrl-C stops."
exec ../../.venv/bin/uvicorn "$package.main:app" --port "$port"
