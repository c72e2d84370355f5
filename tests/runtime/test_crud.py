"""`CrudRouter` serves a resource's routes as the routes written out per resource would: the
same OpenAPI document (paths, operation ids, parameters, schemas, descriptions, problem answers)
and the same answers."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import AsyncIterator, Sequence
from typing import Annotated, Any, ClassVar, Literal

import pytest
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Path, Query, params, status
from fastapi.responses import PlainTextResponse
from fastapi.routing import APIRoute
from httpx import ASGITransport, AsyncClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from persistgen.runtime.api.crud import CrudRouter, Dtos, Names, operation_id, problems
from persistgen.runtime.api.errors import install_error_handlers, problem_responses
from persistgen.runtime.api.idempotency import KeyHeader
from persistgen.runtime.db.session import SessionDep, get_session
from persistgen.runtime.repositories.base import NotFoundError, Repository
from persistgen.runtime.repositories.soft_delete import SoftDeleteRepository
from persistgen.runtime.schemas.base import INT64_MAX, INT64_MIN, Page, ReadModel
from tests.runtime.models import (
    Book,
    BookCreate,
    BookQuery,
    BookRead,
    BookUpdate,
    Loadable,
    Shelf,
)


class BookSummary(ReadModel):
    """A Read DTO without relations, as a generated project's is; `BookRead` is the detail."""

    id: int
    title: str
    pages: int
    rank: int | None
    read_at: dt.datetime | None


class ShelvedBooks(SoftDeleteRepository[Book, BookCreate, BookUpdate, BookSummary, int]):
    model = Book
    read_model = BookSummary
    query_model = BookQuery
    sortable = frozenset({"title", "pages"})
    loadable: ClassVar[Loadable] = {"shelf": (Book.shelf, "joined")}


BookLoad = Literal["shelf"]
Key = Annotated[int, Path(ge=INT64_MIN, le=INT64_MAX)]
NAMES = Names(one="book", many="books", route="books", label="book")
DTOS = Dtos(BookCreate, BookSummary, BookUpdate, BookQuery, BookRead, BookLoad)
LEAN = Dtos(BookCreate, BookSummary, BookUpdate, BookQuery)


def _written_out() -> APIRouter:
    """The routes as a resource's module would spell them without `CrudRouter`."""
    router = APIRouter(prefix="/books", tags=["books"], generate_unique_id_function=operation_id)
    on_rows = problem_responses(414, 422, 503, 504)
    on_a_row = problem_responses(404, 414, 422, 503, 504)
    writes = problem_responses(400, 409, 413, 414, 422, 503, 504)
    on_a_row_writes = problem_responses(404, 409, 414, 422, 503, 504)

    @router.post("", status_code=status.HTTP_201_CREATED, responses=writes)
    async def create_book(
        data: BookCreate, session: SessionDep, idempotency_key: KeyHeader = None
    ) -> BookSummary:
        raise NotImplementedError

    @router.get("", responses=on_rows)
    async def list_books(
        query: Annotated[BookQuery, Query()], session: SessionDep
    ) -> Page[BookSummary]:
        raise NotImplementedError

    @router.get("/{key}", responses=on_a_row)
    async def get_book(
        key: Key,
        session: SessionDep,
        include: Annotated[list[BookLoad] | None, Query(max_length=1)] = None,
    ) -> BookRead:
        """`include` (repeatable) nests the related rows `BookLoad` lists; those left out are absent
        from the answer, and one included that has no row is null."""
        raise NotImplementedError

    @router.patch("/{key}", responses=problem_responses(400, 404, 409, 413, 414, 422, 503, 504))
    async def update_book(
        key: Key, data: BookUpdate, session: SessionDep, idempotency_key: KeyHeader = None
    ) -> BookSummary:
        raise NotImplementedError

    @router.delete("/{key}", status_code=status.HTTP_204_NO_CONTENT, responses=on_a_row_writes)
    async def delete_book(key: Key, session: SessionDep, idempotency_key: KeyHeader = None) -> None:
        """Mark the book deleted; `POST /books/{key}/restore` brings it back."""

    @router.post("/{key}/restore", responses=on_a_row_writes)
    async def restore_book(
        key: Key, session: SessionDep, idempotency_key: KeyHeader = None
    ) -> BookSummary:
        raise NotImplementedError

    return router


