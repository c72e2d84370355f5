"""Spec in, test data out: samples respect length, bounds, precision and uniqueness, and say
what they need (the counter `n`, `_short_text`, imports) without anyone reading them back."""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import math
import struct
from decimal import Decimal, localcontext
from typing import Any, TypeVar
from uuid import uuid4

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from persistgen.plan import samples
from persistgen.plan.samples import COUNTER_DIGITS
from persistgen.project_model import ColumnModel, Sample
from persistgen.spec.model import FieldSpec
from persistgen.spec.rules.values import MIN_DISTINCT, number_room
from persistgen.typemap import type_info
from tests.unit.plan_specs import column, project, resource


class ThingValue(enum.Enum):
    A, B, C, D = "a", "b", "c", "d"


NAMESPACE = {"dt": dt, "Decimal": Decimal, "uuid4": uuid4, "ThingValue": ThingValue}


def one(field: str) -> ColumnModel:
    return column(f"Thing:\n  fields:\n    value: {field}\n", "Thing", "value")


def evaluate(code: str, n: int, **names: Any) -> Any:
    return eval(code, {**NAMESPACE, **names}, {"n": n})  # the sample is Python we generated


@pytest.mark.parametrize("length", [8, 12, 40, 255])
def test_text_samples_fit_the_column_and_differ(length: int) -> None:
    sample = one(f"{{type: str, max_length: {length}}}").test
    assert sample.counter and not sample.short_text and not sample.imports
    values = {evaluate(sample.value, n) for n in (1, 99, 9_999_999)}
    assert len(values) == 3 and all(len(v) <= length for v in values)
    assert len(evaluate(sample.update, 0)) <= length and evaluate(sample.update, 0) not in values


def test_text_samples_honour_min_length() -> None:
    sample = one("{type: str, max_length: 30, min_length: 12}").test
    assert all(12 <= len(evaluate(sample.value, n)) <= 30 for n in (1, 42))
    assert 12 <= len(evaluate(sample.update, 0)) <= 30


@pytest.mark.parametrize("min_length", [0, 100])
def test_text_samples_of_a_long_name_start_with_a_short_stem(min_length: int) -> None:
    name = "postal_address_of_the_account_holder_as_written_on_every_letter"  # 63 characters
    field = f"{{type: text, min_length: {min_length}}}"
    test = column(f"Thing:\n  fields:\n    {name}: {field}\n", "Thing", name).test
    values = [evaluate(test.value, n) for n in (1, 2)]
    assert values[0].startswith("postal-address-of-the-ac-") and values[0] != values[1]
    assert all(len(v) >= min_length for v in values)
    assert evaluate(test.update, 0) not in values and len(evaluate(test.update, 0)) >= min_length


def test_a_factory_value_too_long_for_its_line_is_parenthesized() -> None:
    name = "subscription_tier_that_each_accountholder_picked_when_signingup"  # 63 characters
    field = "{type: enum, values: [basic plan with the fees that every new holder pays, premium]}"
    long = column(f"Thing:\n  fields:\n    {name}: {field}\n", "Thing", name)
    assert long.factory_value == f"({long.sample})"
    short = one("{type: enum, values: [a, b]}")
    assert short.factory_value == short.sample == "ThingValue.A"


def test_short_text_uses_the_factories_helper() -> None:
    sample = one("{type: str, max_length: 2}").test
    assert sample.short_text and sample.counter
    assert sample.value == "_short_text(n, 2, 2)"
    assert sample.update == "'UP'"
    assert project("Thing:\n  fields:\n    code: {type: str, max_length: 2}\n").uses_short_text


def test_number_samples_stay_in_bounds() -> None:
    bounded = one("{type: int, ge: 5, le: 9}").test
    assert (bounded.value, bounded.update, bounded.counter) == ("6 + n % 4", "5", True)
    fixed = one("{type: int, ge: 7, le: 7}").test
    assert (fixed.value, fixed.update, fixed.counter) == ("7", "7", False)
    distinct = one("{type: int, ge: 5, unique: true}").test
    assert (distinct.value, distinct.update, distinct.counter) == ("5 + n", "5", True)
    below = one("{type: int, le: 0, unique: true}").test
    assert evaluate(below.value, 3) <= 0 and evaluate(below.update, 0) <= 0


def test_float_samples_are_floats() -> None:
    assert one("{type: float}").test.value == "float(n)"
    assert one("{type: float, ge: 0.5, unique: true}").test.value == "float(1 + n)"
    assert one("{type: float, ge: 1}").test.update == "1.0"


def test_decimal_samples_fit_the_precision() -> None:
    sample = one("{type: decimal, precision: 4, scale: 2}").test
    assert sample.imports == ("decimal:Decimal",)
    assert (sample.value, sample.update) == ('Decimal(f"{1 + n % 9999}e-2")', "Decimal('0.00')")
    assert evaluate(sample.value, 837) == Decimal("8.38")  # once `Decimal(837)`: too wide


