"""db/sequences.py: after rows are loaded with their own keys, every sequence that numbers a key
(identity, serial, a named one; SQLite's AUTOINCREMENT counter) is set past them, so the next
create gets a fresh key instead of a conflict. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import (
    Column,
    Identity,
    Integer,
    MetaData,
    Sequence,
    String,
    Table,
    insert,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.schema import CreateSchema, CreateTable

from persistgen.runtime.db.sequences import Moved, advance, next_value
from persistgen.runtime.repositories.base import Repository
from persistgen.runtime.schemas.base import ReadModel, WriteModel
from tests.postgres import fresh_database

pytestmark = pytest.mark.anyio

LOADED = [1, 2, 40]  # keys a bulk load brings, the largest not the last
ADOPTED = Sequence("adopted_numbers")


class Base(DeclarativeBase):
    metadata = MetaData()


class Identified(Base):
    """`identity: true`."""

    __tablename__ = "identified"
    __table_args__ = ({"sqlite_autoincrement": True},)
    id: Mapped[int] = mapped_column(Integer(), Identity(), primary_key=True)
    label: Mapped[str] = mapped_column(String(20))


class Serial(Base):
    """An int key as it is by default: SERIAL."""

    __tablename__ = "serial"
    __table_args__ = ({"sqlite_autoincrement": True},)
    id: Mapped[int] = mapped_column(Integer(), primary_key=True)
    label: Mapped[str] = mapped_column(String(20))


class Adopted(Base):
    """`sequence: adopted_numbers`."""

    __tablename__ = "adopted"
    __table_args__ = ({"sqlite_autoincrement": True},)
    id: Mapped[int] = mapped_column(
        Integer(),
        ADOPTED,
        primary_key=True,
        autoincrement=True,
        server_default=next_value(ADOPTED),
    )
    label: Mapped[str] = mapped_column(String(20))


class Supplied(Base):
    """`autoincrement: false`: no sequence, nothing to set."""

    __tablename__ = "supplied"
    id: Mapped[int] = mapped_column(Integer(), primary_key=True, autoincrement=False)
    label: Mapped[str] = mapped_column(String(20))


class LabelCreate(WriteModel):
    label: str


class LabelRead(ReadModel):
    id: int
    label: str


class NoFilters(BaseModel):
    pass


def repository_of(model: type[Any]) -> type[Repository[Any, LabelCreate, Any, LabelRead, int]]:
    class Labels(Repository[Any, LabelCreate, Any, LabelRead, int]):
        read_model = LabelRead
        query_model = NoFilters
        sortable = frozenset({"label"})

    Labels.model = model
    return Labels


NUMBERED = (Identified, Serial, Adopted)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def database_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return "sqlite+aiosqlite://"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with fresh_database(f"sequences_runtime_{os.getpid()}") as url:
        yield url


@pytest.fixture
async def postgres(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(postgres_url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    yield engine
    await engine.dispose()


async def load(connection: AsyncConnection) -> None:
    """Rows with their own keys, as a copy of another database brings them."""
    for model in (*NUMBERED, Supplied):
        rows = [{"id": key, "label": f"loaded-{key}"} for key in LOADED]
        await connection.execute(insert(model.__table__), rows)


async def create(connection: AsyncConnection, model: type[Any]) -> int:
    async with AsyncSessionOn(connection) as session:
        created = await repository_of(model)(session).create(LabelCreate(label="new"))
        key: int = created.id
        await session.commit()  # the savepoint, kept
    return key


class AsyncSessionOn:
    """A session on the test's connection, in a savepoint: a failed INSERT leaves the
    connection usable."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.session = AsyncSession(connection, join_transaction_mode="create_savepoint")

    async def __aenter__(self) -> AsyncSession:
        return self.session

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()