def _openapi(router: APIRouter) -> dict[str, Any]:
    app = FastAPI()
    app.include_router(router)
    return app.openapi()


def test_the_openapi_document_is_the_written_out_routes() -> None:
    built = CrudRouter(NAMES, ShelvedBooks, DTOS, key={"key": Key}, restore=ShelvedBooks.restore)
    # Compared as text, so the order of paths and methods counts too.
    assert json.dumps(_openapi(built)) == json.dumps(_openapi(_written_out()))


def test_operation_ids_are_the_route_names() -> None:
    built = CrudRouter(NAMES, ShelvedBooks, DTOS, key={"key": Key}, restore=ShelvedBooks.restore)
    paths = _openapi(built)["paths"]
    ids = {
        (method, path): op["operationId"]
        for path, ops in paths.items()
        for method, op in ops.items()
    }
    assert ids == {
        ("post", "/books"): "create_book",
        ("get", "/books"): "list_books",
        ("get", "/books/{key}"): "get_book",
        ("patch", "/books/{key}"): "update_book",
        ("delete", "/books/{key}"): "delete_book",
        ("post", "/books/{key}/restore"): "restore_book",
    }


def test_a_route_of_ones_own_is_named_after_its_function() -> None:
    app = FastAPI(generate_unique_id_function=operation_id)
    custom = APIRouter()

    @custom.get("/reports/monthly")
    async def monthly_report() -> dict[str, int]:
        raise NotImplementedError

    app.include_router(custom)
    app.include_router(CrudRouter(NAMES, ShelvedBooks, LEAN, key={"key": Key}))
    paths = app.openapi()["paths"]
    assert paths["/reports/monthly"]["get"]["operationId"] == "monthly_report"
    assert paths["/books"]["get"]["operationId"] == "list_books"


def test_each_route_declares_the_problems_it_can_answer() -> None:
    built = CrudRouter(NAMES, ShelvedBooks, DTOS, key={"key": Key}, restore=ShelvedBooks.restore)
    paths = _openapi(built)["paths"]
    errors = {
        (method, path): sorted(status for status in op["responses"] if status >= "400")
        for path, ops in paths.items()
        for method, op in ops.items()
    }
    assert errors == {
        ("post", "/books"): ["400", "409", "413", "414", "422", "503", "504"],
        ("get", "/books"): ["414", "422", "503", "504"],
        ("get", "/books/{key}"): ["404", "414", "422", "503", "504"],
        ("patch", "/books/{key}"): ["400", "404", "409", "413", "414", "422", "503", "504"],
        ("delete", "/books/{key}"): ["404", "409", "414", "422", "503", "504"],
        ("post", "/books/{key}/restore"): ["404", "409", "414", "422", "503", "504"],
    }
    assert problems(keyed=False, write=False, body=False) == problem_responses(414, 422, 503, 504)


def test_a_router_gives_its_tag_the_resource_description() -> None:
    described = Names(**{**NAMES.__dict__, "description": "Books on shelves."})
    router = CrudRouter(described, ShelvedBooks, LEAN, key={"key": Key})
    assert router.tag == {"name": "books", "description": "Books on shelves."}
    assert CrudRouter(NAMES, ShelvedBooks, LEAN, key={"key": Key}).tag == {"name": "books"}


def test_a_detail_relation_is_optional_in_the_document() -> None:
    built = CrudRouter(NAMES, ShelvedBooks, DTOS, key={"key": Key})
    detail = _openapi(built)["components"]["schemas"]["BookRead"]
    assert "shelf" in detail["properties"]
    assert "shelf" not in detail.get("required", [])