def test_large_decimals_count_within_a_doubles_digits() -> None:
    """SQLite stores decimals as doubles: rows finer than 15 significant digits come back equal."""
    field = "{type: decimal, precision: 31, scale: 24, ge: -11167, le: -529}"
    sample = one(field).test
    assert sample.value == 'Decimal(f"{-529000000000000 - n}e-12")'  # 15 digits, not 27
    rows = {float(evaluate(sample.value, n)) for n in range(1, 200)}
    assert len(rows) == 199
    wide = one("{type: decimal, precision: 1000, scale: 500}").test.value
    assert wide == 'Decimal(f"{n}e-14")'  # not `e-500`, which a double holds as 0


def test_moment_samples_count_back_when_unique() -> None:
    plain = one("{type: date}").test
    assert (plain.value, plain.counter, plain.imports) == (
        "dt.date(2025, 6, 1)",
        False,
        ("datetime as dt",),
    )
    unique = one("{type: datetime, unique: true}").test
    assert unique.counter and evaluate(unique.value, 1) < evaluate(unique.value, 0)
    assert evaluate(unique.value, 1).tzinfo is dt.UTC
    times = one("{type: time, unique: true, timezone: true}").test
    assert len({evaluate(times.value, n) for n in range(5)}) == 5


@pytest.mark.parametrize(
    ("field", "value", "update", "imports"),
    [
        ("bool", "True", "False", ()),
        ("uuid", "uuid4()", "uuid4()", ("uuid:uuid4",)),
        ("json", '{"n": n}', '{"updated": True}', ()),
        ("bytes", "str(n).encode()", 'b"updated"', ()),
        (
            "{type: enum, values: [a, b, c]}",
            "ThingValue.A",
            "ThingValue.C",
            ("{package}.enums:ThingValue",),
        ),
    ],
)
def test_fixed_samples_come_from_the_type_table(
    field: str, value: str, update: str, imports: tuple[str, ...]
) -> None:
    sample = one(field).test
    assert (sample.value, sample.update, sample.imports) == (value, update, imports)


def test_booleans_compare_by_identity() -> None:
    assert one("bool").update_compare == "is" and one("int").update_compare == "=="


def test_resource_counter_and_sample_imports() -> None:
    shop = project(
        """
        Tag:
          fields:
            label: {type: enum, values: [x, y]}
        Note:
          fields:
            body: text
            day: date
        """
    )
    tag, note = shop.resources
    assert not tag.uses_counter and note.uses_counter and shop.uses_counter
    # The samples live in shop/fake.py; the factories count the rows and import it.
    assert "from shop.enums import TagLabel" in shop.fake_imports
    assert "import datetime as dt" in shop.fake_imports
    assert "import itertools" in shop.factory_imports and "from shop import fake" in (
        shop.factory_imports
    )
    assert "import datetime as dt" not in shop.factory_imports


def test_missing_keys() -> None:
    assert project("A:\n  fields:\n    x: int\n").resources[0].missing_key == "0"
    uuid_key = project("A:\n  id_type: uuid\n  fields:\n    x: int\n").resources[0]
    assert uuid_key.missing.imports == ("uuid:uuid4",)
    text_key = project("A:\n  fields:\n    code: {type: str, max_length: 3, primary_key: true}\n")
    assert text_key.resources[0].missing_key == "'MIS'"


# Every sample fits every bound for any row number a run reaches, and a column that must tell
# rows apart gets distinct values over any window of rows a test makes.
REACH = samples.REACH
WINDOW = 200  # more rows of one resource than a test makes
row_numbers = st.integers(1, REACH - WINDOW)
bounds = st.one_of(st.none(), st.integers(-(10**12), 10**12), st.floats(-1e6, 1e6))


def drawn(field: FieldSpec, start: int) -> tuple[list[Any], Any, Sample]:
    """The values of rows `start`... for a window, and the update value."""
    sample = samples.sample(field, type_info(field, enum_class="ThingValue"), "value")
    assert sample.counter == ("n" in sample.value)
    values = [evaluate(sample.value, n) for n in (*range(start, start + WINDOW), 1, REACH)]
    return values, evaluate(sample.update, 0), sample


Bound = TypeVar("Bound", int, float)


def ordered(low: Bound | None, high: Bound | None) -> tuple[Bound | None, Bound | None]:
    if low is not None and high is not None and low > high:
        return high, low
    return low, high


def assert_distinct(values: list[Any], update: Any) -> None:
    window = values[:WINDOW]
    assert len(set(window)) == len(window) and update not in window


