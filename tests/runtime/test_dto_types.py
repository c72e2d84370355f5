"""Write DTOs accept exactly what their OpenAPI document allows (issue 16, the apitest
findings 3 to 11): JSON types, no null for a non-nullable field, exact 64-bit bounds, decimal,
base64 and local time patterns the server checks as declared, and a 405 naming every method."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from pydantic import Field, StrictBool, TypeAdapter, ValidationError

from persistgen.runtime.api.errors import install_error_handlers
from persistgen.runtime.schemas.base import (
    BASE64,
    LOCAL_DATETIME,
    LOCAL_TIME,
    Base64Bytes,
    Digits,
    LocalDatetime,
    LocalTime,
    StrictAwareDatetime,
    StrictDate,
    StrictFiniteFloat,
    StrictInteger,
    WriteModel,
)

pytestmark = pytest.mark.anyio


class Thing(WriteModel):
    """As the templates render a write DTO (the spec: `count: {type: bigint, ge: 1}`)."""

    count: StrictInteger | None = Field(default=None, ge=1, lt=2**63)
    small: StrictInteger | None = Field(default=None, ge=-(2**31), le=2**31 - 1)
    flag: StrictBool | None = None
    ratio: StrictFiniteFloat | None = None
    day: StrictDate | None = None
    moment: StrictAwareDatetime | None = None
    opens: LocalTime | None = None
    pickup: LocalDatetime | None = None
    image: Base64Bytes | None = None
    price: Annotated[Decimal, Digits(10, 2, ge=0)] | None = None
    note: str | None = Field(default=None, pattern="^[^\\x00]*$")

    non_nullable = frozenset({"count", "flag", "opens"})


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/things")
    async def create(data: Thing) -> dict[str, Any]:
        return data.model_dump(mode="json", exclude_unset=True)

    @app.patch("/things/{key}")
    async def update(key: int, data: Thing) -> dict[str, Any]:
        return data.model_dump(mode="json", exclude_unset=True)

    @app.get("/things/{key}")
    async def read(key: int) -> None: ...

    @app.delete("/things/{key}")
    async def delete(key: int) -> None: ...

    return app


async def _post(body: dict[str, Any]) -> tuple[int, Any]:
    async with AsyncClient(transport=ASGITransport(app=_app()), base_url="http://test") as client:
        response = await client.post("/things", json=body)
    return response.status_code, response.json()


@pytest.mark.parametrize(
    "body",
    [
        {"flag": 0},  # findings §6: `0` was taken for false
        {"count": False},  # and `false` for 0
        {"count": "5"},
        {"count": 2.5},
        {"ratio": True},
        {"ratio": "1.5"},
        {"day": 0},
        {"moment": 0},  # a number of seconds was taken for a moment
        {"opens": 0},  # and for a time of day
        {"opens": 3600.5},
    ],
)
async def test_a_value_of_another_json_type_is_refused(body: dict[str, Any]) -> None:
    status, _ = await _post(body)
    assert status == 422


async def test_an_integer_may_be_written_with_a_zero_fraction() -> None:
    """JSON Schema's `integer` takes `2.0` (found by schemathesis: a schema-valid request)."""
    status, body = await _post({"count": 2.0})
    assert (status, body["count"]) == (200, 2)


async def test_the_json_forms_the_document_names_are_accepted() -> None:
    body = {
        "count": 3,
        "flag": True,
        "ratio": 2,
        "day": "2024-02-29",
        "moment": "2024-02-29T12:00:00Z",
        "opens": "08:30",
        "pickup": "2024-02-29T23:59:59.123456",
        "image": "aGVsbG8=",
        "note": "plain text",
    }
    for price in (12, 12.5, "12.50", "0"):
        status, answer = await _post({**body, "price": price})
        assert status == 200, answer
        assert answer["opens"] == "08:30:00"
        assert answer["image"] == "aGVsbG8="


