"""Which CHECK constraints the generated test data breaks, and the other samples (none, for a
nullable field or reference; another spelling of a text) that make it break fewer: each check
of a resource is evaluated in an in-memory SQLite over the rows the factories make and the
row the update test leaves.

SQLite stands in for both databases: a check it cannot read (PostgreSQL-only syntax) is told
apart from one the data breaks. A reference the factories fill holds `FILLED`, a stand-in
(checks over references ask whether they are set, `(a_id IS NULL) <> (b_id IS NULL)`); the
other columns the factories do not send (keys and values the database sets) are NULL, so a
check over them counts as met, as SQL counts NULL.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import enum
import itertools
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from persistgen import naming
from persistgen.plan import check_sql
from persistgen.project_model import ColumnModel, RefModel, ResourceModel, Sample
from persistgen.project_model.suite import UnmetCheck

ROWS = (1, 2, 99, 10_000)  # the row numbers `n` tried: a test's first rows, and later ones
FILLED = 1  # what a reference the factories fill holds here
MOST_TRIED = 8  # the columns a search gives other samples, at most
MOST_CHOICES = 1000  # the choices of samples it tries, at most
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"

Row = dict[str, Any]  # column name -> the value SQLite compares
Checks = Sequence[tuple[str, str]]  # (name in the spec, SQL)


@dataclass(frozen=True)
class Planned:
    """A resource's rows as the factories plan them."""

    columns: Sequence[ColumnModel]
    filled: frozenset[str]  # the references the factories fill, by attribute
    update: ColumnModel | None  # the column the update tests change
    chosen: Mapping[str, Sample] = field(default_factory=dict)  # samples tried instead

    def rows(self) -> list[Row]:
        """Rows `ROWS` as created, then as the update leaves them."""
        created = [self._created(n) for n in ROWS]
        change = self.update
        if change is None:
            return created
        update = self.chosen.get(change.name, change.test).update
        updated = [
            {**row, change.db.name: _stored(sample_value(change, update, n))}
            for n, row in zip(ROWS, created, strict=True)
        ]
        return [*created, *updated]

    def _created(self, n: int) -> Row:
        return {c.db.name: self._value(c, n) for c in self.columns}

    def _value(self, c: ColumnModel, n: int) -> Any:
        if c.foreign_key:  # the one choice for a reference: `EMPTY`
            return FILLED if c.name in self.filled and c.name not in self.chosen else None
        sample = self.chosen.get(c.name, c.test)
        return _stored(sample_value(c, sample.value, n)) if c.in_create else None


def unmet_checks(connection: sqlite3.Connection, r: ResourceModel) -> tuple[UnmetCheck, ...]:
    """The resource's checks that some planned row breaks, or that SQLite cannot evaluate."""
    if not r.orm.checks:
        return ()
    filled = frozenset(ref.column for ref in r.external_refs)
    rows = Planned(r.columns, filled, r.update_column).rows()
    found = []
    for name, sql in r.orm.checks:
        met = _met(connection, sql, rows)
        if met is None:
            found.append(UnmetCheck(name, sql, _fields(r, sql), evaluable=False))
        elif not met:
            found.append(UnmetCheck(name, sql, _fields(r, sql), evaluable=True))
    return tuple(found)


def sqlite_reads(sql: str, columns: Iterable[str]) -> bool:
    """Whether SQLite itself evaluates the SQL expression `sql`, as written, over a row of
    `columns` (all NULL): it prepares the whole expression, so PostgreSQL's own syntax (`::`
    casts, `~`, `= ANY (...)`), a function SQLite lacks or a column the table lacks makes it
    fail. A plain SQLite, not `sqlite()`: what it reads of PostgreSQL's SQL (check_sql) is for
    trying test data, while this decides what a SQLite database is made with."""
    row = ", ".join(f"NULL AS {naming.always_quoted(name)}" for name in columns)
    with contextlib.closing(sqlite3.connect(":memory:")) as connection:
        try:
            connection.execute(f"SELECT ({sql}) FROM (SELECT {row})")
        except sqlite3.Error:
            return False
    return True


