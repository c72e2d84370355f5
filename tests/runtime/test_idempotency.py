"""Safe retries: a write sent with an `Idempotency-Key` runs once, and a retry with the same key
gets its first answer again, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from fastapi import Depends, FastAPI, params
from httpx import ASGITransport, AsyncClient, Response
from sqlalchemy import event, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

from persistgen import naming
from persistgen.plan.idempotency import idempotency_table
from persistgen.runtime.api.crud import CrudRouter
from persistgen.runtime.api.errors import install_error_handlers
from persistgen.runtime.api.idempotency import HEADER, REPLAYED, fingerprint
from persistgen.runtime.db import base
from persistgen.runtime.db.idempotency import KEY_LENGTH, IdempotencyKey, delete_expired
from persistgen.runtime.db.session import SessionDep, get_session
from persistgen.runtime.settings import get_idempotency_settings
from tests.postgres import fresh_database
from tests.runtime import models
from tests.runtime.models import BookCreate
from tests.runtime.test_crud import DTOS, LEAN, NAMES, Books, Key, ShelvedBooks

pytestmark = pytest.mark.anyio


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":  # a file: the concurrent requests need two connections
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('idempotency') / 'db.sqlite'}"
        return
    with fresh_database(f"idempotency_runtime_{os.getpid()}") as url:
        yield url


@pytest.fixture
def postgresql() -> Iterator[str]:
    with fresh_database(f"alone_runtime_{os.getpid()}") as url:
        yield url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        for metadata in (models.Base.metadata, base.Base.metadata):
            await connection.run_sync(metadata.drop_all)
            await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
async def client(engine: AsyncEngine) -> AsyncIterator[AsyncClient]:
    router = CrudRouter(NAMES, ShelvedBooks, DTOS, key={"key": Key}, restore=ShelvedBooks.restore)
    async for client in _served_by(engine, router):
        yield client


async def _served_by(
    engine: AsyncEngine, router: CrudRouter[Any, Any, Any, Any]
) -> AsyncIterator[AsyncClient]:
    """`router`'s routes, each request with a session of its own, as the app gives them."""
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def session_per_request() -> AsyncIterator[AsyncSession]:
        async with sessions() as session:
            try:
                yield session
            except Exception:
                await session.rollback()
                raise

    app.dependency_overrides[get_session] = session_per_request
    async with AsyncClient(transport=ASGITransport(app), base_url="http://test") as client:
        yield client


async def count(engine: AsyncEngine, column: object) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(select(func.count(column)))).scalar_one())


