"""What a column's type change means for the rows it holds."""

from __future__ import annotations

from persistgen.migrate.schema import DbColumn
from persistgen.naming import always_quoted

# What a downgrade fills a column that becomes NOT NULL again with (the spec's `backfill` is
# for upgrades only).
_ZERO = {
    "str": "''",
    "text": "''",
    "int": "0",
    "bigint": "0",
    "smallint": "0",
    "float": "0.0",
    "real": "0.0",
    "char": "''",
    "bool": "False",
    "decimal": "Decimal('0')",
}


def zero(column: DbColumn) -> str | None:
    """A literal of the column's type, if it has an obvious one; an enum's first value."""
    if column.kind == "enum":
        return repr(column.params[0])
    return _ZERO.get(column.kind)


def zone_cast(old: DbColumn, new: DbColumn) -> str | None:
    """How PostgreSQL moves a datetime or time column into or out of time zone awareness
    without changing an instant: the naive side is UTC, as everywhere in a generated project.
    Its own cast would read naive values in the session's time zone. SQLite stores both alike."""
    if old.kind != new.kind or old.kind not in ("datetime", "time"):
        return None
    column = always_quoted(new.name)
    if old.kind == "datetime":
        return f"{column} AT TIME ZONE 'UTC'"  # each way: timestamptz <-> UTC wall clock
    if new.type == "sa.Time(timezone=True)":
        return f"({column}::text || '+00')::timetz"
    return f"({column} AT TIME ZONE 'UTC')::time"


# Type changes that keep every value: each old value is one of the new type's.
_WIDENINGS = {
    ("str", "text"),
    ("char", "text"),
    ("smallint", "int"),
    ("smallint", "bigint"),
    ("int", "bigint"),
    ("real", "float"),
    # the same JSON either way (jsonb drops insignificant spaces and repeated keys)
    ("json", "jsonb"),
    ("jsonb", "json"),
}


def widens(old: DbColumn, new: DbColumn) -> bool:
    """Whether every value of the old type fits the new one."""
    if (old.kind, new.kind) in _WIDENINGS:
        return True
    if (old.kind, new.kind) == ("char", "str"):  # read without padding either way
        return not new.params or int(new.params[0]) >= int(old.params[0])
    if old.kind != new.kind:
        return False
    if old.kind in ("str", "char"):  # a VARCHAR without a length (no params) holds any
        return not new.params or (bool(old.params) and int(new.params[0]) >= int(old.params[0]))
    if old.kind == "json":  # JSONB and plain JSON hold the same values
        return True
    if old.kind == "decimal":
        (p0, s0), (p1, s1) = map(int, old.params), map(int, new.params)
        return s1 >= s0 and p1 - s1 >= p0 - s0
    if old.kind == "enum":
        return set(old.params) <= set(new.params)
    return old.type == new.type
