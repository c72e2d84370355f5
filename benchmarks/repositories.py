"""The generated repositories against hand-written asyncpg and advanced-alchemy, on PostgreSQL.

Generates examples/tracker.yaml into a temporary directory, fills its `issues` table, and times
each operation through three paths in the same process, on the same table:

- raw: asyncpg with hand-written SQL (the baseline; ratios are against it);
- persistgen: the generated `IssueRepository`, through an `AsyncSession`;
- advanced-alchemy: its `SQLAlchemyAsyncRepository` over the same generated model.

Each figure is the median of `--runs` runs; each ratio, the median of the ratios to raw asyncpg
in the same run. Run: python benchmarks/repositories.py
(PostgreSQL from PERSISTGEN_TEST_POSTGRES_URL, like the tests; needs `pip install -e '.[bench]'`).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import importlib
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Collection, Sequence
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
DATABASE = "persistgen_bench"
ROWS, GETS, PAGE, DEEP, PAGE_REPEATS = 10_000, 5_000, 50, 9_000, 200
QUICK = {"ROWS": 300, "GETS": 100, "DEEP": 200, "PAGE_REPEATS": 5}  # a smoke run for the tests

Timer = Callable[[], Awaitable[None]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: check that it runs")
    parser.add_argument("--database", default=DATABASE, help="the database it makes and drops")
    args = parser.parse_args()
    if args.quick:
        globals().update(QUICK)
    asyncio.run(_main(args.runs, args.database))


async def _main(runs: int, database: str) -> None:
    base_url = os.environ.get("PERSISTGEN_TEST_POSTGRES_URL", DEFAULT_URL)
    dsn = base_url.replace("postgresql+asyncpg", "postgresql")
    admin = await asyncpg.connect(dsn)
    await admin.execute(f"DROP DATABASE IF EXISTS {database}")
    await admin.execute(f"CREATE DATABASE {database}")
    try:
        bench_dsn = dsn.rsplit("/", 1)[0] + f"/{database}"
        with tempfile.TemporaryDirectory() as tmp:
            tracker = _generate(Path(tmp))
            os.environ["DATABASE_URL"] = bench_dsn.replace("postgresql", "postgresql+asyncpg", 1)
            sys.path.insert(0, str(tracker))
            await _run(bench_dsn, runs)
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        await admin.close()


def _generate(parent: Path) -> Path:
    from persistgen import pipeline

    target = parent / "tracker"
    pipeline.new_project(target, (ROOT / "examples" / "tracker.yaml").read_text(encoding="utf-8"))
    return target


async def _run(dsn: str, runs: int) -> None:
    models = importlib.import_module("tracker.models")
    engine = importlib.import_module("tracker.db.engine").engine
    async with engine.begin() as connection:
        await connection.run_sync(models.Base.metadata.create_all)
    raw = await asyncpg.connect(dsn)
    project_id = await _project(raw)
    paths = {
        "raw asyncpg": _Raw(raw, project_id),
        "persistgen": _Persistgen(project_id),
        "advanced-alchemy": _AdvancedAlchemy(project_id),
    }
    # times[operation][path]: one figure per run. The paths take turns within each operation,
    # in an order that rotates from run to run, so a slow spell of the machine hits them alike.
    times: dict[str, dict[str, list[float]]] = {}
    for run in range(runs):
        order = [*paths][run % len(paths) :] + [*paths][: run % len(paths)]
        writes = _by_operation({name: paths[name].writes() for name in order})
        for operation, timers in writes.items():
            for name, timer in timers.items():
                await raw.execute("TRUNCATE issues RESTART IDENTITY CASCADE")
                times.setdefault(operation, {}).setdefault(name, []).append(await _time(timer))
        ids = [r["id"] for r in await raw.fetch("SELECT id FROM issues ORDER BY id")]
        reads = _by_operation({name: paths[name].reads(ids) for name in order})
        for operation, timers in reads.items():
            for name, timer in timers.items():
                times.setdefault(operation, {}).setdefault(name, []).append(await _time(timer))
    calls = await _calls(paths, raw, ids)
    await raw.close()
    await engine.dispose()
    _report(times, runs)
    _report_calls(calls)


async def _calls(
    paths: dict[str, Any], raw: asyncpg.Connection, ids: list[int]
) -> dict[str, dict[str, int]]:
    """Python function calls of one more run of each operation, under cProfile: a figure the
    machine's noise cannot move, for telling close timings apart."""
    calls: dict[str, dict[str, int]] = {}
    for name, path in paths.items():
        for operation, timer in path.writes():
            await raw.execute("TRUNCATE issues RESTART IDENTITY CASCADE")
            calls.setdefault(operation, {})[name] = await _profiled(timer)
        for operation, timer in path.reads(ids):
            calls.setdefault(operation, {})[name] = await _profiled(timer)
    return calls


