"""Server defaults as the database spells them (`now()`, `'draft'::character varying`,
`nextval('users_id_seq'::regclass)`), read as spec values."""

from __future__ import annotations

import json
import re

from persistgen.spec.model import Scalar

_CAST = re.compile(r"::[A-Za-z_][\w .\"]*(\(\d+(,\s*\d+)?\))?(\[\])?$")
_NOW = {
    "now()",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtimestamp",
    "localtime",
    "transaction_timestamp()",
    "datetime('now')",
    "date('now')",
    "time('now')",
}
_NEXTVAL = re.compile(r"^nextval\('(?P<name>(?:[^']|'')+)'(?:::regclass)?\)$", re.IGNORECASE)
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")


def _bare(sql: str) -> str:
    """Without outer parentheses and trailing casts: `('a'::text)` -> `'a'`."""
    text = sql.strip()
    while True:
        before = text
        while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
            text = text[1:-1].strip()
        text = _CAST.sub("", text).strip()
        if text == before:
            return text


def unwrapped(sql: str) -> str:
    """Without outer parentheses: `(price * 2)` -> `price * 2`, `(a) + (b)` as it is."""
    text = sql.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def sequence_of(sql: str | None) -> str | None:
    """The sequence of a serial default, `nextval('users_id_seq'::regclass)` -> `users_id_seq`
    (quotes and a schema taken off)."""
    if sql is None:
        return None
    found = _NEXTVAL.match(sql.strip())
    if not found:
        return None
    name = found["name"].replace("''", "'").split(".")[-1]
    return name.strip('"')


def server_default(sql: str, field_type: str) -> Scalar | None:
    """`now`, or a literal of the field's type; None when the default is an expression the
    spec cannot say."""
    text = _bare(sql)
    if text.lower() in _NOW:
        return "now" if field_type in ("date", "datetime", "time") else None
    if field_type in ("json", "list", "bytes", "uuid"):
        return None
    if text.startswith("'") and text.endswith("'") and len(text) >= 2:
        value = text[1:-1].replace("''", "'")
        return _literal(value, field_type, quoted=True)
    return _literal(text, field_type, quoted=False)


def json_not_object(sql: str | None) -> bool:
    """A json column's default that is a JSON value but an object or null: `'[]'::jsonb`. An
    expression (`jsonb_build_array()`) is not read: False."""
    text = _bare(sql or "")
    if not (text.startswith("'") and text.endswith("'") and len(text) >= 2):
        return False
    try:
        value = json.loads(text[1:-1].replace("''", "'"))
    except ValueError:
        return False
    return value is not None and not isinstance(value, dict)


def _literal(value: str, field_type: str, *, quoted: bool) -> Scalar | None:
    if field_type == "bool":
        lowered = value.lower()
        if lowered in ("true", "t", "1", "yes", "on"):
            return True
        if lowered in ("false", "f", "0", "no", "off"):
            return False
        return None
    if field_type in ("int", "bigint", "smallint"):
        return int(value) if re.fullmatch(r"[-+]?\d+", value) else None
    if field_type in ("float", "real", "decimal"):
        if not _NUMBER.match(value):
            return None
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    if field_type in ("str", "text", "char", "enum", "inet"):
        return value if quoted else None
    return None
