"""The column and DTO types of db/column_types.py and schemas/value_types.py, as pure
functions and through SQLite (the generated projects run them on PostgreSQL too)."""

from __future__ import annotations

import datetime as dt
import json
import re
import struct
import uuid
from decimal import Decimal
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Uuid,
    create_engine,
    insert,
    select,
)
from sqlalchemy.types import REAL

from persistgen.runtime.db.column_types import (
    FLOAT4_MAX,
    FixedChar,
    Float4,
    InetAddress,
    ScalarList,
    float4,
    inet_text,
)
from persistgen.runtime.schemas.value_types import (
    Duration,
    Float4Value,
    InetText,
    Int16,
    JsonAny,
    StrictDuration,
    StrictInt16,
)


@pytest.mark.parametrize(
    ("value", "read"),
    [(0.1, 0.1), (0.10000000149011612, 0.1), (1 / 3, 0.33333334), (16777217.0, 16777216.0)],
)
def test_a_real_reads_as_its_shortest_decimal(value: float, read: float) -> None:
    assert float4(value) == read
    assert struct.pack("<f", float4(value)) == struct.pack("<f", value)


def test_a_real_beyond_its_range_overflows() -> None:
    assert float4(FLOAT4_MAX) == pytest.approx(3.4028235e38)
    with pytest.raises(OverflowError):
        float4(1e39)
    with pytest.raises(ValidationError):
        TypeAdapter(Float4Value).validate_python(1e39)


@pytest.mark.parametrize(
    ("text", "spelled"),
    [
        ("10.0.0.1", "10.0.0.1"),
        ("10.0.0.1/32", "10.0.0.1"),
        ("10.0.0.1/8", "10.0.0.1/8"),
        ("2001:DB8::0:1", "2001:db8::1"),
        ("2001:db8::/32", "2001:db8::/32"),
    ],
)
def test_an_inet_value_is_spelled_one_way(text: str, spelled: str) -> None:
    assert inet_text(text) == spelled
    assert TypeAdapter(InetText).validate_python(text) == spelled


@pytest.mark.parametrize("text", ["", "10.0.0", "10.0.0.1/33", "fe80::1%eth0", "example.org"])
def test_what_is_no_inet_value_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(InetText).validate_python(text)


def test_smallints_and_durations_are_bounded() -> None:
    assert TypeAdapter(Int16).validate_python(-32768) == -32768
    with pytest.raises(ValidationError):
        TypeAdapter(Int16).validate_python(32768)
    assert TypeAdapter(Duration).validate_python("P1DT2H") == dt.timedelta(days=1, hours=2)
    with pytest.raises(ValidationError):
        TypeAdapter(Duration).validate_python(dt.timedelta(days=800_000))
    with pytest.raises(ValidationError):  # the document names a string
        TypeAdapter(StrictDuration).validate_python(60)


def test_values_read_back_alike_on_sqlite() -> None:
    metadata = MetaData()
    table = Table(
        "t",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("code", FixedChar(3)),
        Column("ratio", Float4()),
        Column("address", InetAddress()),
        Column("words", ScalarList(String())),
        Column("prices", ScalarList(Numeric(12, 2))),
        Column("days", ScalarList(Date())),
        Column("moments", ScalarList(DateTime(timezone=True))),
        Column("keys", ScalarList(Uuid())),
        Column("ratios", ScalarList(REAL())),
    )
    key = uuid.uuid4()
    moment = dt.datetime(2025, 6, 1, 14, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    row: dict[str, Any] = {
        "code": "ab ",
        "ratio": 0.1 + 1e-12,
        "address": "2001:DB8::1",
        "words": ["a", "b"],
        "prices": [Decimal("1.50")],
        "days": [dt.date(2025, 6, 1)],
        "moments": [moment],
        "keys": [key],
        "ratios": [1 / 3],
    }
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(table).values(row))
        read = connection.execute(select(table)).one()._mapping
    assert read["code"] == "ab" and read["ratio"] == 0.1 and read["address"] == "2001:db8::1"
    assert read["words"] == ["a", "b"] and read["prices"] == [Decimal("1.50")]
    assert read["days"] == [dt.date(2025, 6, 1)] and read["moments"] == [moment]
    assert read["moments"][0].utcoffset() == dt.timedelta(0)
    assert read["keys"] == [key] and read["ratios"] == [0.33333334]


def test_a_number_just_past_a_reals_range_is_refused_as_written() -> None:
    just_past = int(FLOAT4_MAX) + 1  # reads as the double FLOAT4_MAX
    for value in (just_past, str(just_past), -just_past):
        with pytest.raises(ValidationError):
            TypeAdapter(Float4Value).validate_python(value)
    assert TypeAdapter(Float4Value).validate_python("0.5") == 0.5


@pytest.mark.parametrize(
    ("text", "valid"),
    [("P1DT2H", True), ("-PT0.5S", True), ("PT1H1M1.5S", True), ("P", False), ("PT", False),
     ("P1Y", False), ("P100000D", False), ("1 day", False)],
)  # fmt: skip
def test_a_duration_is_an_iso_8601_duration_the_server_holds(text: str, valid: bool) -> None:
    if valid:
        TypeAdapter(Duration).validate_python(text)
    else:
        with pytest.raises(ValidationError):
            TypeAdapter(Duration).validate_python(text)


@pytest.mark.parametrize(
    ("given", "answered"),
    [("P403D", "P403D"), ("PT3463S", "PT57M43S"), ("P1DT5S", "P1DT0H0M5S"), ("PT0.5S", "PT0.5S"),
     ("P0D", "P0D"), ("-PT1H", "-PT1H")],
)  # fmt: skip
def test_a_duration_is_answered_as_it_can_be_sent_back(given: str, answered: str) -> None:
    """Days, never pydantic's 365-day years (`P1Y38D`, which no duration grammar takes after
    a year), and every answer matches the pattern the document states and reads back equal."""
    adapter = TypeAdapter(Duration)
    value = adapter.validate_python(given)
    text = adapter.dump_python(value, mode="json")
    assert text == answered
    assert re.fullmatch(adapter.json_schema()["pattern"], text)
    assert adapter.validate_python(text) == value


def test_integral_floats_are_integers_in_a_list() -> None:
    assert TypeAdapter(list[StrictInt16]).validate_python([2.0, 3]) == [2, 3]
    with pytest.raises(ValidationError):
        TypeAdapter(list[StrictInt16]).validate_python([2.5])


def test_a_reals_bounds_themselves_are_taken() -> None:
    largest = int(FLOAT4_MAX)
    for value in (largest, -largest, largest - 1, str(-largest)):
        assert abs(TypeAdapter(Float4Value).validate_python(value)) == FLOAT4_MAX


@pytest.mark.parametrize(
    "value", [{"a": [None]}, [1, "a", None, {"k": True}], [], "a", 3, 2.5, False]
)
def test_a_json_value_of_any_shape_is_any_json_value_but_null(value: Any) -> None:
    assert TypeAdapter(JsonAny).validate_json(json.dumps(value)) == value


@pytest.mark.parametrize("text", ["null", '"a\\u0000"', '{"\\u0000": 1}', "[1e400]", '"\\ud800"'])
def test_a_json_value_of_any_shape_holds_what_the_database_can(text: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(JsonAny).validate_json(text)
