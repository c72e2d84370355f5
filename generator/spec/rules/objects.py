"""Rules on `database_objects` (carried verbatim) and on `view` resources, which read one."""

from __future__ import annotations

from collections.abc import Iterator

from persistgen.plan.objects import drop_sql
from persistgen.spec.load import SpecPath
from persistgen.spec.model import Spec
from persistgen.spec.rules.finding import Finding

# What a view resource may not have: it has no table of its own to hold them.
_NOT_ON_VIEWS = {
    "soft_delete": "soft delete",
    "versioned": "versions",
    "renamed_from": "a declared rename",
}
_VIEW_KINDS = ("view", "materialized_view", "sql")


def findings(spec: Spec) -> Iterator[Finding]:
    tables = _tables(spec)
    seen: dict[str, int] = {}
    for index, item in enumerate(spec.database_objects):
        path: SpecPath = ("database_objects", index)
        if not item.name.strip():
            yield Finding((*path, "name"), "an object needs a name", "name it as the database does")
        if item.name in seen:
            yield Finding(
                (*path, "name"),
                f"`{item.name}` is listed twice in database_objects (first at {seen[item.name]})",
                "keep one of them, or give each its own name",
            )
        seen.setdefault(item.name, index)
        if not item.create.strip():
            yield Finding((*path, "create"), "`create` is empty", "write the SQL that makes it")
        if drop_sql(item, spec.project.schema_) is None:
            how = "list its one table in `after`, or write " if item.kind == "trigger" else "write "
            yield Finding(
                path,
                f"persistgen cannot tell how to drop the {item.kind} `{item.name}`",
                f"{how}`drop: <SQL that removes it>` (the downgrade runs it)",
            )
        for position, table in enumerate(item.after):
            if table not in tables:
                yield Finding(
                    (*path, "after", position),
                    f"`{table}` is not a table of the spec",
                    f"name one of: {', '.join(sorted(tables)) or '(no tables yet)'}",
                )
    yield from _views(spec, {item.name: item.kind for item in spec.database_objects})


def _tables(spec: Spec) -> set[str]:
    """The tables the migrations make: the resources' (not views') and their link tables'."""
    tables = set()
    for name, resource in spec.resources.items():
        if not resource.view:
            tables.add(resource.table_name(name))
        tables.update(
            f.association_table(name, field)
            for field, f in resource.fields.items()
            if f.type == "many"
        )
    return tables


def _views(spec: Spec, objects: dict[str, str]) -> Iterator[Finding]:
    views = {name for name, r in spec.resources.items() if r.view}
    for name, resource in spec.resources.items():
        path: SpecPath = ("resources", name)
        for field_name, field in resource.fields.items():
            if field.type in ("ref", "many") and field.target in views:
                yield Finding(
                    (*path, "fields", field_name, "target"),
                    f"`{field.target}` is a view: nothing can reference it",
                    "hold its key in a plain field instead (e.g. `type: bigint`)",
                )
        if not resource.view:
            continue
        table = resource.table_name(name)
        if objects.get(table) not in _VIEW_KINDS:
            yield Finding(
                (*path, "view"),
                f"`{name}` reads the view `{table}`, which no `database_objects` entry makes",
                f'add `{{name: {table}, kind: view, create: "CREATE VIEW {table} AS SELECT '
                "...\"}` to database_objects (or set `table` to the view's name)",
            )
        for index, route in enumerate(resource.routes or ()):
            if route not in ("list", "get"):
                yield Finding(
                    (*path, "routes", index),
                    f"`{name}` is a view: it serves `list` and `get`, not `{route}`",
                    "remove the write routes (or `view: true`)",
                )
                break
        for option, what in _NOT_ON_VIEWS.items():
            if getattr(resource, option):
                yield Finding(
                    (*path, option),
                    f"`{name}` is a view: it has no {what}",
                    f"remove `{option}` (or `view: true`)",
                )
        for field_name, field in resource.fields.items():
            if field.type in ("ref", "many"):
                yield Finding(
                    (*path, "fields", field_name),
                    f"`{name}` is a view: its field `{field_name}` cannot be a `{field.type}` "
                    "(a view holds no foreign key or link table)",
                    "make it a plain field holding the key (e.g. `type: bigint`)",
                )
        if resource.unique or resource.index or resource.checks:
            yield Finding(
                path,
                f"`{name}` is a view: it has no constraints or indexes of its own",
                "remove `unique`, `index` and `checks` (an index on a materialized view goes "
                "in database_objects)",
                at_key=True,
            )
