"""Each kind of constraint a write breaks gets its own problem, naming the fields and the
constraint, on SQLite and PostgreSQL alike (where SQLite says less, the answer says less)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    delete,
    event,
    insert,
    text,
)
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import registry

from persistgen.runtime.api.errors import install_error_handlers
from tests.postgres import fresh_database

pytestmark = pytest.mark.anyio

metadata = MetaData(
    naming_convention={
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
author = Table("author", metadata, Column("id", Integer, primary_key=True))
post = Table(
    "post",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("author_id", ForeignKey("author.id")),
    Column("slug", String(20), nullable=False),
    # The field (the model's attribute) is not the column's name: answers name the field.
    Column("lang_code", String(2), nullable=False),
    Column("score", Integer, CheckConstraint("score >= 0", name="score_positive")),
    UniqueConstraint("slug", "lang_code"),
    Column("title", String(20)),
    # An index over an expression: SQLite names the index, not the columns.
    Index("post_lower_title_key", text("lower(title)"), unique=True),
)
models = registry(metadata=metadata)


class Post:
    """Mapped as a declarative model maps `lang: Mapped[str] = mapped_column("lang_code")`."""


models.map_imperatively(Post, post, properties={"lang": post.c.lang_code})


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "sqlite":
        yield "sqlite+aiosqlite://"
        return
    with fresh_database("errors_violations") as url:
        yield url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    database = create_async_engine(database_url)
    if database.dialect.name == "sqlite":

        @event.listens_for(database.sync_engine, "connect")
        def _references_on(connection: Any, _record: Any) -> None:
            connection.execute("PRAGMA foreign_keys=ON")

    async with _created(database) as ready:
        yield ready


class _created:
    def __init__(self, database: AsyncEngine) -> None:
        self.database = database

    async def __aenter__(self) -> AsyncEngine:
        async with self.database.begin() as connection:
            await connection.run_sync(metadata.create_all)
            await connection.execute(insert(author), [{"id": 1}])
        return self.database

    async def __aexit__(self, *_: object) -> None:
        await self.database.dispose()


@pytest.fixture
async def client(engine: AsyncEngine) -> AsyncIterator[AsyncClient]:
    app = FastAPI()
    install_error_handlers(app, models=models)

    @app.post("/posts", status_code=201)
    async def create_post(data: dict[str, Any]) -> None:
        async with engine.begin() as connection:
            await connection.execute(insert(post), [data])

    @app.delete("/authors/{key}", status_code=204)
    async def delete_author(key: int) -> None:
        async with engine.begin() as connection:
            await connection.execute(delete(author).where(author.c.id == key))

    async with AsyncClient(transport=ASGITransport(app), base_url="http://test") as client:
        yield client


POST = {"author_id": 1, "slug": "secret-slug", "lang_code": "en", "score": 1}


async def _refused(client: AsyncClient, **changes: Any) -> dict[str, Any]:
    response = await client.post("/posts", json={**POST, **changes})
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    assert "secret-slug" not in response.text  # no value the client sent
    assert "INSERT" not in response.text.upper()  # no SQL
    return body


async def test_a_duplicate_names_the_unique_fields_and_constraint(client: AsyncClient) -> None:
    assert (await client.post("/posts", json=POST)).status_code == 201
    body = await _refused(client, id=2)
    assert body["type"] == "/problems/unique-violation"
    assert (body["status"], body["fields"]) == (409, ["slug", "lang"])
    assert body["constraint"] == "uq_post_slug_lang_code"


async def test_a_duplicate_under_an_expression_index_names_its_fields(
    client: AsyncClient,
) -> None:
    assert (await client.post("/posts", json={**POST, "title": "Title"})).status_code == 201
    body = await _refused(client, id=2, slug="other", title="TITLE")
    assert (body["status"], body["fields"]) == (409, ["title"])
    assert body["constraint"] == "post_lower_title_key"


async def test_a_missing_referenced_row_is_a_422(client: AsyncClient, engine: AsyncEngine) -> None:
    body = await _refused(client, author_id=99)
    assert (body["status"], body["type"]) == (422, "/problems/missing-reference")
    if engine.dialect.name == "postgresql":
        assert body["fields"] == ["author_id"]
        assert body["constraint"] == "fk_post_author_id_author"
    else:  # SQLite does not say which reference
        assert "fields" not in body
        assert body["detail"] == "a reference names a row that does not exist"


async def test_null_names_the_field(client: AsyncClient) -> None:
    body = await _refused(client, lang_code=None)
    assert (body["status"], body["type"]) == (422, "/problems/not-null-violation")
    assert body["fields"] == ["lang"]


async def test_a_broken_check_names_the_constraint(client: AsyncClient) -> None:
    body = await _refused(client, score=-1)
    assert (body["status"], body["type"]) == (422, "/problems/check-violation")
    assert body["constraint"] == "ck_post_score_positive"


async def test_deleting_a_referenced_row_is_a_409(client: AsyncClient) -> None:
    assert (await client.post("/posts", json=POST)).status_code == 201
    response = await client.delete("/authors/1")
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/still-referenced"
    assert (await client.delete("/authors/2")).status_code == 204