async def stored(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        return list((await connection.execute(select(IdempotencyKey.key))).scalars())


def keyed(key: str) -> dict[str, str]:
    return {HEADER: key}


def same_answer(first: Response, again: Response) -> None:
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert (first.headers.get(REPLAYED), again.headers[REPLAYED]) == (None, "true")


async def test_a_retried_create_answers_the_first_row_and_adds_none(
    client: AsyncClient, engine: AsyncEngine
) -> None:
    first = await client.post("/books", json={"title": "Emma"}, headers=keyed("create-1"))
    again = await client.post("/books", json={"title": "Emma"}, headers=keyed("create-1"))
    assert first.status_code == 201, first.text
    same_answer(first, again)
    assert await count(engine, models.Book.id) == 1
    assert await stored(engine) == ["create-1"]


async def test_a_retried_update_answers_the_first_answer_and_changes_nothing(
    client: AsyncClient,
) -> None:
    key = (await client.post("/books", json={"title": "Emma"})).json()["id"]
    first = await client.patch(f"/books/{key}", json={"pages": 320}, headers=keyed("patch-1"))
    assert first.json()["pages"] == 320
    assert (await client.patch(f"/books/{key}", json={"pages": 400})).json()["pages"] == 400
    again = await client.patch(f"/books/{key}", json={"pages": 320}, headers=keyed("patch-1"))
    same_answer(first, again)
    assert (await client.get(f"/books/{key}")).json()["pages"] == 400


async def test_a_retried_delete_and_restore_answer_as_the_first_time(client: AsyncClient) -> None:
    key = (await client.post("/books", json={"title": "Emma"})).json()["id"]
    deleted = await client.delete(f"/books/{key}", headers=keyed("delete-1"))
    assert deleted.status_code == 204
    same_answer(deleted, await client.delete(f"/books/{key}", headers=keyed("delete-1")))
    assert (await client.delete(f"/books/{key}")).status_code == 404  # without a key: runs
    restored = await client.post(f"/books/{key}/restore", headers=keyed("restore-1"))
    assert restored.json()["title"] == "Emma"
    assert (await client.delete(f"/books/{key}")).status_code == 204
    same_answer(restored, await client.post(f"/books/{key}/restore", headers=keyed("restore-1")))
    assert (await client.get(f"/books/{key}")).status_code == 404  # the retry restored nothing


async def test_the_same_key_with_another_request_is_a_422(
    client: AsyncClient, engine: AsyncEngine
) -> None:
    first = await client.post("/books", json={"title": "Emma"}, headers=keyed("k"))
    key = first.json()["id"]
    others = [
        client.post("/books", json={"title": "Persuasion"}, headers=keyed("k")),
        client.post("/books", json={"title": "Emma", "pages": 100}, headers=keyed("k")),
        client.patch(f"/books/{key}", json={"title": "Emma"}, headers=keyed("k")),
        client.delete(f"/books/{key}", headers=keyed("k")),
    ]
    for answer in [await other for other in others]:
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"] == "/problems/idempotency-key-reused"
        assert "Emma" not in answer.text
    assert await count(engine, models.Book.id) == 1
    assert (await client.get(f"/books/{key}")).status_code == 200


async def test_a_write_that_rolls_back_stores_no_answer(
    client: AsyncClient, engine: AsyncEngine
) -> None:
    taken = (await client.post("/books", json={"title": "Emma"})).json()["id"]
    refused = await client.post("/books", json={"title": "Emma"}, headers=keyed("dup"))
    assert refused.status_code == 409
    assert await stored(engine) == []
    await client.delete(f"/books/{taken}")  # soft: the title is still taken
    missing = await client.patch("/books/999", json={"pages": 1}, headers=keyed("gone"))
    assert missing.status_code == 404
    assert await stored(engine) == []


async def test_an_expired_key_is_a_new_request(client: AsyncClient, engine: AsyncEngine) -> None:
    first = await client.post("/books", json={"title": "Emma"}, headers=keyed("old"))
    window = get_idempotency_settings().window
    async with engine.begin() as connection:
        moment = dt.datetime.now(dt.UTC) - window - dt.timedelta(seconds=1)
        await connection.execute(update(IdempotencyKey).values(created_at=moment))
    # Another body: an expired key is free, whatever it answered before.
    again = await client.post("/books", json={"title": "Persuasion"}, headers=keyed("old"))
    assert again.status_code == 201, again.text
    assert again.json()["id"] != first.json()["id"]
    assert REPLAYED not in again.headers
    same_answer(
        again, await client.post("/books", json={"title": "Persuasion"}, headers=keyed("old"))
    )
    assert await count(engine, models.Book.id) == 2


async def test_expired_keys_are_deleted_and_live_ones_kept(
    client: AsyncClient, engine: AsyncEngine
) -> None:
    for key in ("a", "b"):
        await client.post("/books", json={"title": key}, headers=keyed(key))
    async with engine.begin() as connection:
        old = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
        await connection.execute(
            update(IdempotencyKey).where(IdempotencyKey.key == "a").values(created_at=old)
        )
    async with async_sessionmaker(engine)() as session:
        deleted = await delete_expired(session, dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
        await session.commit()
    assert (deleted, await stored(engine)) == (1, ["b"])


async def test_without_a_key_nothing_is_stored(client: AsyncClient, engine: AsyncEngine) -> None:
    await client.post("/books", json={"title": "Emma"})
    await client.post("/books", json={"title": "Emma"})  # a plain retry: a conflict
    assert await stored(engine) == []


@pytest.mark.parametrize("key", ["", " ", "a b", "é", "x" * (KEY_LENGTH + 1)])
async def test_a_malformed_key_is_a_422(client: AsyncClient, engine: AsyncEngine, key: str) -> None:
    answer = await client.post(
        "/books", json={"title": "Emma"}, headers={HEADER: key.encode("utf-8")}
    )
    assert answer.status_code == 422, answer.text
    assert await count(engine, models.Book.id) == 0


async def test_the_longest_key_is_taken(client: AsyncClient) -> None:
    answer = await client.post("/books", json={"title": "Emma"}, headers=keyed("x" * KEY_LENGTH))
    assert answer.status_code == 201


async def test_concurrent_requests_with_one_key_write_once(
    client: AsyncClient, engine: AsyncEngine
) -> None:
    """The second waits for the first's key (PostgreSQL holds its INSERT; SQLite its write
    lock), then gets the stored answer."""
    answers = await asyncio.gather(
        *(client.post("/books", json={"title": "Emma"}, headers=keyed("race")) for _ in range(4))
    )
    assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
    assert len({a.content for a in answers}) == 1
    assert sum(REPLAYED in a.headers for a in answers) == 3
    assert await count(engine, models.Book.id) == 1


@pytest.mark.postgres
async def test_a_lone_statement_is_its_own_transaction_on_postgresql(postgresql: str) -> None:
    """A plain resource's write without a key, and a read, is one statement: it runs in
    autocommit, no BEGIN and COMMIT round trips around it. With a key the write, the key's claim
    and its answer share one transaction. What the server's session says after each
    statement (asyncpg's `is_in_transaction`, no round trip)."""
    engine = create_async_engine(postgresql)
    async with engine.begin() as connection:
        for metadata in (models.Base.metadata, base.Base.metadata):
            await connection.run_sync(metadata.create_all)
    seen: list[tuple[str, bool]] = []

    def record(connection: Connection, *statement: Any) -> None:
        driver = connection.connection.driver_connection
        seen.append((statement[1].split()[0], driver.is_in_transaction()))

    event.listen(engine.sync_engine, "after_cursor_execute", record)
    try:
        async for client in _served_by(engine, CrudRouter(NAMES, Books, LEAN, key={"key": Key})):
            key = (await client.post("/books", json={"title": "Emma"})).json()["id"]
            assert (await client.patch(f"/books/{key}", json={"rank": 3})).status_code == 200
            assert (await client.get(f"/books/{key}")).json()["rank"] == 3
            assert (await client.delete(f"/books/{key}")).status_code == 204
            assert seen == [
                ("INSERT", False),
                ("UPDATE", False),
                ("SELECT", False),
                ("DELETE", False),
            ]
            seen.clear()
            keyed_write = await client.post("/books", json={"title": "Emma"}, headers=keyed("k"))
            assert keyed_write.status_code == 201, keyed_write.text
            assert [verb for verb, _ in seen] == ["INSERT", "INSERT", "UPDATE"]
            assert all(in_transaction for _, in_transaction in seen), seen
            seen.clear()
            event.listen(Session, "before_commit", _may_refuse)  # the statement must wait for it
            try:
                assert (await client.post("/books", json={"title": "Sanditon"})).status_code == 201
            finally:
                event.remove(Session, "before_commit", _may_refuse)
            assert seen == [("INSERT", True)]
            seen.clear()
            event.listen(Session, "after_begin", _sets_the_tenant)  # a statement must see it
            try:
                created = await client.post("/books", json={"title": "Lady Susan"})
                assert (await client.get(f"/books/{created.json()['id']}")).status_code == 200
            finally:
                event.remove(Session, "after_begin", _sets_the_tenant)
            assert seen == [("SELECT", True), ("INSERT", True), ("SELECT", True), ("SELECT", True)]
        async with engine.begin() as connection:
            await connection.execute(insert(models.Shelf).values(id=1, label="old"))
        seen.clear()
        shelving = CrudRouter(NAMES, Books, LEAN, key={"key": Key}, dependencies=_renaming_a_shelf)
        async for client in _served_by(engine, shelving):  # the shelf and the book: both or none
            assert (await client.post("/books", json={"title": "Mansfield"})).status_code == 201
            assert seen == [("SELECT", True), ("UPDATE", True), ("INSERT", True)]
    finally:
        await engine.dispose()


def _may_refuse(_session: Session) -> None:
    """A `before_commit` listener, which could refuse a commit by raising."""


def _sets_the_tenant(_session: Session, _transaction: object, connection: Connection) -> None:
    """An `after_begin` listener setting what the transaction's statements see."""
    connection.exec_driver_sql("SELECT set_config('app.tenant', 'a', true)")


def _renaming_a_shelf(_route: str) -> list[params.Depends]:
    """A route dependency that leaves a change in the request's session and no transaction (it
    committed its own, keeping the shelf), for the route to write with its own row."""

    async def rename_shelf(session: SessionDep) -> None:
        shelf = await session.get(models.Shelf, 1)
        await session.commit()
        assert shelf is not None
        shelf.label = "renamed"

    return [Depends(rename_shelf)]


async def test_a_key_whose_row_holds_no_answer_is_a_409_to_retry(
    client: AsyncClient, engine: AsyncEngine
) -> None:
    request = fingerprint("POST", "/books", {}, BookCreate(title="Emma"))
    async with engine.begin() as connection:
        now = dt.datetime.now(dt.UTC)
        await connection.execute(
            insert(IdempotencyKey).values(key="k", fingerprint=request, created_at=now)
        )
    answer = await client.post("/books", json={"title": "Emma"}, headers=keyed("k"))
    assert answer.status_code == 409, answer.text
    assert answer.json()["type"] == "/problems/idempotency-key-in-progress"
    assert answer.headers["Retry-After"] == "1"
    assert await count(engine, models.Book.id) == 0


def test_the_header_is_documented_on_every_write_and_no_read() -> None:
    app = FastAPI()
    app.include_router(
        CrudRouter(NAMES, ShelvedBooks, DTOS, key={"key": Key}, restore=ShelvedBooks.restore)
    )
    operations = [
        (method, op) for path in app.openapi()["paths"].values() for method, op in path.items()
    ]
    for method, operation in operations:
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        if method == "get":
            assert headers == []
            continue
        (header,) = headers
        assert (header["name"], header["required"]) == (HEADER, False)
        assert header["schema"]["anyOf"][0]["maxLength"] == KEY_LENGTH
        assert "retry" in header["description"]
    assert len(operations) == 6


def test_the_table_is_the_one_migrations_create() -> None:
    table = IdempotencyKey.__table__
    planned = idempotency_table(None)
    assert planned.name == table.name == naming.IDEMPOTENCY_TABLE
    assert [c.name for c in planned.columns] == [c.name for c in table.columns]
    assert [c.nullable for c in planned.columns] == [c.nullable for c in table.columns]
    assert {name for name, _ in planned.indexes} == {i.name for i in table.indexes}
    assert planned.pk_name == table.primary_key.name
