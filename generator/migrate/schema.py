"""The database schema as migrations see it, and the format of its snapshot files.

A snapshot of the tables a revision built. The planner fills it from the spec; `compare` diffs
two of them. Each revision persistgen writes has its snapshot in `.persistgen/revisions/<id>.json`
(format 3: the revision, its parents, its number and its file). Formats 1 and 2 were the single
`.persistgen/state.json` of the head: format 1 held these classes as they were; both still read.
A table's `sqlite_autoincrement` came later within format 3: absent, it is false; so did a
column's `autoincrement` (absent: true), `sequence` and `generated` (absent: none), and
`objects` (the spec's `database_objects`, carried verbatim), a table's `custom_indexes` and a
foreign key's `on_update` and `deferrable`, and a table's `postgres_checks`: absent, there
are none. So did a column's `retired` (absent: false) and `sync` (absent: none), written only
where set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

FORMAT = 3  # the snapshot format this persistgen writes
# The database clocks of db/types.py, by the call a `now` server default spells.
CLOCK_CALLS = {f"{clock}()": clock for clock in ("utcnow", "utcnow_naive", "utctoday", "utctime")}


class NewerFormat(ValueError):
    """A snapshot written by a later persistgen."""


@dataclass(frozen=True)
class ForeignKeyModel:
    column: str
    target_table: str
    target_column: str
    on_delete: str | None  # SQL spelling, e.g. "CASCADE"
    constraint_name: str
    target_schema: str | None = None
    on_update: str | None = None  # SQL spelling, e.g. "CASCADE"
    # DEFERRABLE, and INITIALLY this ("DEFERRED" or "IMMEDIATE"); None: not deferrable
    deferrable: str | None = None

    @property
    def deferrable_args(self) -> str:
        """The keyword arguments SQLAlchemy and Alembic spell a deferrable constraint with."""
        if not self.deferrable:
            return ""
        return f", deferrable=True, initially={self.deferrable!r}"

    @property
    def target(self) -> str:
        table = (
            f"{self.target_schema}.{self.target_table}" if self.target_schema else self.target_table
        )
        return f"{table}.{self.target_column}"


@dataclass(frozen=True)
class DbColumn:
    """A column as the database sees it: what migrations create, compare and alter."""

    name: str
    type: str  # the type in an Alembic revision, e.g. `sa.String(length=200)`
    kind: str  # the spec type, to tell a widening type change from a narrowing one
    params: tuple[str, ...]  # length; precision and scale; or enum values
    nullable: bool
    identity: bool = False
    server_default: str | None = None  # an expression in an Alembic revision
    comment: str | None = None
    check: str | None = None  # the CHECK constraint an enum column brings, by name
    native_type: str | None = None  # a native enum's PostgreSQL type name
    attribute: str = ""  # the model attribute, to follow a change of `column` as a rename
    # A one-column integer key clients supply: no serial, identity or sequence (SQLAlchemy
    # would make one of the key otherwise). Absent from snapshots when true.
    autoincrement: bool = True
    # The named sequence that numbers the key (`DEFAULT nextval(...)` on PostgreSQL), kept by
    # name from an existing database. Absent from snapshots when None.
    sequence: str | None = None
    # A generated column's SQL expression (`GENERATED ALWAYS AS (...) STORED`). Absent from
    # snapshots when None.
    generated: str | None = None
    # Kept for the application version before a rolling deploy (`project.rolling_deploys`):
    # the spec removed or renamed it, the models no longer have it, and the revisions leave
    # it alone until `--contract` drops it. Absent from snapshots when false.
    retired: bool = False
    # A retired column kept equal to the column that renamed it, on PostgreSQL by a trigger:
    # (the trigger's and its function's name, that column). Absent from snapshots when None.
    sync: tuple[str, str] | None = None

    @property
    def waits_for_rows(self) -> bool:
        """NOT NULL with nothing of the database's own to fill existing rows: added nullable,
        backfilled, then made NOT NULL."""
        return not self.nullable and self.server_default is None and self.generated is None

    @property
    def type_imports(self) -> frozenset[str]:
        """What `type` needs in a revision: JSONB, INET and ARRAY are PostgreSQL's."""
        dialect = {"sqlalchemy.dialects:postgresql"} if self._dialect_type else set()
        return frozenset({"sqlalchemy as sa", *dialect})

    @property
    def _dialect_type(self) -> bool:
        """Its type names one of `postgresql`'s (not an enum's value that reads like one)."""
        return self.kind != "enum" and "postgresql." in self.type

    @property
    def default_imports(self) -> frozenset[str]:
        """What `server_default` needs in a revision: a clock is the project's own."""
        if self.server_default in CLOCK_CALLS:
            return frozenset({f"{{package}}.db.types:{CLOCK_CALLS[self.server_default]}"})
        return frozenset({"sqlalchemy as sa"} if self.server_default else ())


