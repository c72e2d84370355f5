"""Request limits: a body too large is a 413 before it is read whole, a URL too long a 414, and a
single-valued query parameter given twice a 422; each answer is a short problem."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI, Query, Request
from httpx import ASGITransport, AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncSession

from persistgen.runtime.api.crud import CrudRouter
from persistgen.runtime.api.errors import install_error_handlers
from persistgen.runtime.api.limits import RequestLimits, single_valued_query
from persistgen.runtime.db.session import get_session
from persistgen.runtime.settings import ApiSettings
from tests.runtime.test_crud import DTOS, NAMES, Key, ShelvedBooks

pytestmark = pytest.mark.anyio

LIMIT = 1000
received: list[int] = []


@pytest.fixture
async def client(session: AsyncSession) -> AsyncIterator[AsyncClient]:
    app = FastAPI(dependencies=[Depends(single_valued_query)])
    install_error_handlers(app)
    app.add_middleware(RequestLimits, max_body_bytes=LIMIT, max_url_length=200)
    app.include_router(CrudRouter(NAMES, ShelvedBooks, DTOS, key={"key": Key}))

    @app.get("/tagged")
    async def tagged(tag: Annotated[list[str], Query()], limit: int = 1) -> list[str]:
        return tag[:limit]

    @app.post("/raw")
    async def raw(request: Request) -> int:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            received.append(size)
        return size

    async def test_session() -> AsyncIterator[AsyncSession]:
        yield session

    app.dependency_overrides[get_session] = test_session
    async with AsyncClient(transport=ASGITransport(app), base_url="http://test") as client:
        yield client


def _problem(response: Response, status: int, kind: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == f"/problems/{kind}"
    assert len(response.content) < 500


async def test_a_body_over_the_limit_is_a_413(client: AsyncClient) -> None:
    title = "x" * LIMIT
    _problem(await client.post("/books", json={"title": title}), 413, "body-too-large")
    created = await client.post("/books", json={"title": "Emma"})
    assert created.status_code == 201, created.text


async def test_a_chunked_body_is_cut_off_at_the_limit(client: AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"x" * 100

    received.clear()
    response = await client.post("/raw", content=chunks())  # no Content-Length: chunked
    _problem(response, 413, "body-too-large")
    assert max(received, default=0) <= LIMIT  # the route never saw more than the limit
    assert (await client.post("/raw", content=b"x" * LIMIT)).json() == LIMIT


async def test_a_url_over_the_limit_is_a_414(client: AsyncClient) -> None:
    _problem(await client.get("/books", params={"title": "x" * 200}), 414, "url-too-long")
    _problem(await client.get(f"/books/{'1' * 200}"), 414, "url-too-long")


async def test_a_single_valued_parameter_given_twice_is_a_422(client: AsyncClient) -> None:
    response = await client.get("/books?limit=5&limit=6")
    _problem(response, 422, "validation-error")
    assert response.json()["errors"] == [
        {"loc": ["query", "limit"], "msg": "give this parameter once", "type": "repeated_parameter"}
    ]
    assert (await client.get("/books?limit=5")).status_code == 200


async def test_a_list_valued_parameter_may_repeat(client: AsyncClient) -> None:
    assert (await client.get("/tagged?tag=a&tag=b&limit=2")).json() == ["a", "b"]
    _problem(await client.get("/tagged?tag=a&limit=1&limit=2"), 422, "validation-error")


def test_the_limits_have_safe_defaults() -> None:
    settings = ApiSettings()
    assert (settings.max_body_bytes, settings.max_url_length) == (1_048_576, 8192)
