"""Column types that behave the same on every supported database."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import Date, DateTime, Time
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator


class AwareDateTime(TypeDecorator[dt.datetime]):
    """TIMESTAMP WITH TIME ZONE that is timezone-aware in Python on every database.

    PostgreSQL keeps the instant itself. SQLite has no time zone type, so values are stored in
    UTC and read back as UTC instead of as naive wall-clock times.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[dt.datetime]:
        return dt.datetime

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is not None and value.tzinfo is not None:
            return value.astimezone(dt.UTC)
        return value

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[Any], dt.datetime | None] | None:
        if dialect.name == "postgresql":
            # timestamptz values come back aware: no call per value, which list pages feel.
            return self.impl_instance.dialect_impl(dialect).result_processor(dialect, coltype)
        return super().result_processor(dialect, coltype)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class AwareTime(TypeDecorator[dt.time]):
    """TIME WITH TIME ZONE, stored and read back in UTC on every database.

    PostgreSQL would keep each value's own offset, and SQLite keeps none; both get UTC, so
    values compare and sort alike. A naive value is taken to be in UTC.
    """

    impl = Time(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[dt.time]:
        return dt.time

    def process_bind_param(self, value: dt.time | None, dialect: Dialect) -> dt.time | None:
        return None if value is None else in_utc(value)

    def process_result_value(self, value: dt.time | None, dialect: Dialect) -> dt.time | None:
        return None if value is None else in_utc(value)


def in_utc(value: dt.time) -> dt.time:
    """`value` as a UTC time of day; a naive one is taken to be in UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    if value.utcoffset() is None:
        raise ValueError(f"{value}: a time zone without a fixed offset names no time of day")
    # A time of day has no date to shift across midnight: any will do.
    return dt.datetime.combine(dt.date(2000, 1, 1), value).astimezone(dt.UTC).timetz()


# The database clocks for server defaults and `onupdate`, in UTC on every database. Migrations
# import them too, so they stay here whether or not a column uses them now.
class utcnow(FunctionElement[dt.datetime]):
    """The database clock, as a server default and on update. On SQLite it is written with
    microseconds, as SQLAlchemy writes datetimes there, so values compare in time order."""

    type = DateTime(timezone=True)
    inherit_cache = True


@compiles(utcnow)
def _current_timestamp(_element: Any, _compiler: Any, **_kw: Any) -> str:
    return "CURRENT_TIMESTAMP"


class utcnow_naive(FunctionElement[dt.datetime]):
    """The database clock in UTC without a time zone, for `timezone: false` columns, which
    PostgreSQL would otherwise give the session time zone's wall clock."""

    type = DateTime()
    inherit_cache = True


@compiles(utcnow_naive)
def _utc_wall_clock(_element: Any, _compiler: Any, **_kw: Any) -> str:
    return "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')"


@compiles(utcnow, "sqlite")
@compiles(utcnow_naive, "sqlite")
def _sqlite_now(_element: Any, _compiler: Any, **_kw: Any) -> str:
    return "strftime('%Y-%m-%d %H:%M:%f000', 'now')"


class utctoday(FunctionElement[dt.date]):
    """The database clock's date in UTC; PostgreSQL's CURRENT_DATE is the session time zone's."""

    type = Date()
    inherit_cache = True


@compiles(utctoday)
def _utc_date(_element: Any, _compiler: Any, **_kw: Any) -> str:
    return "CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS DATE)"


@compiles(utctoday, "sqlite")
def _sqlite_date(_element: Any, _compiler: Any, **_kw: Any) -> str:
    return "CURRENT_DATE"  # in UTC


class utctime(FunctionElement[dt.time]):
    """The database clock's time of day in UTC, written on SQLite as SQLAlchemy writes times."""

    type = Time()
    inherit_cache = True


@compiles(utctime)
def _current_time(_element: Any, _compiler: Any, **_kw: Any) -> str:
    # CURRENT_TIME alone is in the session's time zone.
    return "(CURRENT_TIME AT TIME ZONE 'UTC')"


@compiles(utctime, "sqlite")
def _sqlite_time(_element: Any, _compiler: Any, **_kw: Any) -> str:
    return "strftime('%H:%M:%f000', 'now')"
