"""Read a live database into a Catalog: SQLAlchemy's inspector, plus PostgreSQL's catalog where
the inspector is silent (triggers, functions, domains, partitions, exclusion constraints)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from persistgen import naming
from persistgen.errors import UserError, fail
from persistgen.importer.catalog import (
    Catalog,
    Check,
    Column,
    ColumnType,
    ForeignKey,
    Index,
    Table,
    Unique,
    View,
)
from persistgen.importer.defaults import unwrapped
from persistgen.importer.objects import read_objects

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Inspector

_CONNECT_TIMEOUT = 10  # seconds: an unreachable server is reported, not waited for


def async_url(text: str) -> URL:
    """The URL with an asyncio driver (`postgresql://` -> `postgresql+asyncpg://`, `sqlite://`
    -> `sqlite+aiosqlite://`, a relative SQLite path made absolute); a bad one is a UserError."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text)
    except ArgumentError:
        raise fail(
            f"`{text}` is not a database URL",
            "give one like postgresql://user@host:5432/name or sqlite:///path/to/file.db",
        ) from None
    backend = url.get_backend_name()
    if backend == "postgresql":
        return url.set(drivername="postgresql+asyncpg")
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise fail("an in-memory SQLite database holds no tables", "give a database file")
        path = Path(url.database).expanduser().resolve()
        if not path.is_file():  # SQLite would create an empty one
            raise fail(f"no SQLite database at {path}", "check the path in the URL")
        return url.set(drivername="sqlite+aiosqlite", database=str(path))
    raise fail(
        f"`{backend}` databases cannot be imported",
        "persistgen imports PostgreSQL (postgresql://...) and SQLite (sqlite:///...)",
    )


def introspect(url: URL, schema: str | None = None) -> Catalog:
    """The catalog of the database at `url` (an asyncio driver's URL, see `async_url`)."""
    try:
        return asyncio.run(_introspect(url, schema))
    except UserError:
        raise
    except Exception as exc:  # the driver's own errors: refused, unknown host, bad password...
        shown = url.render_as_string(hide_password=True)
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split()) or type(exc).__name__
        raise fail(
            f"cannot read the database at {shown}: {reason}",
            "check that the server is running and the URL's host, port, user, password and "
            "database name",
        ) from None


async def _introspect(url: URL, schema: str | None) -> Catalog:
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    postgres = url.get_backend_name() == "postgresql"
    arguments = {"timeout": _CONNECT_TIMEOUT} if postgres else {}
    engine = create_async_engine(url, poolclass=NullPool, connect_args=arguments)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_read, url, schema)
    finally:
        await engine.dispose()


def _read(connection: Connection, url: URL, schema: str | None) -> Catalog:
    from sqlalchemy import inspect

    inspector: Inspector = inspect(connection)
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        schema = schema or "public"
        if schema not in inspector.get_schema_names():
            raise fail(
                f"the database has no schema `{schema}`",
                "give one of: " + ", ".join(inspector.get_schema_names()),
            )
        database = url.database or "database"
    else:
        schema = None
        database = Path(url.database or "database").stem
    extras = _postgres_extras(connection, schema) if postgres else {}
    tables = tuple(
        _table(inspector, name, schema, extras.get(name, ()))
        for name in sorted(inspector.get_table_names(schema=schema))
    )
    if not postgres:
        tables = tuple(_sqlite_pragmas(connection, table) for table in tables)
    tables = tuple(_json_shapes(connection, schema, table) for table in tables)
    views = tuple(
        View(name, (inspector.get_view_definition(name, schema=schema) or "").strip())
        for name in sorted(inspector.get_view_names(schema=schema))
    )
    if postgres:
        views += tuple(
            View(name, (inspector.get_view_definition(name, schema=schema) or "").strip(), True)
            for name in sorted(inspector.get_materialized_view_names(schema=schema))
        )
    others = _postgres_others(connection, schema) if postgres else ()
    if postgres:
        tables = _index_definitions(connection, schema, tables)
    else:
        others = _sqlite_triggers(connection)
    objects = read_objects(connection, inspector, schema, tables) if postgres and schema else ()
    objects = tuple(
        replace(o, columns=_json_columns(connection, schema, o.name, o.columns))
        if o.kind == "view"
        else o
        for o in objects
    )
    return Catalog(connection.dialect.name, database, schema, tables, views, others, objects)


