"""Spec in, test data out: samples respect length, bounds, precision and uniqueness, and say
what they need (the counter `n`, `_short_text`, imports) without anyone reading them back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from persistgen.project_model import ColumnModel
from tests.unit.plan_specs import column, project

NAMESPACE = {"dt": dt, "Decimal": Decimal, "uuid4": uuid4}


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


def test_short_text_uses_the_factories_helper() -> None:
    sample = one("{type: str, max_length: 2}").test
    assert sample.short_text and sample.counter
    assert sample.value == "_short_text(n, 2, 2)"
    assert sample.update == "'UP'"
    assert project("Thing:\n  fields:\n    code: {type: str, max_length: 2}\n").uses_short_text


def test_number_samples_stay_in_bounds() -> None:
    fixed = one("{type: int, ge: 5, le: 9}").test
    assert (fixed.value, fixed.update, fixed.counter) == ("5", "9", False)
    distinct = one("{type: int, ge: 5, unique: true}").test
    assert (distinct.value, distinct.update, distinct.counter) == ("5 + n", "6", True)
    below = one("{type: int, le: 0, unique: true}").test
    assert evaluate(below.value, 3) <= 0 and evaluate(below.update, 0) <= 0


def test_float_samples_are_floats() -> None:
    assert one("{type: float}").test.value == "float(n)"
    assert one("{type: float, ge: 0.5, unique: true}").test.value == "0.5 + n"
    assert one("{type: float, ge: 1}").test.value == "float(1)"
    assert one("{type: float, ge: 1}").test.update == "float(2)"


def test_decimal_samples_fit_the_precision() -> None:
    sample = one("{type: decimal, precision: 4, scale: 2, ge: 0, le: 99}").test
    assert sample.imports == ("decimal:Decimal",)
    for code in (sample.value, sample.update):
        value = evaluate(code, 1)
        assert isinstance(value, Decimal) and len(value.as_tuple().digits) <= 4


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


def test_resource_counter_and_factory_imports() -> None:
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
    assert "from shop.enums import TagLabel" in shop.factory_imports
    assert (
        "import itertools" in shop.factory_imports
        and "import datetime as dt" in shop.factory_imports
    )


def test_missing_keys() -> None:
    assert project("A:\n  fields:\n    x: int\n").resources[0].missing_key == "0"
    uuid_key = project("A:\n  id_type: uuid\n  fields:\n    x: int\n").resources[0]
    assert uuid_key.missing.imports == ("uuid:uuid4",)
    text_key = project("A:\n  fields:\n    code: {type: str, max_length: 3, primary_key: true}\n")
    assert text_key.resources[0].missing_key == "'MIS'"
