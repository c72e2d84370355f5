"""Every error is a problem (RFC 9457): which database errors are worth a retry (503) and which
are a 500, and answers that never echo what the client sent."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DBAPIError, OperationalError

from persistgen.runtime.api.errors import install_error_handlers, is_unavailable, problem_responses
from persistgen.runtime.repositories.base import NotFoundError
from persistgen.runtime.schemas.base import FiniteFloat
from persistgen.runtime.schemas.value_types import StrictFloat4

pytestmark = pytest.mark.anyio


def _sqlite_error(message: str) -> OperationalError:
    return OperationalError("SELECT 1", {}, sqlite3.OperationalError(message))


@pytest.mark.parametrize(
    ("message", "unavailable"),
    [
        ("database is locked", True),
        ("disk I/O error", True),
        ("no such table: doctors", False),
        ("no such column: doctors.licence", False),
    ],
)
def test_a_missing_table_is_not_an_outage(message: str, unavailable: bool) -> None:
    assert is_unavailable(_sqlite_error(message)) is unavailable


async def test_an_unmigrated_sqlite_database_answers_500_without_retry_after() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/missing")
    async def missing() -> None:
        raise _sqlite_error("no such table: doctors")

    @app.get("/locked")
    async def locked() -> None:
        raise _sqlite_error("database is locked")

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        missing_response = await client.get("/missing")
        locked_response = await client.get("/locked")

    assert missing_response.status_code == 500
    assert "Retry-After" not in missing_response.headers
    assert locked_response.status_code == 503
    assert locked_response.headers["Retry-After"] == "1"


class Priced(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int
    weight: FiniteFloat
    price: Decimal


@pytest.fixture
def app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/priced", responses=problem_responses(409, 503))
    async def priced(data: Priced) -> Priced:
        return data

    @app.get("/teapot", responses={418: {"model": Priced, "description": "its own"}})
    async def teapot() -> None:
        raise NotImplementedError

    @app.get("/books/{key}")
    async def book(key: str) -> None:
        raise NotFoundError("Book", key)

    @app.get("/closed")
    async def closed() -> None:
        orig = type("AdaptedError", (Exception,), {"sqlstate": "55000"})(
            "database is not currently accepting connections"
        )
        raise DBAPIError("SELECT 1", {}, orig)

    @app.get("/too-long")
    async def too_long() -> None:
        # asyncpg's error as SQLAlchemy's adapter raises it: a DBAPIError, not a DataError
        orig = type("AdaptedError", (Exception,), {"sqlstate": "22001"})(
            "value too long for type character varying(8)"
        )
        raise DBAPIError("INSERT INTO products (sku) VALUES ($1)", {}, orig)

    @app.get("/broken")
    async def broken() -> None:
        raise RuntimeError("SELECT secret FROM users")

    return app


async def _call(app: FastAPI, method: str, url: str, **kwargs: Any) -> Response:
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    kwargs.setdefault("headers", {"content-type": "application/json"})
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.request(method, url, **kwargs)


def _problem(response: Response, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert (body["type"], body["status"]) == (f"/problems/{kind}", status)
    assert body["title"] and body["detail"]
    return body


@pytest.mark.parametrize("number", ["1e400", "NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("field", ["count", "weight", "price"])
async def test_a_non_finite_number_is_a_422_naming_the_field(
    app: FastAPI, field: str, number: str
) -> None:
    values = {"count": "1", "weight": "1.5", "price": "2.5", field: number}
    content = "{" + ", ".join(f'"{k}": {v}' for k, v in values.items()) + "}"
    response = await _call(app, "POST", "/priced", content=content)
    body = _problem(response, 422, "validation-error")
    assert [error["loc"] for error in body["errors"]] == [["body", field]]
    assert set(body["errors"][0]) == {"loc", "msg", "type"}  # no input, no ctx


async def test_a_422_never_echoes_megabytes(app: FastAPI) -> None:
    names = {f"{'x' * 100_000}{n}": 1 for n in range(50)}
    content = json.dumps({"count": 1, "weight": 1, "price": 1, **names})
    response = await _call(app, "POST", "/priced", content=content)
    body = _problem(response, 422, "validation-error")
    assert len(body["errors"]) == 20
    assert body["detail"] == "50 input values refused (the first 20 listed)"
    assert len(response.content) < 10_000


async def test_a_lone_surrogate_in_a_name_is_a_422(app: FastAPI) -> None:
    content = '{"count": 1, "weight": 1, "price": 1, "\\ud800": 1}'
    _problem(await _call(app, "POST", "/priced", content=content), 422, "validation-error")


async def test_a_404_names_the_resource_not_the_key(app: FastAPI) -> None:
    body = _problem(await _call(app, "GET", f"/books/{'k' * 10_000}"), 404, "not-found")
    assert body["detail"] == "no Book has this key"


async def test_starlettes_own_answers_are_problems(app: FastAPI) -> None:
    _problem(await _call(app, "GET", "/nowhere"), 404, "not-found")
    response = await _call(app, "DELETE", "/priced")
    _problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "POST"


async def test_a_database_closed_to_connections_is_a_503(app: FastAPI) -> None:
    response = await _call(app, "GET", "/closed")
    _problem(response, 503, "unavailable")
    assert response.headers["Retry-After"] == "1"


async def test_an_unexpected_error_is_a_500_problem_without_its_text(app: FastAPI) -> None:
    response = await _call(app, "GET", "/broken")
    _problem(response, 500, "internal-error")
    assert "secret" not in response.text


def test_the_openapi_document_declares_problems_under_their_media_type(app: FastAPI) -> None:
    document = app.openapi()
    responses = document["paths"]["/priced"]["post"]["responses"]
    for status in ("409", "422", "503"):
        assert responses[status]["content"] == {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        }, status
    assert responses["200"]["content"]["application/json"]
    own = document["paths"]["/teapot"]["get"]["responses"]["418"]["content"]
    assert list(own) == ["application/json"]  # a route's own error model stays as declared
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert schemas["Problem"]["properties"]["errors"]["anyOf"][0]["items"] == {
        "$ref": "#/components/schemas/InvalidParam"
    }
    assert app.openapi() is document


async def test_a_value_the_column_cannot_hold_is_a_422_whatever_the_error_class(
    app: FastAPI,
) -> None:
    """Found by schemathesis: `value too long` (SQLSTATE 22001) came as a DBAPIError: a 500."""
    body = _problem(await _call(app, "GET", "/too-long"), 422, "rejected-value")
    assert "varying" not in body["detail"] and "INSERT" not in str(body)


class _Load(BaseModel):
    """An Update DTO's optional REAL with bounds."""

    load: StrictFloat4 | None = Field(default=None, ge=0.0, le=1.0)
    ge: int = 0  # a field named like a bound stays a field


def test_a_bound_pydantic_left_under_its_python_name_is_stated_as_json_schema_says() -> None:
    """An Update DTO's optional REAL (`StrictFloat4 | None = Field(ge=0, le=1)`): pydantic
    checks the bounds, but states them as `ge`/`le`, which JSON Schema ignores, so the
    document would promise any number. The served document says `minimum`/`maximum`."""
    stated = _Load.model_json_schema()["properties"]["load"]["anyOf"][0]
    assert stated["ge"] == 0.0  # pydantic's own
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/loads")
    def create(body: _Load) -> _Load:
        return body

    schema = app.openapi()["components"]["schemas"]["_Load"]["properties"]
    number = schema["load"]["anyOf"][0]
    assert (number["minimum"], number["maximum"]) == (0, 1)
    assert "ge" not in number and "le" not in number
    assert schema["ge"]["type"] == "integer"
