"""A generated project's own test suite: its per-test set-up, and (`--suites`) the whole suite
against the one a baseline persistgen generates, timed in the same run.

Set-ups (the default): generates `examples/shop.yaml` into a temporary directory and, in a child
process on that project's own `tests/database.py`, makes the tests' database beside
`--database` (default: a SQLite file; a PostgreSQL URL makes `<name>_test_<random>` on that
server, dropped after). Each of `--runs` rounds times `--tests` test set-ups of each kind,
emptying the tables (what the tests do) and dropping and re-creating them (what they did when
issue 18 found 70% of a suite's time there), in an order that alternates from round to round,
in one event loop with the engine's connections pooled, as the tests run. Prints milliseconds
per set-up (min / median over the rounds) and the median of the ratios within a round.

Suites (`--suites`): generates `examples/blog.yaml` and `examples/shop.yaml` twice, with this
checkout and with `--baseline` (a git ref, default `main`: its `generator/` and `templates/`,
run from a temporary copy), and times `pytest -q` in each project, on SQLite and, given
`--database`, on PostgreSQL (the suites make their own databases beside it and drop them).
pytest runs with only the project's own plugins and anyio. The two suites alternate within each
of `--runs` rounds, after one untimed collection each (which compiles the modules). Prints wall
seconds, wall and CPU (the suite's own process), min / median / max, and the median of the
in-round ratios (baseline / this checkout).

Run: python benchmarks/suite_setup.py [--suites] [--database postgresql+asyncpg://.../bench]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EXAMPLES = ("blog", "shop")
# Run inside the generated project: argv is tests-per-round, rounds; prints one JSON line.
CHILD = """
import asyncio, json, os, sys, time
from tests.database import TestDatabase
from shop.settings import get_settings
database = TestDatabase.beside(get_settings().url.get_secret_value())
database.point_the_app_here()
from shop.db.engine import engine
from shop.models import Base

async def emptied():
    await database.clear(engine, Base.metadata)

async def recreated():
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)

async def timed(setup, tests):
    started = time.perf_counter()
    for _ in range(tests):
        await setup()
    return (time.perf_counter() - started) / tests * 1000

async def main(tests, rounds):
    kinds = {"emptied": emptied, "dropped and re-created": recreated}
    results = []
    async with database.made(engine, Base.metadata):
        for turn in range(rounds):
            order = list(kinds) if turn % 2 == 0 else list(reversed(kinds))
            results.append({kind: await timed(kinds[kind], tests) for kind in order})
    return results

