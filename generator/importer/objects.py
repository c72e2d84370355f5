"""What the spec does not model, carried verbatim: PostgreSQL's catalog read into
`CatalogObject`s (extensions, domains, functions, triggers, views, materialized views, indexes
the spec cannot express, columns of types it cannot hold, exclusion constraints), in an order
that builds; then, per import, the ones the chosen tables allow written as `database_objects`
(views also as `view: true` resources) and taken out of what to_spec.py maps, so each is in the
spec once, verbatim or modelled, and whatever stays behind is still a note."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from persistgen import naming
from persistgen.importer.catalog import Catalog, CatalogObject, Column, Table
from persistgen.importer.field_types import field_type, held_shape

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Inspector

    from persistgen.importer.to_spec import Imported

# The order kinds are made in: what a later kind may need comes first.
_ORDER = (
    "extension",
    "domain",
    "function",
    "column",
    "column_type",
    "constraint",
    "view",
    "trigger",
    "index",
)


def _rows(connection: Connection, sql: str, schema: str) -> list[Any]:
    from sqlalchemy import text

    return list(connection.execute(text(sql), {"schema": schema}))


def read_objects(
    connection: Connection, inspector: Inspector, schema: str, tables: Sequence[Table]
) -> tuple[CatalogObject, ...]:
    """Everything in `schema` that `database_objects` can carry, in an order that builds."""
    found: list[CatalogObject] = []
    found += _extensions(connection, schema)
    found += _domains(connection, schema)
    found += _functions(connection, schema)
    found += _columns(connection, schema, tables)
    found += _constraints(connection, schema)
    found += _triggers(connection, schema)
    found += _views(connection, inspector, schema)
    found += _indexes(connection, schema, tables, found)
    return tuple(found)


def _extensions(connection: Connection, schema: str) -> list[CatalogObject]:
    rows = _rows(
        connection,
        """SELECT e.extname, n.nspname FROM pg_extension e
        JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname <> 'plpgsql' ORDER BY 1""",
        schema,
    )
    return [
        CatalogObject(
            "extension",
            name,
            f"CREATE EXTENSION IF NOT EXISTS {naming.quoted(name)}"
            + ("" if where == "public" else f" WITH SCHEMA {naming.quoted(where)}"),
            f"DROP EXTENSION IF EXISTS {naming.quoted(name)}",
        )
        for name, where in rows
    ]


_NOT_EXTENSIONS = """NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = {oid}
    AND e.deptype = 'e')"""


def _domains(connection: Connection, schema: str) -> list[CatalogObject]:
    rows = _rows(
        connection,
        f"""SELECT t.typname, format('%I.%I', n.nspname, t.typname),
            format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,
            (SELECT string_agg(format('CONSTRAINT %I %s', k.conname, pg_get_constraintdef(k.oid)),
                ' ' ORDER BY k.conname)
             FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c')
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = :schema AND t.typtype = 'd' AND {_NOT_EXTENSIONS.format(oid="t.oid")}
        ORDER BY 1""",
        schema,
    )
    found = []
    for name, qualified, base, not_null, default, checks in rows:
        parts = [f"CREATE DOMAIN {qualified} AS {base}"]
        parts += [f"DEFAULT {default}"] if default is not None else []
        parts += ["NOT NULL"] if not_null else []
        parts += [checks] if checks else []
        found.append(
            CatalogObject("domain", name, " ".join(parts), f"DROP DOMAIN IF EXISTS {qualified}")
        )
    return found


def _functions(connection: Connection, schema: str) -> list[CatalogObject]:
    rows = _rows(
        connection,
        f"""SELECT p.proname, pg_get_function_identity_arguments(p.oid),
            format('%I.%I', n.nspname, p.proname), p.prokind::text, pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = :schema AND p.prokind IN ('f', 'p')
            AND {_NOT_EXTENSIONS.format(oid="p.oid")}
        ORDER BY 1, 2""",
        schema,
    )
    names = [name for name, *_ in rows]
    found = []
    for name, arguments, qualified, kind, definition in rows:
        what = "PROCEDURE" if kind == "p" else "FUNCTION"
        found.append(
            CatalogObject(
                "function",
                name if names.count(name) == 1 else f"{name}({arguments})",
                definition.strip(),
                f"DROP {what} IF EXISTS {qualified}({arguments})",
            )
        )
    return found


def _columns(connection: Connection, schema: str, tables: Sequence[Table]) -> list[CatalogObject]:
    """Columns of types no field holds (and not keys or references): ADD COLUMN as the
    database declares them; columns declared with a domain: their type changed to it."""
    rows = _rows(
        connection,
        """SELECT c.relname, a.attname, format('%I.%I', n.nspname, c.relname),
            format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
            a.attgenerated::text, t.typtype::text, format_type(t.typbasetype, t.typtypmod),
            CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0
                THEN (SELECT format('%I.%I', cn.nspname, co.collname) FROM pg_collation co
                      JOIN pg_namespace cn ON cn.oid = co.collnamespace
                      WHERE co.oid = a.attcollation) END,
            format('%I.%I', tn.nspname, t.typname)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid
        JOIN pg_namespace tn ON tn.oid = t.typnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = :schema AND c.relkind IN ('r', 'p') AND a.attnum > 0
            AND NOT a.attisdropped
        ORDER BY 1, a.attnum""",
        schema,
    )
    by_name = {t.name: t for t in tables}
    found = []
    for row in rows:
        table_name, column_name, table, type_sql, not_null, default, generated = row[:7]
        typtype, base, collation, domain = row[7:]
        if typtype == "d":  # by its schema's name, whatever the search_path
            type_sql = domain
        owner = by_name.get(table_name)
        if owner is None or _held_elsewhere(owner, column_name):
            continue
        column = naming.quoted(column_name)
        name = f"{table_name}.{column_name}"
        typed, _ = field_type(owner.column(column_name).type, "postgresql")
        if typtype == "d" and typed is not None:
            found.append(
                CatalogObject(
                    "column_type",
                    name,
                    f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {type_sql}",
                    f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {base}",
                    table=table_name,
                    column=column_name,
                )
            )
            continue
        if typed is not None:
            continue
        parts = [f"ALTER TABLE {table} ADD COLUMN {column} {type_sql}"]
        parts += [f"COLLATE {collation}"] if collation else []
        if generated == "s":
            parts.append(f"GENERATED ALWAYS AS ({default}) STORED")
        elif default is not None:
            parts.append(f"DEFAULT {default}")
        parts += ["NOT NULL"] if not_null else []
        found.append(
            CatalogObject(
                "column",
                name,
                " ".join(parts),
                f"ALTER TABLE {table} DROP COLUMN IF EXISTS {column}",
                table=table_name,
                column=column_name,
            )
        )
    return found


def _held_elsewhere(table: Table, column: str) -> bool:
    """A key, reference or unique column: not carried (the spec must hold it, or note it)."""
    return (
        column in table.primary_key
        or any(column in fk.columns for fk in table.foreign_keys)
        or any(column in u.columns for u in table.uniques)
    )


def _constraints(connection: Connection, schema: str) -> list[CatalogObject]:
    rows = _rows(
        connection,
        """SELECT c.relname, k.conname, format('%I.%I', n.nspname, c.relname),
            pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = :schema AND k.contype = 'x' ORDER BY 1, 2""",
        schema,
    )
    return [
        CatalogObject(
            "constraint",
            name,
            f"ALTER TABLE {table} ADD CONSTRAINT {naming.quoted(name)} {definition}",
            f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {naming.quoted(name)}",
            table=table_name,
        )
        for table_name, name, table, definition in rows
    ]


def _triggers(connection: Connection, schema: str) -> list[CatalogObject]:
    rows = _rows(
        connection,
        """SELECT c.relname, t.tgname, format('%I.%I', n.nspname, c.relname),
            pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = :schema AND NOT t.tgisinternal ORDER BY 1, 2""",
        schema,
    )
    names = [name for _, name, *_ in rows]
    return [
        CatalogObject(
            "trigger",
            name if names.count(name) == 1 else f"{table_name}.{name}",
            definition,
            f"DROP TRIGGER IF EXISTS {naming.quoted(name)} ON {table}",
            table=table_name,
        )
        for table_name, name, table, definition in rows
    ]


def _views(connection: Connection, inspector: Inspector, schema: str) -> list[CatalogObject]:
    """Views and materialized views, each after the views it reads."""
    from persistgen.importer.introspect import _column

    rows = _rows(
        connection,
        """SELECT c.relname, c.relkind::text, format('%I.%I', n.nspname, c.relname),
            pg_get_viewdef(c.oid), array_to_string(c.reloptions, ', ')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = :schema AND c.relkind IN ('v', 'm') ORDER BY 1""",
        schema,
    )
    reads = _rows(
        connection,
        """SELECT DISTINCT v.relname, r.relname, rn.nspname
        FROM pg_rewrite w JOIN pg_class v ON v.oid = w.ev_class
        JOIN pg_namespace n ON n.oid = v.relnamespace
        JOIN pg_depend d ON d.objid = w.oid AND d.classid = 'pg_rewrite'::regclass
            AND d.refclassid = 'pg_class'::regclass
        JOIN pg_class r ON r.oid = d.refobjid JOIN pg_namespace rn ON rn.oid = r.relnamespace
        WHERE n.nspname = :schema AND r.oid <> v.oid AND r.relkind IN ('r', 'p', 'v', 'm', 'f')
        ORDER BY 1, 2""",
        schema,
    )
    needs: dict[str, list[str]] = {}
    outside: dict[str, list[str]] = {}
    for view, relation, where in reads:
        if where == schema:
            needs.setdefault(view, []).append(relation)
        else:
            outside.setdefault(view, []).append(f"{where}.{relation}")
    made: dict[str, CatalogObject] = {}
    for name, relkind, qualified, definition, options in rows:
        materialized = relkind == "m"
        what = "MATERIALIZED VIEW" if materialized else "VIEW"
        with_options = f" WITH ({options})" if options else ""
        body = definition.strip().rstrip(";").rstrip()
        columns = () if materialized else _view_columns(inspector, name, schema, _column)
        made[name] = CatalogObject(
            "materialized_view" if materialized else "view",
            name,
            f"CREATE {what} {qualified}{with_options} AS\n{body}",
            f"DROP {what} IF EXISTS {qualified}",
            needs=tuple(needs.get(name, ())),
            columns=columns,
            outside=tuple(outside.get(name, ())),
        )
    ordered: list[CatalogObject] = []
    placed: set[str] = set()

    def place(name: str, path: tuple[str, ...]) -> None:
        if name in placed or name in path:
            return
        for relation in made[name].needs:
            if relation in made:
                place(relation, (*path, name))
        placed.add(name)
        ordered.append(made[name])

    for name in made:
        place(name, ())
    return ordered


def _view_columns(inspector: Inspector, name: str, schema: str, column: Any) -> tuple[Column, ...]:
    try:
        return tuple(column(c) for c in inspector.get_columns(name, schema=schema))
    except Exception:  # a view SQLAlchemy cannot reflect: it stays an object only
        return ()


def _indexes(
    connection: Connection, schema: str, tables: Sequence[Table], found: Iterable[CatalogObject]
) -> list[CatalogObject]:
    """Indexes the spec cannot express: not btree, on a materialized view, or on a column
    carried verbatim."""
    carried = {(o.table, o.column) for o in found if o.kind == "column"}
    known = {t.name for t in tables}
    rows = _rows(
        connection,
        """SELECT i.relname, c.relname, c.relkind::text, am.amname, pg_get_indexdef(i.oid),
            format('%I.%I', n.nspname, i.relname),
            array(SELECT a.attname FROM pg_depend d JOIN pg_attribute a
                ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                WHERE d.classid = 'pg_class'::regclass AND d.objid = i.oid
                AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_am am ON am.oid = i.relam
        WHERE n.nspname = :schema AND NOT c.relispartition
            AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)
        ORDER BY 2, 1""",
        schema,
    )
    objects = []
    for name, table, relkind, method, definition, qualified, columns in rows:
        on_carried = any((table, column) in carried for column in columns)
        if relkind == "m" or (table in known and (method != "btree" or on_carried)):
            objects.append(
                CatalogObject(
                    "index",
                    name,
                    definition,
                    f"DROP INDEX IF EXISTS {qualified}",
                    needs=(table,),
                    table=table,
                )
            )
    return objects


# -- per import: what the chosen tables allow ------------------------------------------------


@dataclass
class Carried:
    """The objects an import carries, and the catalog left for to_spec.py to map."""

    catalog: Catalog
    objects: list[dict[str, Any]] = field(default_factory=list)
    views: list[CatalogObject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    by_table: dict[str, list[str]] = field(default_factory=dict)  # table -> carried columns
    retyped: list[CatalogObject] = field(default_factory=list)  # columns given their domain


def carry(catalog: Catalog, chosen: Sequence[str]) -> Carried:
    """The objects whose tables are all among `chosen`, as `database_objects` entries, and the
    catalog without them (so to_spec.py neither notes nor maps them)."""
    if not catalog.objects:
        return Carried(catalog)
    tables = set(chosen)
    # A carried view's tables, through the views it reads: what its `after` lists, and so
    # what an object over the view lists (dropped before the view, made again after it).
    views: dict[str, list[str]] = {}
    kept: list[CatalogObject] = []
    entries: list[dict[str, Any]] = []
    notes: list[str] = []
    for item in sorted(catalog.objects, key=lambda o: _ORDER.index(_kind_order(o))):
        reads = [*item.needs, *([item.table] if item.table else [])]
        missing = [n for n in reads if n not in tables and n not in views]
        if item.outside or missing:
            notes.append(
                f"{item.kind.replace('_', ' ')} `{item.name}` not carried: it reads "
                f"{', '.join([*item.outside, *missing])}, which the spec does not hold"
            )
            continue
        after = [t for n in reads for t in ([n] if n in tables else views[n])]
        after = list(dict.fromkeys(after))
        if item.kind in _VIEWS:
            views[item.name] = after
        kept.append(item)
        entries.append(_entry(item, after))
    carried = Carried(_without(catalog, kept), entries, [o for o in kept if o.kind == "view"])
    carried.notes = notes
    carried.retyped = [o for o in kept if o.kind == "column_type"]
    for item in kept:
        if item.kind == "column" and item.table and item.column:
            carried.by_table.setdefault(item.table, []).append(item.column)
    return carried


_VIEWS = ("view", "materialized_view")


def _kind_order(item: CatalogObject) -> str:
    return "view" if item.kind in _VIEWS else item.kind


def _entry(item: CatalogObject, after: list[str]) -> dict[str, Any]:
    kind = "sql" if item.kind in ("column", "column_type", "constraint") else item.kind
    entry: dict[str, Any] = {"name": item.name, "kind": kind, "create": item.create}
    entry["drop"] = item.drop
    # A carried column is dropped and made again with its table's changes (its table's other
    # columns may not change under it) only when the database computes it: another would lose
    # its rows.
    computed = " GENERATED ALWAYS AS (" in item.create
    if after and (item.kind != "column" or computed):
        entry["after"] = after
    return entry


def _without(catalog: Catalog, kept: Sequence[CatalogObject]) -> Catalog:
    """The catalog to_spec.py maps: what `kept` carries taken out."""
    columns = {(o.table, o.column) for o in kept if o.kind == "column"}
    retyped = {(o.table, o.column) for o in kept if o.kind == "column_type"}

    def mapped(table: str, column: Column) -> Column:
        """A column whose domain an object gives back: its base type, with no note."""
        if (table, column.name) not in retyped:
            return column
        return replace(column, type=replace(column.type, domain=None))

    indexes = {(o.table, o.name) for o in kept if o.kind == "index"}
    triggers = {(o.table, o.create) for o in kept if o.kind == "trigger"}
    constraints = {(o.table, o.name) for o in kept if o.kind == "constraint"}
    views = {o.name for o in kept if o.kind in _VIEWS}
    functions = {o.name.partition("(")[0] for o in kept if o.kind == "function"}
    domains = {o.name for o in kept if o.kind == "domain"}

    def extra_kept(table: str, what: str, sql: str) -> bool:
        if what.startswith("trigger "):
            return (table, sql) not in triggers
        if what.startswith("exclusion constraint "):
            return (table, what.removeprefix("exclusion constraint ")) not in constraints
        return True

    tables = tuple(
        replace(
            t,
            columns=tuple(mapped(t.name, c) for c in t.columns if (t.name, c.name) not in columns),
            indexes=tuple(i for i in t.indexes if (t.name, i.name) not in indexes),
            extras=tuple(e for e in t.extras if extra_kept(t.name, *e)),
        )
        for t in catalog.tables
    )
    others = tuple(
        (kind, name, detail)
        for kind, name, detail in catalog.others
        if not (kind == "function" and name.partition("(")[0] in functions)
        and not (kind == "domain" and name in domains)
    )
    return replace(
        catalog,
        tables=tables,
        views=tuple(v for v in catalog.views if v.name not in views),
        others=others,
        objects=(),
    )


def attach(imported: Imported, carried: Carried, dialect: str) -> None:
    """The carried objects into the spec, each view also as a `view: true` resource where a
    key is found; notes for what is carried and what is not."""
    if not carried.objects:
        return
    # to_spec.py's own (foreign keys no reference holds, PostgreSQL-only indexes) come after
    imported.document["database_objects"] = [
        *carried.objects,
        *imported.document.get("database_objects", []),
    ]
    for message in carried.notes:
        imported.note((), message)
    for table, columns in carried.by_table.items():
        path = _resource_path(imported, table)
        for column in columns:
            imported.note(
                path,
                f"column `{column}` is carried verbatim in database_objects (`{table}.{column}`): "
                "the models do not hold it and `alembic check` leaves it alone",
            )
    for item in carried.retyped:
        path = _resource_path(imported, item.table or "")
        imported.note(
            path,
            f"column `{item.column}` is declared with a domain: its field holds the base type, "
            f"and database_objects (`{item.name}`) gives the column its domain back",
        )
    for view in carried.views:
        _view_resource(imported, view, carried.catalog, dialect)


def _resource_path(imported: Imported, table: str) -> tuple[str, ...]:
    for name, resource in imported.document["resources"].items():
        if resource.get("table", naming.plural(naming.snake(name))) == table:
            return ("resources", name)
    return ()


def _view_resource(imported: Imported, view: CatalogObject, catalog: Catalog, dialect: str) -> None:
    from persistgen.importer.names import field_name, resource_name

    resources: dict[str, Any] = imported.document["resources"]
    key = _view_key(view, catalog)
    if key is None:
        imported.note(
            (),
            f"view `{view.name}` carried in database_objects, but not a resource: none of its "
            "columns is `id` or unique in the tables it reads (add a `view: true` resource with "
            "a `primary_key` field by hand)",
        )
        return
    fields: dict[str, Any] = {}
    for column in view.columns:
        typed, problem = field_type(column.type, dialect)
        if typed is None or problem:
            imported.note(
                (),
                f"view `{view.name}` carried in database_objects, but not a resource: its "
                f"column `{column.name}` ({column.type.sql}) is not expressed",
            )
            return
        spec = dict(typed)
        held_shape(column, spec)
        name = field_name(column.name)
        if name in fields:
            imported.note((), f"view `{view.name}`: two columns named like `{name}`")
            return
        if name != column.name:
            spec["column"] = column.name
        if column.name == key:
            spec["primary_key"] = True
        else:
            spec["nullable"] = True
        fields[name] = spec
    base = candidate = resource_name(view.name)
    number = 2
    while candidate in resources:
        candidate, number = f"{base}{number}", number + 1
    resources[candidate] = {"view": True, "table": view.name, "fields": fields}


def _view_key(view: CatalogObject, catalog: Catalog) -> str | None:
    names = [c.name for c in view.columns]
    if "id" in names:
        return "id"
    unique: set[str] = set()
    for relation in view.needs:
        table = catalog.table(relation)
        if table is None:
            continue
        if len(table.primary_key) == 1:
            unique.add(table.primary_key[0])
        unique |= {u.columns[0] for u in table.uniques if len(u.columns) == 1}
        unique |= {
            i.columns[0] for i in table.indexes if i.unique and len(i.columns) == 1 and not i.where
        }
    return next((n for n in names if n in unique), None)
