"""A CHECK as PostgreSQL spells it (what `persistgen import` reads), spelled for the SQLite
that checks.py evaluates it in: casts taken off (`'approved'::quote_status`, `0::numeric`,
`code::text`), `~` as REGEXP, and PostgreSQL's `cardinality` and `jsonb_typeof` as functions.

Only for trying the test data: a cast to a date or time type changes what a comparison means,
so it is kept, and SQLite then cannot read the check (told as such, as any other SQL it cannot
read). A regular expression Python's `re` reads otherwise fails the same way."""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

_LITERAL = re.compile(r"('(?:[^']|'')*')")  # a string literal, kept whole
_CAST = re.compile(
    r"::\s*(?P<type>character varying|double precision|bit varying"
    r"|(?:timestamp|time)(?:\s+with(?:out)?\s+time\s+zone)?"
    r'|"[^"]+"|[a-z_][\w.]*)(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?(?:\s*\[\s*\])*',
    re.IGNORECASE,
)
_MOMENTS = ("date", "time", "timestamp", "timestamptz", "timetz", "interval")
_MATCH = re.compile(r"(!?)~(\*?)")  # ~, ~*, !~, !~*: regular expressions
_JSON_TYPES = {dict: "object", list: "array", str: "string", type(None): "null"}


def for_sqlite(sql: str) -> str:
    """The check with PostgreSQL's casts and regular-expression operators spelled for SQLite;
    string literals as they are."""
    parts = _LITERAL.split(sql)
    return "".join(part if i % 2 else _spelled(part) for i, part in enumerate(parts))


def add_functions(connection: sqlite3.Connection) -> None:
    """What `for_sqlite` calls: REGEXP, and PostgreSQL's functions over arrays and JSON (a
    list or a JSON value is stored as JSON text here, as on SQLite)."""
    connection.create_function("regexp", 2, _regexp, deterministic=True)
    connection.create_function("cardinality", 1, _cardinality, deterministic=True)
    for name in ("jsonb_typeof", "json_typeof"):
        connection.create_function(name, 1, _json_type, deterministic=True)


def _spelled(text: str) -> str:
    text = _CAST.sub(_uncast, text)
    return _MATCH.sub(_regexp_operator, text)


def _uncast(found: re.Match[str]) -> str:
    kind = found["type"].lower().split()[0].strip('"').rsplit(".", 1)[-1]
    return found[0] if kind in _MOMENTS else ""


def _regexp_operator(found: re.Match[str]) -> str:
    """`a ~* b` is `a REGEXP '(?i)' || b`: `||` binds tighter than REGEXP."""
    negated, insensitive = found.groups()
    operator = " NOT REGEXP " if negated else " REGEXP "
    return operator + ("'(?i)' || " if insensitive else "")


def _regexp(pattern: str | None, value: Any) -> bool | None:
    """SQLite's `value REGEXP pattern` calls regexp(pattern, value)."""
    if pattern is None or value is None:
        return None
    return re.search(pattern, str(value)) is not None


def _cardinality(value: str | None) -> int | None:
    return None if value is None else len(json.loads(value))


def _json_type(value: str | None) -> str | None:
    if value is None:
        return None
    parsed = json.loads(value)
    if isinstance(parsed, bool):
        return "boolean"
    return "number" if isinstance(parsed, int | float) else _JSON_TYPES[type(parsed)]
