"""`/metrics`: the pool's figures as they are when scraped, checkouts that waited and timed out
(answered 503), the replicas' lag and rotation, and the problems answered by kind."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from persistgen.runtime.api.errors import install_error_handlers
from persistgen.runtime.api.metrics import install_metrics
from persistgen.runtime.db.pool import MeteredPool
from persistgen.runtime.db.replicas import Replica, Replicas
from persistgen.runtime.repositories.base import NotFoundError
from tests.postgres import fresh_database

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'metrics.db'}"
        return
    with fresh_database(f"pgm_metrics_{os.getpid()}") as postgres:
        yield postgres


@pytest.fixture
async def engine(url: str) -> AsyncIterator[AsyncEngine]:
    # One connection, no overflow, a short wait: a second checkout times out at once.
    engine = create_async_engine(
        url, poolclass=MeteredPool, pool_size=1, max_overflow=0, pool_timeout=0.2
    )
    yield engine
    await engine.dispose()


def _app(replicas: Replicas) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    install_metrics(app, replicas, CollectorRegistry())

    @app.get("/query")
    async def query() -> int:
        async with replicas.primary.connect() as connection:
            return int(await connection.scalar(text("SELECT 1")))

    @app.get("/missing")
    async def missing() -> None:
        raise NotFoundError("doctor", 1)

    return app


def _client(app: FastAPI) -> AsyncClient:
    return AsyncClient(transport=ASGITransport(app=app), base_url="http://test")


async def _scrape(client: AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _key(name: str, **labels: str) -> tuple[str, frozenset[tuple[str, str]]]:
    return name, frozenset(labels.items())


async def test_a_held_connection_shows_and_a_timed_out_checkout_is_counted_and_answers_503(
    engine: AsyncEngine,
) -> None:
    primary = {"engine": "primary"}
    async with _client(_app(Replicas(engine))) as client:
        assert (await client.get("/query")).json() == 1
        before = await _scrape(client)
        assert before[_key("db_pool_size", **primary)] == 1
        assert before[_key("db_pool_max_overflow", **primary)] == 0
        assert before[_key("db_pool_checked_out", **primary)] == 0
        assert before[_key("db_pool_checkout_timeouts_total", **primary)] == 0

        async with engine.connect():
            held = await _scrape(client)
            timed_out = await client.get("/query")
        after = await _scrape(client)
        assert (await client.get("/query")).status_code == 200  # free again

    assert held[_key("db_pool_checked_out", **primary)] == 1
    assert timed_out.status_code == 503
    assert timed_out.headers["Retry-After"] == "1"
    assert after[_key("db_pool_checked_out", **primary)] == 0
    assert after[_key("db_pool_checkout_waits_total", **primary)] == 1
    assert after[_key("db_pool_checkout_timeouts_total", **primary)] == 1
    assert after[_key("db_pool_checkout_wait_seconds_total", **primary)] >= 0.2
    unavailable = _key("http_problems_total", status="503", kind="unavailable")
    assert after[unavailable] == before.get(unavailable, 0) + 1


async def test_problems_are_counted_by_status_and_kind() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with _client(_app(Replicas(engine))) as client:
        not_found = _key("http_problems_total", status="404", kind="not-found")
        before = (await _scrape(client)).get(not_found, 0)
        assert (await client.get("/missing")).status_code == 404
        assert (await client.get("/no-such-route")).status_code == 404
        after = await _scrape(client)
    await engine.dispose()
    assert after[not_found] == before + 2
    # SQLite's in-memory pool keeps no figures: none are made up.
    assert _key("db_pool_size", engine="primary") not in after


async def test_each_replica_s_pool_lag_and_rotation_are_shown(tmp_path: Path) -> None:
    def engine(name: str) -> AsyncEngine:
        return create_async_engine(f"sqlite+aiosqlite:///{tmp_path / name}", poolclass=MeteredPool)

    near = Replica("near:5432/app", engine("near.db"))
    far = Replica("far:5432/app", engine("far.db"))
    near.lag, near.in_rotation, near.reads = 0.5, True, 7
    far.error = "ConnectionRefusedError"  # unreachable: no lag known
    replicas = Replicas(engine("primary.db"), [near, far])
    async with _client(_app(replicas)) as client:
        found = await _scrape(client)
    for each in (replicas.primary, near.engine, far.engine):
        await each.dispose()

    assert found[_key("db_replica_lag_seconds", replica=near.name)] == 0.5
    assert _key("db_replica_lag_seconds", replica=far.name) not in found
    assert found[_key("db_replica_in_rotation", replica=near.name)] == 1
    assert found[_key("db_replica_in_rotation", replica=far.name)] == 0
    assert found[_key("db_replica_reads_total", replica=near.name)] == 7
    for name in ("primary", near.name, far.name):
        assert found[_key("db_pool_checked_out", engine=name)] == 0
        assert found[_key("db_pool_checkout_timeouts_total", engine=name)] == 0


def test_the_pool_s_counters_outlive_a_dispose() -> None:
    engine = create_async_engine("sqlite+aiosqlite:///unused.db", poolclass=MeteredPool)
    pool = engine.pool
    assert isinstance(pool, MeteredPool)
    pool.tally.timeouts = 3
    renewed = pool.recreate()
    assert renewed.tally.timeouts == 3
