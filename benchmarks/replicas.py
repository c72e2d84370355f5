"""Reads with 0, 1 and 2 read replicas, in the same run, under wrk.

A private primary and two streaming standbys (`pg_basebackup -R`, tests/postgres.py) on ports
55445-55447; the blog example generated, migrated, 1,000 users loaded; then the generated app,
served by uvicorn with one worker, with `DATABASE_REPLICA_URLS` naming none, one, then both
standbys, each loaded by wrk (64 keep-alive connections) on `GET /users/<id>` and
`GET /users?limit=20`. Every server runs on this machine: on few cores the app's own CPU, not
the database, bounds the figures, and replicas cannot add throughput there; they spread the
database's work, which matters where the database is the bottleneck.
Run from the repository's root: python -m benchmarks.replicas [--seconds 5]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy.engine import make_url

from benchmarks.http_api import _wrk
from persistgen import pipeline
from tests.generated.project import run, served
from tests.postgres import PrivateServer, private_server, sql

PORTS = (55445, 55446, 55447)
DATABASE = "pgr_bench"
ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"get": "/users/500", "list": "/users?limit=20"}


def _on(server: PrivateServer) -> str:
    return make_url(server.url).set(database=DATABASE).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        project = Path(tmp) / "blog"
        pipeline.new_project(project, (ROOT / "examples" / "blog.yaml").read_text("utf-8"))
        primary = stack.enter_context(private_server(PORTS[0]))
        sql(primary.url, f"CREATE DATABASE {DATABASE}")
        run(project, "alembic", "upgrade", "head", database_url=_on(primary))
        sql(
            _on(primary),
            "INSERT INTO users (email, display_name, is_active)"
            " SELECT 'u' || n || '@example.com', 'User ' || n, true"
            " FROM generate_series(1, 1000) n",
        )
        standbys = [stack.enter_context(private_server(p, standby_of=primary)) for p in PORTS[1:]]
        print(f"cores: {os.cpu_count()}, wrk {args.seconds:.0f} s per figure, requests/s (p99 ms)")
        for count in (0, 1, 2):
            urls = ",".join(_on(standby) for standby in standbys[:count])
            with served(project, _on(primary), replica_urls=urls) as base:
                figures = [
                    (name, _wrk(base + path, args.seconds)) for name, path in TARGETS.items()
                ]
            shown = ", ".join(
                f"{name} {f.requests_per_second:.0f} ({f.p99_ms:.1f}){' ERRORS' * bool(f.errors)}"
                for name, f in figures
            )
            print(f"{count} replicas: {shown}")


if __name__ == "__main__":
    main()