async def test_after_a_load_a_create_gets_a_fresh_key(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await load(connection)
        moved = await connection.run_sync(advance, Base.metadata)
        keys = [await create(connection, model) for model in NUMBERED]
    assert keys == [max(LOADED) + 1] * len(NUMBERED)
    if engine.dialect.name == "sqlite":  # its counter follows the keys inserted: nothing to do
        assert moved == []
        return
    assert sorted(m.table for m in moved) == ["adopted", "identified", "serial"]
    assert {(m.before, m.after) for m in moved} == {(1, max(LOADED) + 1)}


@pytest.mark.postgres
async def test_without_it_postgresql_hands_out_a_loaded_key(postgres: AsyncEngine) -> None:
    """What the command is for: the create conflicts with a loaded row (a 409 over HTTP).
    SQLite's AUTOINCREMENT numbers past the largest key on its own."""
    async with postgres.connect() as connection:
        await load(connection)
        for model in NUMBERED:
            with pytest.raises(IntegrityError):
                await create(connection, model)


async def test_a_second_run_changes_nothing(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await load(connection)
        if engine.dialect.name == "sqlite":
            await connection.execute(text("DELETE FROM sqlite_sequence"))
        assert await connection.run_sync(advance, Base.metadata)
        assert await connection.run_sync(advance, Base.metadata) == []


async def test_a_sequence_already_past_the_keys_is_never_lowered(engine: AsyncEngine) -> None:
    """Keys of deleted rows are not handed out again."""
    async with engine.connect() as connection:
        await load(connection)
        await connection.run_sync(advance, Base.metadata)
        for model in NUMBERED:
            await create(connection, model)  # 41
            await connection.execute(model.__table__.delete().where(model.id > 2))
        assert await connection.run_sync(advance, Base.metadata) == []
        assert [await create(connection, model) for model in NUMBERED] == [42, 42, 42]


async def test_empty_tables_are_left_at_their_start(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        assert await connection.run_sync(advance, Base.metadata) == []
        assert [await create(connection, model) for model in NUMBERED] == [1, 1, 1]


async def test_sqlite_raises_a_counter_a_load_left_behind() -> None:
    """A load that restores rows but not `sqlite_sequence` (or sets it lower)."""
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
        await load(connection)
        await connection.execute(text("UPDATE sqlite_sequence SET seq = 2"))
        await connection.execute(text("DELETE FROM sqlite_sequence WHERE name = 'serial'"))
        moved = await connection.run_sync(advance, Base.metadata)
        counters = dict((await connection.execute(text("SELECT * FROM sqlite_sequence"))).all())
    await engine.dispose()
    assert {m.table: (m.before, m.after) for m in moved} == {
        "adopted": (3, 41),
        "identified": (3, 41),
        "serial": (1, 41),
    }
    assert counters == {"adopted": 40, "identified": 40, "serial": 40}


@pytest.mark.postgres
async def test_postgresql_tables_in_a_schema_of_their_own(postgres_url: str) -> None:
    """Serial, identity and named sequences found through the table's schema."""
    metadata = MetaData(schema="Loaded Data")
    sequence = Sequence("Numbers", metadata=metadata)

    tables = [
        _table(metadata, "Serial"),
        _table(metadata, "Identified", Identity()),
        _table(metadata, "Adopted", sequence, server_default=next_value(sequence)),
    ]
    assert 'nextval(\'"Loaded Data"."Numbers"\'::regclass)' in str(
        CreateTable(tables[2]).compile(dialect=postgresql.dialect())
    )
    engine = create_async_engine(postgres_url)
    async with engine.begin() as connection:
        await connection.execute(CreateSchema("Loaded Data", if_not_exists=True))
        await connection.run_sync(metadata.create_all)
        for table in tables:
            await connection.execute(insert(table), [{"id": k} for k in LOADED])
        moved = await connection.run_sync(advance, metadata)
        created = [await connection.scalar(insert(t).returning(t.c.id)) for t in tables]
    await engine.dispose()
    assert sorted(str(m) for m in moved) == [
        'Adopted.id: "Loaded Data"."Numbers" now gives 41 (was 1)',
        'Identified.id: "Loaded Data"."Identified_id_seq" now gives 41 (was 1)',
        'Serial.id: "Loaded Data"."Serial_id_seq" now gives 41 (was 1)',
    ]
    assert created == [41, 41, 41]


def _table(metadata: MetaData, name: str, *default: Any, **kwargs: Any) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Integer(), *default, primary_key=True, autoincrement=True, **kwargs),
    )


def test_a_move_reads_as_a_sentence() -> None:
    moved = Moved("book", "id", "public.book_id_seq", 1, 41)
    assert str(moved) == "book.id: public.book_id_seq now gives 41 (was 1)"