def test_a_router_serves_only_the_routes_it_is_given() -> None:
    def served(router: APIRouter) -> list[tuple[str, str]]:
        paths = _openapi(router)["paths"]
        return [(method.upper(), path) for path, ops in paths.items() for method in ops]

    reads = CrudRouter(NAMES, ShelvedBooks, DTOS, key={"key": Key}, routes=("list", "get"))
    no_restore = CrudRouter(
        NAMES,
        ShelvedBooks,
        DTOS,
        key={"key": Key},
        restore=ShelvedBooks.restore,
        routes=("create", "delete"),
    )

    assert served(reads) == [("GET", "/books"), ("GET", "/books/{key}")]
    assert served(no_restore) == [("POST", "/books"), ("DELETE", "/books/{key}")]
    delete = _openapi(no_restore)["paths"]["/books/{key}"]["delete"]
    assert "restore" not in delete.get("description", "")  # no route to point at


def test_a_composite_key_is_one_path_parameter_per_column() -> None:
    router = CrudRouter(NAMES, ShelvedBooks, LEAN, key={"shelf_id": Key, "id": Key})
    written = APIRouter(prefix="/books", tags=["books"], generate_unique_id_function=operation_id)

    @written.get("/{shelf_id}/{id}", responses=problem_responses(404, 414, 422, 503, 504))
    async def get_book(shelf_id: Key, id: Key, session: SessionDep) -> BookSummary:
        raise NotImplementedError

    route = _openapi(router)["paths"]["/books/{shelf_id}/{id}"]["get"]
    assert route == _openapi(written)["paths"]["/books/{shelf_id}/{id}"]["get"]
    assert router._key({"id": 2, "shelf_id": 1}) == (1, 2)


@pytest.mark.anyio
async def test_a_path_outside_a_routers_segment_tries_none_of_its_routes(
    session: AsyncSession,
) -> None:
    router = CrudRouter(NAMES, Books, LEAN, key={"key": Key})
    router.add_api_route(".csv", _csv)  # `/books.csv`: the prefix, and no slash after it
    tried: list[str] = []
    for route in router.routes:
        assert isinstance(route, APIRoute)
        route.matches = functools.partial(_noting, tried, route.path, route.matches)  # type: ignore[method-assign]
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(router, prefix="/v1")

    async def test_session() -> AsyncIterator[AsyncSession]:
        yield session

    app.dependency_overrides[get_session] = test_session
    async with AsyncClient(transport=ASGITransport(app), base_url="http://test") as client:
        for path in ("/shelves/1", "/book", "/v1/shelves"):
            assert (await client.get(path)).status_code == 404
        assert tried == []
        assert (await client.get("/books")).status_code == 200
        assert (await client.get("/v1/books/1")).status_code == 404  # matched: no such book
        assert (await client.get("/books.csv")).text == "title"
        assert tried


@pytest.mark.anyio
async def test_a_route_added_without_the_prefix_is_still_served() -> None:
    router = CrudRouter(NAMES, Books, LEAN, key={"key": Key})
    router.add_route("/plain", PlainTextResponse("plain"))  # Starlette's: the path as given
    app = FastAPI()
    app.include_router(router)
    async with AsyncClient(transport=ASGITransport(app), base_url="http://test") as client:
        assert (await client.get("/plain")).text == "plain"


async def _csv() -> PlainTextResponse:
    return PlainTextResponse("title")


def _noting(tried: list[str], path: str, matches: Any, scope: Any) -> Any:
    tried.append(path)
    return matches(scope)


@pytest.fixture
async def client(session: AsyncSession) -> AsyncIterator[AsyncClient]:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(
        CrudRouter(NAMES, ShelvedBooks, DTOS, key={"key": Key}, restore=ShelvedBooks.restore)
    )

    async def test_session() -> AsyncIterator[AsyncSession]:
        yield session

    app.dependency_overrides[get_session] = test_session
    async with AsyncClient(transport=ASGITransport(app), base_url="http://test") as client:
        yield client


