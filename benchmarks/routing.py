"""Finding the route of a request in a generated app of many resources.

Generates `--resources` ordinary resources (the spec of benchmarks/many_resources.py) into a
temporary directory, imports the app (on SQLite; nothing is served or queried), and times
what FastAPI's router does to find the route of `GET /<route>/1` for the first, the middle and
the last resource: each route of the app asked in turn whether it matches. Each round times it
with the generated routers' own check (`CrudRouter.matches`: a path without the router's
prefix is no match at once) and with FastAPI's match of an included router (the check
switched off), in the same process, after a round that warms both up, in an order that
alternates from round to round; the ratio is taken within a round and printed as
min / median / max over the rounds.
Run from the repository's root: python -m benchmarks.routing [--resources 50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import statistics
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from starlette.routing import Match

from benchmarks.many_resources import ordinary_spec
from persistgen import pipeline

PACKAGE = "bench"  # the package name ordinary_spec gives the project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2_000, help="per path, mode and round")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app, crud_router = _app(Path(tmp), args.resources)
        paths = _paths(args.resources)
        own = crud_router.matches
        fastapis = crud_router.__mro__[1].matches  # the APIRouter's
        modes = [("own", own), ("fastapi", fastapis)]
        times: dict[str, dict[str, list[float]]] = {p: {"own": [], "fastapi": []} for p in paths}
        for round_ in range(-1, args.rounds):  # round -1 warms up: FastAPI builds lazily
            for mode, matches in modes if round_ % 2 else reversed(modes):
                crud_router.matches = matches
                for path in paths:
                    spent = _route_time(app, path, args.requests)
                    if round_ >= 0:
                        times[path][mode].append(spent)
            crud_router.matches = own
    _report(args.resources, args.rounds, times)


def _app(parent: Path, resources: int) -> tuple[Any, Any]:
    """The generated app and its `CrudRouter` class."""
    target = parent / "app"
    pipeline.new_project(target, ordinary_spec(resources))
    os.environ.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{parent / 'app.db'}",
        CURSOR_SECRET="benchmark",
        OTEL_SDK_DISABLED="true",
    )
    sys.path.insert(0, str(target))
    app = importlib.import_module(f"{PACKAGE}.main").app
    return app, importlib.import_module(f"{PACKAGE}.api.crud").CrudRouter


def _paths(resources: int) -> list[str]:
    """`GET /<route>/1` of the first, the middle and the last resource (`R<n>` routes `/r<n>s`)."""
    return [f"/r{number}s/1" for number in (0, resources // 2, resources - 1)]


def _route_time(app: Any, path: str, requests: int) -> float:
    """Microseconds to find the route of `GET path`, as the app's router looks for it."""
    routes = app.router.routes
    start = time.perf_counter()
    for _ in range(requests):
        scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "headers": []}
        for route in routes:
            if route.matches(scope)[0] == Match.FULL:
                break
        else:
            raise SystemExit(f"no route matches GET {path}")
    return (time.perf_counter() - start) / requests * 1e6


def _report(resources: int, rounds: int, times: dict[str, dict[str, list[float]]]) -> None:
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("fastapi", "starlette"))
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {versions}")
    print(f"{resources} resources, {rounds} rounds; microseconds min / median / max")
    for path, modes in times.items():
        ratios = [f / o for o, f in zip(modes["own"], modes["fastapi"], strict=True)]
        print(
            f"GET {path}: with the check {_spread(modes['own'])}, FastAPI's match alone "
            f"{_spread(modes['fastapi'])}, ratio x{_spread(ratios, '.2f')}"
        )


def _spread(values: list[float], spec: str = ".1f") -> str:
    low, middle, high = min(values), statistics.median(values), max(values)
    return f"{low:{spec}}/{middle:{spec}}/{high:{spec}}"


if __name__ == "__main__":
    main()
