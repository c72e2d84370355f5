"""DTO types of the columns `db/column_types.py` stores (and of `smallint` and `interval`):
what a value must be for its column to hold it, so a value out of range is a 422, not a 500,
and the document says so.

A project gets this module when its spec has such a field (or a `json` one of `shape: any`).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, Strict

from persistgen.runtime.db.column_types import FLOAT4_MAX, JsonData, inet_text
from persistgen.runtime.schemas.base import (
    STORABLE_TEXT,
    FiniteFloat,
    TextForm,
    _JsonText,
    _OnlyNamedKeys,
    _storable_json,
)

INT16_MIN, INT16_MAX = -(2**15), 2**15 - 1
Int16 = Annotated[int, Field(ge=INT16_MIN, le=INT16_MAX)]


def _whole(value: object) -> object:
    """`2.0` is 2 in a list of integers, as `WriteModel` reads a field (JSON has one number)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# A list's items: each bounded by its column type, and given as the JSON type it names. (A
# bound goes before a validator: after one, the document would not state it.)
_Whole = BeforeValidator(_whole)
StrictInt16 = Annotated[int, Field(ge=INT16_MIN, le=INT16_MAX), Strict(), _Whole]
StrictInt32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1), Strict(), _Whole]
StrictInt64 = Annotated[int, Field(ge=-(2**63), lt=2**63), Strict(), _Whole]
# Text in a list, as a text field: what PostgreSQL can store (no NUL), stated in the document.
StorableText = Annotated[str, Field(pattern=STORABLE_TEXT)]


def _in_real_range(value: object) -> object:
    """A number past a REAL's range, compared as written: `340282346638528859811704183484516925441`
    reads as the double FLOAT4_MAX, which the bound alone would let through."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return value
    try:
        exact = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        return value  # not a number: the float validator says so
    if exact.is_finite() and exact.copy_abs() > Decimal(FLOAT4_MAX):  # abs() would round
        raise ValueError("a real column holds numbers within ±3.4028234663852886e+38")
    return value


_RealRange = BeforeValidator(_in_real_range)
# A REAL's value in a filter; the write DTOs bound it where they meet the spec's `ge`/`le`.
_REAL_RANGE = Field(allow_inf_nan=False, ge=-FLOAT4_MAX, le=FLOAT4_MAX)
Float4Value = Annotated[float, _REAL_RANGE, _RealRange]
StrictFloat4 = Annotated[float, Field(allow_inf_nan=False), Strict(), _RealRange]
StrictFloat4Item = Annotated[float, _REAL_RANGE, Strict(), _RealRange]

# ECMA-262 and Python read these alike (ASCII classes, checked whole): an IPv4 address, or an
# IPv6 one in any of its forms, with a network prefix or not. A subset of what Python's
# ipaddress takes (no leading zeros), so the document never promises what the server refuses.
_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_V4 = rf"{_OCTET}(?:\.{_OCTET}){{3}}"
_H = "[0-9A-Fa-f]{1,4}"
_V6 = "|".join(
    (
        f"(?:{_H}:){{7}}{_H}",
        f"(?:{_H}:){{1,7}}:",
        f"(?:{_H}:){{1,6}}:{_H}",
        *(f"(?:{_H}:){{1,{7 - n}}}(?::{_H}){{1,{n}}}" for n in range(2, 7)),
        f"{_H}:(?::{_H}){{1,6}}",
        f":(?:(?::{_H}){{1,7}}|:)",
        f"(?:{_H}:){{6}}{_V4}",
        f"(?:{_H}:){{1,5}}:{_V4}",
        f"::(?:{_H}:){{0,5}}{_V4}",
    )
)
INET = f"^(?:{_V4}(?:/(?:3[0-2]|[12]?[0-9]))?|(?:{_V6})(?:/(?:12[0-8]|1[01][0-9]|[1-9]?[0-9]))?)$"


def _address(value: str) -> str:
    try:
        return inet_text(value)
    except ValueError:
        problem = "not an IP address, nor one with a network prefix (`10.0.0.1/8`)"
        raise ValueError(problem) from None


# An `inet` value: an IPv4 or IPv6 address, with a prefix or not; answered as Python spells it.
InetText = Annotated[str, TextForm(INET), AfterValidator(_address)]

# An ISO 8601 duration within what the database and pydantic both hold: days, hours, minutes
# and seconds of at most 5, 5, 6 and 8 digits (about 280 years at most), optionally negative.
DURATION = (
    "^-?P(?=[0-9T])(?:[0-9]{1,5}D)?(?:T(?=[0-9])(?:[0-9]{1,5}H)?(?:[0-9]{1,6}M)?"
    "(?:[0-9]{1,8}(?:\\.[0-9]{1,6})?S)?)?$"
)
# What SQLite's datetime-based storage of an interval can hold (the epoch plus the duration
# stays within the years 1 to 9999): about 1,900 years either way.
DURATION_LIMIT = dt.timedelta(days=700_000)


def _bounded(value: dt.timedelta) -> dt.timedelta:
    if abs(value) > DURATION_LIMIT:
        raise ValueError(f"a duration must lie within ±{DURATION_LIMIT.days:,} days")
    return value


def _duration_text(value: dt.timedelta) -> str:
    """The duration as RFC 3339 spells one (`P403D`, `PT57M43S`): days, then hours, minutes
    and seconds, from the first unit that is not zero to the last, none skipped between.
    Pydantic's own `P1Y38D` counts 365-day years, and the grammar allows no days after years."""
    sign, value = ("-", -value) if value < dt.timedelta(0) else ("", value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    fraction = f".{value.microseconds:06d}".rstrip("0") if value.microseconds else ""
    parts = [f"{value.days}D", f"{hours}H", f"{minutes}M", f"{seconds}{fraction}S"]
    used = [i for i, n in enumerate((value.days, hours, minutes, seconds or fraction)) if n]
    if not used:
        return "P0D"
    first, last = used[0], used[-1]
    days = parts[0] if first == 0 else ""
    time = "".join(parts[max(first, 1) : last + 1])
    return f"{sign}P{days}{'T' + time if time else ''}"


# An `interval` value: given as an ISO 8601 duration (`P1DT2H`), in a body as in a query.
Duration = Annotated[
    dt.timedelta,
    PlainSerializer(_duration_text, return_type=str, when_used="json"),
    # no `format: duration`: RFC 3339's durations have no fractions of a second, ISO 8601's do
    TextForm(DURATION),
    AfterValidator(_bounded),
]
StrictDuration = Duration


# A `json` field of `shape: any`: any JSON value but null (a nullable field's null is SQL NULL),
# held to a `json` object's rules: storable text, keys included, and finite numbers.
if TYPE_CHECKING:  # mypy cannot follow the recursive TypeAliasType: code sees the ORM's type
    JsonAny = JsonData
else:
    from persistgen.runtime.schemas.base import JsonValue  # defined for the runtime only

    JsonAny = Annotated[
        Annotated[dict[_JsonText, JsonValue], _OnlyNamedKeys()]
        | list[JsonValue]
        | _JsonText
        | int
        | FiniteFloat
        | bool,
        AfterValidator(_storable_json),
    ]