@pytest.mark.anyio
async def test_the_routes_write_read_and_page(client: AsyncClient) -> None:
    created = await client.post("/books", json={"title": "Emma", "pages": 300})
    assert created.status_code == 201, created.text
    key = created.json()["id"]
    await client.post("/books", json={"title": "Persuasion"})
    page = (await client.get("/books", params={"limit": 1, "sort": "title"})).json()
    assert ([b["title"] for b in page["items"]], page["total"]) == (["Emma"], 2)
    after = (
        await client.get("/books", params={"sort": "title", "after": page["next_cursor"]})
    ).json()
    assert ([b["title"] for b in after["items"]], after["total"]) == (["Persuasion"], None)
    updated = await client.patch(f"/books/{key}", json={"pages": 320})
    assert updated.json()["pages"] == 320
    lean = (await client.get(f"/books/{key}")).json()
    assert lean["pages"] == 320
    assert "shelf" not in lean, "a relationship not asked for is absent, not null"
    nested = await client.get(f"/books/{key}", params={"include": "shelf"})
    assert nested.status_code == 200, nested.text
    assert nested.json()["shelf"] is None, "asked for, and there is none: null"
    assert (await client.get(f"/books/{key}", params={"include": "author"})).status_code == 422


@pytest.mark.anyio
async def test_delete_restore_and_missing_rows(client: AsyncClient) -> None:
    key = (await client.post("/books", json={"title": "Emma"})).json()["id"]
    assert (await client.delete(f"/books/{key}")).status_code == 204
    assert (await client.get(f"/books/{key}")).status_code == 404
    assert (await client.post(f"/books/{key}/restore")).json()["title"] == "Emma"
    assert (await client.get(f"/books/{key}", params={"include": "shelf"})).status_code == 200
    assert (await client.patch("/books/999", json={"pages": 1})).status_code == 404


@pytest.mark.anyio
async def test_a_resource_without_relations_reads_lean(session: AsyncSession) -> None:
    router = CrudRouter(NAMES, ShelvedBooks, LEAN, key={"key": Key})
    book = await ShelvedBooks(session).create(BookCreate(title="Emma"))
    get = next(r for r in router.routes if isinstance(r, APIRoute) and r.name == "get_book")
    assert (await get.endpoint(session=session, key=book.id)).title == "Emma"
    with pytest.raises(NotFoundError):
        await get.endpoint(session=session, key=book.id + 1)


@pytest.mark.anyio
async def test_a_route_runs_the_dependencies_given_for_it(session: AsyncSession) -> None:
    async def require_user(authorization: Annotated[str | None, Header()] = None) -> None:
        if authorization is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "log in first")

    asked: list[tuple[str, str]] = []

    def dependencies(resource: str, route: str) -> list[params.Depends]:
        asked.append((resource, route))
        return [Depends(require_user)] if route in {"create", "links"} else []

    router = CrudRouter(
        NAMES,
        ShelvedBooks,
        DTOS,
        key={"key": Key},
        routes=("list", "create"),
        dependencies=functools.partial(dependencies, "book"),
    )
    app = FastAPI()
    app.include_router(router)

    async def test_session() -> AsyncIterator[AsyncSession]:
        yield session

    app.dependency_overrides[get_session] = test_session
    async with AsyncClient(transport=ASGITransport(app), base_url="http://test") as client:
        assert (await client.post("/books", json={"title": "Emma"})).status_code == 401
        assert (await client.get("/books")).status_code == 200
        logged_in = {"Authorization": "Bearer reader"}
        created = await client.post("/books", json={"title": "Emma"}, headers=logged_in)
        assert created.status_code == 201, created.text
        assert (await client.get("/books")).json()["total"] == 1
    assert asked == [("book", "create"), ("book", "list")]
    assert router.dependencies_of("links") == [Depends(require_user)]
    assert CrudRouter(NAMES, ShelvedBooks, LEAN, key={"key": Key}).dependencies_of("get") == []


class Books(Repository[Book, BookCreate, BookUpdate, BookSummary, int]):
    """A plain resource, as most are: its write routes run one Core statement each."""

    model = Book
    read_model = BookSummary
    query_model = BookQuery
    sortable = frozenset({"title", "pages"})


