"""Reads with 0, 1 and 2 read replicas, in the same run, under wrk.

A private primary and two streaming standbys (`pg_basebackup -R`, tests/postgres.py) on free
ports; the blog example generated, migrated, 1,000 users loaded; then the generated app,
served by uvicorn with one worker, with `DATABASE_REPLICA_URLS` naming none, one, then both
standbys, each loaded by wrk (64 keep-alive connections) on `GET /users/<id>` and
`GET /users?limit=20`, in turn within each repetition; ratios to no replica are taken within a
repetition and printed as min / median / max. Every server runs on this machine: on few cores
the app's own CPU, not the database, bounds the figures, and replicas cannot add throughput
there; they spread the database's work, which matters where the database is the bottleneck.
Run from the repository's root: python -m benchmarks.replicas [--seconds 5] [--repetitions 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import tempfile
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy.engine import make_url

from benchmarks.http_api import Figure, _load_average, _ratios, _wrk
from persistgen import pipeline
from tests.generated.project import free_port, run, served
from tests.postgres import PrivateServer, private_server, sql

DATABASE = "pgr_bench"
ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"get": "/users/500", "list": "/users?limit=20"}


def _on(server: PrivateServer) -> str:
    return make_url(server.url).set(database=DATABASE).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    # Replicas need the secret their Read-After tokens are signed with (README, "Many instances").
    os.environ.setdefault("CURSOR_SECRET", secrets.token_urlsafe(32))
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        project = Path(tmp) / "blog"
        pipeline.new_project(project, (ROOT / "examples" / "blog.yaml").read_text("utf-8"))
        primary = stack.enter_context(private_server(free_port()))
        sql(primary.url, f"CREATE DATABASE {DATABASE}")
        run(project, "alembic", "upgrade", "head", database_url=_on(primary))
        sql(
            _on(primary),
            "INSERT INTO users (email, display_name, is_active)"
            " SELECT 'u' || n || '@example.com', 'User ' || n, true"
            " FROM generate_series(1, 1000) n",
        )
        standbys = [
            stack.enter_context(private_server(free_port(), standby_of=primary)) for _ in range(2)
        ]
        print(_machine(args.seconds, args.repetitions))
        figures: dict[int, dict[str, list[Figure]]] = {
            n: {t: [] for t in TARGETS} for n in (0, 1, 2)
        }
        for _ in range(args.repetitions):
            for count, by_target in figures.items():
                urls = ",".join(_on(standby) for standby in standbys[:count])
                with served(project, _on(primary), replica_urls=urls) as base:
                    for name, path in TARGETS.items():
                        by_target[name].append(_wrk(base + path, args.seconds))
        _report(figures)


def _machine(seconds: float, repetitions: int) -> str:
    return (
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load {_load_average()}; wrk {seconds:g} s a figure, {repetitions} repetitions"
    )


def _report(figures: dict[int, dict[str, list[Figure]]]) -> None:
    """Per replica count and route: median req/s and p99, and the ratio to no replica."""
    print("median req/s (p99 ms); ratio to no replica within a repetition, min/median/max")
    for count, by_target in figures.items():
        cells = []
        for name, runs in by_target.items():
            rate = statistics.median(f.requests_per_second for f in runs)
            p99 = statistics.median(f.p99_ms for f in runs)
            errors = " ERRORS" * any(f.errors for f in runs)
            ratio = _ratios([f.requests_per_second for f in runs], figures[0][name])
            cells.append(f"{name} {rate:,.0f}/s ({p99:.1f}) x{ratio}{errors}")
        print(f"{count} replicas: " + "; ".join(cells))
    print(f"load {_load_average()}")


if __name__ == "__main__":
    main()
