"""Generated columns through a change of the schema, on rows: `tests/cases/features/
generated-change` (a changed expression, a new generated column, and a table rebuild that keeps
one) upgraded and downgraded on SQLite and PostgreSQL, its values computed at each step."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.feature_cases import FEATURES
from tests.generated.project import regenerated, run, run_script
from tests.postgres import fresh_database

CASE = FEATURES / "generated-change"
ROWS = """
import asyncio
from sqlalchemy import text
from generated_change.db.engine import engine

async def main() -> None:
    async with engine.begin() as connection:
        if {load}:
            await connection.execute(
                text("INSERT INTO items (name, price) VALUES ('ab', 5), ('cd', 7)")
            )
        result = await connection.execute(text("SELECT * FROM items ORDER BY id"))
        for row in result.mappings():
            print(" ".join(f"{k}={row[k]}" for k in sorted(row)))
    await engine.dispose()

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return regenerated(tmp_path_factory.mktemp("generated") / "generated_change", CASE)


def _rows(project: Path, url: str, *, load: bool = False) -> list[str]:
    """The table's rows, one line each (`load`: after inserting two)."""
    return run_script(project, ROWS.replace("{load}", str(load)), database_url=url)


def _upgrade_and_back(project: Path, url: str) -> None:
    run(project, "alembic", "upgrade", "+1", database_url=url)
    assert _rows(project, url, load=True) == [
        "doubled=10 id=1 label=AB name=ab price=5",
        "doubled=14 id=2 label=CD name=cd price=7",
    ]
    run(project, "alembic", "upgrade", "head", database_url=url)
    assert _rows(project, url) == [
        "doubled=10 halved=2 id=1 label=AB name=ab price=5 stock=0",
        "doubled=14 halved=3 id=2 label=CD name=cd price=7 stock=0",
    ]
    assert "No new upgrade operations detected" in run(
        project, "alembic", "check", database_url=url
    )
    run(project, "alembic", "downgrade", "-1", database_url=url)
    assert _rows(project, url) == [
        "doubled=10 id=1 label=AB name=ab price=5",
        "doubled=14 id=2 label=CD name=cd price=7",
    ]
    run(project, "alembic", "downgrade", "base", database_url=url)


def test_generated_columns_change_with_their_rows_on_sqlite(project: Path, tmp_path: Path) -> None:
    _upgrade_and_back(project, f"sqlite+aiosqlite:///{tmp_path / 'changed.db'}")


@pytest.mark.postgres
def test_generated_columns_change_with_their_rows_on_postgres(project: Path) -> None:
    with fresh_database(f"pg_generated_change_{os.getpid()}") as url:
        _upgrade_and_back(project, url)
