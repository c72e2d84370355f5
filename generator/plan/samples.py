"""Test data: a valid, distinct value per column, a changed one, and keys no row has.

A type's row in typemap gives its samples outright, or names the rule here that draws them
from the field's options (length, bounds, digits, uniqueness, time zone). Every value fits
every bound for any row number `n` up to `REACH`, and a column that must hold distinct values
(unique, or part of a key or of a unique constraint) takes a new one for each `n` until it
counts round: each resource counts its own rows, and a test makes far fewer of one resource
than any column the validator accepts as unique can hold. The update value is one no row
takes, so changing a row to it never collides.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal, localcontext
from typing import NamedTuple

from persistgen.project_model import Expr, Sample, TypeInfo
from persistgen.spec.model import FieldSpec

COUNTER_DIGITS = 7  # room a readable text sample keeps for the test counter
STEM = 24  # characters of the column's name a text sample starts with: a name of 63 reads long
REACH = 10**COUNTER_DIGITS - 1  # the highest row number of one resource a test run reaches
FLOAT_STEPS = 1000  # values a narrow float range counts round
DAYS = 100_000  # days a unique date counts back before it counts round (about 270 years)
SECONDS = 40_000  # seconds a unique time of day counts back from 12:30, staying that day
REFERENCE = Sample("None", "None")  # tests pass references explicitly

Rule = Callable[[FieldSpec, TypeInfo, str, bool], Sample]


def sample(field: FieldSpec, info: TypeInfo, column: str, *, distinct: bool = False) -> Sample:
    """`distinct`: no two rows may share the value (a unique constraint or key covers it)."""
    if field.type == "ref":
        return REFERENCE
    distinct = distinct or field.unique or field.primary_key
    if isinstance(info.sample, Sample):
        return _members(info) if distinct and len(info.members) > 2 else info.sample
    return _RULES[info.sample](field, info, column, distinct)


def missing_key(key: FieldSpec, info: TypeInfo) -> Expr:
    """A key no row has; text: upper case where it would be a `_short_text` sample."""
    if info.missing is not None:
        return info.missing
    if key.length <= COUNTER_DIGITS:
        return Expr(repr("MISSING"[: key.length]))
    return Expr(repr("missing".ljust(key.min_length or 0, "x")[: key.length]))


def _members(info: TypeInfo) -> Sample:
    """Distinct enum values: the members but the last, in turn; the update is the last."""
    fixed = info.sample
    assert isinstance(fixed, Sample)
    value = f"list({info.python})[n % {len(info.members) - 1}]"
    return Sample(value, fixed.update, fixed.imports, counter=True)


def _text(field: FieldSpec, info: TypeInfo, column: str, distinct: bool) -> Sample:
    """`name-12` where seven digits fit after a stem of the column's name; in a shorter field
    (a country code), the counter in base 36, counting round (`_short_text` in the factories).
    Update samples are upper case there, out of that alphabet: no other row holds them."""
    limit, least = field.length, field.min_length or 0
    if limit <= COUNTER_DIGITS:
        least = max(least, min(limit, 2))  # a second character for the `contains` test
        value = f"_short_text(n, {limit}, {least})"
        return Sample(value, repr("UPDATED"[:limit]), counter=True, short_text=True)
    stem = (column[:STEM].rstrip("_").replace("_", "-") + "-")[: limit - COUNTER_DIGITS]
    changed = (stem + "updated")[:limit]
    pad = least - len(changed)
    update = f"{changed!r} + 'x' * {pad}" if pad > 0 else repr(changed)
    digits = least - len(stem)  # zero-padded up to `min_length`
    value = f'f"{stem}{{n:0{digits}}}"' if digits > 1 else f'f"{stem}{{n}}"'
    return Sample(value, update, counter=True)


class Count(NamedTuple):
    """Integers for the rows: `code`, an expression of `n`, takes `values` values before it
    counts round (capped at `REACH`); `update` is one it never takes (unless it is fixed)."""

    code: str
    update: int
    values: int

    @property
    def counted(self) -> bool:
        """`code` reads `n`."""
        return self.values > 1


def count_within(low: int | None, high: int | None) -> Count:
    """Integers within [low, high] (None: unbounded) for `n` from 1 up to `REACH`, new for
    each `n` until they count round. They count away from zero, or from the bound nearest
    it, on the side with more room; the update value is that starting point."""
    anchor = 0 if low is None else max(0, low)
    anchor = anchor if high is None else min(anchor, high)
    up = REACH if high is None else min(high - anchor, REACH)
    down = REACH if low is None else min(anchor - low, REACH)
    if up == REACH:
        return Count(f"{anchor} + n" if anchor else "n", anchor, REACH)
    if down == REACH:
        return Count(f"{anchor} - n" if anchor else "-n", anchor, REACH)
    if not up and not down:
        return Count(str(anchor), anchor, 1)
    if up >= down:
        return Count(f"{anchor + 1} + n % {up}", anchor, up)
    return Count(f"{anchor - 1} - n % {down}", anchor, down)


def _int(field: FieldSpec, info: TypeInfo, column: str, distinct: bool) -> Sample:
    """Within ge/le and the column's width."""
    top = 2 ** ((info.bits or 64) - 1)
    count = count_within(_ceil(field.ge, least=-top), _floor(field.le, most=top - 1))
    return Sample(count.code, str(count.update), counter=count.counted)