async def _profiled(timer: Timer) -> int:
    profile = cProfile.Profile()
    profile.enable()
    await timer()
    profile.disable()
    calls: int = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    return calls


def _by_operation(timers: dict[str, list[tuple[str, Timer]]]) -> dict[str, dict[str, Timer]]:
    """{path: [(operation, timer)]} as {operation: {path: timer}}, paths in the given order."""
    grouped: dict[str, dict[str, Timer]] = {}
    for name, operations in timers.items():
        for operation, timer in operations:
            grouped.setdefault(operation, {})[name] = timer
    return grouped


async def _project(raw: asyncpg.Connection) -> int:
    organisation = await raw.fetchval(
        "INSERT INTO organisations (name, slug) VALUES ('Bench', 'bench') RETURNING id"
    )
    project: int = await raw.fetchval(
        "INSERT INTO projects (organisation_id, key, name) VALUES ($1, 'B', 'Bench') RETURNING id",
        organisation,
    )
    return project


async def _time(timer: Timer) -> float:
    start = time.perf_counter()
    await timer()
    return time.perf_counter() - start


def _issue(n: int) -> dict[str, Any]:
    return {
        "title": f"Issue {n}",
        "body": f"Steps to reproduce {n}",
        "status": ("open", "in_progress", "done")[n % 3],
        "priority": ("low", "normal", "high")[n % 3],
    }


class _Raw:
    COLUMNS = ("project_id", "title", "body", "status", "priority")
    SELECT = (
        "SELECT id, project_id, parent_id, title, body, status, priority, assignee_id, "
        "reviewer_id, created_at, updated_at, deleted_at, version FROM issues"
    )
    # The same with the total of live rows in one statement, as `page()` counts it.
    COUNTED = SELECT.replace(
        " FROM issues", ", (SELECT count(*) FROM issues WHERE deleted_at IS NULL) FROM issues"
    )

    def __init__(self, connection: asyncpg.Connection, project_id: int) -> None:
        self.db = connection
        self.project_id = project_id

    def _records(self) -> list[tuple[Any, ...]]:
        return [(self.project_id, *_issue(n).values()) for n in range(ROWS)]

    def writes(self) -> list[tuple[str, Timer]]:
        async def executemany() -> None:
            await self.db.executemany(
                "INSERT INTO issues (project_id, title, body, status, priority) "
                "VALUES ($1, $2, $3, $4, $5)",
                self._records(),
            )

        async def copy() -> None:
            await self.db.copy_records_to_table(
                "issues", records=self._records(), columns=self.COLUMNS
            )

        return [(f"bulk insert {ROWS:,}", executemany), (f"bulk insert {ROWS:,} [COPY]", copy)]

    def reads(self, ids: list[int]) -> list[tuple[str, Timer]]:
        cursor = ids[DEEP - 1]

        async def gets() -> None:
            statement = await self.db.prepare(f"{self.SELECT} WHERE id = $1 AND deleted_at IS NULL")
            for key in ids[:GETS]:
                await statement.fetchrow(key)

        async def offset_page() -> None:
            for _ in range(PAGE_REPEATS):
                await self.db.fetch(
                    f"{self.SELECT} WHERE deleted_at IS NULL ORDER BY id LIMIT $1 OFFSET $2",
                    PAGE,
                    DEEP,
                )

        async def offset_page_total() -> None:  # the total in the same statement, as page()
            for _ in range(PAGE_REPEATS):
                await self.db.fetch(
                    f"{self.COUNTED} WHERE deleted_at IS NULL ORDER BY id LIMIT $1 OFFSET $2",
                    PAGE,
                    DEEP,
                )

        async def keyset_page() -> None:
            for _ in range(PAGE_REPEATS):
                await self.db.fetch(
                    f"{self.SELECT} WHERE deleted_at IS NULL AND id > $1 ORDER BY id LIMIT $2",
                    cursor,
                    PAGE,
                )

        async def filtered_count() -> None:
            for _ in range(PAGE_REPEATS):
                await self.db.fetchval(
                    "SELECT count(*) FROM issues WHERE deleted_at IS NULL AND status = $1", "open"
                )

        return _reads(gets, offset_page, offset_page_total, keyset_page, filtered_count)