def fitted(
    columns: Sequence[ColumnModel],
    refs: Sequence[RefModel],
    update: ColumnModel | None,
    checks: Checks,
    choices: Mapping[str, Sequence[Sample]],
) -> dict[str, Sample]:
    """Other samples for some columns (attributes; `EMPTY` leaves a nullable one, or a
    reference, empty), from their `choices`, so that the planned rows break the fewest checks
    SQLite evaluates: `(plan_id IS NULL) <> (subscription_id IS NULL)` wants one of them
    empty, `(status = 'approved') = (approved_at IS NOT NULL)` the timestamp, `code ~
    '^[a-z0-9_]+$'` a code spelled `code_1`. Only columns a broken check names are tried, the
    fewest first, in their order; none when no choice breaks fewer checks than the samples."""
    if not checks:
        return {}
    filled = frozenset(ref.column for ref in refs if not ref.self_reference and not ref.cyclic)
    with sqlite() as connection:

        def broken(chosen: dict[str, Sample]) -> list[str]:
            rows = Planned(columns, filled, update, chosen).rows()
            return [sql for _, sql in checks if _met(connection, sql, rows) is False]

        best: dict[str, Sample] = {}
        fewest = broken(best)
        named = {c.name for sql in fewest for c in _named(columns, sql)}
        tried = [c.name for c in columns if c.name in named and choices.get(c.name)]
        for chosen in itertools.islice(_choices(tried[:MOST_TRIED], choices), MOST_CHOICES):
            if not fewest:
                break
            if len(found := broken(chosen)) < len(fewest):
                best, fewest = chosen, found
    return best


def _choices(
    names: Sequence[str], choices: Mapping[str, Sequence[Sample]]
) -> Iterator[dict[str, Sample]]:
    """Each choice of other samples: one column's, then two columns', and so on."""
    for size in range(1, len(names) + 1):
        for chosen in itertools.combinations(names, size):
            for samples in itertools.product(*(choices[name] for name in chosen)):
                yield dict(zip(chosen, samples, strict=True))


def sqlite() -> contextlib.closing[sqlite3.Connection]:
    """An in-memory database to evaluate checks in, closed after."""
    connection = sqlite3.connect(":memory:")
    check_sql.add_functions(connection)
    return contextlib.closing(connection)


def _met(connection: sqlite3.Connection, sql: str, rows: list[Row]) -> bool | None:
    """Whether every row meets the check; None if SQLite cannot evaluate it."""
    try:
        return all(_holds(connection, sql, row) for row in rows)
    except sqlite3.Error:
        return None


def _named(columns: Sequence[ColumnModel], sql: str) -> list[ColumnModel]:
    """The columns the check names (as a word of its SQL)."""
    words = {word.lower() for word in re.findall(r"\w+", sql)}
    # a quoted name, `"display name"` or `"createdAt"`, is one word however it is spelled
    words |= {q.replace('""', '"').lower() for q in re.findall(r'"((?:[^"]|"")+)"', sql)}
    return [c for c in columns if c.db.name.lower() in words]


def _fields(r: ResourceModel, sql: str) -> tuple[str, ...]:
    """The fields the factories send whose column the check names."""
    return tuple(c.name for c in _named(r.columns, sql) if c.in_create and not c.foreign_key)


def _holds(connection: sqlite3.Connection, sql: str, row: Row) -> bool:
    """SQL's rule for a CHECK: only a false result (zero) breaks it; NULL does not."""
    columns = ", ".join(f"? AS {naming.always_quoted(name)}" for name in row)
    query = f"SELECT ({check_sql.for_sqlite(sql)}) FROM (SELECT {columns})"
    result = connection.execute(query, tuple(row.values()))
    return result.fetchone()[0] not in (0, 0.0)


def sample_value(c: ColumnModel, code: str, n: int) -> Any:
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
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value
