"""The bounds a CHECK states on one column, as the field options that say them: `price >= 0`
is `ge: 0`, `quantity > 0` on an integer `ge: 1`, `length(name) <= 100` `max_length: 100`,
`code <> ''` `min_length: 1`. The check stays in the spec, as the database keeps it; the
option makes the DTOs refuse what the database would (422 before any insert), and the
generated test data keep within it. A check that says anything more is left as it is."""

from __future__ import annotations

import math
import re
from typing import Any, NamedTuple

from persistgen.importer.defaults import unwrapped

_NAME = r'(?:"(?:[^"]|"")+"|[a-z_][\w$]*)'
_CAST = r"(?:::[a-z][a-z ]*)?"  # `0::numeric`, `name::text`, `x::character varying`
_NUMBER = r"\(?(?P<number>-?\d+(?:\.\d+)?)\)?"
# a column, or its length: `x`, `x::text`, `length(x::text)`
_LENGTHS = "length|char_length|character_length"
_COLUMN = rf"(?P<paren>\()?(?P<column>{_NAME})(?(paren)\))"  # `code`, `(code)`
_SIDE = rf"(?:(?P<length>{_LENGTHS})\()?{_COLUMN}{_CAST}(?(length)\))"
_OPERATOR = r"(?P<op>>=|<=|>|<)"
_COMPARED = re.compile(rf"^{_SIDE}\s*{_OPERATOR}\s*{_NUMBER}{_CAST}$", re.I)
_REVERSED = re.compile(rf"^{_NUMBER}{_CAST}\s*{_OPERATOR}\s*{_SIDE}$", re.I)
_NOT_EMPTY = re.compile(rf"^{_COLUMN}{_CAST}\s*<>\s*''{_CAST}$", re.I)
_IS_NULL = rf"\(?(?P<column>{_NAME})\s+IS\s+NULL\)?"
_OR_NULL = (  # `x >= 0 OR x IS NULL`, `x IS NULL OR x >= 0`
    re.compile(rf"^(?P<check>.+?)\s+OR\s+{_IS_NULL}$", re.I),
    re.compile(rf"^{_IS_NULL}\s+OR\s+(?P<check>.+)$", re.I),
)
_FLIPPED = {">=": "<=", "<=": ">=", ">": "<", "<": ">"}

_INTEGERS = ("smallint", "int", "bigint")
_NUMBERS = (*_INTEGERS, "float", "real", "decimal")
_UNBOUNDED_TEXT = ("text",)  # and an `unbounded` str: max_length bounds only their DTOs
_TEXT = ("str", "text", "char")


class Bound(NamedTuple):
    """`option: value` on the column: ge, le (numbers), min_length, max_length (text).
    `strict`: the value itself is out (`x > 0`), which an integer's next one says."""

    column: str
    option: str
    value: int | float
    strict: bool = False


def bounds(sql: str) -> list[Bound]:
    """The bounds the check says, one per conjunct (`x >= 0 AND x <= 100`; `x >= 0 OR x IS
    NULL` too); none unless each conjunct is one."""
    found = []
    for part in _conjuncts(_null_allowed(unwrapped(sql))):
        bound = _bound(unwrapped(part))
        if bound is None:
            return []
        found.append(bound)
    return found


def apply(field: dict[str, Any], bound: Bound) -> bool:
    """Puts the bound on the field (the tighter of it and one the field has), if the field's
    type takes that option and a length is one its DTOs alone hold; whether it did."""
    kind = field.get("type")
    value = bound.value
    if bound.option in ("ge", "le"):
        if kind not in _NUMBERS:
            return False
        if kind in _INTEGERS:
            if not float(value).is_integer():
                return False
            step = (1 if bound.option == "ge" else -1) if bound.strict else 0
            value = int(value) + step
        elif bound.strict:
            return False  # `price > 0` on a decimal: no option says it
    elif bound.option == "max_length":
        if kind not in _UNBOUNDED_TEXT and not (kind == "str" and field.get("unbounded")):
            return False
    elif kind not in _TEXT:
        return False
    held = field.get(bound.option)
    tighter = max if bound.option in ("ge", "min_length") else min
    field[bound.option] = value if held is None else tighter(held, value)
    return True


def _null_allowed(sql: str) -> str:
    """`x >= 0 OR x IS NULL` says `x >= 0`: a nullable field's DTO takes null anyway."""
    found = _OR_NULL[0].match(sql) or _OR_NULL[1].match(sql)
    if found is None:
        return sql
    check = unwrapped(found["check"])
    columns = {b.column for b in bounds(check)}
    return check if columns == {_name(found["column"])} else sql


def _conjuncts(sql: str) -> list[str]:
    """The parts of a top-level AND (none inside parentheses or quotes)."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(sql):
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and not depth and sql[i : i + 5].upper() == " AND ":
            parts.append(sql[start:i])
            start = i + 5
    return [*parts, sql[start:]]


def _bound(sql: str) -> Bound | None:
    if found := _NOT_EMPTY.match(sql):
        return Bound(_name(found["column"]), "min_length", 1)
    found = _COMPARED.match(sql)
    op = found["op"] if found else None
    if found is None and (found := _REVERSED.match(sql)):
        op = _FLIPPED[found["op"]]
    if found is None or op is None:
        return None
    number = float(found["number"])
    column = _name(found["column"])
    if found["length"]:
        return _length(column, op, number)
    value: int | float = int(number) if number.is_integer() else number
    return Bound(column, "ge" if op in (">=", ">") else "le", value, strict=op in (">", "<"))


def _length(column: str, op: str, number: float) -> Bound | None:
    """A length is whole: `length(x) > 0` is `min_length: 1`."""
    if op in (">=", ">"):
        least = math.floor(number) + 1 if op == ">" else math.ceil(number)
        return Bound(column, "min_length", max(0, least))
    most = math.ceil(number) - 1 if op == "<" else math.floor(number)
    return Bound(column, "max_length", most) if most >= 1 else None


def _name(sql: str) -> str:
    return sql[1:-1].replace('""', '"') if sql.startswith('"') else sql
