"""One project walks through thirty-five spec revisions with rows in every table. Each generated
migration is applied on PostgreSQL and SQLite; every row and value survives, Alembic finds
nothing left to migrate, and every downgrade is applied once too."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import IO, Any

import pytest
from sqlalchemy import MetaData, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from persistgen import naming, pipeline
from persistgen.errors import UserError
from tests.migrations.steps import SCHEMAS, STEPS, Step
from tests.postgres import fresh_database

pytestmark = pytest.mark.postgres

Rows = dict[str, dict[Any, dict[str, Any]]]  # table -> primary key -> column -> value


def alembic(project: Path, url: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "alembic", *args],
        cwd=project,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"alembic {' '.join(args)}:\n{result.stderr}"
    return result.stdout + result.stderr


DRIVER = Path(__file__).with_name("driver.py")


class StepProcess:
    """tests/migrations/driver.py run in the project: the Alembic commands and the seed of one
    state of the project, one after another in one process, each answered with whether it
    succeeded and what it printed."""

    def __init__(self, project: Path, url: str, errors: IO[str]) -> None:
        self.errors = errors
        self.process = subprocess.Popen(
            [sys.executable, str(DRIVER)],
            cwd=project,
            env={**os.environ, "DATABASE_URL": url},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )

    def send(self, *command: str | int) -> tuple[bool, str]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            code = self.process.wait(timeout=60)
            self.errors.seek(0)
            pytest.fail(f"driver.py exited {code} at {command}:\n{self.errors.read()}")
        answer = json.loads(line)
        return bool(answer["ok"]), str(answer["output"])

    def alembic(self, *args: str) -> str:
        """`alembic ARGS`, which must succeed; what it printed."""
        ok, output = self.send("alembic", *args)
        assert ok, f"alembic {' '.join(args)}:\n{output}"
        return output

    def record(self, out: Path, *args: str) -> list[dict[str, Any]]:
        """`alembic ARGS`, which must succeed, with the statements it ran (capture.py)."""
        ok, output = self.send("record", str(out), *args)
        assert ok, f"alembic {' '.join(args)}:\n{output}"
        entries: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
        return entries

    def seed(self, start: int, resources: list[str]) -> None:
        """One row per resource, and one link between them in each association table."""
        ok, output = self.send("seed", "library", start, *resources)
        assert ok, output


@contextmanager
def step_process(project: Path, url: str) -> Iterator[StepProcess]:
    """A process for the project as its files are now; it must end cleanly once done."""
    with tempfile.TemporaryFile("w+") as errors:
        child = StepProcess(project, url, errors)
        with child.process:
            try:
                yield child
            except BaseException:
                child.process.kill()
                raise
            assert child.process.stdin is not None
            child.process.stdin.close()
            code = child.process.wait(timeout=60)
            errors.seek(0)
            assert code == 0, f"driver.py exited {code}:\n{errors.read()}"


async def _rows(url: str) -> Rows:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            metadata = MetaData()
            await connection.run_sync(metadata.reflect)
            if connection.dialect.name == "postgresql":
                for schema in SCHEMAS:
                    await connection.run_sync(metadata.reflect, schema=schema)
            rows: Rows = {}
            for table in metadata.sorted_tables:
                if table.name == "alembic_version":
                    continue
                key = next(iter(table.primary_key.columns)).name
                result = await connection.execute(select(table))
                rows[table.name] = {r._mapping[key]: dict(r._mapping) for r in result}
            return rows
    finally:
        await engine.dispose()


def rows(url: str) -> Rows:
    return asyncio.run(_rows(url))


def assert_survived(before: Rows, after: Rows, step: Step) -> None:
    for table, old_rows in before.items():
        name = step.tables.get(table, table)
        if name not in after:
            assert step.destructive, f"table {table} vanished"
            continue
        renames = step.columns.get(name, {})
        assert set(after[name]) >= set(old_rows), f"rows of {table} were lost"
        for key, old in old_rows.items():
            new = after[name][key]
            for column, value in old.items():
                target = renames.get(column, column)
                if target in new:
                    if value is not None:  # a NULL may be backfilled when the column tightens
                        assert same(value, new[target]), f"{name}.{target} of {key} changed"
                else:
                    assert step.destructive, f"{table}.{column} vanished"


def raise_counters(url: str) -> dict[str, int]:
    """SQLite's AUTOINCREMENT counters, raised as if each table's last 100 rows were deleted."""
    with closing(sqlite3.connect(url.split("///", 1)[1])) as connection, connection:
        connection.execute("UPDATE sqlite_sequence SET seq = seq + 100")
        return dict(connection.execute("SELECT name, seq FROM sqlite_sequence").fetchall())


def assert_counters_kept(before: dict[str, int], url: str, step: Step) -> None:
    """A rebuilt table never numbers a row below where it had got: no key is reused."""
    if not before:  # PostgreSQL, or the first step
        return
    with closing(sqlite3.connect(url.split("///", 1)[1])) as connection:
        after = dict(connection.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
    for table, seq in before.items():
        name = step.tables.get(table, table)
        assert after.get(name, seq) >= seq, f"the counter of {name} went back"


def same(old: Any, new: Any) -> bool:
    """Equal; for times and datetimes, the same instant, a naive one being in UTC."""
    if isinstance(old, dt.datetime | dt.time) and type(new) is type(old):
        return bool(_in_utc(old) == _in_utc(new))
    return str(new) == str(old)


def _in_utc(value: dt.datetime | dt.time) -> dt.datetime | dt.time:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_a_project_evolves_without_losing_a_row(database: str, tmp_path: Path) -> None:
    project = tmp_path / "library"
    project.mkdir()
    with (
        fresh_database(f"pg_evolution_{os.getpid()}")
        if database == "postgresql"
        else (_sqlite(tmp_path)) as url
    ):
        revisions: list[str] = []
        for number, step in enumerate(STEPS, start=1):
            (project / "persistgen.yaml").write_text(step.spec, encoding="utf-8")
            if step.destructive:
                with pytest.raises(UserError, match="loses data"):
                    pipeline.generate(project)
            if step.rewrites:
                with pytest.raises(UserError, match="rewrites the whole table"):
                    pipeline.generate(project, migration=_allowing(step, rewrite=False))
            outcome = pipeline.generate(project, migration=_allowing(step))
            assert outcome.revision is not None, f"step {number}: no migration"
            for line in step.summary:
                assert line in outcome.revision.summary, (line, outcome.revision.summary)
            assert bool(outcome.revision.destructive) == step.destructive
            assert bool(outcome.revision.rewrites) == step.rewrites
            assert outcome.revision.down_revision == (revisions[-1] if revisions else None)
            assert outcome.revision.path.startswith(f"migrations/versions/{number:04d}_")
            revisions.append(outcome.revision.id)

            before = rows(url) if number > 1 else {}
            counters = raise_counters(url) if database == "sqlite" and number > 1 else {}
            files = relation_files(url) if database == "postgresql" else {}
            # One process for the step's commands: the project's code as this step generated it.
            with step_process(project, url) as child:
                child.alembic("upgrade", "head")
                if files:  # PostgreSQL rewrote a table or index: exactly for the rewrites accepted
                    now = relation_files(url)
                    rewritten = sorted(
                        name for name, file in files.items() if now.get(name, file) != file
                    )
                    assert bool(rewritten) == step.rewrites, f"step {number} rewrote {rewritten}"
                assert_survived(before, rows(url), step)
                assert_counters_kept(counters, url, step)
                if number > 1:  # every downgrade, applied once, with the rows of earlier steps
                    child.alembic("downgrade", "-1")
                    child.alembic("upgrade", "head")
                    assert_survived(before, rows(url), step)
                    assert_counters_kept(counters, url, step)
                check = child.alembic("check")
                assert "No new upgrade operations detected" in check, f"step {number}: {check}"

                resources = [p.stem for p in (project / "library" / "models").glob("*.py")]
                child.seed(number * 1000, sorted(r for r in resources if r != "__init__"))
            seeded = {t: r for t, r in rows(url).items() if t != naming.IDEMPOTENCY_TABLE}
            assert all(seeded.values()), f"step {number}: a table has no rows"
        assert len(set(revisions)) == len(STEPS)
        assert pipeline.generate(project).revision is None  # nothing left to migrate


def _allowing(step: Step, *, rewrite: bool = True) -> pipeline.MigrationOptions:
    return pipeline.MigrationOptions(
        allow_destructive=step.destructive, allow_rewrite=rewrite and step.rewrites
    )


def relation_files(url: str) -> dict[str, int]:
    """Each table's and index's file on disk, by name: a new one is a rewrite."""
    statement = (
        "SELECT n.nspname || '.' || c.relname, c.relfilenode FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'i') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg_toast%'"
    )
    return dict(asyncio.run(_fetch(url, statement)))


async def _fetch(url: str, statement: str) -> list[Any]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(text(statement))).all())
    finally:
        await engine.dispose()


class _sqlite:
    def __init__(self, tmp_path: Path) -> None:
        self.url = f"sqlite+aiosqlite:///{tmp_path / 'evolution.db'}"

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *_: object) -> None:
        return None
