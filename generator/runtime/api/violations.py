"""What an IntegrityError broke: the kind of constraint, its name and the fields it covers.

PostgreSQL (asyncpg) says it in the error's SQLSTATE, constraint, table and column; SQLite in
its message ("UNIQUE constraint failed: book.title"). Where the database gives a constraint's
name only, the project's registry names its fields (model attributes, whatever the columns are
called).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    Column,
    ColumnElement,
    ForeignKeyConstraint,
    Index,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import registry as Registry

Kind = Literal["unique", "missing-reference", "still-referenced", "not-null", "check", "other"]

_SQLSTATES: dict[str, Kind] = {
    "23505": "unique",
    "23503": "missing-reference",
    "23502": "not-null",
    "23514": "check",
}
_SQLITE = re.compile(r"(UNIQUE|NOT NULL|CHECK|FOREIGN KEY) constraint failed(?:: (.*))?")
# What SQLite names instead of the columns when an index over expressions is broken.
_SQLITE_INDEX = re.compile(r"index '(.+)'")
_WORD = re.compile(r"\w+")
_SQLITE_KINDS: dict[str, Kind] = {
    "UNIQUE": "unique",
    "NOT NULL": "not-null",
    "CHECK": "check",
    "FOREIGN KEY": "missing-reference",
}


@dataclass(frozen=True)
class Violation:
    kind: Kind
    constraint: str | None = None
    fields: tuple[str, ...] = ()


def violation_of(exc: IntegrityError, models: Registry | None, *, deleting: bool) -> Violation:
    """The constraint `exc` reports; `deleting` tells a row still referenced (the statement
    deletes it) from a reference to a missing row, where the database does not."""
    sqlstate = str(getattr(exc.orig, "sqlstate", None) or "")
    found = _postgresql(exc.orig, sqlstate, models) if sqlstate else _sqlite(str(exc.orig), models)
    if found.kind == "missing-reference" and deleting:
        return Violation("still-referenced", found.constraint)
    return found


def _postgresql(orig: Any, sqlstate: str, models: Registry | None) -> Violation:
    # SQLAlchemy's asyncpg adapter raises its own error from asyncpg's, which carries the facts.
    source = orig.__cause__ or orig
    kind = _SQLSTATES.get(sqlstate, "other")
    constraint = getattr(source, "constraint_name", None)
    table = getattr(source, "table_name", None)
    if kind == "not-null":
        column = getattr(source, "column_name", None)
        return Violation(kind, None, _keys(models, table, [column] if column else []))
    if kind == "missing-reference" and "still referenced" in str(getattr(source, "detail", "")):
        kind = "still-referenced"
    if kind == "other" or constraint is None:
        return Violation(kind, constraint)
    return Violation(kind, constraint, _constraint_fields(models, table, constraint))


def _sqlite(message: str, models: Registry | None) -> Violation:
    matched = _SQLITE.match(message)
    if matched is None:
        return Violation("other")
    kind = _SQLITE_KINDS[matched.group(1)]
    subject = matched.group(2) or ""
    if kind == "check":
        return Violation(kind, subject or None)
    if kind == "unique" and (index := _SQLITE_INDEX.fullmatch(subject)):
        name = index.group(1)
        return Violation(kind, name, _constraint_fields(models, _table_of(models, name), name))
    if kind in ("unique", "not-null") and subject:
        # "t.a, t.b": the table and the columns
        pairs = [part.strip().rpartition(".") for part in subject.split(",")]
        table, columns = pairs[0][0], [column for _, _, column in pairs]
        fields = _keys(models, table, columns)
        constraint = _unique_named(models, table, columns) if kind == "unique" else None
        return Violation(kind, constraint, fields)
    return Violation(kind)


def _table(models: Registry | None, name: str | None) -> Table | None:
    if models is None or name is None:
        return None
    return next((t for t in models.metadata.tables.values() if t.name == name), None)


def _table_of(models: Registry | None, index: str) -> str | None:
    """The table holding the index named `index`."""
    tables = models.metadata.tables.values() if models else ()
    return next((t.name for t in tables if any(i.name == index for i in t.indexes)), None)


def _keys(models: Registry | None, table_name: str | None, columns: list[str]) -> tuple[str, ...]:
    """The fields (model attributes) of `columns`; the column names where the table is
    unknown."""
    table = _table(models, table_name)
    if table is None:
        return tuple(columns)
    fields = _fields(models, table)
    by_name = {column.name: fields.get(column, column.key) for column in table.columns}
    return tuple(by_name.get(column, column) for column in columns)


def _constraint_fields(
    models: Registry | None, table_name: str | None, name: str
) -> tuple[str, ...]:
    table = _table(models, table_name)
    found = (columns for named, columns, _ in _column_sets(table) if named == name)
    fields = _fields(models, table) if table is not None else {}
    return tuple(fields.get(column, column.key) for column in next(found, []))


def _unique_named(models: Registry | None, table_name: str, columns: list[str]) -> str | None:
    """The name of the unique constraint or index over exactly `columns` (SQLite names only
    the columns)."""
    wanted = set(columns)
    for name, covered, unique in _column_sets(_table(models, table_name)):
        if unique and {column.name for column in covered} == wanted:
            return name
    return None


def _fields(models: Registry | None, table: Table) -> dict[ColumnElement[Any], str]:
    """The model attribute each column of `table` is mapped to (`user` for column "order")."""
    mappers = (m for m in (models.mappers if models else ()) if m.local_table is table)
    return {c: prop.key for m in mappers for prop in m.column_attrs for c in prop.columns}


def _column_sets(table: Table | None) -> Iterable[tuple[str, list[Column[Any]], bool]]:
    """The table's named keys, references and indexes: name, columns, and whether unique."""
    if table is None:
        return
    for constraint in table.constraints:
        if isinstance(constraint, ForeignKeyConstraint):
            yield str(constraint.name), [element.parent for element in constraint.elements], False
        elif isinstance(constraint, (UniqueConstraint, PrimaryKeyConstraint)):
            yield str(constraint.name), list(constraint.columns), True
    for index in table.indexes:
        yield str(index.name), _covered(table, index), bool(index.unique)


def _covered(table: Table, index: Index) -> list[Column[Any]]:
    """An index's columns; for one over SQL expressions (`lower(email)`), the columns they
    name."""
    if index.columns:
        return list(index.columns)
    words = {w.lower() for e in index.expressions for w in _WORD.findall(str(e))}
    return [column for column in table.columns if column.name.lower() in words]