def _reads(
    gets: Timer, offset: Timer, total: Timer, keyset: Timer | None, count: Timer
) -> list[tuple[str, Timer]]:
    operations = [
        (f"get by id x{GETS:,}", gets),
        (f"page at offset {DEEP:,} x{PAGE_REPEATS}", offset),
        (f"page and total at {DEEP:,} x{PAGE_REPEATS}", total),
        (f"keyset page at row {DEEP:,} x{PAGE_REPEATS}", keyset),
        (f"filtered count x{PAGE_REPEATS}", count),
    ]
    return [(name, timer) for name, timer in operations if timer is not None]


class _Persistgen:
    def __init__(self, project_id: int) -> None:
        self.project_id = project_id
        self.sessions = importlib.import_module("tracker.db.session").SessionFactory
        self.repository = importlib.import_module("tracker.repositories.issue").IssueRepository
        schemas = importlib.import_module("tracker.schemas.issue")
        self.create = schemas.IssueCreate
        self.query = importlib.import_module("tracker.schemas.generated.issue").IssueQuery

    def writes(self) -> list[tuple[str, Timer]]:
        async def insert_many() -> None:
            items = [self.create(project_id=self.project_id, **_issue(n)) for n in range(ROWS)]
            async with self.sessions() as session:
                await self.repository(session).insert_many(items)
                await session.commit()

        async def create_many() -> None:
            items = [self.create(project_id=self.project_id, **_issue(n)) for n in range(ROWS)]
            async with self.sessions() as session:
                await self.repository(session).create_many(items)
                await session.commit()

        return [
            (f"bulk insert {ROWS:,}", insert_many),
            (f"bulk insert {ROWS:,} [rows returned]", create_many),
        ]

    def reads(self, ids: list[int]) -> list[tuple[str, Timer]]:
        async def reads() -> None:
            async with self.sessions() as session:
                repository = self.repository(session)
                for key in ids[:GETS]:
                    await repository.read(key)

        async def gets() -> None:
            async with self.sessions() as session:
                repository = self.repository(session)
                for key in ids[:GETS]:
                    await repository.get(key)

        async def offset_page() -> None:
            async with self.sessions() as session:
                for _ in range(PAGE_REPEATS):
                    await self.repository(session).list(limit=PAGE, offset=DEEP)

        async def keyset_page() -> None:
            async with self.sessions() as session:
                for _ in range(PAGE_REPEATS):
                    await self.repository(session).list(limit=PAGE, after=[ids[DEEP - 1]])

        async def filtered_count() -> None:
            async with self.sessions() as session:
                for _ in range(PAGE_REPEATS):
                    await self.repository(session).count(self.query(status="open"))

        async def offset_dtos() -> None:  # what the list route runs: the page and its total
            async with self.sessions() as session:
                for _ in range(PAGE_REPEATS):
                    await self.repository(session).page(limit=PAGE, offset=DEEP)

        async def keyset_dtos() -> None:
            async with self.sessions() as session:
                for _ in range(PAGE_REPEATS):
                    await self.repository(session).page(limit=PAGE, after=[ids[DEEP - 1]])

        offset, total, keyset, count = _reads(
            gets, offset_page, offset_dtos, keyset_page, filtered_count
        )[1:]
        return [
            (f"get by id x{GETS:,}", reads),
            (f"get by id x{GETS:,} [ORM objects]", gets),
            offset,
            total,
            keyset,
            (f"{keyset[0]} [page()]", keyset_dtos),
            count,
        ]


