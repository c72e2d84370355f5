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
    """How PostgreSQL moves a time column into or out of time zone awareness without changing
    an instant: the naive side is UTC, as everywhere in a generated project. Its own cast would
    read naive values in the session's time zone. A datetime column needs no cast: migrations
    run in a UTC session (`online.run_migrations`), where PostgreSQL's own cast keeps each
    instant and changes only the catalog. SQLite stores both alike."""
    if (old.kind, new.kind) != ("time", "time"):
        return None
    column = always_quoted(new.name)
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
    if (old.kind, new.kind) == ("text", "str"):  # a VARCHAR without a length holds any
        return not new.params
    if (old.kind, new.kind) == ("char", "str"):  # read without padding either way
        return not new.params or int(new.params[0]) >= int(old.params[0])
    if old.kind != new.kind:
        return False
    if old.kind in ("str", "char"):  # a VARCHAR without a length (no params) holds any
        return not new.params or (bool(old.params) and int(new.params[0]) >= int(old.params[0]))
    if old.kind in ("json", "datetime"):  # JSONB and JSON alike; instants kept (zone_cast)
        return True
    if old.kind == "decimal":
        (p0, s0), (p1, s1) = map(int, old.params), map(int, new.params)
        return s1 >= s0 and p1 - s1 >= p0 - s0
    if old.kind == "enum":
        return set(old.params) <= set(new.params)
    return old.type == new.type


def rewrites(old: DbColumn, new: DbColumn, *, indexed: bool) -> bool:
    """Whether PostgreSQL rewrites the table, or the indexes over the column (`indexed`), to
    change the column's type, holding its ACCESS EXCLUSIVE lock until done; the rest change
    only the catalog (as tests/migrations/test_rewrites.py measures). A native enum that
    loses or reorders values gets a new type, every row cast to it."""
    if old.native_type or new.native_type:
        return old.params != new.params and not adds_values(old, new)
    if old.kind in _VARCHARS and new.kind in _VARCHARS:  # in place when longer, or TEXT
        old_length, new_length = _length(old), _length(new)
        return new_length is not None and (old_length is None or new_length < old_length)
    if old.kind == new.kind == "decimal":  # more digits before the point
        return old.params[1] != new.params[1] or int(new.params[0]) < int(old.params[0])
    if old.kind == new.kind == "datetime":  # in a UTC session (zone_cast); sorted otherwise
        return indexed
    return old.type != new.type


def adds_values(old: DbColumn, new: DbColumn) -> bool:
    """A native enum type that keeps its name and its values in their order, and gains some:
    PostgreSQL adds each to the type (`ALTER TYPE ... ADD VALUE`) without touching a table."""
    if not old.native_type or old.native_type != new.native_type:
        return False
    kept = [value for value in new.params if value in old.params]
    return kept == list(old.params) and len(new.params) > len(old.params)


# The kinds stored as VARCHAR or TEXT (a non-native enum is a VARCHAR of its longest value).
_VARCHARS = ("text", "str", "enum")


def _length(column: DbColumn) -> int | None:
    """The length of a column of one of `_VARCHARS`, None for one of any length (TEXT alike)."""
    if column.kind == "enum":  # the length its `sa.Enum` is given: its longest value
        return max(map(len, column.params))
    return int(column.params[0]) if column.kind == "str" and column.params else None


def spelled(column: DbColumn) -> str:
    """The column's type as a spec says it: `str:200`, `decimal:10:2`, `enum a|b`."""
    if column.kind == "enum":
        return f"enum {'|'.join(column.params)}"
    if column.kind in ("datetime", "time") and "timezone=True" in column.type:
        return f"{column.kind} with time zone"
    return ":".join((column.kind, *column.params))
