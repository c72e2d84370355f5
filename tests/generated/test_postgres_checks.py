"""CHECKs in PostgreSQL's own SQL (`dialects: [postgresql]`): `tests/cases/features/
postgres-checks` (a check moved to PostgreSQL alone, a new table with one) upgraded and
downgraded on SQLite and PostgreSQL. Each database has the checks it can run, a row breaking
only the PostgreSQL one is refused there alone, and `alembic check` is clean on both."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.feature_cases import FEATURES
from tests.generated.project import regenerated, run, run_script
from tests.postgres import fresh_database

CASE = FEATURES / "postgres-checks"
# The check names each table has, then whether a row only the PostgreSQL-only checks refuse
# goes in (`Bad-Code` is no lower-case code, `Upper` no lower-case name).
PROBE = """
import asyncio
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from postgres_checks.db.engine import engine

async def main() -> None:
    async with engine.connect() as connection:
        for table in ("roles", "tags"):
            checks = await connection.run_sync(
                lambda sync: inspect(sync).get_check_constraints(table)
            )
            print(table, sorted(c["name"] for c in checks))
    for insert in (
        "INSERT INTO roles (code, units) VALUES ('Bad-Code', 1)",
        "INSERT INTO tags (name) VALUES ('Upper')",
    ):
        try:
            async with engine.begin() as connection:
                await connection.execute(text(insert))
            print("accepted")
        except IntegrityError:
            print("refused")
    await engine.dispose()

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return regenerated(tmp_path_factory.mktemp("generated") / "postgres_checks", CASE)


def _upgrade_and_back(project: Path, url: str, expected: list[str]) -> None:
    run(project, "alembic", "upgrade", "head", database_url=url)
    assert run_script(project, PROBE, database_url=url) == expected
    assert "No new upgrade operations detected" in run(
        project, "alembic", "check", database_url=url
    )
    run(project, "alembic", "downgrade", "base", database_url=url)


def test_sqlite_has_only_the_checks_it_can_run(project: Path, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'checks.db'}"
    expected = ["roles ['ck_roles_units_not_negative']", "tags []", "accepted", "accepted"]
    _upgrade_and_back(project, url, expected)


@pytest.mark.postgres
def test_postgres_has_every_check(project: Path) -> None:
    with fresh_database(f"pg_postgres_checks_{os.getpid()}") as url:
        expected = [
            "roles ['ck_roles_code_is_valid', 'ck_roles_units_not_negative']",
            "tags ['tags_name_is_lower']",
            "refused",
            "refused",
        ]
        _upgrade_and_back(project, url, expected)
