"""The spec's `database_objects` as migrations carry them: each with the SQL that drops it."""

from __future__ import annotations

from persistgen import naming
from persistgen.migrate.schema import DbObject
from persistgen.spec.model import DatabaseObjectSpec, Spec

# The kinds whose drop is `DROP <words> IF EXISTS <name>`.
DROPPED_BY_NAME = {
    "view": "VIEW",
    "materialized_view": "MATERIALIZED VIEW",
    "function": "FUNCTION",
    "extension": "EXTENSION",
    "domain": "DOMAIN",
    "index": "INDEX",
}


def database_objects(spec: Spec) -> tuple[DbObject, ...]:
    return tuple(
        DbObject(
            name=item.name,
            kind=item.kind,
            create=item.create.strip(),
            drop=drop_sql(item, spec.project.schema_) or "",
            # In a fixed order: the snapshot compares them, and `[sqlite, postgresql]` is the same.
            dialects=tuple(d for d in ("postgresql", "sqlite") if d in item.dialects),
            after=tuple(item.after),
        )
        for item in spec.database_objects
    )


def drop_sql(item: DatabaseObjectSpec, schema: str | None) -> str | None:
    """The spec's `drop`, or the one its kind makes obvious; None: it must be written. In a
    project with a `schema`, a PostgreSQL-only object's name is looked for in that schema
    (an extension's is not in any)."""
    if item.drop is not None:
        return item.drop.strip()
    qualify = schema is not None and "sqlite" not in item.dialects

    def named(name: str) -> str:
        return quoted(f"{schema}.{name}" if qualify and "." not in name else name)

    if item.kind == "extension":
        return f"DROP EXTENSION IF EXISTS {quoted(item.name)}"
    if item.kind in DROPPED_BY_NAME:
        return f"DROP {DROPPED_BY_NAME[item.kind]} IF EXISTS {named(item.name)}"
    if item.kind == "trigger" and len(item.after) == 1:
        return f"DROP TRIGGER IF EXISTS {quoted(item.name)} ON {named(item.after[0])}"
    return None


def quoted(name: str) -> str:
    """`name` (`schema.name` too) in SQL: each part in double quotes unless plain lower case."""
    parts = name.split(".") if not name.startswith('"') else [name]
    return ".".join(p if p.startswith('"') else naming.quoted(p) for p in parts)
