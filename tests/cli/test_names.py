"""Names the spec gives, verbatim (tests/cases/good/names.yaml): the migrations build them on
PostgreSQL and SQLite, `alembic check` comes clean on both, and changing or adding a name in
the spec is a migration that renames, or drops and recreates, and keeps every row."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.conftest import ROOT
from tests.generated.project import run, run_script
from tests.postgres import fresh_database

SPEC = ROOT / "tests" / "cases" / "good" / "names.yaml"
CLEAN = "No new upgrade operations detected"
# Constraints and indexes the spec names, as each database lists them.
GIVEN = {
    "accounts_pkey",
    "accounts_email_key",
    "accounts_region_segment_key",
    "accounts_handle_idx",
    "accounts_segment_region_idx",
    "accounts_lower_email_key",
    "accounts_open_handle_key",
    "orders_account_id_fkey",
    "orders_account_id_idx",
    "orders_total_check",
}
# Each name changed in the spec, and a name added where the convention's was.
RENAMED = {
    "accounts_pkey": "accounts_pk",
    "accounts_email_key": "accounts_email_uq",
    "accounts_handle_idx": "accounts_handle_ix",
    "accounts_lower_email_key": "accounts_email_lower_uq",
    "orders_account_id_fkey": "orders_account_fk",
    "orders_total_check": "orders_total_ck",
    "account_status": "account_state",
}
KEYS = {"accounts_pkey", "accounts_pk", "orders_pkey"}
ENUMS = {"account_status", "account_state"}
# Statements run on the project's database, in one transaction each (a refused one rolled
# back and reported); the rows of each statement that returns some, after a `--` line.
SQL = """
import asyncio
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from names.db.engine import engine

async def main() -> None:
    for statement in {statements!r}:
        print("--")
        try:
            async with engine.begin() as connection:
                result = await connection.execute(text(statement))
                for row in result if result.returns_rows else ():
                    print(tuple(row))
        except IntegrityError:
            print("refused")
    await engine.dispose()

asyncio.run(main())
"""
# Every name of a constraint or index, and of an enum type: one a row on PostgreSQL, in each
# table's SQL on SQLite.
NAMES = {
    "postgres": "SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
    " UNION SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
    " UNION SELECT typname FROM pg_type WHERE typtype = 'e'",
    "sqlite": "SELECT name, sql FROM sqlite_master",
}
ROWS = (
    "INSERT INTO accounts (email, handle, status, region, segment, closed)"
    " VALUES ('a@example.org', 'a', 'active', 'north', 'retail', false),"
    " ('b@example.org', 'b', 'closed', 'south', 'retail', true)",
    "INSERT INTO orders (account_id, total, paid) VALUES (1, 5, false), (2, 7, true)",
)
EVERY_ROW = (
    "SELECT a.id, a.email, a.status, o.id, o.total FROM accounts a"
    " JOIN orders o ON o.account_id = a.id ORDER BY a.id"
)


@pytest.fixture
def project(cli: Invoke, tmp_path: Path) -> Path:
    result = cli("new", "project", "names", "--spec", str(SPEC))
    assert result.exit_code == 0, result.output
    return tmp_path / "names"


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[dict[str, str]]:
    with fresh_database(f"pg17_names_{os.getpid()}") as postgres:
        yield {"sqlite": f"sqlite+aiosqlite:///{tmp_path / 'names.db'}", "postgres": postgres}


def _sql(project: Path, url: str, *statements: str) -> list[list[str]]:
    """Each statement's rows (or `["refused"]`), one subprocess for them all."""
    lines = run_script(project, SQL.format(statements=statements), database_url=url)
    results: list[list[str]] = []
    for line in lines:
        if line == "--":
            results.append([])
        else:
            results[-1].append(line)
    return results


