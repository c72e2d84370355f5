"""Rules on one field: which options its type takes, literals, enums, filters, many."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from persistgen import naming
from persistgen.project_model.types import TypeInfo
from persistgen.spec.load import SpecPath, describe
from persistgen.spec.model import FieldSpec, Spec
from persistgen.spec.rules.finding import Finding
from persistgen.spec.rules.references import held_type, reference_findings
from persistgen.typemap import TYPES

NUMERIC = {"int", "bigint", "float", "decimal"}


PRIMARY_KEY_TYPES = {"int", "bigint", "str", "uuid"}


TEMPORAL = {"date", "datetime", "time"}


DECIMAL_PRECISION, DECIMAL_SCALE = 12, 2  # as typemap.py applies them

# What PostgreSQL holds: VARCHAR(n) takes n up to 10,485,760; one value is at most 1 GB, so no
# text is longer (in characters, at one byte each).
VARCHAR_MAX = 10_485_760
TEXT_MAX = 2**30 - 1
# An integer column's range, by its width in bits (the width is typemap.py's).
_INTEGER_RANGES = {32: (-(2**31), 2**31 - 1), 64: (-(2**63), 2**63 - 1)}


# Which options mean something for which types.
OPTION_TYPES: dict[str, set[str]] = {
    "max_length": {"str", "text"},  # a column length for str; a DTO bound for both
    "min_length": {"str", "text"},
    "ge": NUMERIC,
    "le": NUMERIC,
    "precision": {"decimal"},
    "scale": {"decimal"},
    "timezone": {"datetime", "time"},
    "values": {"enum"},
    "native": {"enum"},
    "target": {"ref", "many"},
    "on_delete": {"ref"},
    "back_populates": {"ref", "many"},
    "through": {"many"},
    "target_field": {"ref"},
    "onupdate": {"datetime"},
}


_LITERAL_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "bigint": (int,),
    "float": (int, float),
    "decimal": (int, float, str),
    "str": (str,),
    "text": (str,),
    "enum": (str,),
    "bool": (bool,),
}


def field_findings(
    spec: Spec, resource_name: str, path: SpecPath, f: FieldSpec
) -> Iterator[Finding]:
    for option in ("ge", "le", "default", "server_default", "backfill"):
        value = getattr(f, option)
        if isinstance(value, float) and not math.isfinite(value):
            yield Finding(
                (*path, option),
                f"`{option}` must be a finite number, not {value}",
                "write an ordinary number",
            )
        elif option in ("ge", "le") and value is not None:
            yield from _fits((*path, option), option, value, f)
    yield from _lengths(path, f)
    for option, types in OPTION_TYPES.items():
        if option in f.model_fields_set and f.type not in types:
            yield Finding(
                (*path, option),
                f"`{option}` does not apply to {_a(f.type)} field",
                f"remove it, or use it with: {', '.join(sorted(types))}",
                at_key=True,
            )
    if f.type == "enum":
        yield from _enum(path, f)
    if f.column is not None and (issue := naming.table_problem(f.column)):
        yield Finding(
            (*path, "column"),
            f"`{f.column}`: {issue[0].replace('table', 'column')}",
            f"use {issue[1]}",
        )
    if f.type in ("ref", "many"):
        yield from reference_findings(spec, resource_name, path, f)
    if f.type == "many":
        yield from _many(resource_name, path, f)
    if f.type == "decimal":
        yield from _decimal(path, f)
    bounds = [(f.min_length, f.max_length, "min_length", "max_length"), (f.ge, f.le, "ge", "le")]
    for low, high, option, upper in bounds:
        if low is not None and high is not None and low > high:
            yield Finding(
                (*path, option),
                f"`{option}` ({low}) is above `{upper}` ({high})",
                f"swap the two bounds, or lower `{option}`",
            )
    if f.primary_key:
        key_type = held_type(spec, f) if f.type == "ref" else f.type
        if key_type is not None and key_type not in PRIMARY_KEY_TYPES:
            allowed = ", ".join(sorted(PRIMARY_KEY_TYPES))
            yield Finding(
                (*path, "primary_key"),
                f"a reference holding {_a(key_type)} field cannot be part of the primary key"
                if f.type == "ref"
                else f"{_a(f.type)} field cannot be the primary key",
                f"set `target_field` to a unique field of type {allowed}, or remove `primary_key`"
                if f.type == "ref"
                else f"use one of: {allowed}",
            )
        if f.nullable:
            yield Finding(
                (*path, "nullable"), "a primary key cannot be nullable", "remove `nullable`"
            )
    if "default" in f.model_fields_set and f.default is not None:
        yield from _literal(path, "default", f.default, f)
    if f.backfill is not None:
        yield from _literal(path, "backfill", f.backfill, f)
    if f.server_default is not None:
        if f.server_default == "now":
            if f.type not in TEMPORAL:
                yield Finding(
                    (*path, "server_default"),
                    f"`server_default: now` does not suit {_a(f.type)} field",
                    "use it on date, datetime or time fields; here give a literal or remove it",
                )
        else:
            yield from _literal(path, "server_default", f.server_default, f)
    has_value = f.default is not None or f.server_default is not None or f.nullable
    if f.read_only and not f.primary_key and not has_value:
        yield Finding(
            (*path, "read_only"),
            "clients do not send a read-only field, so it needs a value of its own",
            "add `server_default` or `default`, or make it `nullable`",
        )
    if f.unique and f.index:
        yield Finding((*path, "index"), "`unique` already creates an index", "remove `index`")
    room = number_room(f)
    bounds_fit = not any(
        next(_fits(path, o, getattr(f, o), f), None) for o in ("ge", "le") if getattr(f, o)
    )
    if room is not None and room <= 0 and bounds_fit:  # a bound past the column: told above
        yield Finding(
            (*path, "le" if f.le is not None else "ge"),
            f"no value {_a(f.type)} field{_digits(f)} holds lies within its bounds",
            "widen `ge`/`le`" + (", or raise `precision`" if f.type == "decimal" else ""),
        )
    elif f.unique and room is not None and room < MIN_DISTINCT:
        yield Finding(
            (*path, "unique"),
            f"a unique {f.type} field within its bounds holds {room} value"
            f"{'s' if room != 1 else ''}, fewer than the {MIN_DISTINCT} distinct rows the "
            "generated tests may make",
            "widen its bounds (`ge`, `le`, `precision`), or make it part of a "
            "unique constraint over several fields (`unique: [[...]]`)",
        )
    elif f.unique and (count := _choices(f)) is not None and count < MIN_DISTINCT:
        yield Finding(
            (*path, "unique"),
            f"a unique {f.type} field holds {count} value{'s' if count != 1 else ''}, fewer "
            f"than the {MIN_DISTINCT} distinct rows the generated tests may make",
            "make it part of a unique constraint over several fields (`unique: [[...]]`), "
            "or drop `unique`",
        )
    if f.filter:
        yield from _filter(path, f)


def _enum(path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    if not f.values:
        yield Finding(
            (*path, "values"),
            "an enum field needs `values`",
            "add e.g. `values: [draft, published]`, or write `enum:draft|published`",
        )
        return
    seen: set[str] = set()
    for index, value in enumerate(f.values):
        if not value:
            yield Finding((*path, "values", index), "an enum value is empty", "remove it")
        elif len(value.encode()) > 63:  # PostgreSQL's limit for an ENUM label, in bytes
            yield Finding(
                (*path, "values", index),
                f"enum value `{value[:20]}…` is {len(value.encode())} bytes in UTF-8; at most "
                "63 fit",
                "shorten it",
            )
        elif not value.isprintable():  # a control, a line break or an invisible character
            yield Finding(
                (*path, "values", index),
                f"enum value {value!r} holds a character that cannot be printed",
                "use letters, digits, punctuation and spaces",
            )
        elif value in seen:
            yield Finding(
                (*path, "values", index),
                f"enum value `{value}` is listed twice",
                "list each value once",
            )
        seen.add(value)


# Query parameters of every list route, next to the filters.
PAGING_PARAMETERS = {"limit", "offset", "sort", "after"}


def _filter(path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    name = str(path[-1])
    if f.type in ("json", "bytes"):
        yield Finding(
            (*path, "filter"), f"{_a(f.type)} field cannot be filtered on", "remove `filter`"
        )
    elif name in PAGING_PARAMETERS or "__" in name:
        yield Finding(
            (*path, "filter"),
            f"a filter on `{name}` would clash with the list route's query parameters",
            f"rename the field (lists take {', '.join(sorted(PAGING_PARAMETERS))} and "
            "`<field>__<operator>`)",
        )


_MANY_OPTIONS = {"type", "description", "target", "back_populates", "through", "renamed_from"}


def _many(resource_name: str, path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    """A many field is a link table, not a column: column options mean nothing for it."""
    if f.target == resource_name:
        yield Finding(
            (*path, "target"),
            f"`{resource_name}` cannot link to itself with a many field yet",
            f"add a resource with two references to `{resource_name}` (e.g. a follow or a "
            "membership) instead",
        )
    for option in sorted(f.model_fields_set - _MANY_OPTIONS - set(OPTION_TYPES)):
        yield Finding(
            (*path, option),
            f"`{option}` does not apply to a many field (a link table, not a column)",
            f"remove it; a many field takes: {', '.join(sorted(_MANY_OPTIONS - {'type'}))}",
            at_key=True,
        )
    table = f.association_table(resource_name, str(path[-1]))
    issue = naming.table_problem(table)
    if issue:
        at = (*path, "through") if f.through else path
        hint = f"use {issue[1]}" if f.through else f"set `through` to a shorter name, {issue[1]}"
        yield Finding(at, f"the link table `{table}`: {issue[0]}", hint, at_key=not f.through)


def _literal(path: SpecPath, option: str, value: Any, f: FieldSpec) -> Iterator[Finding]:
    allowed = _LITERAL_TYPES.get(f.type)
    at = (*path, option)
    if allowed is None:
        yield Finding(
            at,
            f"{_a(f.type)} field takes no literal `{option}`",
            "use `server_default: now` for times, or leave it out",
        )
        return
    if isinstance(value, bool) != (f.type == "bool") or not isinstance(value, allowed):
        yield Finding(
            at,
            f"the {option} of {_a(f.type)} field cannot be {describe(value)}",
            f"give {_a(f.type)} literal{_example(f)}",
        )
        return
    if f.type == "enum" and f.values and value not in f.values:
        yield Finding(
            at,
            f"the {option} `{value}` is not one of the enum values",
            f"use one of: {', '.join(f.values)}",
        )
    if f.type == "decimal" and isinstance(value, str) and not _is_decimal(value):
        yield Finding(at, f"the {option} `{value}` is not a decimal number", "write it like `9.99`")
    else:
        yield from _fits(at, option, value, f)
    longest = f.length if f.type == "str" else f.max_length  # text: the DTO bound, if any
    if isinstance(value, str) and longest is not None and len(value) > longest:
        bound = f"max_length {longest}" if f.max_length else f"the column's {longest} (the default)"
        yield Finding(
            at,
            f"the {option} is {len(value)} characters, longer than {bound}",
            "shorten it, or raise `max_length`",
        )
    elif isinstance(value, str) and f.min_length is not None and len(value) < f.min_length:
        yield Finding(
            at,
            f"the {option} is {len(value)} characters, shorter than min_length {f.min_length}",
            "lengthen it, or lower `min_length`",
        )
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and ((f.ge is not None and value < f.ge) or (f.le is not None and value > f.le)):
        yield Finding(
            at, f"the {option} {value} is outside the ge/le bounds", "pick a value inside them"
        )


def _fits(at: SpecPath, option: str, value: Any, f: FieldSpec) -> Iterator[Finding]:
    """A number (a literal or a ge/le bound) the column can hold: PostgreSQL refuses the rest
    when the migration or an insert meets it."""
    if f.type in ("int", "bigint") and isinstance(value, int | float):
        bits = _bits(f)
        low, high = _INTEGER_RANGES[bits]
        if not low <= value <= high:
            wider = "use `bigint`, or " if f.type == "int" else "use `decimal`, or "
            yield Finding(
                at,
                f"the {option} {value} is outside what {_a(f.type)} column holds ({low} to {high})",
                f"{wider}a value inside that range",
            )
    elif f.type == "float" and isinstance(value, int) and abs(value) > sys.float_info.max:
        yield Finding(
            at,
            f"the {option} is beyond what a float column holds (about ±1.8e308)",
            "use `decimal`, or a smaller value",
        )
    elif f.type == "decimal" and isinstance(value, int | float | str):
        precision, scale = f.digits
        number = Decimal(str(value))
        if _too_wide(number, f):
            yield Finding(
                at,
                f"the {option} {value} does not fit in {precision} digits with {scale} after "
                "the point",
                f"use at most {precision - scale} digits before the point, or raise `precision`",
            )
        elif _fraction_digits(number) > scale:
            yield Finding(
                at,
                f"the {option} {value} has {_fraction_digits(number)} digits after the point; "
                f"the column keeps {scale}",
                f"round it to {scale} digits after the point, or raise `scale`",
            )


def _bits(f: FieldSpec) -> int:
    row = TYPES[f.type]
    assert isinstance(row, TypeInfo) and row.bits is not None, f.type
    return row.bits


def _lengths(path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    """`max_length` and `min_length` within what the column holds."""
    if f.type not in ("str", "text"):
        return
    most, column = (VARCHAR_MAX, "VARCHAR") if f.type == "str" else (TEXT_MAX, "text")
    for option in ("max_length", "min_length"):
        value = getattr(f, option)
        if value is not None and value > most:
            yield Finding(
                (*path, option),
                f"`{option}` {value:,} is more than a PostgreSQL {column} holds ({most:,})",
                f"use at most {most}"
                + (", or type `text` for longer text" if f.type == "str" else ""),
            )
    if f.type == "str" and f.max_length is None and (f.min_length or 0) > f.length:
        yield Finding(
            (*path, "min_length"),
            f"`min_length` ({f.min_length}) is above the column's length {f.length} (the default)",
            "set `max_length` to at least `min_length`",
        )


def _fraction_digits(number: Decimal) -> int:
    """Digits after the point that are not trailing zeros: `1.50` has 1."""
    _, digits, exponent = number.as_tuple()
    shown = "".join(map(str, digits))
    trailing = len(shown) - len(shown.rstrip("0"))
    return max(0, -(int(exponent) + trailing)) if shown.strip("0") else 0


# Distinct values a unique column must hold: the generated tests make many rows of a resource
# in one test (tens, through chains of references), and their data counts round within it.
MIN_DISTINCT = 1000


def number_room(f: FieldSpec) -> int | None:
    """How many values a bounded number holds; None: more than any test makes, or a bound is
    already wrong (reported on its own)."""
    if f.type == "float":
        return 1 if f.ge is not None and f.ge == f.le else None
    if f.type in ("int", "bigint"):
        return _units(f.ge, f.le, 0, *_INTEGER_RANGES[_bits(f)])
    if f.type == "decimal" and f.digits[1] <= f.digits[0]:
        precision, scale = f.digits
        return _units(f.ge, f.le, scale, 1 - 10**precision, 10**precision - 1)
    return None


def _choices(f: FieldSpec) -> int | None:
    """How many values a bool or an enum holds; None: another type, or an enum without
    values (reported on its own)."""
    if f.type == "bool":
        return 2
    return len(set(f.values)) if f.type == "enum" and f.values else None


def _digits(f: FieldSpec) -> str:
    return f" of precision {f.digits[0]}, scale {f.digits[1]}," if f.type == "decimal" else ""


def _units(low: float | None, high: float | None, scale: int, least: int, most: int) -> int | None:
    """Values in units of 10**-scale between the bounds and the column's own."""
    if low is not None:
        least = max(least, math.ceil(Decimal(str(low)).scaleb(scale)))
    if high is not None:
        most = min(most, math.floor(Decimal(str(high)).scaleb(scale)))
    return None if low is not None and high is not None and low > high else most - least + 1


