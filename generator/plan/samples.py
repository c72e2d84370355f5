"""Test data: a valid, distinct value per column, a changed one, and keys no row has.

A type's row in typemap gives its samples outright, or names the rule here that draws them
from the field's options (length, bounds, digits, uniqueness, time zone). Every value fits
every bound for any row number `n` up to `REACH`, and a column that must hold distinct values
(unique, or part of a key or of a unique constraint) takes a new one for each `n` until it
counts round: each resource counts its own rows, and a test makes far fewer of one resource
than any column the validator accepts as unique can hold. The update value is one no row
takes, so changing a row to it never collides. A resource's dates and times follow the order
the spec declares them in (CHECKs such as `arrival > departure`; `checks.py` tries them all).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal, localcontext
from typing import NamedTuple

from persistgen.project_model import Expr, Sample, TypeInfo
from persistgen.spec.model import FieldSpec, ResourceSpec

COUNTER_DIGITS = 7  # room a readable text sample keeps for the test counter
STEM = 24  # characters of the column's name a text sample starts with: a name of 63 reads long
REACH = 10**COUNTER_DIGITS - 1  # the highest row number of one resource a test run reaches
FLOAT_STEPS = 1000  # values a narrow float range counts round
DOUBLE_DIGITS = 15  # significant digits a double keeps: SQLite's decimals are doubles
DAYS = 100_000  # days a unique date counts back before it counts round (about 270 years)
SECONDS = 40_000  # seconds a unique time of day counts back from 12:30, staying that day
REFERENCE = Sample("None", "None")  # tests pass references explicitly
EMPTY = Sample("None", "None")  # a nullable field a CHECK wants empty (checks.py)

# Each kind: the first moment field's value, and the unit between fields. The k-th moment
# field of a resource takes 2k units past it, leaving room for an update value between.
_MOMENTS = {
    "date": (dt.datetime(2025, 6, 1), dt.timedelta(days=1)),
    "datetime": (dt.datetime(2025, 6, 1, 12), dt.timedelta(hours=1)),
    "time": (dt.datetime(2025, 6, 1, 12, 30), dt.timedelta(seconds=1)),
}
# A counted moment's step back for each row, and how many it takes before it counts round.
_COUNTS = {"date": ("days", DAYS), "datetime": ("minutes", REACH + 1), "time": ("seconds", SECONDS)}

Rule = Callable[[FieldSpec, TypeInfo, str, bool], Sample]


def sample(
    field: FieldSpec,
    info: TypeInfo,
    column: str,
    *,
    distinct: bool = False,
    slot: Slot | None = None,
) -> Sample:
    """`distinct`: no two rows may share the value (a unique constraint or key covers it);
    `slot`: a moment field's place among its resource's (alone when None)."""
    if field.type == "ref":
        return REFERENCE
    distinct = distinct or field.unique or field.primary_key
    if field.type in _MOMENTS:
        return _moment(field, slot or Slot(0, distinct))
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


def alternatives(field: FieldSpec, info: TypeInfo, column: str) -> tuple[Sample, ...]:
    """Other valid, distinct samples, which checks.py tries where the first breaks a check: a
    text's stem joined by `_` (`code_12`, which `code ~ '^[a-z0-9_]+$'` takes)."""
    if info.sample != "text" or field.length <= COUNTER_DIGITS:
        return ()
    return (_text(field, info, column, False, joiner="_"),)


