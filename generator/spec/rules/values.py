"""Values checked against what the column holds, as PostgreSQL would insist at migration or
insert time: numbers within the integer width, a decimal's digits and a float's range; lengths
within VARCHAR and text; and room for the distinct rows the generated tests make."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from persistgen.project_model.types import TypeInfo
from persistgen.spec.load import SpecPath
from persistgen.spec.model import FieldSpec
from persistgen.spec.rules.finding import Finding, an
from persistgen.typemap import FLOAT4_MAX, TYPES

# What PostgreSQL holds: VARCHAR(n) takes n up to 10,485,760; one value is at most 1 GB, so no
# text is longer (in characters, at one byte each).
VARCHAR_MAX = 10_485_760
TEXT_MAX = 2**30 - 1
# An integer column's range, by its width in bits (the width is typemap.py's).
_INTEGER_RANGES = {16: (-(2**15), 2**15 - 1), 32: (-(2**31), 2**31 - 1), 64: (-(2**63), 2**63 - 1)}


def fits(at: SpecPath, option: str, value: Any, f: FieldSpec) -> Iterator[Finding]:
    """A number (a literal or a ge/le bound) the column can hold: PostgreSQL refuses the rest
    when the migration or an insert meets it."""
    if f.type in INTEGERS and isinstance(value, int | float):
        bits = _bits(f)
        low, high = _INTEGER_RANGES[bits]
        if not low <= value <= high:
            wider = {"smallint": "use `int`, or ", "int": "use `bigint`, or "}.get(
                f.type, "use `decimal`, or "
            )
            yield Finding(
                at,
                f"the {option} {value} is outside what {an(f.type)} column holds ({low} to {high})",
                f"{wider}a value inside that range",
            )
    elif f.type == "float" and isinstance(value, int) and abs(value) > sys.float_info.max:
        yield Finding(
            at,
            f"the {option} is beyond what a float column holds (about ±1.8e308)",
            "use `decimal`, or a smaller value",
        )
    elif f.type == "real" and isinstance(value, int | float) and abs(value) > FLOAT4_MAX:
        yield Finding(
            at,
            f"the {option} is beyond what a real column holds (about ±3.4e38)",
            "use `float`, or a smaller value",
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


INTEGERS = ("int", "bigint", "smallint")


def _bits(f: FieldSpec) -> int:
    row = TYPES[f.type]
    assert isinstance(row, TypeInfo) and row.bits is not None, f.type
    return row.bits


def lengths(path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    """`max_length` and `min_length` within what the column holds."""
    if f.type not in ("str", "text", "char"):
        return
    most, column = {
        "str": (VARCHAR_MAX, "VARCHAR"),
        "char": (VARCHAR_MAX, "CHAR"),
        "text": (TEXT_MAX, "text"),
    }[f.type]
    for option in ("max_length", "min_length"):
        value = getattr(f, option)
        if value is not None and value > most:
            yield Finding(
                (*path, option),
                f"`{option}` {value:,} is more than a PostgreSQL {column} holds ({most:,})",
                f"use at most {most}"
                + (", or type `text` for longer text" if f.type == "str" else ""),
            )
    if f.max_length is None and f.column_length and (f.min_length or 0) > f.column_length:
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


def room_findings(path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    """Bounds that leave a number no value, and a unique column holding fewer values than the
    generated tests make distinct rows."""
    room = number_room(f)
    bounds_fit = not any(
        next(fits(path, o, getattr(f, o), f), None) for o in ("ge", "le") if getattr(f, o)
    )
    if room is not None and room <= 0 and bounds_fit:  # a bound past the column: told above
        yield Finding(
            (*path, "le" if f.le is not None else "ge"),
            f"no value {an(f.type)} field{_digits(f)} holds lies within its bounds",
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
    elif f.unique and f.read_only and not f.primary_key and _one_value(f):
        yield Finding(
            (*path, "unique"),
            "a unique read-only field takes its default in every row, so the second row "
            "already collides (`now` is one instant per transaction, one day for a date)",
            "let clients send it (drop `read_only`), or drop `unique`",
        )


def _one_value(f: FieldSpec) -> bool:
    """Whether every row clients make gets the same value: a default, not a null."""
    return f.default is not None or f.server_default is not None


# Distinct values a unique column must hold: the generated tests make many rows of a resource
# in one test (tens, through chains of references), and their data counts round within it.
MIN_DISTINCT = 1000


def number_room(f: FieldSpec) -> int | None:
    """How many values a bounded number holds; None: more than any test makes, or a bound is
    already wrong (reported on its own)."""
    if f.type in ("float", "real"):
        return 1 if f.ge is not None and f.ge == f.le else None
    if f.type in INTEGERS:
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


def _too_wide(number: Decimal, f: FieldSpec) -> bool:
    """A decimal literal with more digits before the point than NUMERIC(p, s) holds."""
    precision, scale = f.digits
    return number.is_finite() and number != 0 and number.adjusted() >= precision - scale