@dataclass(frozen=True)
class DbIndex:
    """An index a list of columns cannot say: over SQL expressions, partial (`where`) or
    unique. Its name is the spec's, or the naming convention's for its columns."""

    name: str
    columns: tuple[str, ...] = ()
    expressions: tuple[str, ...] = ()  # SQL, instead of columns
    where: str | None = None  # SQL: the rows it holds
    unique: bool = False


@dataclass(frozen=True)
class DbTable:
    name: str
    resource: str
    columns: tuple[DbColumn, ...]
    primary_key: tuple[str, ...]
    pk_name: str
    uniques: tuple[tuple[str, tuple[str, ...]], ...]  # (constraint name, columns)
    indexes: tuple[tuple[str, tuple[str, ...]], ...]  # (index name, columns)
    foreign_keys: tuple[ForeignKeyModel, ...]
    checks: tuple[tuple[str, str], ...] = ()  # (constraint name, SQL expression)
    schema: str | None = None  # PostgreSQL schema; None: the default one
    # SQLite AUTOINCREMENT: a one-column integer key the database numbers is never handed out
    # twice (identity and serial never are on PostgreSQL). Snapshots from before it lack it:
    # their tables were made without.
    autoincrement: bool = False
    # (index name, column): `search` fields' trigram indexes, on PostgreSQL only
    searches: tuple[tuple[str, str], ...] = ()
    custom_indexes: tuple[DbIndex, ...] = ()
    comment: str | None = None  # the table's comment; absent from snapshots when None
    # CHECKs in SQL of PostgreSQL's own (`dialects: [postgresql]`), which SQLite never has:
    # (constraint name, SQL expression). Absent from snapshots when there are none.
    postgres_checks: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DbObject:
    """An object the spec does not model (a view, a function, a trigger...), carried verbatim:
    `create` runs after the tables, `drop` undoes it. `dialects`: where it runs."""

    name: str
    kind: str
    create: str
    drop: str
    dialects: tuple[str, ...] = ("postgresql",)
    after: tuple[str, ...] = ()  # the tables it needs: a change to one recreates it around

    @property
    def everywhere(self) -> bool:
        return set(self.dialects) >= {"postgresql", "sqlite"}


@dataclass(frozen=True)
class SchemaState:
    """The schema after revision `head`; with no `head`, the schema a new revision builds on:
    nothing (a new project) or the merge of the heads `parents`."""

    head: str | None = None  # the revision this is the schema after
    tables: tuple[DbTable, ...] = field(default_factory=tuple)
    parents: tuple[str, ...] = ()  # the revisions `head` follows (its down_revision)
    number: int = 0  # the file name's ordered prefix: a parent's + 1, a merge's the largest + 1
    file: str | None = None  # the revision file, under migrations/versions
    objects: tuple[DbObject, ...] = ()  # in the order they are created


def state_to_json(state: SchemaState) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "revision": state.head,
        "parents": list(state.parents),
        "number": state.number,
        "file": state.file,
        "tables": [_table_out(t) for t in state.tables],
        # Only where there are some: the snapshots of projects without them stay as they were.
        **({"objects": [_object_out(o) for o in state.objects]} if state.objects else {}),
    }


def _object_out(item: DbObject) -> dict[str, Any]:
    return {
        "name": item.name,
        "kind": item.kind,
        "create": item.create,
        "drop": item.drop,
        "dialects": list(item.dialects),
        "after": list(item.after),
    }


def _object_in(data: dict[str, Any]) -> DbObject:
    return DbObject(
        name=_str(data["name"]),
        kind=_str(data["kind"]),
        create=_str(data["create"]),
        drop=_str(data["drop"]),
        dialects=_strs(data["dialects"]),
        after=_strs(data.get("after", [])),
    )


