"""A generated project's per-test setup: emptying its tables, as its tests do, against dropping
and re-creating them, as they once did (issue 18's profile: 70% of a suite's time), timed in
the same run.

Generates `examples/shop.yaml` into a temporary directory and, in a child process on that
project's own `tests/database.py`, makes the tests' database beside `--database` (default: a
SQLite file; a PostgreSQL URL makes `<name>_test_<random>` on that server, dropped after).
Each of `--runs` rounds times `--tests` test set-ups of each kind, in an order that alternates
from round to round; each set-up runs in an event loop of its own and ends by disposing the
engine, as each generated test does. Prints milliseconds per set-up (min / median over the
rounds) and the median of the ratios within a round.

Run: python benchmarks/suite_setup.py [--database postgresql+asyncpg://.../bench] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
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
    await engine.dispose()

async def recreated():
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    await engine.dispose()

def timed(setup, tests):
    started = time.perf_counter()
    for _ in range(tests):
        asyncio.run(setup())
    return (time.perf_counter() - started) / tests * 1000

tests, rounds = int(sys.argv[1]), int(sys.argv[2])
kinds = {"emptied": emptied, "dropped and re-created": recreated}
with database.made(engine, Base.metadata):
    results = []
    for turn in range(rounds):
        order = list(kinds) if turn % 2 == 0 else list(reversed(kinds))
        results.append({kind: timed(kinds[kind], tests) for kind in order})
print(json.dumps({"backend": engine.dialect.name, "rounds": results}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="", help="the app's DATABASE_URL (default SQLite)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tests", type=int, default=50, help="set-ups per kind per round")
    parser.add_argument("--quick", action="store_true", help="one round of 3 set-ups")
    args = parser.parse_args()
    tests, runs = (3, 1) if args.quick else (args.tests, args.runs)
    with tempfile.TemporaryDirectory(prefix="persistgen-bench-") as tmp:
        project = _generate(Path(tmp))
        database = args.database or f"sqlite+aiosqlite:///{Path(tmp) / 'app.db'}"
        result = _measure(project, database, tests, runs)
    _report(result, tests)


def _generate(parent: Path) -> Path:
    command = [str(BIN / "persistgen"), "new", "project", "shop", "--dir", str(parent)]
    subprocess.run(
        [*command, "--spec", str(ROOT / "examples" / "shop.yaml")], check=True, capture_output=True
    )
    return parent / "shop"


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


if __name__ == "__main__":
    main()