def _index_definitions(
    connection: Connection, schema: str | None, tables: tuple[Table, ...]
) -> tuple[Table, ...]:
    """Each partial or expression index with its CREATE INDEX: one in PostgreSQL's own SQL is
    carried verbatim (to_spec.py's _carried_index)."""
    sql = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = :schema"
    definitions = dict(_rows(connection, sql, schema))
    return tuple(
        replace(
            table,
            indexes=tuple(
                replace(index, definition=definitions.get(index.name))
                if index.name and (index.where or index.expressions or index.verbatim_only)
                else index
                for index in table.indexes
            ),
        )
        for table in tables
    )


def _table(
    inspector: Inspector, name: str, schema: str | None, extras: Iterable[tuple[str, str]]
) -> Table:
    columns = tuple(_column(c) for c in inspector.get_columns(name, schema=schema))
    default_schema = inspector.default_schema_name if schema else None  # SQLite: none
    pk = inspector.get_pk_constraint(name, schema=schema)
    foreign_keys = tuple(
        ForeignKey(
            fk.get("name"),
            tuple(fk["constrained_columns"]),
            fk["referred_table"],
            tuple(fk["referred_columns"]),
            _action(fk.get("options", {}).get("ondelete")),
            _action(fk.get("options", {}).get("onupdate")),
            _other_schema(fk.get("referred_schema") or default_schema, schema),
            _deferrable(fk.get("options", {})),
        )
        for fk in inspector.get_foreign_keys(name, schema=schema)
    )
    uniques = tuple(
        Unique(u.get("name"), tuple(c for c in u["column_names"] if c is not None))
        for u in inspector.get_unique_constraints(name, schema=schema)
    )
    indexes = tuple(
        _index(ix)
        for ix in inspector.get_indexes(name, schema=schema)
        if not ix.get("duplicates_constraint")  # a unique constraint's own index
    )
    checks = tuple(
        Check(c.get("name"), c["sqltext"])
        for c in inspector.get_check_constraints(name, schema=schema)
    )
    try:
        comment = inspector.get_table_comment(name, schema=schema).get("text")
    except NotImplementedError:  # SQLite keeps no comments
        comment = None
    return Table(
        name,
        columns,
        tuple(pk.get("constrained_columns") or ()),
        pk.get("name"),
        foreign_keys,
        uniques,
        indexes,
        checks,
        comment,
        tuple(extras),
    )


def _other_schema(referred: str | None, schema: str | None) -> str | None:
    """The schema a foreign key points into, when it is not the one imported (SQLAlchemy
    leaves out the default schema's name)."""
    return None if referred in (None, schema) else referred


def _index(ix: Any) -> Index:
    names = ix.get("column_names") or []
    expressions = ix.get("expressions") or []
    options = ix.get("dialect_options") or {}
    where = options.get("postgresql_where") or options.get("sqlite_where")
    method = options.get("postgresql_using")
    plain = all(n is not None for n in names) and not (
        expressions and len(expressions) > len(names)
    )
    return Index(
        ix.get("name"),
        tuple(names) if plain else (),
        () if plain else tuple(str(e) for e in expressions),
        bool(ix.get("unique")),
        str(where) if where is not None else None,
        method if method and method != "btree" else None,
        verbatim_only=bool(
            ix.get("column_sorting") or options.get("postgresql_nulls_not_distinct")
        ),
    )


def _deferrable(options: dict[str, Any]) -> str | None:
    if not options.get("deferrable"):
        return None
    initially = options.get("initially")
    return "DEFERRABLE" + (f" INITIALLY {str(initially).upper()}" if initially else "")


def _action(value: str | None) -> str | None:
    return value.lower() if value else None


