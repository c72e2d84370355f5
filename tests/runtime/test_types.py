"""Column types and DTO types that behave alike on every database: checked here on SQLite."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.functions import FunctionElement

from persistgen.runtime.db.types import in_utc, utcnow, utcnow_naive, utctime, utctoday
from persistgen.runtime.schemas.base import Int32, OffsetDatetime, OffsetTime, WriteModel
from tests.runtime.models import BookCreate, BookRepository

pytestmark = pytest.mark.anyio
PARIS = dt.timezone(dt.timedelta(hours=2))


async def test_aware_datetimes_are_stored_in_utc_and_read_back_aware(
    session: AsyncSession,
) -> None:
    books = BookRepository(session)
    moment = dt.datetime(2024, 5, 1, 14, 0, tzinfo=PARIS)
    book = await books.create(BookCreate(title="Emma", read_at=moment, opens_at=dt.time(9, 0)))
    read = await books.read(book.id)
    assert read is not None and read.read_at == moment
    assert read.read_at.utcoffset() == dt.timedelta(0)
    session.expunge_all()  # read back from the database, not the identity map
    again = await books.get(book.id)
    assert again.opens_at == dt.time(9, 0, tzinfo=dt.UTC)


def test_in_utc_shifts_a_time_of_day_and_takes_naive_as_utc() -> None:
    assert in_utc(dt.time(14, 30, tzinfo=PARIS)) == dt.time(12, 30, tzinfo=dt.UTC)
    assert in_utc(dt.time(1, 0, tzinfo=PARIS)) == dt.time(23, 0, tzinfo=dt.UTC)
    assert in_utc(dt.time(8, 0)) == dt.time(8, 0, tzinfo=dt.UTC)


def test_an_offset_time_needs_its_offset() -> None:
    adapter = TypeAdapter(OffsetTime)
    assert adapter.validate_python("12:30:00+02:00") == dt.time(10, 30, tzinfo=dt.UTC)
    with pytest.raises(ValidationError, match="needs its UTC offset"):
        adapter.validate_python("12:30:00")


def test_an_offset_datetime_needs_its_offset_and_is_kept_in_utc() -> None:
    """What a write answers is what reads answer: the instant in UTC, not the client's offset."""
    adapter = TypeAdapter(OffsetDatetime)
    moment = adapter.validate_python("2026-01-01T12:00:00+02:00")
    assert moment == dt.datetime(2026, 1, 1, 10, tzinfo=dt.UTC)
    assert moment.tzinfo is dt.UTC
    assert adapter.dump_json(moment) == b'"2026-01-01T10:00:00Z"'
    with pytest.raises(ValidationError, match="should have timezone info"):
        adapter.validate_python("2026-01-01T12:00:00")
    with pytest.raises(ValidationError, match="out of range in UTC"):  # not an OverflowError
        adapter.validate_python("0001-01-01T00:00:00+01:00")


def test_integers_are_bounded_as_the_columns_store_them() -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Int32).validate_python(2**31)


def test_write_dtos_refuse_nul_explicit_nulls_and_unknown_fields() -> None:
    with pytest.raises(ValidationError, match="cannot contain the NUL character"):
        BookCreate(title="a\x00b")
    with pytest.raises(ValidationError, match="pages cannot be null"):
        BookCreate(title="a", pages=None)
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        WriteModel.model_validate({"id": 1})


@pytest.mark.parametrize(
    ("clock", "on_postgres", "on_sqlite"),
    [
        (utcnow(), "CURRENT_TIMESTAMP", "strftime('%Y-%m-%d %H:%M:%f000', 'now')"),
        (utcnow_naive(), "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')", "strftime("),
        (utctoday(), "CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS DATE)", "CURRENT_DATE"),
        (utctime(), "(CURRENT_TIME AT TIME ZONE 'UTC')", "strftime('%H:%M:%f000', 'now')"),
    ],
)
def test_database_clocks_are_written_per_dialect(
    clock: FunctionElement[Any], on_postgres: str, on_sqlite: str
) -> None:
    statement = select(clock)
    postgres = PGDialect()  # type: ignore[no-untyped-call]
    assert on_postgres in str(statement.compile(dialect=postgres))
    assert on_sqlite in str(statement.compile(dialect=sqlite.dialect()))


async def test_the_sqlite_clock_reads_as_the_current_utc_time(session: AsyncSession) -> None:
    from persistgen.runtime.tests.clocks import is_utc_now

    assert is_utc_now(await session.scalar(select(utcnow())))
    assert is_utc_now(await session.scalar(select(utctoday())))