@given(
    precision=st.integers(1, 40),
    scale_share=st.floats(0, 1),
    low=bounds,
    high=bounds,
    unique=st.booleans(),
    start=row_numbers,
)
def test_decimals_fit_precision_scale_and_bounds(
    precision: int, scale_share: float, low: Any, high: Any, unique: bool, start: int
) -> None:
    scale = round(precision * scale_share)
    low, high = ordered(low, high)
    field = FieldSpec(type="decimal", precision=precision, scale=scale, ge=low, le=high)
    if unique:
        field = field.model_copy(update={"unique": True})
    room = number_room(field)
    if room is not None and (room <= 0 or (unique and room < MIN_DISTINCT)):
        return  # the validator refuses it
    values, update, _ = drawn(field, start)
    for value in (*values, update):
        assert isinstance(value, Decimal)
        with localcontext(prec=100):
            assert value == value.quantize(Decimal(1).scaleb(-scale))  # no digit past the scale
        assert abs(value) < Decimal(10) ** (precision - scale)  # the digits before the point
        assert (low is None or value >= Decimal(str(low))) and (
            high is None or value <= Decimal(str(high))
        )
    if unique:
        assert_distinct(values, update)
        assert_distinct([float(v) for v in values], float(update))  # SQLite holds doubles


@given(
    kind=st.sampled_from(["int", "bigint"]),
    low=st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
    high=st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
    unique=st.booleans(),
    start=row_numbers,
)
def test_integers_fit_bounds_and_width(
    kind: str, low: int | None, high: int | None, unique: bool, start: int
) -> None:
    low, high = ordered(low, high)
    field = FieldSpec(type=kind, ge=low, le=high, unique=unique)  # type: ignore[arg-type]
    room = number_room(field)
    if room is not None and (room <= 0 or (unique and room < MIN_DISTINCT)):
        return  # the validator refuses it
    values, update, _ = drawn(field, start)
    top = 2 ** (31 if kind == "int" else 63)
    for value in (*values, update):
        assert isinstance(value, int) and -top <= value < top
        assert (low is None or value >= low) and (high is None or value <= high)
    if unique:
        assert_distinct(values, update)


@given(low=bounds, high=bounds, unique=st.booleans(), start=row_numbers)
def test_floats_fit_bounds(low: Any, high: Any, unique: bool, start: int) -> None:
    low, high = ordered(low, high)
    field = FieldSpec(type="float", ge=low, le=high, unique=unique)
    if unique and low is not None and low == high:
        return  # the validator refuses it
    values, update, _ = drawn(field, start)
    for value in (*values, update):
        assert isinstance(value, float)
        assert (low is None or value >= low) and (high is None or value <= high)
    if unique and (low is None or high is None or high - low > 1e-6):
        assert_distinct(values, update)


@given(
    limit=st.integers(COUNTER_DIGITS + 1, 300),
    least=st.integers(0, 300),
    kind=st.sampled_from(["str", "text"]),
    start=row_numbers,
)
def test_text_fits_its_lengths(limit: int, least: int, kind: str, start: int) -> None:
    least = min(least, limit)
    field = FieldSpec(type=kind, max_length=limit, min_length=least, unique=True)  # type: ignore[arg-type]
    values, update, _ = drawn(field, start)
    for value in (*values, update):
        assert least <= len(value) <= limit
    assert_distinct(values, update)


@pytest.mark.parametrize(("limit", "least"), [(1, 0), (1, 1), (3, 0), (5, 5), (7, 2)])
def test_short_text_is_drawn_within_its_lengths(limit: int, least: int) -> None:
    field = FieldSpec(type="str", max_length=limit, min_length=least)
    sample = samples.sample(field, type_info(field), "code")
    width, padded = (int(arg) for arg in sample.value.removesuffix(")").split(", ")[1:])
    assert sample.short_text and width == limit and least <= padded <= limit
    assert least <= len(evaluate(sample.update, 0)) <= limit


@given(
    kind=st.sampled_from(["date", "datetime", "time"]),
    timezone=st.one_of(st.none(), st.booleans()),
    start=row_numbers,
)
def test_unique_moments_stay_on_the_calendar_and_after_the_update(
    kind: str, timezone: bool | None, start: int
) -> None:
    """The update lies before every value the rows take: later moments stay after it."""
    if kind == "date":
        timezone = None
    field = FieldSpec(type=kind, unique=True, timezone=timezone)  # type: ignore[arg-type]
    values, update, _ = drawn(field, start)
    assert_distinct(values, update)
    assert all(update < value for value in values)


def test_enums_in_a_unique_constraint_take_turns_and_leave_the_update_out() -> None:
    """The validator refuses a unique enum of so few values on its own; a member of a
    constraint over several fields still varies."""
    field = FieldSpec(type="enum", values=["a", "b", "c", "d"])
    info = type_info(field, enum_class="ThingValue")
    sample = samples.sample(field, info, "kind", distinct=True)
    assert (sample.value, sample.update) == ("list(ThingValue)[n % 3]", "ThingValue.D")


