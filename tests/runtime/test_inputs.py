"""Input a database could not store is a 422 before it reaches one: NUL and lone surrogates in
text (body, query, a text key in the path), and NaN, infinities, NUL or lone surrogates anywhere
in a `json` value."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import FastAPI, Path
from httpx import ASGITransport, AsyncClient
from pydantic import Field, ValidationError

from persistgen.runtime.api.errors import install_error_handlers
from persistgen.runtime.schemas.base import JsonObject, KeyText, ListQuery, WriteModel

pytestmark = pytest.mark.anyio


class Note(WriteModel):
    title: str
    tags: list[str] = Field(default_factory=list)
    data: JsonObject = Field(default_factory=dict)


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "a\ud800b"},
        {"title": "a\x00b"},
        {"title": "ok", "tags": ["fine", "\udfff"]},
    ],
)
def test_text_a_database_cannot_hold_is_refused(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="cannot contain"):
        Note(**fields)


def test_a_query_refuses_a_lone_surrogate() -> None:
    with pytest.raises(ValidationError, match="lone surrogate"):
        ListQuery(sort="a\ud800")


@pytest.mark.parametrize(
    "data",
    [
        {"x": float("nan")},
        {"x": [1, {"y": float("inf")}]},
        {"x": -float("inf")},
        {"x": {"y": "a\x00"}},
        {"a\x00": 1},
        {"x": ["\ud800"]},
    ],
)
def test_a_json_value_refuses_what_jsonb_cannot_hold(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Note(title="ok", data=data)


def test_a_json_value_keeps_what_it_can_hold() -> None:
    data = {"x": [1.5, None, True, {"y": "é"}], "n": 10**30}
    assert Note(title="ok", data=data).data == data


@pytest.fixture
async def client() -> Any:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/warehouses/{key}")
    async def warehouse(key: Annotated[KeyText, Path(max_length=8)]) -> str:
        return key

    async with AsyncClient(transport=ASGITransport(app), base_url="http://test") as client:
        yield client


async def test_a_text_key_in_the_path_is_bounded_and_storable(client: AsyncClient) -> None:
    assert (await client.get("/warehouses/ab")).json() == "ab"
    nul = await client.get("/warehouses/a%00b")
    assert nul.status_code == 422
    assert nul.json()["errors"][0]["loc"] == ["path", "key"]
    assert (await client.get(f"/warehouses/{'k' * 9}")).status_code == 422