class _AdvancedAlchemy:
    def __init__(self, project_id: int) -> None:
        from advanced_alchemy.repository import SQLAlchemyAsyncRepository

        self.project_id = project_id
        self.model = importlib.import_module("tracker.models").Issue
        self.sessions = importlib.import_module("tracker.db.session").SessionFactory

        class IssueRepository(SQLAlchemyAsyncRepository[self.model]):  # type: ignore[name-defined]
            model_type = self.model

        self.repository = IssueRepository

    def writes(self) -> list[tuple[str, Timer]]:
        async def add_many() -> None:
            items = [self.model(project_id=self.project_id, **_issue(n)) for n in range(ROWS)]
            async with self.sessions() as session:
                await self.repository(session=session).add_many(items)
                await session.commit()

        return [(f"bulk insert {ROWS:,}", add_many)]

    def reads(self, ids: list[int]) -> list[tuple[str, Timer]]:
        from advanced_alchemy.filters import LimitOffset, OrderBy

        async def gets() -> None:
            async with self.sessions() as session:
                repository = self.repository(session=session)
                for key in ids[:GETS]:
                    await repository.get(key)

        async def offset_page() -> None:
            async with self.sessions() as session:
                for _ in range(PAGE_REPEATS):
                    await self.repository(session=session).list(
                        LimitOffset(PAGE, DEEP), OrderBy("id"), self.model.deleted_at.is_(None)
                    )

        async def offset_page_total() -> None:
            async with self.sessions() as session:
                for _ in range(PAGE_REPEATS):
                    await self.repository(session=session).list_and_count(
                        LimitOffset(PAGE, DEEP), OrderBy("id"), self.model.deleted_at.is_(None)
                    )

        async def filtered_count() -> None:
            async with self.sessions() as session:
                for _ in range(PAGE_REPEATS):
                    await self.repository(session=session).count(
                        self.model.status == "open", self.model.deleted_at.is_(None)
                    )

        return _reads(gets, offset_page, offset_page_total, None, filtered_count)


PATHS = ("raw asyncpg", "persistgen", "advanced-alchemy")


def _report(times: dict[str, dict[str, list[float]]], runs: int) -> None:
    """One line per operation: each path's median time and its median ratio to raw asyncpg in
    the same run. A variant (`op [detail]`) is compared with raw `op`."""
    print(f"median of {runs} runs; ratio = time / raw asyncpg time in the same run\n")
    _line("operation", PATHS)
    for operation in _in_order(times):
        raw = times[_base(operation)]["raw asyncpg"]
        cells = []
        for name in PATHS:
            path_times = times[operation].get(name)
            if path_times is None:
                cells.append("-")
                continue
            median = statistics.median(path_times) * 1000
            if name == "raw asyncpg":
                cells.append(f"{median:9.1f} ms")
            else:
                ratio = statistics.median(t / base for t, base in zip(path_times, raw, strict=True))
                cells.append(f"{median:7.1f} ms {ratio:5.2f}x")
        _line(operation, cells)


def _report_calls(calls: dict[str, dict[str, int]]) -> None:
    print("\nPython function calls, one run of each (cProfile; raw asyncpg runs mostly in C)\n")
    _line("operation", PATHS)
    for operation in _in_order(calls):
        by_path = calls[operation]
        _line(operation, [f"{by_path[name]:,}" if name in by_path else "-" for name in PATHS])


def _in_order(operations: Collection[str]) -> list[str]:
    """Operations in the order they ran, each variant (`op [detail]`) right after its `op`."""
    bases = [operation for operation in operations if " [" not in operation]
    return sorted(operations, key=lambda operation: bases.index(_base(operation)))


def _base(operation: str) -> str:
    return operation.split(" [")[0]


def _line(operation: str, cells: Sequence[str]) -> None:
    print(f"{operation:<36} {cells[0]:>12} {cells[1]:>18} {cells[2]:>20}")


if __name__ == "__main__":
    main()