@pytest.mark.parametrize("field", ["count", "flag", "opens"])
async def test_null_for_a_non_nullable_field_is_refused_and_not_offered(field: str) -> None:
    """Findings §3: the document offered `anyOf: [T, null]` and the server refused the null."""
    status, _ = await _post({field: None})
    assert status == 422
    schema = Thing.model_json_schema()["properties"][field]
    assert "anyOf" not in schema and schema["type"] in ("integer", "boolean", "string")
    assert await _post({}) == (200, {})  # left out, it stays unset


def test_a_nullable_field_still_offers_null() -> None:
    schema = Thing.model_json_schema()["properties"]["pickup"]
    assert {"type": "null"} in schema["anyOf"]


async def test_the_fields_own_bounds_hold() -> None:
    """Findings §4: `Int32 = Field(ge=1, le=1000)` kept the type's bounds, not the spec's."""
    assert (await _post({"count": 0}))[0] == 422
    assert (await _post({"count": 2**63}))[0] == 422
    assert (await _post({"count": 2**63 - 1}))[0] == 200
    assert (await _post({"small": 2**31}))[0] == 422


async def test_the_served_document_holds_exact_integer_bounds() -> None:
    """Findings §5: a double of 2**63 - 1 is 2**63, one past the range; `lt=2**63` is exact
    and is served as an integer."""
    app = _app()
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        document = (await client.get("/openapi.json")).json()
    count = document["components"]["schemas"]["Thing"]["properties"]["count"]
    assert count == {"type": "integer", "minimum": 1, "exclusiveMaximum": 2**63, "title": "Count"}
    assert isinstance(count["minimum"], int)


@pytest.mark.parametrize(
    ("price", "accepted"),
    [
        ("12.50", True),
        ("99999999.99", True),
        ("0.5", True),
        ("", False),  # findings §7: any string was schema-valid
        ("-1", False),  # the spec's `ge: 0`: no sign in the pattern
        ("1_0", False),  # pydantic reads these; the pattern does not allow them
        ("1e2", False),
        (" 1", False),
        ("001", False),
        ("100000000", False),  # more digits than the column holds
        ("1.005", False),
        (1.005, False),
        (1e8, False),
    ],
)
async def test_a_decimal_is_accepted_exactly_when_the_document_allows_it(
    price: object, accepted: bool
) -> None:
    status, _ = await _post({"price": price})
    assert (status == 200) is accepted
    schema = Thing.model_json_schema()["properties"]["price"]["anyOf"]
    text = next(branch for branch in schema if branch.get("type") == "string")
    number = next(branch for branch in schema if branch.get("type") == "number")
    assert number["exclusiveMaximum"] == 10**8 and number["minimum"] == 0
    assert number["multipleOf"] == 0.01
    if isinstance(price, str):
        assert bool(re.fullmatch(text["pattern"], price)) is accepted


def test_decimal_patterns_follow_precision_scale_and_sign() -> None:
    assert Digits(5, 2).pattern == "^-?(?:0|[1-9][0-9]{0,2})(?:\\.[0-9]{1,2})?$"
    assert Digits(3, 3, ge=-1).pattern == "^-?0(?:\\.[0-9]{1,3})?$"
    assert Digits(4, 0, ge=0, le=50).pattern == "^(?:0|[1-9][0-9]{0,3})$"


@pytest.mark.parametrize(
    ("image", "accepted"),
    [("aGVsbG8=", True), ("QQ==", True), ("", True), ("aGVsbG8", False), ("QR==", False)],
)
async def test_bytes_are_base64_as_the_pattern_says(image: str, accepted: bool) -> None:
    """Findings §9: `contentEncoding` is not validated; the pattern is."""
    assert (await _post({"image": image}))[0] == (200 if accepted else 422)
    assert bool(re.fullmatch(BASE64, image)) is accepted


