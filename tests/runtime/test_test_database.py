"""The generated tests' own database (tests/database.py): where it is, that it is never the
app's, and its life on SQLite and PostgreSQL: made, emptied between tests, dropped."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    event,
    func,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from persistgen.runtime.settings import get_settings
from persistgen.runtime.tests.database import (
    Refused,
    TestDatabase,
    _emptying,
    _sql,
    same_database,
)
from tests.postgres import fresh_database

pytestmark = pytest.mark.anyio


def tables(schema: str | None = None) -> MetaData:
    metadata = MetaData(schema=schema)
    Table("shelf", metadata, Column("id", Integer, primary_key=True), sqlite_autoincrement=True)
    Table(
        "book",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("shelf_id", ForeignKey("shelf.id")),
        Column("title", String(20)),
    )
    return metadata


def with_foreign_keys(url: str) -> AsyncEngine:
    engine = create_async_engine(url)
    if engine.dialect.name == "sqlite":

        def enable(dbapi_connection: object, _record: object) -> None:
            dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[attr-defined]

        event.listen(engine.sync_engine, "connect", enable)
    return engine


async def fill(engine: AsyncEngine, metadata: MetaData) -> list[int]:
    """Two shelves with a book each; the shelves' new keys."""
    shelf, book = metadata.sorted_tables
    async with engine.begin() as connection:
        keys = list(
            (await connection.execute(shelf.insert().returning(shelf.c.id), [{}, {}])).scalars()
        )
        await connection.execute(book.insert(), [{"shelf_id": key, "title": "t"} for key in keys])
    return keys


async def count(engine: AsyncEngine, table: Table) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(table)) or 0)


# Where the tests' database is, decided without a connection.


def test_beside_a_sqlite_file_is_a_temporary_file() -> None:
    database = TestDatabase.beside("sqlite+aiosqlite:///./app.db")
    assert not database.refusal and database.throwaway
    assert database.url.drivername == "sqlite+aiosqlite"
    path = Path(database.url.database or "")
    assert path.is_absolute() and path.parent != Path.cwd() and path.name.startswith("app_test_")
    assert not same_database(database.url, database.app_url)


def test_beside_sqlite_in_memory_is_a_temporary_file() -> None:
    database = TestDatabase.beside("sqlite+aiosqlite://")
    assert database.throwaway and Path(database.url.database or "").name.startswith("app_test_")


def test_beside_postgres_is_a_new_database_on_the_same_server() -> None:
    app = "postgresql+asyncpg://app:s3cret@db.internal:6543/shop?ssl=require"
    one, other = TestDatabase.beside(app), TestDatabase.beside(app)
    assert one.throwaway and not one.refusal
    assert one.url.database and one.url.database.startswith("shop_test_")
    assert one.url.set(database="shop") == make_url(app)  # same server, user, password, options
    assert one.url.database != other.url.database  # two runs at once never share one


def test_a_long_postgres_name_stays_within_63_characters() -> None:
    database = TestDatabase.beside(f"postgresql+asyncpg://h/{'x' * 63}")
    assert database.url.database and len(database.url.database) == 63


@pytest.mark.parametrize(
    ("app", "explicit"),
    [
        ("postgresql+asyncpg://u:a@localhost/shop", "postgresql://other:b@127.0.0.1:5432/shop"),
        ("postgresql+asyncpg://u@db/shop", "postgresql+psycopg://u@DB/shop"),
        ("sqlite+aiosqlite:///./app.db", f"sqlite:///{Path.cwd() / 'app.db'}"),
    ],
    ids=["local-aliases", "driver-and-case", "relative-and-absolute-path"],
)
def test_a_test_url_naming_the_app_database_is_refused(app: str, explicit: str) -> None:
    database = TestDatabase.beside(app, explicit)
    assert "TEST_DATABASE_URL names the app's own database" in database.refusal
    with pytest.raises(pytest.UsageError, match="app's own database"):
        database.check()


def test_a_symlink_to_the_app_sqlite_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "app.db").touch()
    (tmp_path / "link.db").symlink_to(tmp_path / "app.db")
    app = f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"
    assert TestDatabase.beside(app, f"sqlite+aiosqlite:///{tmp_path / 'link.db'}").refusal


def test_an_in_memory_test_url_is_refused() -> None:
    database = TestDatabase.beside("sqlite+aiosqlite:///app.db", "sqlite+aiosqlite://")
    assert "in-memory" in database.refusal


def test_another_server_or_database_is_used_as_given_and_kept() -> None:
    app = "postgresql+asyncpg://u@localhost/shop"
    for explicit in ("postgresql+asyncpg://u@localhost/shop_ci", "postgresql+asyncpg://u@ci/shop"):
        database = TestDatabase.beside(app, explicit)
        assert not database.refusal and not database.throwaway
        assert database.url == make_url(explicit)


def test_a_test_url_that_is_no_url_is_refused() -> None:
    database = TestDatabase.beside("sqlite+aiosqlite:///app.db", "my test database")
    assert database.refusal.startswith("TEST_DATABASE_URL is not a database URL")


