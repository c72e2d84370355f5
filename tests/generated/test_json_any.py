"""`shape: any` json fields (tests/cases/features/json-any) on rows: every gate of a generated
project, then each JSON kind sent through the HTTP API, read back, and stored as the database
says: a nullable field's null is SQL NULL, never JSON's `null`, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.feature_cases import FEATURES
from tests.generated.project import generated, mypy_strict, run, run_script
from tests.postgres import fresh_database

pytestmark = pytest.mark.postgres

CASE = FEATURES / "json-any"
# Every JSON kind but null; nested nulls are values. Sent as `payload` (jsonb), `tags` (json,
# JSONB on PostgreSQL) and `raw` (plain JSON).
VALUES = [[1, "a", None, {"k": [True]}], {"a": None}, [], "text", 7, 2.5, True, False]
ROWS = """
import asyncio, json, sys
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from json_any.db.engine import engine
from json_any.main import app

async def main() -> None:
    answers = []
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        for value in json.loads(sys.argv[1]):
            body = {"payload": value, "tags": value, "raw": value}
            created = await client.post("/events", json=body)
            assert created.status_code == 201, created.text
            read = await client.get(f"/events/{created.json()['id']}")
            answers.append([read.json()[name] for name in body])
        for body in ({"payload": [1]}, {"payload": [2], "tags": None, "raw": None}):
            assert (await client.post("/events", json=body)).status_code == 201
        refused = [
            (await client.post("/events", json={"payload": bad})).status_code
            for bad in (None, "a\\u0000", {"k": "\\u0000"})
        ]
    async with engine.connect() as connection:
        nulls = await connection.scalar(
            text("SELECT count(*) FROM events WHERE tags IS NULL AND raw IS NULL")
        )
    await engine.dispose()
    print(json.dumps({"answers": answers, "sql_nulls": nulls, "refused": refused}))

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = (CASE / "persistgen.yaml").read_text(encoding="utf-8")
    return generated(tmp_path_factory.mktemp("generated") / "json_any", spec)


def test_lint_and_types(project: Path) -> None:
    run(project, "ruff", "check", "--no-cache", ".")
    run(project, "ruff", "format", "--no-cache", "--check", ".")
    output = mypy_strict(project, "json_any", "tests")
    assert "Success: no issues found" in output


def _rows(project: Path, url: str) -> None:
    """The project's own tests, its migrations, then every kind of value through the API."""
    run(project, "pytest", "-q", "-p", "no:cacheprovider", database_url=url)
    run(project, "alembic", "upgrade", "head", database_url=url)
    assert "No new upgrade operations" in run(project, "alembic", "check", database_url=url)
    script = f"import sys; sys.argv[1:] = [{json.dumps(VALUES)!r}]\n{ROWS}"
    (line,) = run_script(project, script, database_url=url)[-1:]
    found = json.loads(line)
    assert found["answers"] == [[value] * 3 for value in VALUES]
    assert found["sql_nulls"] == 2  # left out and sent as null: SQL NULL either way
    assert found["refused"] == [422, 422, 422]


def test_values_on_sqlite(project: Path, tmp_path: Path) -> None:
    _rows(project, f"sqlite+aiosqlite:///{tmp_path / 'rows.db'}")


def test_values_on_postgres(project: Path) -> None:
    with fresh_database(f"pgj_any_{os.getpid()}") as url:
        _rows(project, url)