def _float(field: FieldSpec, info: TypeInfo, column: str, distinct: bool) -> Sample:
    """Whole numbers from the bound nearest zero; in a range narrower than `REACH`, steps of
    a `FLOAT_STEPS`th of it above `ge`, short of `le`."""
    low, high = field.ge, field.le
    if low is None or high is None or high - low >= 2 * REACH:
        count = count_within(_ceil(low), _floor(high))
        return Sample(f"float({count.code})", repr(float(count.update)), counter=count.counted)
    if low == high:
        return Sample(repr(float(low)), repr(float(low)))
    step = (high - low) / (FLOAT_STEPS + 1)
    start = f"{float(low)!r} + " if low else ""
    value = f"{start}{step!r} * (1 + n % {FLOAT_STEPS})"
    return Sample(value, repr(float(low)), counter=True)


def _decimal(field: FieldSpec, info: TypeInfo, column: str, distinct: bool) -> Sample:
    """Counted in units of the last digit (`n` hundredths at scale 2), within the digits
    before the point (precision - scale) and ge/le."""
    precision, scale = info.digits or field.digits
    widest = 10**precision - 1
    units = count_within(_ceil(field.ge, scale, -widest), _floor(field.le, scale, widest))
    if not units.counted:
        value = _decimal_literal(units.update, scale)
    elif scale:
        value = f'Decimal(f"{{{units.code}}}e-{scale}")'
    else:
        value = f"Decimal({units.code})"
    update = _decimal_literal(units.update, scale)
    return Sample(value, update, ("decimal:Decimal",), counter=units.counted)


def _decimal_literal(units: int, scale: int) -> str:
    with localcontext(prec=len(str(abs(units))) + 1):
        return f"Decimal({str(Decimal(units).scaleb(-scale))!r})"


def _ceil(bound: float | None, scale: int = 0, least: int | None = None) -> int | None:
    """A lower bound in units of 10**-scale, rounded up into the range, and no less than
    `least` (the column's own bound)."""
    units = None if bound is None else math.ceil(Decimal(str(bound)).scaleb(scale))
    return least if units is None else units if least is None else max(units, least)


def _floor(bound: float | None, scale: int = 0, most: int | None = None) -> int | None:
    """An upper bound in units, rounded down, no more than `most`."""
    units = None if bound is None else math.floor(Decimal(str(bound)).scaleb(scale))
    return most if units is None else units if most is None else min(units, most)


def _moment(kind: str) -> Rule:
    """A date or time; distinct per `n` when it must be, counting back from it (and round,
    where a counter could leave the calendar or the day), so that the later update sample is
    never reached."""

    def rule(field: FieldSpec, info: TypeInfo, column: str, distinct: bool) -> Sample:
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
        if distinct and kind == "time":  # a time of day takes no timedelta: step back a clock
            value = (
                f"(dt.datetime(2025, 6, 1, 12, 30{zone}) "
                f"- dt.timedelta(seconds=n % {SECONDS})).timetz()"
            )
        elif distinct and kind == "date":
            value = f"{value} - dt.timedelta(days=n % {DAYS})"
        elif distinct:
            value = f"{value} - dt.timedelta(minutes=n)"
        return Sample(value, update, ("datetime as dt",), counter=distinct)

    return rule


_RULES: dict[str, Rule] = {
    "text": _text,
    "int": _int,
    "float": _float,
    "decimal": _decimal,
    "date": _moment("date"),
    "datetime": _moment("datetime"),
    "time": _moment("time"),
}