def _is_decimal(text: str) -> bool:
    return re.fullmatch(r"-?\d+(\.\d+)?", text) is not None


def _too_wide(number: Decimal, f: FieldSpec) -> bool:
    """A decimal literal with more digits before the point than NUMERIC(p, s) holds."""
    precision, scale = f.digits
    return number.is_finite() and number != 0 and number.adjusted() >= precision - scale


def _a(kind: str) -> str:
    """`an int`, `an enum`, `a str`, `a uuid`."""
    return f"an {kind}" if kind[0] in "aeio" else f"a {kind}"


def _example(f: FieldSpec) -> str:
    examples = {"bool": "true", "str": '"x"', "text": '"x"', "float": "1.5", "decimal": "9.99"}
    if f.type == "enum" and f.values:
        return f", e.g. `{f.values[0]}`"
    example = examples.get(f.type, "0")
    return f", e.g. `{example}`"


def _decimal(path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    precision = f.precision if f.precision is not None else DECIMAL_PRECISION
    scale = f.scale if f.scale is not None else DECIMAL_SCALE
    if scale <= precision:
        return
    if f.scale is None:
        yield Finding(
            (*path, "precision"),
            f"precision {precision} is below the default scale {DECIMAL_SCALE}",
            f"set `scale` to at most {precision}, or raise `precision`",
        )
        return
    given = "" if f.precision is not None else " (the default)"
    yield Finding(
        (*path, "scale"),
        f"scale {scale} exceeds precision {precision}{given}",
        f"lower `scale` to at most {precision}, or raise `precision`",
    )
