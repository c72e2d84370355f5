"""Names at PostgreSQL's 63-byte limit, and constraint and index names derived past it: the
migrations build the models' schema on PostgreSQL and SQLite under the very names the
migration snapshot records, and `alembic check` comes clean on both."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from persistgen import plan
from persistgen.migrate.schema import DbTable
from persistgen.spec.validate import read_spec
from tests.conftest import ROOT
from tests.generated.project import run
from tests.golden_tree import generate_example
from tests.postgres import fresh_database, sql

LONG_NAMES = ROOT / "tests" / "cases" / "good" / "long_names.yaml"
CLEAN = "No new upgrade operations detected"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_example(LONG_NAMES, tmp_path_factory.mktemp("long_names"))


def _tables() -> list[DbTable]:
    """The tables as the plan gives them to the migration snapshot."""
    return list(plan.build(read_spec(LONG_NAMES)).tables)


def _columns() -> set[tuple[str, str]]:
    return {(t.name, c.name) for t in _tables() for c in t.columns}


def _indexes() -> set[tuple[str, str]]:
    """(table, name) of each index, and of each constraint an index backs (keys, uniques)."""
    return {
        (t.name, name)
        for t in _tables()
        for name in (t.pk_name, *(n for n, _ in t.uniques), *(n for n, _ in t.indexes))
    }


def _constraints() -> set[tuple[str, str]]:
    """(table, name) of each foreign key and CHECK, enum CHECKs included."""
    found: set[tuple[str, str]] = set()
    for t in _tables():
        found |= {(t.name, fk.constraint_name) for fk in t.foreign_keys}
        found |= {(t.name, name) for name, _ in t.checks}
        found |= {(t.name, c.check) for c in t.columns if c.check}
    return found


def test_the_spec_reaches_the_limit_and_past_it() -> None:
    """The case is what it claims: names of exactly 63 bytes, derived names shortened."""
    columns = {name for _, name in _columns()}
    assert sum(len(n) == 63 for n in columns) >= 4
    assert any(len(t.name) == 63 for t in _tables() if "." not in t.resource)
    assert any(len(t.name) == 63 for t in _tables() if "." in t.resource)
    assert any(len(c.native_type or "") == 63 for t in _tables() for c in t.columns)
    derived = {name for _, name in _indexes() | _constraints()}
    assert all(len(name) <= 63 for name in derived)
    assert sum(len(name) == 60 for name in derived) >= 10  # 55 characters, `_`, a hash


@pytest.mark.postgres
def test_postgres_holds_the_snapshots_names_and_alembic_check_is_clean(project: Path) -> None:
    with fresh_database(f"names_long_{os.getpid()}") as url:
        run(project, "alembic", "upgrade", "head", database_url=url)
        assert CLEAN in run(project, "alembic", "check", database_url=url)
        columns = sql(
            url,
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name <> 'alembic_version'",
        )
        indexes = sql(
            url,
            "SELECT t.relname, i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
            " JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
            " WHERE n.nspname = 'public' AND t.relname <> 'alembic_version'",
        )
        constraints = sql(
            url,
            "SELECT t.relname, c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
            " WHERE c.contype IN ('f', 'c') AND t.relnamespace = 'public'::regnamespace",
        )
        enum_types = sql(url, "SELECT typname FROM pg_type WHERE typtype = 'e'")
        run(project, "alembic", "downgrade", "base", database_url=url)
    assert set(columns) == _columns()
    assert set(indexes) == _indexes()
    # A native enum is a type on PostgreSQL, with no CHECK.
    native = {(t.name, c.check) for t in _tables() for c in t.columns if c.native_type}
    assert set(constraints) == _constraints() - native
    assert {name for (name,) in enum_types} == {
        c.native_type for t in _tables() for c in t.columns if c.native_type
    }


def test_sqlite_holds_the_same_names_and_alembic_check_is_clean(
    project: Path, tmp_path: Path
) -> None:
    database = tmp_path / "long.db"
    url = f"sqlite+aiosqlite:///{database}"
    run(project, "alembic", "upgrade", "head", database_url=url)
    assert CLEAN in run(project, "alembic", "check", database_url=url)
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT type, tbl_name, name, sql FROM sqlite_master").fetchall()
    # SQLite's own indexes for unique constraints have no SQL, and names of its choosing.
    indexes = {(t, name) for kind, t, name, text in rows if kind == "index" and text}
    tables = {name: text for kind, _, name, text in rows if kind == "table"}
    assert indexes == {(t.name, n) for t in _tables() for n, _ in t.indexes}
    # Primary keys, unique constraints, foreign keys and CHECKs are named in each table's SQL;
    # an AUTOINCREMENT key is its column's own, unnamed (SQLite has no use for its name).
    inline = {(t.name, t.pk_name) for t in _tables() if t.autoincrement}
    named = _indexes() - indexes - inline | _constraints()
    for table, name in named:
        assert f"CONSTRAINT {name} " in tables[table], (table, name)