class OwnBooks(Books):
    """A project's repository that overrides the writes and the list: the routes run these."""

    deleted: ClassVar[list[int]] = []

    async def create(self, data: BookCreate) -> Book:
        book = await super().create(data)
        book.title = book.title.upper()
        await self.session.flush()
        return book

    async def update(self, key: int, data: BookUpdate) -> Book:
        book = await super().update(key, data)
        book.rank = 7
        await self.session.flush()
        return book

    async def delete(self, key: int) -> None:
        await super().delete(key)
        self.deleted.append(key)

    async def list(self, filters: Any = None, **page: Any) -> Sequence[Book]:
        return [book for book in await super().list(filters, **page) if book.title != "HIDDEN"]


class Shelves(Repository[Shelf, Any, Any, Any, int]):
    model = Shelf


async def _served(session: AsyncSession, repository: type[Books]) -> AsyncIterator[AsyncClient]:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(CrudRouter(NAMES, repository, LEAN, key={"key": Key}))

    async def test_session() -> AsyncIterator[AsyncSession]:
        yield session

    app.dependency_overrides[get_session] = test_session
    async with AsyncClient(transport=ASGITransport(app), base_url="http://test") as client:
        yield client


def test_writes_run_in_core_only_where_the_orm_would_add_nothing() -> None:
    assert all(Books.writes_in_core(write) for write in ("create", "update", "delete"))
    assert not any(OwnBooks.writes_in_core(write) for write in ("create", "update", "delete"))
    # Soft deletion overrides the reads an update and a delete start with.
    assert [ShelvedBooks.writes_in_core(w) for w in ("create", "update", "delete")] == [
        True,
        False,
        False,
    ]
    assert not Shelves.writes_in_core("delete"), "the ORM would unlink a shelf's books"

    def stamp(*_: object) -> None:
        pass

    event.listen(Book, "before_update", stamp)
    try:
        assert not Books.writes_in_core("update")
        assert Books.writes_in_core("delete")
    finally:
        event.remove(Book, "before_update", stamp)


@pytest.mark.anyio
async def test_a_plain_resources_writes_are_one_statement_each(session: AsyncSession) -> None:
    statements: list[str] = []

    def record(_c: object, _cursor: object, sql: str, *_: object) -> None:
        statements.append(sql.split()[0])

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    async for client in _served(session, Books):
        created = await client.post("/books", json={"title": "Emma"})
        assert created.status_code == 201, created.text
        book = created.json()
        assert (book["title"], book["pages"], book["rank"]) == ("Emma", 100, None)
        assert statements == ["INSERT"]
        updated = await client.patch(f"/books/{book['id']}", json={"rank": 3})
        assert (updated.json()["title"], updated.json()["rank"]) == ("Emma", 3)
        assert (await client.patch(f"/books/{book['id']}", json={})).json()["rank"] == 3
        assert (await client.patch("/books/999", json={"rank": 1})).status_code == 404
        assert (await client.post("/books", json={"title": "Emma"})).status_code == 409
        statements.clear()
        assert (await client.delete(f"/books/{book['id']}")).status_code == 204
        assert statements == ["DELETE"]
        assert (await client.delete(f"/books/{book['id']}")).status_code == 404
        assert (await client.get(f"/books/{book['id']}")).status_code == 404
    event.remove(engine, "before_cursor_execute", record)


@pytest.mark.anyio
async def test_the_routes_run_a_projects_overrides(session: AsyncSession) -> None:
    async for client in _served(session, OwnBooks):
        created = (await client.post("/books", json={"title": "emma"})).json()
        assert created["title"] == "EMMA"
        assert (await client.patch(f"/books/{created['id']}", json={"pages": 5})).json()[
            "rank"
        ] == 7
        await client.post("/books", json={"title": "hidden"})
        page = (await client.get("/books", params={"sort": "title"})).json()
        assert ([b["title"] for b in page["items"]], page["total"]) == (["EMMA"], 2)
        assert (await client.delete(f"/books/{created['id']}")).status_code == 204
        assert OwnBooks.deleted == [created["id"]]
