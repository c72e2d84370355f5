"""Sequences moved past the keys already in their tables, after a bulk load; and the server
default of a key numbered by a named sequence.

Rows loaded with their own keys (a copy of another database, `COPY`, a restore of data only)
leave the sequence that numbers new rows where it was: the next create is handed a key a loaded
row already holds, and is refused as a conflict. After such a load, run

    python -m <package>.db.sequences

On PostgreSQL it sets the sequence of every key the database numbers (identity, serial, or a
named `sequence`) so that its next value is past the table's largest key; on SQLite it raises
the counter of each AUTOINCREMENT table (`sqlite_sequence`) to its largest key. A sequence
already past them is left where it is (lowering it would hand a deleted row's key out again),
so a second run changes nothing. It prints what it changed.
"""

from __future__ import annotations

import asyncio
import importlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Sequence, Table, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement

from persistgen.runtime.db.base import Base

_SERIAL_SEQUENCE = text("SELECT pg_get_serial_sequence(:table, :column)")
_SET = text("SELECT setval(CAST(:sequence AS regclass), :next, false)")
_SQLITE_COUNTER = text("SELECT seq FROM sqlite_sequence WHERE name = :table")
_SQLITE_RAISE = text("UPDATE sqlite_sequence SET seq = :seq WHERE name = :table")
_SQLITE_ADD = text("INSERT INTO sqlite_sequence (name, seq) VALUES (:table, :seq)")


class NextValue(ColumnElement[int]):
    """A named sequence's next value, as the server default of the key it numbers."""

    inherit_cache = False  # only ever compiled into DDL
    type = Integer()

    def __init__(self, sequence: Sequence) -> None:
        self.sequence = sequence


def next_value(sequence: Sequence) -> NextValue:
    """`server_default=next_value(Sequence("name"))`: `DEFAULT nextval('name'::regclass)`, as
    an existing database's serial-style key has it."""
    return NextValue(sequence)


@compiles(NextValue)
def _nextval(element: NextValue, compiler: SQLCompiler, **_kw: Any) -> str:
    name = compiler.preparer.format_sequence(element.sequence).replace("'", "''")
    return f"nextval('{name}'::regclass)"


@compiles(NextValue, "sqlite")
def _rowid(_element: NextValue, _compiler: SQLCompiler, **_kw: Any) -> str:
    # SQLite has no sequences: an INTEGER PRIMARY KEY left NULL takes the next rowid.
    return "NULL"


@dataclass(frozen=True)
class Moved:
    """A sequence (or SQLite counter) set forward: the next key it gives, before and after."""

    table: str
    column: str
    sequence: str
    before: int
    after: int

    def __str__(self) -> str:
        return (
            f"{self.table}.{self.column}: {self.sequence} now gives {self.after} "
            f"(was {self.before})"
        )


def advance(connection: Connection, metadata: MetaData) -> list[Moved]:
    """Every sequence of `metadata`'s numbered keys set past its table's largest key, on the
    connection's database; what moved."""
    moved: list[Moved] = []
    postgres = connection.dialect.name == "postgresql"
    for table in metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        largest = connection.scalar(select(func.max(column)).select_from(table))
        if postgres:
            change = _postgres(connection, table, column, largest or 0)
        elif connection.dialect.name == "sqlite" and table.dialect_options["sqlite"].get(
            "autoincrement"
        ):
            change = _sqlite(connection, table, column, largest or 0)
        else:  # SQLite without AUTOINCREMENT numbers past the largest key anyway
            change = None
        if change is not None:
            moved.append(change)
    return moved


def _postgres(
    connection: Connection, table: Table, column: Column[Any], largest: int
) -> Moved | None:
    preparer = connection.dialect.identifier_preparer
    if isinstance(column.default, Sequence):  # a named one
        sequence: str | None = preparer.format_sequence(column.default)
    else:  # identity and serial: the sequence the column owns
        values = {"table": preparer.format_table(table), "column": column.name}
        sequence = connection.scalar(_SERIAL_SEQUENCE, values)
    if sequence is None:
        return None
    row = connection.execute(text(f"SELECT last_value, is_called FROM {sequence}")).one()
    before = row.last_value + 1 if row.is_called else row.last_value
    if before > largest:
        return None
    connection.execute(_SET, {"sequence": sequence, "next": largest + 1})
    return Moved(table.name, column.name, sequence, before, largest + 1)


def _sqlite(
    connection: Connection, table: Table, column: Column[Any], largest: int
) -> Moved | None:
    values: dict[str, Any] = {"table": table.name, "seq": largest}
    counter = connection.scalar(_SQLITE_COUNTER, values)
    if largest <= (counter or 0):  # already past (or no key yet, and no counter)
        return None
    connection.execute(_SQLITE_ADD if counter is None else _SQLITE_RAISE, values)
    return Moved(table.name, column.name, "sqlite_sequence", (counter or 0) + 1, largest + 1)


async def main() -> None:
    """Every table of the project's models, on the database its settings name."""
    # Here, not above: models and migrations import `next_value`, and need no engine.
    from persistgen.runtime.db.engine import engine

    # The models register their tables on Base.metadata as they are imported.
    package = (__package__ or "").rpartition(".")[0]  # `<package>.db`, even run as __main__
    importlib.import_module(f"{package}.models")
    async with engine.begin() as connection:
        moved = await connection.run_sync(advance, Base.metadata)
    await engine.dispose()
    for change in moved:
        print(change)
    if not moved:
        print("Every sequence is already past its table's keys: nothing changed.")


if __name__ == "__main__":
    asyncio.run(main())
