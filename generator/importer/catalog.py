"""What `persistgen import` reads from a database: plain, frozen facts, no SQLAlchemy objects,
so the mapping to a spec (to_spec.py) is a pure function that tests build by hand."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ColumnType:
    """A column's type, normalised across dialects. `kind` is one of: smallint, int, bigint,
    varchar, char, text, numeric, float, real, bool, date, timestamp, time, uuid, json, jsonb,
    bytes, inet, interval, array, enum, other."""

    kind: str
    length: int | None = None  # varchar, char
    precision: int | None = None  # numeric
    scale: int | None = None  # numeric
    timezone: bool = False  # timestamp, time
    item: ColumnType | None = None  # array: its elements
    enum_name: str | None = None  # enum: the native type's name
    values: tuple[str, ...] = ()  # enum: its labels
    domain: str | None = None  # the PostgreSQL domain the column is declared with, over this
    sql: str = ""  # the type as the database spells it, for reports


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    nullable: bool = True
    default: str | None = None  # the server default, as SQL text
    comment: str | None = None
    identity: bool = False  # GENERATED ... AS IDENTITY
    generated: str | None = None  # GENERATED ALWAYS AS (<this>) STORED
    identity_always: bool = False  # GENERATED ALWAYS (not BY DEFAULT) AS IDENTITY
    # json, jsonb: a row holds a value that is not an object (JSON's null aside), e.g. an array
    json_not_object: bool = False


@dataclass(frozen=True)
class ForeignKey:
    name: str | None
    columns: tuple[str, ...]
    target_table: str
    target_columns: tuple[str, ...]
    on_delete: str | None = None  # lower case SQL: cascade, set null, restrict, no action
    on_update: str | None = None
    target_schema: str | None = None  # set when it points outside the imported schema
    deferrable: str | None = None  # "DEFERRABLE INITIALLY DEFERRED" and the like, when set


@dataclass(frozen=True)
class Unique:
    name: str | None
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Index:
    name: str | None
    columns: tuple[str, ...] = ()  # empty for an expression index
    expressions: tuple[str, ...] = ()  # set for an expression index, in its column order
    unique: bool = False
    where: str | None = None  # partial index predicate
    method: str | None = None  # access method when not btree (gin, gist...)
    definition: str | None = None  # PostgreSQL: pg_get_indexdef, for one the spec cannot say
    # a column sorted DESC or NULLS FIRST/LAST, or NULLS NOT DISTINCT: no index item says it,
    # so the index is carried verbatim
    verbatim_only: bool = False


@dataclass(frozen=True)
class Check:
    name: str | None
    sql: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    primary_key_name: str | None = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    uniques: tuple[Unique, ...] = ()
    indexes: tuple[Index, ...] = ()
    checks: tuple[Check, ...] = ()
    comment: str | None = None
    # Whatever the table carries that no field or option says: a trigger, a partitioning,
    # an exclusion constraint. Each is (what, SQL or description).
    extras: tuple[tuple[str, str], ...] = ()
    # The database has no PRIMARY KEY: `primary_key` is columns the importer chose (see
    # to_spec.stand_in_key), which the spec declares as its key.
    key_stand_in: bool = False

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class View:
    name: str
    definition: str
    materialized: bool = False


@dataclass(frozen=True)
class CatalogObject:
    """An object PostgreSQL's catalog spells out that the spec carries verbatim (importer/
    objects.py): an extension, domain, function, trigger, view, index, a column of a type the
    spec cannot hold... `kind` is a `database_objects` kind, or `column` (an ADD COLUMN) and
    `column_type` (a column declared with a domain), both carried as `sql`."""

    kind: str
    name: str
    create: str
    drop: str
    needs: tuple[str, ...] = ()  # the relations (tables, views) it reads, in the schema
    table: str | None = None  # the table it belongs to (trigger, index, column, constraint)
    column: str | None = None  # column, column_type: its column
    columns: tuple[Column, ...] = ()  # a view's
    outside: tuple[str, ...] = ()  # relations it reads in other schemas: not carried


@dataclass(frozen=True)
class Catalog:
    dialect: str  # postgresql or sqlite
    database: str  # its name (SQLite: the file's stem)
    schema: str | None  # PostgreSQL: the schema read; SQLite: None
    tables: tuple[Table, ...]
    views: tuple[View, ...] = ()
    # Objects outside any table the spec cannot hold: (kind, name, SQL or description).
    others: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)
    # PostgreSQL: what `database_objects` can carry, in an order that builds.
    objects: tuple[CatalogObject, ...] = ()

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)