def test_other_databases_need_an_explicit_test_url() -> None:
    database = TestDatabase.beside("mysql+aiomysql://u@localhost/shop")
    assert "TEST_DATABASE_URL" in database.refusal
    assert not TestDatabase.beside("mysql+aiomysql://u@h/shop", "mysql+aiomysql://u@h/t").refusal


def test_the_app_settings_are_pointed_at_the_test_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///./app.db")
    get_settings.cache_clear()
    database = TestDatabase.beside(get_settings().url.get_secret_value())
    database.point_the_app_here()
    try:
        assert make_url(get_settings().url.get_secret_value()) == database.url
        assert os.environ["DATABASE_URL"] == str(database.url)
    finally:
        monkeypatch.delenv("DATABASE_URL")
        get_settings.cache_clear()


def test_a_refused_run_leaves_the_settings_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///./app.db")
    TestDatabase.beside("sqlite+aiosqlite:///./app.db", "sqlite:///app.db").point_the_app_here()
    assert os.environ["DATABASE_URL"] == "sqlite+aiosqlite:///./app.db"


# Its life on SQLite.


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[str]:
    """A SQLite app database holding rows."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"
    metadata = tables()

    async def seed() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        await fill(engine, metadata)
        await engine.dispose()

    asyncio.run(seed())
    yield url


async def app_rows(url: str) -> int:
    engine = create_async_engine(url)
    try:
        return await count(engine, tables().tables["book"])
    finally:
        await engine.dispose()


async def test_sqlite_tables_are_made_emptied_and_dropped(sqlite_app: str) -> None:
    database = TestDatabase.beside(sqlite_app)
    engine = with_foreign_keys(str(database.url))
    metadata = tables()
    await database.create_database(engine)
    await database.create_tables(engine, metadata)
    assert await fill(engine, metadata) == [1, 2]
    await database.clear(engine, metadata)  # the books first, or the shelves could not go
    assert await count(engine, metadata.tables["shelf"]) == 0
    assert await fill(engine, metadata) == [1, 2]  # AUTOINCREMENT starts again
    await engine.dispose()
    path = Path(database.url.database or "")
    assert path.exists()
    await database.drop()
    assert not path.exists()
    assert await app_rows(sqlite_app) == 2


async def test_an_engine_on_the_app_database_is_refused(sqlite_app: str) -> None:
    """The app's engine built before the settings pointed elsewhere: nothing runs on it."""
    database = TestDatabase.beside(sqlite_app)
    engine = create_async_engine(sqlite_app)
    for work in (
        database.create_database(engine),
        database.create_tables(engine, tables()),
        database.clear(engine, tables()),
    ):
        with pytest.raises(Refused, match="built before tests/conftest"):
            await work
    await engine.dispose()
    assert await app_rows(sqlite_app) == 2


async def test_a_refused_database_does_nothing(sqlite_app: str) -> None:
    database = TestDatabase.beside(sqlite_app, sqlite_app)
    engine = create_async_engine(sqlite_app)
    with pytest.raises(Refused, match="app's own database"):
        await database.clear(engine, tables())
    await database.drop()
    await engine.dispose()
    assert Path(make_url(sqlite_app).database or "").exists() and await app_rows(sqlite_app) == 2


async def test_made_drops_the_database_after_the_run(sqlite_app: str) -> None:
    database = TestDatabase.beside(sqlite_app)
    engine = with_foreign_keys(str(database.url))
    async with database.made(engine, tables()):
        assert Path(database.url.database or "").exists()
        assert await synchronous(engine) == 0  # the tests' commits skip fsync
    assert not Path(database.url.database or "").exists()
    assert engine.pool.checkedin() == 0  # its connections closed, none left on the file


async def synchronous(engine: AsyncEngine) -> int:
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(text("PRAGMA synchronous")) or 0)
    finally:
        await engine.dispose()


async def test_the_app_database_keeps_its_syncs(sqlite_app: str) -> None:
    """A refused engine, on the app's own database, is left as it was built."""
    engine = create_async_engine(sqlite_app)
    with pytest.raises(Refused):
        await TestDatabase.beside(sqlite_app).create_tables(engine, tables())
    assert await synchronous(engine) == 2  # FULL, SQLite's default


async def test_made_stops_the_run_when_the_server_cannot_make_it() -> None:
    database = TestDatabase.beside("postgresql+asyncpg://postgres@127.0.0.1:9/app")
    engine = create_async_engine(database.url)
    with pytest.raises(pytest.exit.Exception, match="cannot reach"):
        async with database.made(engine, tables()):
            pytest.fail("the run went on")


# Its life on PostgreSQL.