def _text(
    field: FieldSpec, info: TypeInfo, column: str, distinct: bool, joiner: str = "-"
) -> Sample:
    """`name-12` where seven digits fit after a stem of the column's name; in a shorter field
    (a country code), the counter in base 36, counting round (`_short_text` in the factories).
    Update samples are upper case there, out of that alphabet: no other row holds them."""
    limit, least = field.length, field.min_length or 0
    if limit <= COUNTER_DIGITS:
        least = max(least, min(limit, 2))  # a second character for the `contains` test
        value = f"_short_text(n, {limit}, {least})"
        return Sample(value, repr("UPDATED"[:limit]), counter=True, short_text=True)
    stem = column[:STEM].rstrip("_").replace("_", joiner) + joiner
    stem = stem[: limit - COUNTER_DIGITS]
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
    if max(up, down) == 1:  # one value beside the anchor: no counting
        return Count(str(anchor + 1 if up else anchor - 1), anchor, 1)
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
    the power of ten nearest below a `FLOAT_STEPS + 1`th of it above `ge`, short of `le`."""
    low, high = field.ge, field.le
    if low is None or high is None or high - low >= 2 * REACH:
        count = count_within(_ceil(low), _floor(high))
        return Sample(f"float({count.code})", repr(float(count.update)), counter=count.counted)
    if low == high:
        return Sample(repr(float(low)), repr(float(low)))
    step = (high - low) / (FLOAT_STEPS + 1)
    if step > 0:  # a power of ten reads better in the tests: `0.1 * (1 + n % 1000)`
        step = 10.0 ** math.floor(math.log10(step))
    start = f"{float(low)!r} + " if low else ""
    value = f"{start}{step!r} * (1 + n % {FLOAT_STEPS})"
    return Sample(value, repr(float(low)), counter=True)


def _real(field: FieldSpec, info: TypeInfo, column: str, distinct: bool) -> Sample:
    """A REAL keeps 24 bits: whole numbers from the bound nearest zero (exact up to 2**24,
    beyond `REACH`), or, in a narrow range, multiples of a power of two above `ge`, no finer
    than a REAL's spacing there, so that each reads back as written."""
    low, high = field.ge, field.le
    if low is None or high is None or high - low >= 2 * REACH:
        count = count_within(_ceil(low), _floor(high))
        return Sample(f"float({count.code})", repr(float(count.update)), counter=count.counted)
    if low == high:
        return Sample(repr(float(low)), repr(float(low)))
    step = 2.0 ** math.floor(math.log2((high - low) / (FLOAT_STEPS + 1)))
    # no finer than a REAL's spacing at the range's magnitude (24 bits: 23 after the first)
    step = max(step, 2.0 ** (math.floor(math.log2(max(abs(low), abs(high)))) - 23))
    start = math.ceil(low / step) * step
    if start < low:  # `low / step` underflowed to 0 (a subnormal `ge`)
        start += step
    steps = min(FLOAT_STEPS, math.floor((high - start) / step))
    if steps < 1:  # one REAL in the range, or none (then `ge`, which reads back rounded)
        fixed = repr(start if start <= high else float(low))
        return Sample(fixed, fixed)
    first = f"{start!r} + " if start else ""
    value = f"{first}{step!r} * (1 + n % {steps})"
    return Sample(value, repr(start), counter=True)


def _list(field: FieldSpec, info: TypeInfo, column: str, distinct: bool) -> Sample:
    """One item, drawn as a field of the item's type would be; the update, its update."""
    assert info.item is not None and field.items is not None
    one = sample(FieldSpec(type=field.items), info.item, column, distinct=distinct)
    return Sample(
        f"[{one.value}]", f"[{one.update}]", one.imports, one.counter, one.short_text, "=="
    )


def _decimal(field: FieldSpec, info: TypeInfo, column: str, distinct: bool) -> Sample:
    """Counted in units of the last digit (`n` hundredths at scale 2), or of a coarser one
    for large values (`_unit`), within the digits before the point and ge/le."""
    precision, scale = info.digits or field.digits
    unit = _unit(field, scale)
    units = _decimal_units(field, precision - scale + unit, unit)
    if units is None or (distinct and not units.counted):  # too coarse for ge and le: count
        unit = scale  # in the scale's units
        units = _decimal_units(field, precision, unit)
    assert units is not None  # the validator refuses a range the scale cannot fit
    if not units.counted:
        value = _decimal_literal(units.update, unit)
    elif unit:
        value = f'Decimal(f"{{{units.code}}}e{-unit}")'
    else:
        value = f"Decimal({units.code})"
    update = _decimal_literal(units.update, unit)
    return Sample(value, update, ("decimal:Decimal",), counter=units.counted)