def test_part_of_a_unique_constraint_counts() -> None:
    spec = """
        Thing:
          unique: [[day, slot]]
          fields:
            day: date
            slot: {type: int, ge: 1, le: 9}
        """
    pair = column(spec, "Thing", "day")
    assert pair.test.counter and "timedelta" in pair.test.value


@pytest.mark.parametrize(
    ("low", "high", "code", "update"),
    [
        (None, None, "n", 0),
        (5, None, "5 + n", 5),
        (None, -3, "-3 - n", -3),
        (1, 500, "2 + n % 499", 1),
        (-9999, 9999, "1 + n % 9999", 0),
        (-100, 20, "-1 - n % 100", 0),
        (7, 7, "7", 7),
        (-1, 0, "-1", 0),
        (0, 1, "1", 0),
    ],
)
def test_counts_from_zero_or_the_nearest_bound(
    low: int | None, high: int | None, code: str, update: int
) -> None:
    count = samples.count_within(low, high)
    assert (count.code, count.update) == (code, update)
    assert count.counted == ("n" in count.code)  # the factory draws `n` only when it is read


MOMENTS = """
    Trip:
      fields:
        name: str
        leaves: {type: datetime, unique: %s}
        arrives: datetime
        first_day: date
        last_day: date
        opens: time
        closes: time
    """


def moments(unique: bool) -> list[ColumnModel]:
    columns = resource(MOMENTS % str(unique).lower(), "Trip").columns
    return [c for c in columns if c.name not in ("id", "name")]


def comparable(value: Any) -> Any:
    """Dates, datetimes and times compared within their kind."""
    return (type(value).__name__, value)


@pytest.mark.parametrize("unique", [False, True])
@pytest.mark.parametrize("n", [1, 2, 99, 9_999, samples.REACH])
def test_moments_follow_declaration_order_in_every_row(unique: bool, n: int) -> None:
    """A later moment field of the resource gets a later value of its kind, in each row."""
    columns = moments(unique)
    assert all(c.test.counter == unique for c in columns)  # all count back, or none does
    for earlier, later in itertools.pairwise(columns):
        low, high = evaluate(earlier.test.value, n), evaluate(later.test.value, n)
        if type(low) is type(high):
            assert low < high, (earlier.name, later.name, n)


@pytest.mark.parametrize("unique", [False, True])
def test_the_update_keeps_the_order_where_it_is_a_first_moment(unique: bool) -> None:
    """Updates follow declaration order; the update of each kind's first field stays before
    the later fields' values in every row (constants: also after the field's own value)."""
    columns = moments(unique)
    updates = [evaluate(c.test.update, 0) for c in columns]
    for low, high in itertools.pairwise(updates):
        if type(low) is type(high):
            assert low < high
    for n in (1, 99, samples.REACH):
        values = [evaluate(c.test.value, n) for c in columns]
        for index, update in enumerate(updates):
            later = [v for v in values[index + 1 :] if type(v) is type(update)]
            assert all(update < value for value in later)
            assert update != values[index]
            if not unique:
                assert values[index] < update


def test_one_moment_alone_keeps_its_simple_samples() -> None:
    sample = one("{type: datetime}").test
    assert (sample.value, sample.update) == (
        "dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)",
        "dt.datetime(2025, 6, 1, 13, tzinfo=dt.UTC)",
    )


@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(1e-3, 1e5, allow_nan=False).filter(lambda w: w < 2 * 10**7),
    st.integers(1, 10**7 - 1),
)
def test_real_samples_are_exact_reals_within_bounds(low: float, width: float, n: int) -> None:
    """A REAL keeps 24 bits: a sample it would round would read back as another value."""
    high = low + width
    spacing = 2.0 ** (math.floor(math.log2(max(abs(low), abs(high)))) - 23)
    assume(width >= 2 * spacing)  # else the range may hold no REAL at all
    sample = one(f"{{type: real, ge: {low!r}, le: {high!r}}}").test
    for value in (evaluate(sample.value, n), evaluate(sample.update, n)):
        assert low <= value <= high
        assert struct.unpack("<f", struct.pack("<f", value))[0] == value


def test_list_samples_hold_one_item_of_the_items_type() -> None:
    words = one("{type: list, items: str, unique: false}").test
    assert (words.value, words.update) == ('[f"value-{n}"]', "['value-updated']")
    days = one("{type: list, items: date}").test
    assert evaluate(days.value, 1) == [dt.date(2025, 6, 1)]
    flags = one("list:bool").test
    assert (flags.value, flags.update, flags.compare) == ("[True]", "[False]", "==")
