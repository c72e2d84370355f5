"""Rules on each resource as a whole: names, tables, modules, checks, composite keys."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator

from persistgen import naming
from persistgen.spec.load import SpecPath
from persistgen.spec.model import FieldSpec, ResourceSpec, Spec
from persistgen.spec.rules.fields import field_findings
from persistgen.spec.rules.finding import Finding
from persistgen.spec.rules.references import held_type

# Generation is tested and measured up to this many resources (benchmarks/many_resources.py).
MAX_RESOURCES = 10_000
# PostgreSQL's limit on the columns of one table.
MAX_COLUMNS = 1_600
# A PostgreSQL row lives in one 8 kB page: at most 8,160 bytes, its header included. A long
# value moves out of the row (TOAST) and leaves an 18-byte pointer; a fixed-width one stays.
MAX_ROW_BYTES = 8_160
_TOAST_POINTER = 18
_FIXED_WIDTHS = {"bool": 1, "int": 4, "date": 4, "bigint": 8, "float": 8, "datetime": 8}
_FIXED_WIDTHS |= {"time": 8, "uuid": 16, "smallint": 2, "real": 4, "interval": 16}


def findings(spec: Spec) -> Iterator[Finding]:
    # Every project's table of idempotency keys (api/idempotency.py) is taken too.
    # Keyed by `naming.folded`: SQLite takes `User` and `user` for one table.
    tables = {naming.IDEMPOTENCY_TABLE: "persistgen's idempotency keys"}
    modules: dict[str, str] = {}
    if len(spec.resources) > MAX_RESOURCES:
        first_over = list(spec.resources)[MAX_RESOURCES]
        yield Finding(
            ("resources", first_over),
            f"the spec has {len(spec.resources):,} resources; persistgen generates at most "
            f"{MAX_RESOURCES:,}",
            "split the service into several projects",
            at_key=True,
        )
    for name, resource in spec.resources.items():
        path: SpecPath = ("resources", name)
        problem = naming.resource_problem(name)
        if problem:
            yield Finding(
                path,
                f"`{name}` cannot be a resource name: {problem[0]}",
                f"rename it to {problem[1]}",
                at_key=True,
            )
        table = resource.table_name(name)
        table_issue = naming.table_problem(table)
        if table_issue:
            yield Finding((*path, "table"), f"`{table}`: {table_issue[0]}", f"use {table_issue[1]}")
        if naming.folded(table) in tables:
            other = tables[naming.folded(table)]
            yield Finding(
                (*path, "table") if resource.table else path,
                f"table `{table}` is already used by `{other}`"
                if resource.table
                else f"`{name}` would use the table `{table}`, which `{other}` uses",
                "set a distinct `table` on one of them (SQLite ignores the case of ASCII "
                "letters in names: `User` and `user` are one table there)",
                at_key=resource.table is None,
            )
        tables[naming.folded(table)] = name
        module = naming.snake(name)
        if module in modules:
            yield Finding(
                path,
                f"`{name}` and `{modules[module]}` would share the module `{module}.py`",
                "rename one of them",
                at_key=True,
            )
        modules[module] = name
        yield from _columns(spec, name, resource)
        yield from _fields(spec, name, resource)
        yield from _checks(name, resource)
        yield from _composites(name, resource)
        yield from _routes(name, resource)
    for name, resource in spec.resources.items():
        variables: dict[str, str] = {}  # each link table's `Table` in the owner's module
        for field_name, f in resource.fields.items():
            if f.type != "many":
                continue
            table = f.association_table(name, field_name)
            variable = naming.table_variable(table)
            if variable in variables and variables[variable] != table:
                yield Finding(
                    ("resources", name, "fields", field_name, "through"),
                    f"the link tables `{variables[variable]}` and `{table}` would both be "
                    f"`{variable}` in the module of `{name}`",
                    "set a `through` that differs in more than spaces, case or punctuation",
                )
            variables[variable] = table
            if naming.folded(table) in tables:
                yield Finding(
                    ("resources", name, "fields", field_name),
                    f"the link table `{table}` of `{name}.{field_name}` is already used by "
                    f"`{tables[naming.folded(table)]}`",
                    "set `through` to a free table name",
                    at_key=True,
                )
            tables[naming.folded(table)] = f"{name}.{field_name}"


def _columns(spec: Spec, resource_name: str, resource: ResourceSpec) -> Iterator[Finding]:
    """The columns the table really gets: a column per field (a reference's key column, the
    mixins' fields), none for a many field (a link table), and the implicit `id`; and the
    row they make when every value is as long as its column allows."""
    columns = [f for f in resource.fields.values() if f.type != "many"]
    count = len(columns) + (0 if resource.key_fields else 1)
    key_width = 0 if resource.key_fields else _FIXED_WIDTHS[resource.id_type]
    # The row header (23 bytes, aligned; a row holding no null has no null bitmap), the key.
    row = 24 + key_width + sum(_least_width(spec, f) for f in columns)
    if count <= MAX_COLUMNS and row > MAX_ROW_BYTES:
        yield Finding(
            ("resources", resource_name, "fields"),
            f"a row of `{resource_name}` takes at least {row:,} bytes when its values are as "
            f"long as its columns allow; a PostgreSQL row holds at most {MAX_ROW_BYTES:,}",
            "split it into resources that reference each other (a one-to-one `ref` with "
            "`unique: true`), or use narrower types",
            at_key=True,
        )
    if count > MAX_COLUMNS:
        yield Finding(
            ("resources", resource_name, "fields"),
            f"`{resource_name}` would have {count:,} columns (its fields, the implicit `id` and "
            f"the mixins' fields); a PostgreSQL table holds at most {MAX_COLUMNS:,}",
            "split it into resources that reference each other (a one-to-one `ref` with "
            "`unique: true`)",
            at_key=True,
        )


def _least_width(spec: Spec, f: FieldSpec) -> int:
    """The fewest bytes a column can take in a row whose values are as long as the columns
    allow: a fixed width, or a long value's TOAST pointer (fewer when the longest value fits
    in fewer, counted at one byte a character). Never more than PostgreSQL spends, so a spec
    this refuses cannot work."""
    kind = held_type(spec, f) if f.type == "ref" else f.type
    if kind == "time" and f.timezone:
        return 12
    if kind in _FIXED_WIDTHS:
        return _FIXED_WIDTHS[kind]
    if kind is None:  # a reference to nothing: reported elsewhere
        return 0
    if f.type == "ref":  # a text key held: its length byte and a character at least
        return 2
    if kind == "enum" and f.native:  # the label's OID
        return 4
    longest = {
        "str": f.column_length or f.max_length,
        "char": f.length,
        "text": f.max_length,
        "enum": max((len(v) for v in f.values or ()), default=0),
        # base-10000 digits of two bytes each, after the length and the number's header
        "decimal": 2 + 2 * math.ceil(f.digits[0] / 4),
    }.get(kind)
    return _TOAST_POINTER if longest is None else min(_TOAST_POINTER, 1 + longest)


def _routes(resource_name: str, resource: ResourceSpec) -> Iterator[Finding]:
    """`routes`: each once, and `restore` and `links` only where there is something to serve."""
    path: SpecPath = ("resources", resource_name, "routes")
    seen: set[str] = set()
    for index, route in enumerate(resource.routes or ()):
        if route in seen:
            yield Finding((*path, index), f"`{route}` is listed twice", "list each route once")
        seen.add(route)
        if route == "restore" and not resource.soft_delete:
            yield Finding(
                (*path, index),
                f"`{resource_name}` has no soft delete, so no `restore` route",
                "remove `restore`, or set `soft_delete: true`",
            )
        if route == "links" and not any(f.type == "many" for f in resource.fields.values()):
            yield Finding(
                (*path, index),
                f"`{resource_name}` has no `many` field, so no `links` routes",
                "remove `links`",
            )


def _checks(resource_name: str, resource: ResourceSpec) -> Iterator[Finding]:
    for name, check in resource.checks.items():
        path: SpecPath = ("resources", resource_name, "checks", name)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            yield Finding(
                path, f"`{name}` cannot name a check", "use lower snake_case", at_key=True
            )
        if not check.sql.strip():
            yield Finding(
                (*path, "sql"), "the check has no SQL expression", "write e.g. `price >= 0`"
            )
        if "postgresql" not in check.dialects:
            yield Finding(
                (*path, "dialects"),
                "a check is made on PostgreSQL, and on SQLite too unless left off it",
                "write `dialects: [postgresql]` for SQL only PostgreSQL runs, or remove it",
            )


def _composites(resource_name: str, resource: ResourceSpec) -> Iterator[Finding]:
    """`unique` and `index` on a resource list fields that must exist and be columns; an
    index covers fields or expressions, one of the two."""
    base: SpecPath = ("resources", resource_name)
    for number, unique in enumerate(resource.unique):
        path: SpecPath = (*base, "unique", number)
        yield from _group(resource_name, resource, (*path, "fields"), unique.fields, "unique")
    for number, index in enumerate(resource.index):
        path = (*base, "index", number)
        if (index.fields is None) == (index.expressions is None):
            yield Finding(
                path,
                "an index covers `fields` or `expressions`: one of the two"
                if index.fields is not None
                else "the index names neither `fields` nor `expressions`",
                "keep `fields` for columns, or `expressions` for SQL such as `lower(email)`",
            )
            continue
        if index.expressions is not None:
            for position, sql in enumerate(index.expressions):
                if not sql.strip():
                    yield Finding(
                        (*path, "expressions", position),
                        "the expression is empty",
                        "write SQL, e.g. `lower(email)`",
                    )
            if index.name is None:
                yield Finding(
                    path,
                    "an index over expressions needs a `name`",
                    "add e.g. `name: ix_<table>_lower_email`",
                )
        if index.where is not None and not index.where.strip():
            yield Finding(
                (*path, "where"), "`where` is empty", "write SQL, e.g. `deleted_at IS NULL`"
            )
        if index.fields is not None:
            # one field suffices when the item says more than `index: true` would
            single = not index.plain or index.name is not None
            yield from _group(
                resource_name, resource, (*path, "fields"), index.fields, "index", single=single
            )


def _group(
    resource_name: str,
    resource: ResourceSpec,
    path: SpecPath,
    names: list[str],
    option: str,
    *,
    single: bool = False,
) -> Iterator[Finding]:
    """The fields of one `unique` or `index` item: columns of the resource, each once."""
    if len(set(names)) < len(names) or len(names) < (1 if single else 2):
        yield Finding(
            path[:-1],
            f"a resource's `{option}` lists two or more different fields",
            f"for one field, set `{option}: true` on the field itself"
            + (f" (and `{option}_name` to name it)" if option in ("unique", "index") else ""),
        )
    columns = [n for n, f in resource.fields.items() if f.type != "many"]
    implicit = [] if resource.key_fields or "id" in resource.fields else ["id"]
    for position, name in enumerate(names):
        if name in columns or name in implicit:
            continue
        close = difflib.get_close_matches(name, [*implicit, *columns], n=1)
        yield Finding(
            (*path, position),
            f"`{name}` is not a column of `{resource_name}`",
            (f"did you mean `{close[0]}`? " if close else "")
            + f"list fields of `{resource_name}`: {', '.join(columns)}",
        )


def _fields(spec: Spec, resource_name: str, resource: ResourceSpec) -> Iterator[Finding]:
    base: SpecPath = ("resources", resource_name, "fields")
    keys = resource.key_fields
    if len(keys) > 1:
        yield from _composite_key(resource_name, resource)
    elif keys and resource.fields[keys[0]].type == "ref":
        yield Finding(
            (*base, keys[0], "primary_key"),
            "a reference alone cannot be the primary key",
            "for one-to-one, keep the implicit `id` and make the reference `unique: true`; "
            "or mark a second field `primary_key` for a composite key",
        )
    columns: dict[str, list[str]] = {}
    for n, f in resource.fields.items():
        columns.setdefault(f.attribute(n), []).append(n)
    if not keys and "id" in resource.fields:
        yield Finding(
            (*base, "id"),
            "`id` is the implicit primary key",
            "mark it `primary_key: true`, or rename it",
            at_key=True,
        )
    folded: dict[str, str] = {}
    db_columns: dict[str, str] = {} if keys else {"id": "the implicit key `id`"}
    for name, field in resource.fields.items():
        path: SpecPath = (*base, name)
        problem = naming.attribute_problem(name)
        if problem:
            yield Finding(
                path,
                f"`{name}` cannot be a field name: {problem[0]}",
                f"rename it, e.g. to {problem[1]}",
                at_key=True,
            )
        fold = name.replace("_", "")
        if fold in folded:
            yield Finding(
                path,
                f"`{name}` is too close to `{folded[fold]}`",
                "names that differ only by underscores are confusing; rename one",
                at_key=True,
            )
        folded[fold] = name
        attribute = field.attribute(name)
        if field.type == "ref" and len(columns[attribute]) > 1:
            other = next(n for n in columns[attribute] if n != name)
            yield Finding(
                path,
                f"the reference `{name}` needs the column `{attribute}`, "
                f"which is also the field `{other}`",
                "rename one of them",
                at_key=True,
            )
        if field.type != "many":
            db_name = field.column_name(name)
            reported = db_name == attribute and len(columns[attribute]) > 1
            if naming.folded(db_name) in db_columns and not reported:
                yield Finding(
                    (*path, "column") if field.column else path,
                    f"the column `{db_name}` would hold both "
                    f"`{db_columns[naming.folded(db_name)]}` and `{name}`",
                    "set a distinct `column` on one of them (SQLite ignores the case of ASCII "
                    "letters in names)",
                    at_key=not field.column,
                )
            db_columns[naming.folded(db_name)] = name
        yield from field_findings(spec, resource_name, path, field)


# Parameters of the routes that address one row, next to the fields of a composite key.
# Their local variables too: a parameter of the same name would be overwritten.
ROUTE_PARAMETERS = {
    "session",
    "data",
    "include",
    "item",
    "limit",
    "offset",
    "repository",
    "instance",
}


def _composite_key(resource_name: str, resource: ResourceSpec) -> Iterator[Finding]:
    """Clients address a row by all its key fields, so they set each, one path segment apiece."""
    base: SpecPath = ("resources", resource_name, "fields")
    for name in resource.key_fields:
        f = resource.fields[name]
        if f.read_only:
            yield Finding(
                (*base, name, "read_only"),
                "clients set every field of a composite key",
                "remove `read_only`",
            )
        if f.attribute(name) in ROUTE_PARAMETERS:
            yield Finding(
                (*base, name),
                f"`{f.attribute(name)}` would clash with a parameter of the routes that take "
                f"the key ({', '.join(sorted(ROUTE_PARAMETERS))})",
                "rename the field",
                at_key=True,
            )
    for name, f in resource.fields.items():
        if f.type == "many":
            yield Finding(
                (*base, name),
                "a resource with a composite primary key cannot have many fields yet: a link "
                "table refers to one key column",
                "add a resource with a reference to each side instead",
                at_key=True,
            )