def state_from_json(data: object) -> SchemaState:
    """Any format this persistgen or an earlier one wrote. Raises ValueError if damaged."""
    data = _dict(data)
    version = data.get("format", 1)
    if version == 1:
        data = _upgrade_v1(data)
    elif isinstance(version, int) and version > FORMAT:
        raise NewerFormat(version)
    elif version not in (2, FORMAT):
        raise ValueError(f"unknown snapshot format {version!r}")
    read = _table_in if version != 1 else _table_in_v1
    tables = tuple(read(_dict(t)) for t in _list(data.get("tables", [])))
    if version != FORMAT:  # state.json: the head's schema, its parents unrecorded
        head = _optional(data.get("head"))
        number = int(head) if head is not None and head.isdigit() else 0
        return SchemaState(head, tables, number=number)
    number = data["number"]
    if not isinstance(number, int) or isinstance(number, bool):
        raise ValueError("expected a number")
    return SchemaState(
        _str(data["revision"]),
        tables,
        parents=_strs(data["parents"]),
        number=number,
        file=_optional(data["file"]),
        objects=tuple(_object_in(_dict(o)) for o in _list(data.get("objects", []))),
    )


def _table_out(table: DbTable) -> dict[str, Any]:
    return {
        "name": table.name,
        "resource": table.resource,
        "schema": table.schema,
        "columns": [_column_out(c) for c in table.columns],
        "primary_key": {"name": table.pk_name, "columns": list(table.primary_key)},
        "uniques": [{"name": n, "columns": list(on)} for n, on in table.uniques],
        "indexes": [{"name": n, "columns": list(on)} for n, on in table.indexes],
        "checks": [{"name": n, "sql": sql} for n, sql in table.checks],
        "foreign_keys": [_foreign_key_out(fk) for fk in table.foreign_keys],
        "sqlite_autoincrement": table.autoincrement,
        # Only where there are some: the snapshots of projects without search stay as they were.
        **(
            {"searches": [{"name": n, "column": c} for n, c in table.searches]}
            if table.searches
            else {}
        ),
        **(
            {"custom_indexes": [_index_out(i) for i in table.custom_indexes]}
            if table.custom_indexes
            else {}
        ),
        **({"comment": table.comment} if table.comment is not None else {}),
        **(
            {"postgres_checks": [{"name": n, "sql": sql} for n, sql in table.postgres_checks]}
            if table.postgres_checks
            else {}
        ),
    }


def _index_out(index: DbIndex) -> dict[str, Any]:
    return {
        "name": index.name,
        "columns": list(index.columns),
        "expressions": list(index.expressions),
        "where": index.where,
        "unique": index.unique,
    }


def _index_in(data: dict[str, Any]) -> DbIndex:
    return DbIndex(
        name=_str(data["name"]),
        columns=_strs(data["columns"]),
        expressions=_strs(data["expressions"]),
        where=_optional(data["where"]),
        unique=_bool(data["unique"]),
    )


def _column_out(column: DbColumn) -> dict[str, Any]:
    return {
        "name": column.name,
        "attribute": column.attribute,
        "type": column.type,
        "kind": column.kind,
        "params": list(column.params),
        "nullable": column.nullable,
        "identity": column.identity,
        "server_default": column.server_default,
        "comment": column.comment,
        "check": column.check,
        "native_type": column.native_type,
        # Only where set: the snapshots of projects without them stay as they were.
        **({} if column.autoincrement else {"autoincrement": False}),
        **({"sequence": column.sequence} if column.sequence is not None else {}),
        **({"generated": column.generated} if column.generated is not None else {}),
        **({"retired": True} if column.retired else {}),
        **({"sync": {"name": column.sync[0], "column": column.sync[1]}} if column.sync else {}),
    }


def _foreign_key_out(fk: ForeignKeyModel) -> dict[str, Any]:
    return {
        "name": fk.constraint_name,
        "column": fk.column,
        "target_schema": fk.target_schema,
        "target_table": fk.target_table,
        "target_column": fk.target_column,
        "on_delete": fk.on_delete,
        # Only where set: the snapshots of projects without it stay as they were.
        **({"on_update": fk.on_update} if fk.on_update else {}),
        **({"deferrable": fk.deferrable} if fk.deferrable else {}),
    }


