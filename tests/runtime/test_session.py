"""A write the route committed gets its answer even when the connection dies before the session
is closed: closing is logged, never a dropped response."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from persistgen.runtime.api.errors import install_error_handlers
from persistgen.runtime.db import session as sessions
from persistgen.runtime.db.session import SessionDep
from tests.postgres import fresh_database

pytestmark = pytest.mark.anyio


@pytest.fixture
def database_url() -> Iterator[str]:
    with fresh_database("errors_session") as url:
        yield url


@pytest.fixture
async def engine(database_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[AsyncEngine]:
    database = create_async_engine(database_url)
    async with database.begin() as connection:
        await connection.execute(text("CREATE TABLE saved (id int PRIMARY KEY)"))
    monkeypatch.setattr(sessions, "SessionFactory", async_sessionmaker(database))
    yield database
    await database.dispose()


async def _terminate(database_url: str, pid: int) -> None:
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(False)
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()


async def test_a_connection_lost_after_the_commit_still_answers(
    engine: AsyncEngine, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/saved", status_code=201)
    async def save(session: SessionDep) -> int:
        await session.execute(text("INSERT INTO saved VALUES (1)"))
        await session.commit()
        # Still in the session's hands (a read after the commit), the connection dies.
        pid = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        await _terminate(database_url, pid)
        return 1

    async with AsyncClient(transport=ASGITransport(app), base_url="http://test") as client:
        with caplog.at_level(logging.WARNING, logger=sessions.__name__):
            response = await client.post("/saved")
    assert (response.status_code, response.json()) == (201, 1)
    assert "closing a session failed" in caplog.text
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT id FROM saved"))).scalars().all() == [1]


async def test_a_failed_route_is_rolled_back(engine: AsyncEngine) -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/saved")
    async def save(session: SessionDep) -> None:
        await session.execute(text("INSERT INTO saved VALUES (2)"))
        raise LookupError("after the insert, before the commit")

    transport = ASGITransport(app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.post("/saved")).status_code == 500
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT id FROM saved"))).scalars().all() == []