rounds = asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
print(json.dumps({"backend": engine.dialect.name, "rounds": rounds}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="", help="the app's DATABASE_URL (default SQLite)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tests", type=int, default=50, help="set-ups per kind per round")
    parser.add_argument("--suites", action="store_true", help="time whole suites instead")
    parser.add_argument("--baseline", default="main", help="git ref the suites are compared to")
    parser.add_argument("--quick", action="store_true", help="one round, the smallest case")
    args = parser.parse_args()
    if args.suites:
        _suites(args)
        return
    tests, runs = (3, 1) if args.quick else (args.tests, args.runs)
    with tempfile.TemporaryDirectory(prefix="persistgen-bench-") as tmp:
        project = _generate([str(BIN / "persistgen")], "shop", Path(tmp))
        database = args.database or f"sqlite+aiosqlite:///{Path(tmp) / 'app.db'}"
        result = _measure(project, database, tests, runs)
    _report(result, tests)


def _generate(
    command: list[str], example: str, parent: Path, env: dict[str, str] | None = None
) -> Path:
    spec = str(ROOT / "examples" / f"{example}.yaml")
    subprocess.run(
        [*command, "new", "project", example, "--dir", str(parent), "--spec", spec],
        check=True,
        capture_output=True,
        env=env,
    )
    return parent / example


def _measure(project: Path, database: str, tests: int, runs: int) -> dict[str, object]:
    env = {**os.environ, "DATABASE_URL": database, "PYTHONPATH": str(project)}
    env.pop("TEST_DATABASE_URL", None)  # always a throwaway database beside `database`
    child = [sys.executable, "-c", CHILD, str(tests), str(runs)]
    output = subprocess.run(child, cwd=project, env=env, check=True, capture_output=True, text=True)
    result: dict[str, object] = json.loads(output.stdout.splitlines()[-1])
    return result


def _report(result: dict[str, object], tests: int) -> None:
    rounds: list[dict[str, float]] = result["rounds"]  # type: ignore[assignment]
    print(f"{result['backend']}: {len(rounds)} rounds of {tests} test set-ups of each kind")
    for kind in rounds[0]:
        times = [one[kind] for one in rounds]
        print(f"  {kind}: {min(times):.2f} / {statistics.median(times):.2f} ms (min / median)")
    ratios = [one["dropped and re-created"] / one["emptied"] for one in rounds]
    print(f"  emptying is {statistics.median(ratios):.1f}x faster (median of in-round ratios)")


def _suites(args: argparse.Namespace) -> None:
    examples, runs = (EXAMPLES[:1], 1) if args.quick else (EXAMPLES, args.runs)
    print(_machine())
    print(f"{runs} rounds; seconds of `pytest -q`, min / median / max; goal: 2x faster")
    with tempfile.TemporaryDirectory(prefix="persistgen-bench-") as tmp:
        parent = Path(tmp)
        baseline, baseline_env = _baseline_generator(args.baseline, parent / "baseline")
        databases = {"SQLite": f"sqlite+aiosqlite:///{parent / 'app.db'}"}
        if args.database:
            databases["PostgreSQL"] = args.database
        for example in examples:
            projects = {
                args.baseline: _generate(baseline, example, parent / "before", baseline_env),
                "this checkout": _generate([str(BIN / "persistgen")], example, parent / "after"),
            }
            for project in projects.values():
                _pytest(project, databases["SQLite"], "--collect-only")  # compiles the modules
            for name, database in databases.items():
                walls = _timed_suites(projects, database, runs)
                _report_suites(f"{example}, {name}", walls, args.baseline)


def _baseline_generator(ref: str, into: Path) -> tuple[list[str], dict[str, str]]:
    """The command, and its environment, that runs persistgen as `ref` holds it: its
    `generator/` and `templates/` laid out as the installed package."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "generator", "templates"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    (into / "generator").rename(into / "persistgen")
    shutil.move(into / "templates", into / "persistgen" / "templates")
    return [sys.executable, "-m", "persistgen"], {**os.environ, "PYTHONPATH": str(into)}


def _timed_suites(
    projects: dict[str, Path], database: str, runs: int
) -> dict[str, list[tuple[float, float]]]:
    """Wall and CPU seconds (the suite's process, not the database server's) of each project's
    suite, per round, in an order that alternates."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in projects}
    for turn in range(runs):
        order = list(projects) if turn % 2 == 0 else list(reversed(projects))
        for name in order:
            cpu, started = _children_cpu(), time.perf_counter()
            _pytest(projects[name], database)
            times[name].append((time.perf_counter() - started, _children_cpu() - cpu))
    return times


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _pytest(project: Path, database: str, *options: str) -> None:
    env = {**os.environ, "DATABASE_URL": database, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    # As a project installed without its `otel` extra runs: this environment has the extra (for
    # persistgen's own test of it), and the baseline has no tracing to turn on.
    env["OTEL_SDK_DISABLED"] = "true"
    env.pop("TEST_DATABASE_URL", None)  # always a throwaway database beside `database`
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # compiled once, as a user's runs after the first
    command = [sys.executable, "-m", "pytest", "-q", "-p", "anyio", "-p", "no:cacheprovider"]
    result = subprocess.run(
        [*command, *options], cwd=project, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"{project} failed its suite:\n{result.stdout[-4000:]}{result.stderr[-2000:]}")


def _report_suites(label: str, times: dict[str, list[tuple[float, float]]], baseline: str) -> None:
    print(f"  {label}:")
    for index, kind in enumerate(("wall", "CPU")):
        before = [one[index] for one in times[baseline]]
        after = [one[index] for one in times["this checkout"]]
        ratio = statistics.median(b / a for b, a in zip(before, after, strict=True))
        print(f"    {kind}: {baseline} {_spread(before)}, this checkout {_spread(after)}: ", end="")
        print(f"{ratio:.2f}x faster (median of in-round ratios)")


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f} s"


def _machine() -> str:
    versions = ", ".join(f"{name} {version(name)}" for name in ("sqlalchemy", "pytest", "anyio"))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"machine: {os.cpu_count()} cores, {platform.platform()}, load {load}\n"
        f"Python {platform.python_version()}, {versions}"
    )


if __name__ == "__main__":
    main()