def test_text_declares_that_nul_is_refused() -> None:
    """Findings §8."""
    with pytest.raises(ValidationError):
        Thing(note="a\x00b")
    assert Thing.model_json_schema()["properties"]["note"]["anyOf"][0]["pattern"] == "^[^\\x00]*$"


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("23:04:14.521", True),
        ("00:00", True),
        ("23:04:14.521+21:19", False),  # findings §10: the offset was dropped
        ("12:00:00Z", False),
        ("24:00:00", False),
        ("12:00:00.1234567", False),  # pydantic would cut the seventh digit
        ("12:00:00\n", False),
    ],
)
def test_a_local_time_refuses_an_offset(value: str, accepted: bool) -> None:
    assert bool(re.fullmatch(LOCAL_TIME, value)) is accepted
    if accepted:
        assert Thing.model_validate({"opens": value}).opens is not None
    else:
        with pytest.raises(ValidationError):
            Thing.model_validate({"opens": value})


def test_an_aware_time_from_code_is_refused_too() -> None:
    with pytest.raises(ValidationError):
        Thing(opens=dt.time(12, tzinfo=dt.UTC))
    assert Thing(opens=dt.time(12)).opens == dt.time(12)


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("2025-06-01T14:00:00", True),
        ("2024-02-29T00:00", True),
        ("2000-02-29T00:00", True),
        ("2023-02-29T00:00", False),
        ("1900-02-29T00:00", False),
        ("2025-04-31T00:00", False),
        ("2025-06-01T14:00:00Z", False),
        ("2025-06-01 14:00:00", False),
        ("2025-06-01", False),
    ],
)
def test_a_local_datetime_pattern_matches_what_the_server_takes(value: str, accepted: bool) -> None:
    assert bool(re.fullmatch(LOCAL_DATETIME, value)) is accepted
    if accepted:
        assert Thing.model_validate({"pickup": value}).pickup is not None
    else:
        with pytest.raises(ValidationError):
            Thing.model_validate({"pickup": value})


def test_local_values_do_not_claim_rfc3339_formats() -> None:
    properties = Thing.model_json_schema()["properties"]
    assert properties["opens"] == {
        "type": "string",
        "pattern": LOCAL_TIME,
        "title": "Opens",
        "default": None,
    }
    assert "format" not in str(properties["pickup"])


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("OPTIONS", "/things", "POST"),
        ("TRACE", "/things/1", "GET, PATCH, DELETE"),
        ("PUT", "/things/1", "GET, PATCH, DELETE"),
    ],
)
async def test_a_405_lists_every_method_of_the_path(method: str, path: str, allowed: str) -> None:
    """Findings §11: Starlette named only the methods of the first route matching the path."""
    async with AsyncClient(transport=ASGITransport(app=_app()), base_url="http://test") as client:
        response = await client.request(method, path)
    assert response.status_code == 405
    assert response.headers["Allow"] == allowed
    assert response.json()["type"] == "/problems/method-not-allowed"


def test_a_decimal_is_written_as_the_pattern_reads_it() -> None:
    """`str(Decimal("1E-10"))` is `1E-10`, which the pattern refuses: a DTO writes digits."""
    tiny = TypeAdapter(Annotated[Decimal, Digits(10, 10)])
    assert tiny.dump_json(Decimal("1E-10")) == b'"0.0000000001"'
    assert tiny.validate_python("0.0000000001") == Decimal("1E-10")


def test_a_scale_or_range_no_double_holds_is_left_out_of_the_document() -> None:
    """A step of 1E-500 would be served as 0 (FastAPI refuses the document), and 1E+400 as
    infinity; the server still checks both."""
    fine = TypeAdapter(Annotated[Decimal, Digits(600, 500)])
    number = fine.json_schema()["anyOf"][0]
    assert number == {"type": "number", "exclusiveMinimum": -1e100, "exclusiveMaximum": 1e100}
    assert fine.validate_python("0." + "0" * 499 + "1") == Decimal("1E-500")
    wide = TypeAdapter(Annotated[Decimal, Digits(1000, 0)]).json_schema()["anyOf"][0]
    assert wide == {"type": "number", "multipleOf": 1.0}