def _column(c: Any) -> Column:
    computed = c.get("computed")
    return Column(
        c["name"],
        column_type(c["type"]),
        bool(c.get("nullable", True)),
        None if computed else _text(c.get("default")),
        c.get("comment"),
        bool(c.get("identity")),
        unwrapped(str(computed["sqltext"])) if computed else None,
        bool((c.get("identity") or {}).get("always")),
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def column_type(type_: Any) -> ColumnType:
    """A SQLAlchemy type as reflected, normalised."""
    from sqlalchemy import types as sa
    from sqlalchemy.dialects import postgresql as pg

    sql = _sql(type_)
    if isinstance(type_, pg.DOMAIN):  # its base type, the domain named for the report
        base = column_type(type_.data_type)
        return replace(base, domain=str(type_.name), sql=f"{type_.name} over {base.sql}")
    if isinstance(type_, pg.ARRAY | sa.ARRAY):
        return ColumnType("array", item=column_type(type_.item_type), sql=sql)
    if isinstance(type_, sa.Enum):
        if getattr(type_, "name", None):
            values = tuple(str(v) for v in type_.enums)
            return ColumnType("enum", enum_name=str(type_.name), values=values, sql=sql)
        return ColumnType("varchar", length=type_.length, sql=sql)
    if isinstance(type_, sa.SmallInteger):
        return ColumnType("smallint", sql=sql)
    if isinstance(type_, sa.BigInteger):
        return ColumnType("bigint", sql=sql)
    if isinstance(type_, sa.Integer):
        return ColumnType("int", sql=sql)
    if isinstance(type_, sa.REAL | pg.REAL):
        return ColumnType("real", sql=sql)
    if isinstance(type_, sa.Float):
        if isinstance(type_, sa.FLOAT) and type_.precision is not None and type_.precision <= 24:
            return ColumnType("real", sql=sql)
        return ColumnType("float", sql=sql)
    if isinstance(type_, sa.Numeric):
        return ColumnType("numeric", precision=type_.precision, scale=type_.scale, sql=sql)
    if isinstance(type_, sa.Boolean):
        return ColumnType("bool", sql=sql)
    if isinstance(type_, sa.DateTime):
        return ColumnType("timestamp", timezone=bool(type_.timezone), sql=sql)
    if isinstance(type_, sa.Date):
        return ColumnType("date", sql=sql)
    if isinstance(type_, sa.Time):
        return ColumnType("time", timezone=bool(type_.timezone), sql=sql)
    if isinstance(type_, pg.INTERVAL | sa.Interval):
        return ColumnType("interval", sql=sql)
    if isinstance(type_, sa.Uuid):
        return ColumnType("uuid", sql=sql)
    if isinstance(type_, pg.JSONB):
        return ColumnType("jsonb", sql=sql)
    if isinstance(type_, sa.JSON | pg.JSON):
        return ColumnType("json", sql=sql)
    if isinstance(type_, sa.LargeBinary):
        return ColumnType("bytes", sql=sql)
    if isinstance(type_, pg.INET):
        return ColumnType("inet", sql=sql)
    if isinstance(type_, sa.CHAR | sa.NCHAR):
        return ColumnType("char", length=type_.length, sql=sql)
    if isinstance(type_, sa.Text | sa.CLOB):
        return ColumnType("text", sql=sql)
    if isinstance(type_, sa.String):
        if type_.length is None:
            return ColumnType("text" if _dialectless(sql) == "TEXT" else "varchar", sql=sql)
        return ColumnType("varchar", length=type_.length, sql=sql)
    return ColumnType("other", sql=sql)


def _sql(type_: Any) -> str:
    from sqlalchemy.dialects import postgresql

    try:
        dialect: Any = postgresql.dialect()  # type: ignore[no-untyped-call]
        return str(type_.compile(dialect=dialect))
    except Exception:  # NullType and other types without a spelling
        return type(type_).__name__.upper()


def _dialectless(sql: str) -> str:
    return re.sub(r"\(.*\)", "", sql).strip().upper()


def _rows(connection: Connection, sql: str, schema: str | None) -> list[Any]:
    from sqlalchemy import text

    return list(connection.execute(text(sql), {"schema": schema}))


Extras = dict[str, list[tuple[str, str]]]
Others = tuple[tuple[str, str, str], ...]


def _postgres_extras(connection: Connection, schema: str | None) -> Extras:
    """Per table: triggers, partitioning, exclusion constraints."""
    found: dict[str, list[tuple[str, str]]] = {}
    triggers = """
        SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = :schema AND NOT t.tgisinternal ORDER BY 1, 2"""
    for table, name, definition in _rows(connection, triggers, schema):
        found.setdefault(table, []).append((f"trigger {name}", definition))
    partitioned = """
        SELECT c.relname, pg_get_partkeydef(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = :schema AND c.relkind = 'p' ORDER BY 1"""
    for table, key in _rows(connection, partitioned, schema):
        found.setdefault(table, []).append(("partitioned table", f"PARTITION BY {key}"))
    partitions = """
        SELECT c.relname, p.relname, pg_get_expr(c.relpartbound, c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class p ON p.oid = i.inhparent
        WHERE n.nspname = :schema AND c.relispartition ORDER BY 1"""
    for table, parent, bound in _rows(connection, partitions, schema):
        found.setdefault(table, []).append(("partition", f"PARTITION OF {parent} {bound}"))
    exclusions = """
        SELECT c.relname, k.conname, pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = :schema AND k.contype = 'x' ORDER BY 1, 2"""
    for table, name, definition in _rows(connection, exclusions, schema):
        found.setdefault(table, []).append((f"exclusion constraint {name}", definition))
    return found


def _postgres_others(connection: Connection, schema: str | None) -> Others:
    """Functions, domains and sequences no column owns: objects beside the tables."""
    functions = """
        SELECT p.proname, pg_get_function_identity_arguments(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        LEFT JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
        WHERE n.nspname = :schema AND d.objid IS NULL ORDER BY 1, 2"""
    domains = """
        SELECT t.typname, format_type(t.typbasetype, t.typtypmod)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = :schema AND t.typtype = 'd' ORDER BY 1"""
    sequences = """
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_depend d ON d.objid = c.oid AND d.deptype IN ('a', 'i')
        WHERE n.nspname = :schema AND c.relkind = 'S' AND d.objid IS NULL ORDER BY 1"""
    found: list[tuple[str, str, str]] = []
    found += [("function", f"{n}({a})", "") for n, a in _rows(connection, functions, schema)]
    found += [("domain", n, f"over {base}") for n, base in _rows(connection, domains, schema)]
    found += [
        ("sequence", n, "owned by no column") for (n,) in _rows(connection, sequences, schema)
    ]
    return tuple(found)


def _sqlite_pragmas(connection: Connection, table: Table) -> Table:
    """What SQLAlchemy reads from the CREATE TABLE text only when it is written one way: the
    actions of a column's own `REFERENCES ... ON DELETE`, and its own `UNIQUE`."""
    quoted = '"' + table.name.replace('"', '""') + '"'
    actions: dict[tuple[str, ...], tuple[str, str]] = {}
    groups: dict[int, list[Any]] = {}
    for row in _rows(connection, f"PRAGMA foreign_key_list({quoted})", None):
        groups.setdefault(row[0], []).append(row)
    for rows in groups.values():
        rows.sort(key=lambda r: r[1])
        actions[tuple(r[3] for r in rows)] = (rows[0][6].lower(), rows[0][5].lower())
    foreign_keys = tuple(
        replace(fk, on_delete=actions[fk.columns][0], on_update=actions[fk.columns][1])
        if fk.columns in actions
        else fk
        for fk in table.foreign_keys
    )
    uniques = list(table.uniques)
    for _, name, _, origin, *_ in _rows(connection, f"PRAGMA index_list({quoted})", None):
        if origin != "u":
            continue
        info = _rows(connection, f'PRAGMA index_info("{name}")', None)
        columns = tuple(r[2] for r in sorted(info, key=lambda r: r[0]))
        if all(u.columns != columns for u in uniques):
            uniques.append(Unique(None, columns))
    return replace(table, foreign_keys=foreign_keys, uniques=tuple(uniques))


# A json column's row that is not an object: JSON's null aside, which a nullable field reads as
# its None whatever its shape. PostgreSQL: json_typeof for json (a cast to jsonb would fail on
# its `\u0000`); SQLite: text that is not JSON is no row of any shape.
_TYPE_OF = {
    ("postgresql", "json"): "json_typeof({column})",
    ("postgresql", "jsonb"): "jsonb_typeof({column})",
    ("sqlite", "json"): "CASE WHEN json_valid({column}) THEN json_type({column}) END",
}


def _json_shapes(connection: Connection, schema: str | None, table: Table) -> Table:
    return replace(table, columns=_json_columns(connection, schema, table.name, table.columns))


def _json_columns(
    connection: Connection, schema: str | None, relation: str, columns: tuple[Column, ...]
) -> tuple[Column, ...]:
    """Each json column of a table or view whose rows are not all objects (Lago keeps arrays):
    one query per column, which stops at the first such row."""
    quoted = naming.always_quoted(relation)
    if schema:
        quoted = f"{naming.always_quoted(schema)}.{quoted}"
    return tuple(
        replace(column, json_not_object=_holds_not_object(connection, quoted, column))
        if (connection.dialect.name, column.type.kind) in _TYPE_OF
        else column
        for column in columns
    )


def _holds_not_object(connection: Connection, relation: str, column: Column) -> bool:
    """A row of `column` holds a JSON value that is not an object (nor null). A relation the
    importer may not read (no SELECT grant, a view that fails) tells nothing: False."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    type_of = _TYPE_OF[(connection.dialect.name, column.type.kind)]
    kind = type_of.format(column=naming.always_quoted(column.name))
    test = f"SELECT 1 FROM {relation} WHERE {kind} NOT IN ('object', 'null')"
    try:
        with connection.begin_nested():  # a failure leaves the catalog's transaction usable
            return bool(connection.scalar(text(f"SELECT EXISTS ({test})")))
    except DBAPIError:
        return False


def _sqlite_triggers(connection: Connection) -> Others:
    rows = _rows(connection, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'", None)
    return tuple(("trigger", name, sql or "") for name, sql in rows)