def _decimal_units(field: FieldSpec, digits: int, unit: int) -> Count | None:
    """A count in units of 10**-unit, of at most `digits` digits, within ge/le; None if no
    such value lies between them."""
    widest = 10**digits - 1
    low, high = _ceil(field.ge, unit, -widest), _floor(field.le, unit, widest)
    return None if low is not None and high is not None and low > high else count_within(low, high)


def _unit(field: FieldSpec, scale: int) -> int:
    """The digits after the point the rows count in: the scale's, or fewer, so that each value
    (the bound nearest zero they count from, and up to `REACH` steps) keeps within a double's
    15 significant digits: SQLite stores a decimal as a double, so finer rows come back equal."""
    anchor = 0.0 if field.ge is None else max(0.0, field.ge)
    anchor = anchor if field.le is None else min(anchor, field.le)
    digits = Decimal(str(anchor)).adjusted() if anchor else 0
    return min(scale, DOUBLE_DIGITS - 1 - digits)


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


class Slot(NamedTuple):
    """A moment field's place among its resource's moment fields (date, datetime, time):
    `position` in declaration order; `counted`: one of them must be distinct, so all count back
    by the same step for a row, which keeps their order in it."""

    position: int
    counted: bool


def moment_slots(resource: ResourceSpec) -> dict[str, Slot]:
    """Each moment field's slot: declared later, sampled later (`end > start`)."""
    grouped = {name for group in resource.distinct_groups for name in group}
    moments = [n for n, f in resource.fields.items() if f.type in _MOMENTS]
    fields = resource.fields
    counted = any(fields[n].unique or fields[n].primary_key or n in grouped for n in moments)
    return {name: Slot(position, counted) for position, name in enumerate(moments)}


def _moment(field: FieldSpec, slot: Slot) -> Sample:
    """A date or time after the resource's earlier moment fields. Where any of them must be
    distinct, all count back from there by the same step for a row (and round, where a
    counter could leave the calendar or the day); the update sample, one step past the last
    they reach, then lies before every value of the field and of the later ones. Otherwise it
    is one unit later: between the field's value and the next field's."""
    kind = field.type
    aware = field.timezone if field.timezone is not None else kind == "datetime"
    first, unit = _MOMENTS[kind]
    top = first + 2 * slot.position * unit
    value = _spell(kind, top, aware)
    if not slot.counted:
        return Sample(value, _spell(kind, top + unit, aware), ("datetime as dt",))
    step, span = _COUNTS[kind]
    if kind == "time":  # a time of day takes no timedelta: step back a clock
        clock = _spell("datetime", top, aware)
        value = f"({clock} - dt.timedelta(seconds=n % {span})).timetz()"
    else:
        counter = "n" if kind == "datetime" else f"n % {span}"  # n stays within `REACH`
        value = f"{value} - dt.timedelta({step}={counter})"
    update = _spell(kind, top - dt.timedelta(**{step: span}), aware)
    return Sample(value, update, ("datetime as dt",), counter=True)


def _spell(kind: str, moment: dt.datetime, aware: bool) -> str:
    """`moment` as the constructor call of `kind`, its trailing zero parts left out."""
    names, least = _PARTS[kind]
    parts = [getattr(moment, name) for name in names.split()]
    while len(parts) > least and not parts[-1]:
        parts.pop()
    zone = ", tzinfo=dt.UTC" if aware and kind != "date" else ""
    return f"dt.{kind}({', '.join(map(str, parts))}{zone})"


# The constructor's parts of each kind, and how many are always spelled.
_PARTS = {
    "date": ("year month day", 3),
    "datetime": ("year month day hour minute second", 4),
    "time": ("hour minute second", 2),
}


_RULES: dict[str, Rule] = {
    "text": _text,
    "int": _int,
    "float": _float,
    "real": _real,
    "decimal": _decimal,
    "list": _list,
}
