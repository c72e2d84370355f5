"""db/online.py: on PostgreSQL each change of a revision is a step of its own that a live table
survives (built concurrently, validated apart, batched), waits no longer than the lock timeout,
tries again, and is skipped when a stopped revision runs again; on SQLite, batch mode as ever."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa
from alembic import op
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from persistgen.runtime.db import online
from persistgen.runtime.settings import get_settings
from tests.postgres import fresh_database, sql

BOOKS = (
    "CREATE TABLE authors (id bigint PRIMARY KEY)",
    "CREATE TABLE books (id bigint PRIMARY KEY, title varchar(50), pages int, author_id bigint)",
    "INSERT INTO authors VALUES (1), (2)",
    "INSERT INTO books SELECT g, 't' || g, NULL, 1 + g % 2 FROM generate_series(1, 25) g",
    "UPDATE books SET pages = 7 WHERE id = 3",
)


@pytest.fixture
def url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_MIGRATION_BATCH_ROWS", "10")
    monkeypatch.setenv("DATABASE_MIGRATION_LOCK_TIMEOUT", "0.2")
    monkeypatch.setenv("DATABASE_MIGRATION_LOCK_RETRIES", "2")
    get_settings.cache_clear()
    with fresh_database("pgon_runtime") as url:
        for statement in BOOKS:
            sql(url, statement)
        yield url
    get_settings.cache_clear()


def migrate(url: str, work: Callable[[], None]) -> None:
    """`work` as a revision's upgrade runs it: in the migration's transaction, `op` at hand."""

    def run(connection: Connection) -> None:
        context = MigrationContext.configure(connection)
        with Operations.context(context), context.begin_transaction():
            work()
        if connection.in_transaction():  # SQLite's: Alembic leaves it to the caller
            connection.commit()

    async def main() -> None:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(run)
        await engine.dispose()

    asyncio.run(main())


def one(url: str, statement: str) -> Any:
    return sql(url, statement)[0][0]


def test_a_batch_on_postgresql_builds_each_change_apart_and_leaves_nothing_behind(
    url: str,
) -> None:
    def upgrade() -> None:
        with online.batch("books") as batch_op:
            batch_op.add_column(sa.Column("isbn", sa.String(20), nullable=True))
            batch_op.alter_column("title", new_column_name="headline")
            batch_op.create_unique_constraint(op.f("uq_books_headline"), ["headline"])
            batch_op.create_index(op.f("ix_books_isbn"), ["isbn"])
            batch_op.create_foreign_key(op.f("fk_books_author"), "authors", ["author_id"], ["id"])
            batch_op.create_check_constraint(op.f("ck_books_pages"), "pages >= 0")
        online.backfill("books", sa.column("pages", sa.Integer()), 100)
        with online.batch("books") as batch_op:
            batch_op.alter_column("pages", existing_type=sa.Integer(), nullable=False)

    migrate(url, upgrade)
    constraints = dict(
        sql(
            url,
            "SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'books'::regclass",
        )
    )
    assert constraints == {
        "books_pkey": True,
        "uq_books_headline": True,
        "fk_books_author": True,
        "ck_books_pages": True,
    }  # validated, and the CHECK that made pages NOT NULL is gone
    indexes = sql(
        url,
        "SELECT indexrelid::regclass::text, indisvalid FROM pg_index "
        "WHERE indrelid = 'books'::regclass ORDER BY 1",
    )
    assert indexes == [("books_pkey", True), ("ix_books_isbn", True), ("uq_books_headline", True)]
    assert (
        one(
            url,
            "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'books'::regclass "
            "AND attname = 'pages'",
        )
        is True
    )
    assert sql(url, "SELECT pages, count(*) FROM books GROUP BY pages ORDER BY 1") == [
        (7, 1),  # a value already there stays
        (100, 24),
    ]


def test_a_revision_run_again_skips_what_is_done_and_rebuilds_a_stopped_index(url: str) -> None:
    def upgrade() -> None:
        with online.batch("books") as batch_op:
            batch_op.alter_column("title", new_column_name="headline")
            batch_op.create_index(op.f("ix_books_pages"), ["pages"])
            batch_op.create_foreign_key(op.f("fk_books_author"), "authors", ["author_id"], ["id"])
        online.rename_table("authors", "writers")

    migrate(url, upgrade)
    # What a concurrent build stopped halfway leaves: the index, marked invalid.
    sql(url, "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'ix_books_pages'::regclass")
    migrate(url, upgrade)
    assert one(url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_books_pages'::regclass")
    assert one(url, "SELECT count(*) FROM pg_constraint WHERE conname = 'fk_books_author'") == 1
    assert one(url, "SELECT to_regclass('writers')::text") == "writers"


def test_a_busy_table_is_tried_again_then_named_and_the_revision_resumes(url: str) -> None:
    def upgrade() -> None:
        with online.batch("books") as batch_op:
            batch_op.add_column(sa.Column("isbn", sa.String(20), nullable=True))
            batch_op.create_check_constraint(op.f("ck_books_pages"), "pages >= 0")

    async def hold(seconds: float, ready: asyncio.Event) -> None:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(dsn)
        async with connection.transaction():  # a long transaction that has read the table
            await connection.execute("SELECT count(*) FROM books")
            ready.set()
            await asyncio.sleep(seconds)
        await connection.close()

    async def migrate_while_held(seconds: float) -> None:
        ready = asyncio.Event()
        holder = asyncio.create_task(hold(seconds, ready))
        await ready.wait()
        try:
            await asyncio.to_thread(migrate, url, upgrade)
        finally:
            await holder

    with pytest.raises(online.LockNotTaken, match=r"could not lock books within 0\.2 s in 3 tries"):
        asyncio.run(migrate_while_held(5))
    asyncio.run(migrate_while_held(0.5))  # retried until the transaction ends
    assert one(url, "SELECT count(*) FROM pg_constraint WHERE conname = 'ck_books_pages'") == 1
    assert one(url, "SELECT count(*) FROM books") == 25


def test_on_sqlite_a_batch_is_alembics_batch_mode(tmp_path: Path) -> None:
    path = tmp_path / "books.db"
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE books (id INTEGER PRIMARY KEY, pages INTEGER)")
        connection.execute("INSERT INTO books (pages) VALUES (NULL), (7)")

    def upgrade() -> None:
        online.backfill("books", sa.column("pages", sa.Integer()), 100)
        with online.batch("books") as batch_op:
            assert not isinstance(batch_op, online.OnlineBatch)
            batch_op.alter_column("pages", existing_type=sa.Integer(), nullable=False)
            batch_op.create_check_constraint(op.f("ck_books_pages"), "pages >= 0")

    migrate(f"sqlite+aiosqlite:///{path}", upgrade)
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT pages FROM books ORDER BY id").fetchall() == [
            (100,),
            (7,),
        ]
        (table,) = connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'books'"
        ).fetchone()
    assert "pages INTEGER NOT NULL" in table and "CHECK (pages >= 0)" in table


def test_a_non_native_enum_gets_its_check_apart_and_keeps_its_column_type(url: str) -> None:
    def format_(*values: str) -> sa.Enum:
        return sa.Enum(*values, name="book_format", native_enum=False, create_constraint=True)

    def upgrade() -> None:
        with online.batch("books") as batch_op:
            batch_op.add_column(sa.Column("format", format_("paper", "ebook"), nullable=True))
        with online.batch("books") as batch_op:
            batch_op.alter_column(
                "format", existing_type=format_("paper", "ebook"), type_=format_("paper", "audio")
            )

    migrate(url, upgrade)
    checks = sql(
        url,
        "SELECT conname, convalidated, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'books'::regclass AND contype = 'c'",
    )
    assert checks == [
        (
            "book_format",
            True,
            "CHECK (((format)::text = ANY ((ARRAY['paper'::character varying, "
            "'audio'::character varying])::text[])))",
        )
    ]
    assert (
        one(
            url,
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'books'::regclass AND attname = 'format'",
        )
        == "character varying(5)"
    )
