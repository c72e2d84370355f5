"""Test data: a valid, distinct value per column, a changed one, and keys no row has.

A type's row in typemap gives its samples outright, or names the rule here that draws them
from the field's options (length, bounds, uniqueness, time zone).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from persistgen.project_model import Expr, Sample, TypeInfo
from persistgen.spec.model import FieldSpec

COUNTER_DIGITS = 7  # room a readable text sample keeps for the test counter
REFERENCE = Sample("None", "None")  # tests pass references explicitly


def sample(field: FieldSpec, info: TypeInfo, column: str) -> Sample:
    if field.type == "ref":
        return REFERENCE
    if isinstance(info.sample, Sample):
        return info.sample
    return _RULES[info.sample](field, column)


def missing_key(key: FieldSpec, info: TypeInfo) -> Expr:
    """A key no row has; text: upper case where it would be a `_short_text` sample."""
    if info.missing is not None:
        return info.missing
    if key.length <= COUNTER_DIGITS:
        return Expr(repr("MISSING"[: key.length]))
    return Expr(repr("missing".ljust(key.min_length or 0, "x")[: key.length]))


def _text(field: FieldSpec, column: str) -> Sample:
    """`name-12` where seven digits fit after a stem of the column's name; in a shorter field
    (a country code), the counter in base 36, counting round (`_short_text` in the factories).
    Update samples are upper case there, out of that alphabet: no other row holds them."""
    limit, least = field.length, field.min_length or 0
    if limit <= COUNTER_DIGITS:
        least = max(least, min(limit, 2))  # a second character for the `contains` test
        value = f"_short_text(n, {limit}, {least})"
        return Sample(value, repr("UPDATED"[:limit]), counter=True, short_text=True)
    stem = (column.replace("_", "-") + "-")[: limit - COUNTER_DIGITS]
    changed = (stem + "updated")[:limit]
    pad = least - len(changed)
    update = f"{changed!r} + 'x' * {pad}" if pad > 0 else repr(changed)
    digits = least - len(stem)  # zero-padded up to `min_length`
    value = f'f"{stem}{{n:0{digits}}}"' if digits > 1 else f'f"{stem}{{n}}"'
    return Sample(value, update, counter=True)


class _Number(NamedTuple):
    code: str
    floating: bool  # a float literal already


def _numbers(field: FieldSpec) -> tuple[_Number, _Number]:
    """A number within ge/le, distinct per `n` when the column is unique (or part of a key) or
    unbounded, and an update value within them too."""
    low, high = field.ge, field.le
    bound = low if low is not None else high
    if bound is None:
        value = _Number("n", False)
    elif field.unique or field.primary_key:
        step = f"{low!r} + n" if low is not None else f"{high!r} - n"
        value = _Number(step, isinstance(bound, float))
    else:
        value = _Number(repr(bound), isinstance(bound, float))
    if low is not None and high is not None:
        update: int | float = high if high != low else low
    elif low is not None:
        update = low + 1
    else:
        update = high - 1 if high is not None else 7
    return value, _Number(repr(update), isinstance(update, float))


def _counts(field: FieldSpec) -> bool:
    """Whether `_numbers` reads `n`."""
    return (field.ge is None and field.le is None) or field.unique or field.primary_key


def _int(field: FieldSpec, column: str) -> Sample:
    value, update = _numbers(field)
    return Sample(value.code, update.code, counter=_counts(field))


def _float(field: FieldSpec, column: str) -> Sample:
    """A float literal, or an integer one made a float: `float(n)`, `float(1 + n)`."""
    value, update = (
        number.code if number.floating else f"float({number.code})" for number in _numbers(field)
    )
    return Sample(value, update, counter=_counts(field))


def _decimal(field: FieldSpec, column: str) -> Sample:
    value, update = (f"Decimal({number.code})" for number in _numbers(field))
    return Sample(value, update, ("decimal:Decimal",), counter=_counts(field))


def _moment(kind: str) -> Callable[[FieldSpec, str], Sample]:
    """A date or time; distinct per `n` when unique, counting back from it, so that the later
    update sample is never reached."""

    def rule(field: FieldSpec, column: str) -> Sample:
        aware = field.timezone if field.timezone is not None else kind == "datetime"
        zone = ", tzinfo=dt.UTC" if aware else ""
        value, update = {
            "date": ("dt.date(2025, 6, 1)", "dt.date(2025, 6, 2)"),
            "datetime": (
                f"dt.datetime(2025, 6, 1, 12{zone})",
                f"dt.datetime(2025, 6, 2, 12{zone})",
            ),
            "time": (f"dt.time(12, 30{zone})", f"dt.time(18, 45{zone})"),
        }[kind]
        if (
            field.unique and kind == "time"
        ):  # a time of day takes no timedelta: step back a day's clock
            value = f"(dt.datetime(2025, 6, 1, 12, 30{zone}) - dt.timedelta(seconds=n)).timetz()"
        elif field.unique:
            value = f"{value} - dt.timedelta({'days' if kind == 'date' else 'minutes'}=n)"
        return Sample(value, update, ("datetime as dt",), counter=field.unique)

    return rule


_RULES: dict[str, Callable[[FieldSpec, str], Sample]] = {
    "text": _text,
    "int": _int,
    "float": _float,
    "decimal": _decimal,
    "date": _moment("date"),
    "datetime": _moment("datetime"),
    "time": _moment("time"),
}