def test_postgres_emptying_is_one_script_children_first() -> None:
    """What a test leaves goes in one round trip: a tree's own references let go first; the
    names are quoted for PostgreSQL, once as names and again as strings."""
    metadata = tables(schema="it's")
    Table(
        "node",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("up", ForeignKey("it's.node.id")),
    )
    dialect = postgresql.dialect()
    script = [_sql(each, dialect) for each in _emptying(metadata.sorted_tables, dialect)]
    assert script[:-1] == [
        'DELETE FROM "it\'s".book',
        'DELETE FROM "it\'s".shelf',
        'UPDATE "it\'s".node SET up=NULL',
        'DELETE FROM "it\'s".node',
    ]
    assert script[-1].startswith("SELECT setval(")
    assert script[-1].endswith(
        "ANY(CAST(ARRAY['\"it''s\".node', '\"it''s\".shelf', '\"it''s\".book'] AS regclass[]))"
    )


def test_sqlite_restarts_its_counters_only_where_a_table_keeps_them() -> None:
    """`sqlite_sequence` exists once an AUTOINCREMENT table does (the shelves)."""
    dialect = sqlite.dialect()
    script = [_sql(each, dialect) for each in _emptying(tables().sorted_tables, dialect)]
    assert script == ["DELETE FROM book", "DELETE FROM shelf", "DELETE FROM sqlite_sequence"]
    plain = MetaData()
    Table("book", plain, Column("id", Integer, primary_key=True))
    assert [_sql(each, dialect) for each in _emptying(plain.sorted_tables, dialect)] == [
        "DELETE FROM book"
    ]


async def database_exists(admin_url: str, name: str) -> bool:
    engine = create_async_engine(admin_url)
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
        return found is not None
    finally:
        await engine.dispose()


@pytest.mark.postgres
def test_postgres_database_is_made_beside_the_app_and_dropped() -> None:
    metadata = tables(schema="library")
    with fresh_database(f"a_testdb_app_{os.getpid()}") as app:

        async def seed() -> None:
            engine = create_async_engine(app)
            async with engine.begin() as connection:
                await connection.execute(text("CREATE SCHEMA library"))
                await connection.run_sync(metadata.create_all)
            await fill(engine, metadata)
            await engine.dispose()

        async def run(database: TestDatabase) -> None:
            engine = create_async_engine(database.url)
            try:
                await made(database, engine)
            finally:
                await engine.dispose()
                await database.drop()  # again, should the test fail half way
            assert not await database_exists(app, database.url.database or "")

        async def made(database: TestDatabase, engine: AsyncEngine) -> None:
            await database.create_database(engine)
            assert await database_exists(app, database.url.database or "")
            async with engine.connect() as connection:  # the app database's settings
                assert await connection.scalar(text("SHOW timezone")) == "Asia/Kathmandu"
            await database.create_tables(engine, metadata)
            assert await fill(engine, metadata) == [1, 2]
            await database.clear(engine, metadata)
            assert await count(engine, metadata.tables["library.book"]) == 0
            assert await fill(engine, metadata) == [1, 2]  # identities start again
            await engine.dispose()
            await database.drop()
            assert not await database_exists(app, database.url.database or "")

        asyncio.run(seed())
        database = TestDatabase.beside(app)
        assert database.url.database and database.url.database.startswith("a_testdb_app_")
        asyncio.run(run(database))

        async def app_count() -> int:
            engine = create_async_engine(app)
            try:
                return await count(engine, metadata.tables["library.book"])
            finally:
                await engine.dispose()

        assert asyncio.run(app_count()) == 2


@pytest.mark.postgres
def test_postgres_explicit_database_gets_fresh_tables_and_stays() -> None:
    with (
        fresh_database(f"a_testdb_app2_{os.getpid()}") as app,
        fresh_database(f"a_testdb_ci_{os.getpid()}") as explicit,
    ):

        async def run() -> None:
            database = TestDatabase.beside(app, explicit)
            engine = create_async_engine(explicit)
            async with engine.begin() as connection:  # an older version of a table
                await connection.execute(text("CREATE TABLE book (id int, old text)"))
            await database.create_database(engine)
            await database.create_tables(engine, tables())
            assert await fill(engine, tables()) == [1, 2]
            await engine.dispose()
            await database.drop()
            assert await database_exists(app, make_url(explicit).database or "")

        asyncio.run(run())


@pytest.mark.postgres
def test_postgres_user_without_createdb_is_told_what_to_do() -> None:
    role = f"a_testdb_nocreatedb_{os.getpid()}"
    with fresh_database(f"a_testdb_app3_{os.getpid()}") as app:

        async def run() -> None:
            admin = create_async_engine(app, isolation_level="AUTOCOMMIT")
            async with admin.connect() as connection:
                await connection.execute(text(f'CREATE ROLE "{role}" LOGIN NOCREATEDB'))
            try:
                as_role = make_url(app).set(username=role)
                database = TestDatabase.beside(as_role.render_as_string(hide_password=False))
                engine = create_async_engine(database.url)
                with pytest.raises(Refused, match=r"permission denied.*grant the user CREATEDB"):
                    await database.create_database(engine)
                await engine.dispose()
            finally:
                async with admin.connect() as connection:
                    await connection.execute(text(f'DROP ROLE "{role}"'))
                await admin.dispose()

        asyncio.run(run())