def _names(kind: str, result: list[str]) -> set[str]:
    """The names a database holds, from the rows of `NAMES[kind]`: SQLite's indexes by name,
    its constraints in each table's SQL."""
    text = "\n".join(result)
    if kind == "postgres":
        return {row[2:-3] for row in result}  # "('name',)"
    return {n for n in [*GIVEN, *RENAMED.values()] if re.search(rf"\b{n}\b", text)}


def _held(kind: str, names: set[str]) -> set[str]:
    """`names` but those a database does not hold: an AUTOINCREMENT key is its column's own on
    SQLite, unnamed (the key's name is PostgreSQL's alone), and SQLite has no enum types."""
    return names - KEYS - ENUMS if kind == "sqlite" else names


def _account(email: str, handle: str) -> str:
    return (
        "INSERT INTO accounts (email, handle, status, region, segment, closed)"
        f" VALUES ('{email}', '{handle}', 'active', 'east', 'retail', false)"
    )


@pytest.mark.postgres
def test_names_given_are_built_checked_clean_and_renamed_keeping_every_row(
    cli: Invoke, project: Path, databases: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = {}
    for kind, url in databases.items():
        run(project, "alembic", "upgrade", "head", database_url=url)
        assert CLEAN in run(project, "alembic", "check", database_url=url), kind
        *_, names, rows[kind] = _sql(project, url, *ROWS, NAMES[kind], EVERY_ROW)
        assert _held(kind, GIVEN | {"account_status"}) <= _names(kind, names), kind
        assert len(rows[kind]) == 2
    postgres = databases["postgres"]
    definitions, actions, *refused = _sql(
        project,
        postgres,
        "SELECT indexname, indexdef FROM pg_indexes ORDER BY indexname",
        "SELECT confupdtype::text, confdeltype::text FROM pg_constraint"
        " WHERE conname = 'orders_account_id_fkey'",
        _account("A@EXAMPLE.ORG", "c"),  # the unique expression index: lower(email)
        _account("c@example.org", "a"),  # the unique partial index: an open account's handle
        _account("d@example.org", "b"),  # a closed account's handle is free again
    )
    found = "\n".join(definitions)
    assert "CREATE UNIQUE INDEX accounts_lower_email_key ON public.accounts" in found
    assert "lower((email)::text)" in found
    assert "CREATE UNIQUE INDEX accounts_open_handle_key" in found
    assert "WHERE (closed = false)" in found
    assert "ix_orders_total ON public.orders USING btree (total) WHERE (paid = false)" in found
    assert actions == ["('c', 'c')"]  # ON UPDATE CASCADE, ON DELETE CASCADE
    assert refused == [["refused"], ["refused"], []]
    _sql(project, postgres, "DELETE FROM accounts WHERE email = 'd@example.org'")

    spec = project / "persistgen.yaml"
    text = spec.read_text(encoding="utf-8")
    for old, new in RENAMED.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    # a name the convention gave (pk_orders) is now the spec's
    text = text.replace("  Order:\n", "  Order:\n    primary_key_name: orders_pkey\n")
    spec.write_text(text, encoding="utf-8")
    monkeypatch.chdir(project)
    result = cli("generate")
    assert result.exit_code == 0, result.output
    (revision,) = (project / "migrations" / "versions").glob("0002_*.py")
    assert not {"drop_table", "drop_column"} & set(re.findall(r"\w+", revision.read_text()))
    for kind, url in databases.items():
        run(project, "alembic", "upgrade", "head", database_url=url)
        assert CLEAN in run(project, "alembic", "check", database_url=url), kind
        result, after = _sql(project, url, NAMES[kind], EVERY_ROW)
        assert after == rows[kind], kind
        names = _names(kind, result)
        assert _held(kind, {*RENAMED.values(), "orders_pkey"}) <= names, (kind, names)
        assert not names & {*RENAMED, "pk_orders"}, (kind, names)
        run(project, "alembic", "downgrade", "-1", database_url=url)  # and back: rows stay
        assert _sql(project, url, EVERY_ROW) == [rows[kind]], kind