def _table_in(data: dict[str, Any]) -> DbTable:
    key = _dict(data["primary_key"])
    return DbTable(
        name=_str(data["name"]),
        resource=_str(data["resource"]),
        columns=tuple(_column_in(_dict(c)) for c in _list(data["columns"])),
        primary_key=_strs(key["columns"]),
        pk_name=_str(key["name"]),
        uniques=tuple(_named(u, "columns", _strs) for u in _list(data["uniques"])),
        indexes=tuple(_named(i, "columns", _strs) for i in _list(data["indexes"])),
        foreign_keys=tuple(_foreign_key_in(_dict(fk)) for fk in _list(data["foreign_keys"])),
        checks=tuple(_named(c, "sql", _str) for c in _list(data["checks"])),
        schema=_optional(data["schema"]),
        autoincrement=_bool(data.get("sqlite_autoincrement", False)),
        searches=tuple(_named(i, "column", _str) for i in _list(data.get("searches", []))),
        custom_indexes=tuple(_index_in(_dict(i)) for i in _list(data.get("custom_indexes", []))),
        comment=_optional(data.get("comment")),
        postgres_checks=tuple(
            _named(c, "sql", _str) for c in _list(data.get("postgres_checks", []))
        ),
    )


def _column_in(data: dict[str, Any]) -> DbColumn:
    return DbColumn(
        name=_str(data["name"]),
        attribute=_str(data.get("attribute", "")),
        type=_str(data["type"]),
        kind=_str(data["kind"]),
        params=_strs(data["params"]),
        nullable=_bool(data["nullable"]),
        identity=_bool(data.get("identity", False)),
        server_default=_optional(data.get("server_default")),
        comment=_optional(data.get("comment")),
        check=_optional(data.get("check")),
        native_type=_optional(data.get("native_type")),
        autoincrement=_bool(data.get("autoincrement", True)),
        sequence=_optional(data.get("sequence")),
        generated=_optional(data.get("generated")),
        retired=_bool(data.get("retired", False)),
        sync=_named(data["sync"], "column", _str) if data.get("sync") is not None else None,
    )


def _foreign_key_in(data: dict[str, Any]) -> ForeignKeyModel:
    return ForeignKeyModel(
        column=_str(data["column"]),
        target_table=_str(data["target_table"]),
        target_column=_str(data["target_column"]),
        on_delete=_optional(data["on_delete"]),
        constraint_name=_str(data["name"]),
        target_schema=_optional(data["target_schema"]),
        on_update=_optional(data.get("on_update")),
        deferrable=_optional(data.get("deferrable")),
    )


def _named(data: object, key: str, read: Callable[[Any], T]) -> tuple[str, T]:
    item = _dict(data)
    return _str(item["name"]), read(item[key])


def _table_in_v1(data: dict[str, Any]) -> DbTable:
    """Format 1 was the dataclasses dumped as they were: pairs for uniques, indexes and checks."""
    return DbTable(
        name=_str(data["name"]),
        resource=_str(data["resource"]),
        columns=tuple(_column_in(_dict(c)) for c in _list(data["columns"])),
        primary_key=_strs(data["primary_key"]),
        pk_name=_str(data["pk_name"]),
        uniques=tuple(_pair(u, _strs) for u in _list(data["uniques"])),
        indexes=tuple(_pair(i, _strs) for i in _list(data["indexes"])),
        foreign_keys=tuple(
            _foreign_key_in({**_dict(fk), "name": _dict(fk)["constraint_name"]})
            for fk in _list(data["foreign_keys"])
        ),
        checks=tuple(_pair(c, _str) for c in _list(data.get("checks", []))),
        schema=_optional(data.get("schema")),
    )


def _pair(data: object, read: Callable[[Any], T]) -> tuple[str, T]:
    name, value = _list(data)
    return _str(name), read(value)


def _upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """The first state files name one column where keys, uniques and indexes now list them."""
    for table in _list(data.get("tables", [])):
        table = _dict(table)
        if isinstance(table.get("primary_key"), str):
            table["primary_key"] = [table["primary_key"]]
        for kind in ("uniques", "indexes"):
            table[kind] = [
                [name, [on]] if isinstance(on, str) else [name, on]
                for name, on in _list(table.get(kind) or [])
            ]
    return data


def _dict(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("expected an object")
    return value


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def _optional(value: object) -> str | None:
    return None if value is None else _str(value)


def _strs(value: object) -> tuple[str, ...]:
    return tuple(map(_str, _list(value)))


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value
