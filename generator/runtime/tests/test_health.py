"""The pool can be watched at /health/db; the password and bound values never show."""

import pytest
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from persistgen.runtime.settings import DatabaseSettings, get_settings

pytestmark = pytest.mark.anyio


async def test_health_reports_the_pool(client: AsyncClient) -> None:
    response = await client.get("/health/db")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["pool"]["pool_class"]
    if body["pool"]["size"] is not None:
        assert body["pool"]["checked_out"] == 0


def test_settings_never_show_the_password() -> None:
    settings = DatabaseSettings(url="postgresql+asyncpg://app:s3cret@db.internal/app")
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings)


async def test_health_never_shows_the_database_url(client: AsyncClient) -> None:
    body = (await client.get("/health/db")).text
    assert get_settings().url.get_secret_value() not in body


async def test_errors_never_show_bound_values(session: AsyncSession) -> None:
    with pytest.raises(DBAPIError) as raised:
        await session.execute(text("SELECT :secret FROM no_such_table"), {"secret": "s3cret-42"})
    assert "s3cret-42" not in str(raised.value)
