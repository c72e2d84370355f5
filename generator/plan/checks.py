"""Which CHECK constraints the generated test data breaks: each check of a resource, evaluated
in an in-memory SQLite over the rows the factories make and the row the update test leaves.

SQLite stands in for both databases: a check it cannot read (PostgreSQL-only syntax) is told
apart from one the data breaks. Columns the factories do not send (references, keys and values
the database sets) are NULL here, so a check over them counts as met, as SQL counts NULL.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import enum
import json
import re
import sqlite3
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from persistgen import naming
from persistgen.project_model import ColumnModel, ResourceModel
from persistgen.project_model.suite import UnmetCheck

ROWS = (1, 2, 99, 10_000)  # the row numbers `n` tried: a test's first rows, and later ones
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"

Row = dict[str, Any]  # column name -> the value SQLite compares


def unmet_checks(connection: sqlite3.Connection, r: ResourceModel) -> tuple[UnmetCheck, ...]:
    """The resource's checks that some planned row breaks, or that SQLite cannot evaluate."""
    if not r.orm.checks:
        return ()
    rows = [*(_created(r, n) for n in ROWS), *(_updated(r, n) for n in ROWS if r.update_column)]
    found = []
    for name, sql in r.orm.checks:
        try:
            met = all(_holds(connection, sql, row) for row in rows)
        except sqlite3.Error:
            found.append(UnmetCheck(name, sql, _fields(r, sql), evaluable=False))
            continue
        if not met:
            found.append(UnmetCheck(name, sql, _fields(r, sql), evaluable=True))
    return tuple(found)


def sqlite_reads(connection: sqlite3.Connection, sql: str, columns: Iterable[str]) -> bool:
    """Whether SQLite can evaluate the check `sql` over a row of `columns` (all NULL): it
    prepares the whole expression, so PostgreSQL's own syntax (`::` casts, `~`, `= ANY (...)`),
    a function SQLite lacks or a column the table lacks makes it fail."""
    try:
        _holds(connection, sql, dict.fromkeys(columns))
    except sqlite3.Error:
        return False
    return True


def sqlite() -> contextlib.closing[sqlite3.Connection]:
    """An in-memory database to evaluate checks in, closed after."""
    return contextlib.closing(sqlite3.connect(":memory:"))


def _fields(r: ResourceModel, sql: str) -> tuple[str, ...]:
    """The fields the factories send whose column the check names (as a word of its SQL)."""
    words = {word.lower() for word in re.findall(r"\w+", sql)}
    # a quoted name, `"display name"` or `"createdAt"`, is one word however it is spelled
    words |= {q.replace('""', '"').lower() for q in re.findall(r'"((?:[^"]|"")+)"', sql)}
    return tuple(
        c.name
        for c in r.columns
        if c.in_create and not c.foreign_key and c.db.name.lower() in words
    )


def _holds(connection: sqlite3.Connection, sql: str, row: Row) -> bool:
    """SQL's rule for a CHECK: only a false result (zero) breaks it; NULL does not."""
    columns = ", ".join(f"? AS {naming.always_quoted(name)}" for name in row)
    result = connection.execute(f"SELECT ({sql}) FROM (SELECT {columns})", tuple(row.values()))
    return result.fetchone()[0] not in (0, 0.0)


def _created(r: ResourceModel, n: int) -> Row:
    """Row `n` as the factories create it."""
    return {
        c.db.name: _stored(_sample_value(c, c.test.value, n))
        if c.in_create and not c.foreign_key
        else None
        for c in r.columns
    }


def _updated(r: ResourceModel, n: int) -> Row:
    """Row `n` after the update tests set their column."""
    change = r.update_column
    assert change is not None
    return {**_created(r, n), change.db.name: _stored(_sample_value(change, change.test.update, n))}


def _sample_value(c: ColumnModel, code: str, n: int) -> Any:
    """The value of a sample expression for row `n`. The samples are small Python expressions
    of `n` that samples.py spells; evaluating them, with the names the factories give them,
    is the one place that reads them as values."""
    names: dict[str, Any] = {
        "dt": dt,
        "Decimal": Decimal,
        "uuid4": uuid4,
        "_short_text": _short_text,
        "n": n,
    }
    if c.type.members:  # the project's enum class
        names[c.type.python] = enum.Enum(
            c.type.python, [(m, ast.literal_eval(v)) for m, v in c.type.members]
        )
    return eval(code, {"__builtins__": {"list": list, "str": str, "float": float}}, names)


def _short_text(n: int, width: int, least: int) -> str:
    """The factories' `_short_text` (tests/factories.py.jinja): `n` in base 36, counting round."""
    n %= 36**width
    text = _BASE36[n % 36]
    while n := n // 36:
        text = _BASE36[n % 36] + text
    return text.rjust(least, "0")


def _stored(value: Any) -> Any:
    """A value as SQLAlchemy stores it in SQLite (moments as ISO text, in UTC)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.replace(tzinfo=None).strftime("%H:%M:%S.%f")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, UUID):
        return value.hex
    if isinstance(value, dict):
        return json.dumps(value)
    return value
