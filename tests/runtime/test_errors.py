"""Which database errors are worth a retry (503) and which are a 500."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.exc import OperationalError

from persistgen.runtime.api.errors import install_error_handlers, is_unavailable

pytestmark = pytest.mark.anyio


def _sqlite_error(message: str) -> OperationalError:
    return OperationalError("SELECT 1", {}, sqlite3.OperationalError(message))


@pytest.mark.parametrize(
    ("message", "unavailable"),
    [
        ("database is locked", True),
        ("disk I/O error", True),
        ("no such table: doctors", False),
        ("no such column: doctors.licence", False),
    ],
)
def test_a_missing_table_is_not_an_outage(message: str, unavailable: bool) -> None:
    assert is_unavailable(_sqlite_error(message)) is unavailable


async def test_an_unmigrated_sqlite_database_answers_500_without_retry_after() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/missing")
    async def missing() -> None:
        raise _sqlite_error("no such table: doctors")

    @app.get("/locked")
    async def locked() -> None:
        raise _sqlite_error("database is locked")

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        missing_response = await client.get("/missing")
        locked_response = await client.get("/locked")

    assert missing_response.status_code == 500
    assert "Retry-After" not in missing_response.headers
    assert locked_response.status_code == 503
    assert locked_response.headers["Retry-After"] == "1"
