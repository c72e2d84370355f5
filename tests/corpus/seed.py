"""A generic seeder for a PostgreSQL schema nobody wrote rows for: per table, in foreign-key
order, a few rows of values made up from each column's type, respecting NOT NULL, lengths and
enum labels, with every foreign key pointing at a row inserted before.

Each row is tried with every column given a value; if the database refuses it (a CHECK the
made-up values do not meet, a trigger), again with the columns that have a default left to it,
then with the nullable ones left NULL too. A table none of whose rows goes in stays empty: the
caller counts the tables that got rows and asserts a floor."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field

import asyncpg

ROWS = 3

_COLUMNS = """
SELECT c.relname, a.attname, a.attnum, a.attnotnull, a.attidentity::text AS attidentity,
       a.attgenerated::text AS attgenerated,
       pg_get_expr(d.adbin, d.adrelid) AS default_sql,
       format_type(a.atttypid, a.atttypmod) AS cast_type,
       format_type(coalesce(nullif(t.typbasetype, 0), a.atttypid),
                   CASE WHEN t.typbasetype <> 0 THEN t.typtypmod ELSE a.atttypmod END) AS base_type,
       coalesce(nullif(t.typbasetype, 0), a.atttypid) AS base_oid,
       CASE WHEN t.typbasetype <> 0 THEN t.typtypmod ELSE a.atttypmod END AS typmod
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum
"""

_FOREIGN_KEYS = """
SELECT c.relname AS child, p.relname AS parent,
       ARRAY(SELECT attname FROM unnest(k.conkey) WITH ORDINALITY u(num, i)
             JOIN pg_attribute ON attrelid = k.conrelid AND attnum = u.num ORDER BY u.i) AS columns,
       ARRAY(SELECT attname FROM unnest(k.confkey) WITH ORDINALITY u(num, i)
             JOIN pg_attribute ON attrelid = k.confrelid AND attnum = u.num ORDER BY u.i)
         AS targets
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_class p ON p.oid = k.confrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype = 'f' AND n.nspname = $1 AND NOT c.relispartition
"""

_ENUMS = "SELECT enumtypid, array_agg(enumlabel ORDER BY enumsortorder) FROM pg_enum GROUP BY 1"


@dataclass
class Column:
    name: str
    not_null: bool
    cast_type: str
    base_type: str
    base_oid: int
    typmod: int
    has_default: bool
    skipped: bool  # generated, identity ALWAYS, or numbered by a sequence: the database fills it


@dataclass
class ForeignKey:
    parent: str
    columns: tuple[str, ...]
    targets: tuple[str, ...]


@dataclass
class Table:
    name: str
    columns: list[Column] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)


@dataclass(frozen=True)
class Seeded:
    tables: int
    with_rows: int
    rows: int
    empty: tuple[str, ...]


def seed(dsn: str, schema: str = "public", rows: int = ROWS) -> Seeded:
    """Put up to `rows` rows in every table of `schema` of the database at `dsn` (asyncpg)."""
    return asyncio.run(_seed(dsn, schema, rows))


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def _seed(dsn: str, schema: str, rows: int) -> Seeded:
    connection = await asyncpg.connect(dsn)
    try:
        tables = await _tables(connection, schema)
        enums = {oid: list(labels) for oid, labels in await connection.fetch(_ENUMS)}
        inserted = 0
        empty = []
        for table in _ordered(tables):
            count = 0
            for number in range(rows):
                count += await _insert(connection, schema, table, number, enums)
            inserted += count
            if not count:
                empty.append(table.name)
        return Seeded(len(tables), len(tables) - len(empty), inserted, tuple(empty))
    finally:
        await connection.close()


async def _tables(connection: asyncpg.Connection, schema: str) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for row in await connection.fetch(_COLUMNS, schema):
        table = tables.setdefault(row["relname"], Table(row["relname"]))
        default = row["default_sql"] or ""
        table.columns.append(
            Column(
                name=row["attname"],
                not_null=row["attnotnull"],
                cast_type=row["cast_type"],
                base_type=row["base_type"],
                base_oid=row["base_oid"],
                typmod=row["typmod"],
                has_default=bool(default) or row["attidentity"] == "d",
                skipped=bool(row["attgenerated"])
                or row["attidentity"] in ("a", "d")
                or "nextval(" in default,
            )
        )
    for row in await connection.fetch(_FOREIGN_KEYS, schema):
        if row["child"] in tables and row["parent"] in tables:
            tables[row["child"]].foreign_keys.append(
                ForeignKey(row["parent"], tuple(row["columns"]), tuple(row["targets"]))
            )
    return tables


def _ordered(tables: dict[str, Table]) -> list[Table]:
    """Referenced tables first; a cycle is broken at the table that waits on fewest others."""
    waits = {
        name: {fk.parent for fk in table.foreign_keys if fk.parent != name}
        for name, table in tables.items()
    }
    done: list[Table] = []
    left = dict(waits)
    while left:
        ready = sorted(name for name, parents in left.items() if not parents & left.keys())
        if not ready:
            ready = [min(left, key=lambda name: (len(left[name] & left.keys()), name))]
        for name in ready:
            done.append(tables[name])
            del left[name]
    return done


async def _insert(
    connection: asyncpg.Connection,
    schema: str,
    table: Table,
    number: int,
    enums: dict[int, list[str]],
) -> int:
    referenced: dict[str, str | None] = {}
    for fk in table.foreign_keys:
        if fk.parent == table.name:
            continue  # a self reference: NULL where it may be, below
        parents = await connection.fetch(
            f"SELECT {', '.join(f'{quoted(c)}::text' for c in fk.targets)} "
            f"FROM {quoted(schema)}.{quoted(fk.parent)} "
            f"ORDER BY {', '.join(quoted(c) for c in fk.targets)}"
        )
        chosen = parents[number % len(parents)] if parents else None
        for position, column in enumerate(fk.columns):
            referenced[column] = chosen[position] if chosen is not None else None
    self_referencing = {
        c for fk in table.foreign_keys if fk.parent == table.name for c in fk.columns
    }
    for attempt in range(3):
        names: list[str] = []
        values: list[str | None] = []
        for column in table.columns:
            if column.skipped and column.name not in referenced:
                continue
            if column.name in referenced:
                value = referenced[column.name]
            elif column.name in self_referencing:
                value = None
            elif (attempt >= 1 and column.has_default) or (attempt >= 2 and not column.not_null):
                continue
            else:
                value = made_up(column, number, enums)
            if value is None and column.has_default:
                continue
            names.append(column.name)
            values.append(value)
        placeholders = ", ".join(
            f"${i}::text::{c.cast_type}"
            for i, c in enumerate(
                (next(col for col in table.columns if col.name == n) for n in names), start=1
            )
        )
        statement = f"INSERT INTO {quoted(schema)}.{quoted(table.name)} " + (
            f"({', '.join(quoted(n) for n in names)}) VALUES ({placeholders})"
            if names
            else "DEFAULT VALUES"
        )
        try:
            await connection.execute(statement, *values)
        except (asyncpg.PostgresError, asyncpg.DataError):
            continue
        return 1
    return 0


def made_up(column: Column, number: int, enums: dict[int, list[str]]) -> str | None:
    """A value of the column's type, as text, different for each row `number`."""
    base = column.base_type.lower()
    if base.endswith("[]"):
        return "{}"
    if column.base_oid in enums:
        labels = enums[column.base_oid]
        return labels[number % len(labels)]
    kind = base.split("(")[0].strip()
    one = number + 1
    if kind in ("smallint", "integer", "bigint", "numeric", "money", "oid"):
        return str(one)
    if kind in ("real", "double precision"):
        return f"{one}.5"
    if kind == "boolean":
        return "true" if number % 2 == 0 else "false"
    if kind in ("character varying", "character", "text", "citext", "name", '"char"'):
        length = _length(column)
        text = f"{column.name}-{one}"
        if length is not None and len(text) > length:
            text = (str(one) if length >= len(str(one)) else "abcdefghij"[number])[:length]
            text = text.rjust(length, "x") if kind == "character" else text
        return text
    if kind == "uuid":
        return str(uuid.UUID(int=(hash(column.name) & 0xFFFFFFFF) << 64 | one))
    if kind == "date":
        return f"2024-01-{one:02d}"
    if kind.startswith("timestamp"):
        return f"2024-01-{one:02d} 12:00:00+00"
    if kind.startswith("time"):
        return f"12:00:{one:02d}"
    if kind == "interval":
        return f"{one} days"
    if kind in ("inet", "cidr"):
        return f"10.0.0.{one}"
    if kind in ("macaddr", "macaddr8"):
        return f"08:00:2b:01:02:{one:02d}"
    if kind in ("json", "jsonb"):
        return f'{{"n": {one}}}'
    if kind == "bytea":
        return f"\\x{one:02x}"
    if kind == "tsvector":
        return f"word{one}"
    if kind == "tsquery":
        return f"word{one}"
    if kind in ("point",):
        return f"({one},{one})"
    if kind in ("int4range", "int8range", "numrange"):
        return f"[{one},{one + 1})"
    if kind in ("tsrange", "tstzrange"):
        return f"[2024-01-{one:02d},2024-02-{one:02d})"
    if kind == "daterange":
        return f"[2024-01-{one:02d},2024-02-{one:02d})"
    if kind in ("bit", "bit varying"):
        return "1" * (_length(column) or 1)
    if kind == "xml":
        return f"<n>{one}</n>"
    if kind == "hstore":
        return f"n=>{one}"
    return None if not column.not_null else f"{one}"


def _length(column: Column) -> int | None:
    """character varying(n) and character(n): n (typmod - 4); bit(n): n."""
    base = column.base_type.lower()
    if "(" not in base or column.typmod < 0:
        return None
    return column.typmod - 4 if base.startswith("char") else column.typmod
