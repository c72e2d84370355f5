"""The base repository's reads, writes and pages, on a small model of books."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from persistgen.runtime.repositories.base import InvalidQueryError, NotFoundError
from persistgen.runtime.repositories.clauses import read_by_key
from tests.runtime.models import Book, BookCreate, BookFilters, BookRead, BookRepository, BookUpdate

pytestmark = pytest.mark.anyio


async def shelve(session: AsyncSession, *titles: str) -> list[Book]:
    return list(await BookRepository(session).create_many([BookCreate(title=t) for t in titles]))


async def test_create_get_update_delete(session: AsyncSession) -> None:
    books = BookRepository(session)
    book = await books.create(BookCreate(title="Dune", pages=412))
    assert (await books.get(book.id)).title == "Dune"
    updated = await books.update(book.id, BookUpdate(pages=500))
    assert (updated.title, updated.pages) == ("Dune", 500)  # only the fields set change
    await books.delete(book.id)
    assert await books.get_or_none(book.id) is None
    with pytest.raises(NotFoundError, match="Book 1 not found"):
        await books.get(book.id)


async def test_a_left_out_non_nullable_field_takes_its_default(session: AsyncSession) -> None:
    created = await shelve(session, "Emma", "Persuasion")
    assert [book.pages for book in created] == [100, 100]
    assert [book.title for book in created] == ["Emma", "Persuasion"]  # input order


async def test_read_is_the_read_dto_and_sees_unflushed_changes(session: AsyncSession) -> None:
    books = BookRepository(session)
    book = (await shelve(session, "Ulysses"))[0]
    book.pages = 730
    read = await books.read(book.id)
    assert read == BookRead(id=book.id, title="Ulysses", pages=730, rank=None, read_at=None)
    assert await books.read(book.id + 1) is None


def test_read_selects_only_the_read_dtos_columns() -> None:
    """A column the Read DTO leaves out (a write-only one) is never selected for an answer."""
    statement = read_by_key(Book, BookRead.model_fields)
    selected = [column.key for column in statement.selected_columns]
    assert selected == ["id", "title", "pages", "rank", "read_at"]


async def test_list_filters_sorts_and_counts(session: AsyncSession) -> None:
    books = BookRepository(session)
    await books.insert_many(
        [BookCreate(title=t, pages=p) for t, p in [("b", 10), ("a", 30), ("c", 20)]]
    )
    page = await books.list(sort="-pages", limit=2)
    assert [book.title for book in page] == ["a", "c"]
    assert [b.title for b in await books.list(BookFilters(pages_gte=20), sort="title")] == [
        "a",
        "c",
    ]
    assert [b.title for b in await books.list(BookFilters(title_contains="B"))] == ["b"]
    assert await books.count(BookFilters(pages_gte=20)) == 2
    assert await books.exists(page[0].id)


async def test_page_is_the_list_as_read_dtos_with_its_total(session: AsyncSession) -> None:
    books = BookRepository(session)
    await books.insert_many(
        [BookCreate(title=t, pages=p) for t, p in [("b", 10), ("a", 30), ("c", 20), ("d", 40)]]
    )
    matching = BookFilters(pages_gte=20)
    items, total = await books.page(matching, sort="title", limit=2)
    listed = await books.list(matching, sort="title", limit=2)
    assert items == [await books.read(book.id) for book in listed]
    assert total == await books.count(matching) == 3  # every match, not the page's rows
    assert await books.page(matching, offset=3) == ([], 3)  # past the last row: counted apart
    after = books.position(items[-1], "title")  # a DTO has its position too
    assert after is not None
    rest, no_total = await books.page(matching, sort="title", after=after)
    assert ([book.title for book in rest], no_total) == (["d"], None)


async def test_keyset_pages_follow_the_position_of_the_last_row(session: AsyncSession) -> None:
    books = BookRepository(session)
    await shelve(session, *"edcba")
    first = await books.list(sort="title", limit=2)
    after = books.position(first[-1], "title")
    assert after is not None
    second = await books.list(sort="title", limit=2, after=after)
    assert [book.title for book in [*first, *second]] == ["a", "b", "c", "d"]
    assert books.position(first[-1], "rank") is None  # a nullable sort cannot be followed


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"limit": 0}, "limit must be between 1 and 100"),
        ({"limit": 101}, "limit must be between 1 and 100"),
        ({"offset": -1}, "offset cannot be negative"),
        ({"sort": "secret"}, "cannot sort by 'secret'"),
        ({"load": ["owner"]}, "cannot load 'owner'; loadable: shelf"),
        ({"after": ["not a number"]}, "the cursor does not fit this list"),
        ({"after": [1], "offset": 1}, "give an offset or a cursor, not both"),
    ],
)
async def test_queries_outside_what_is_allowed_are_refused(
    session: AsyncSession, arguments: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidQueryError, match=message):
        await BookRepository(session).list(**arguments)  # type: ignore[arg-type]


async def test_filters_of_another_resource_are_refused(session: AsyncSession) -> None:
    with pytest.raises(TypeError, match="filters must be a BookFilters"):
        await BookRepository(session).count(BookUpdate())


async def test_get_or_create_and_upsert_match_on_a_unique_key(session: AsyncSession) -> None:
    books = BookRepository(session)
    created, fresh = await books.get_or_create(BookCreate(title="Emma", pages=1), by=["title"])
    again, fresh_again = await books.get_or_create(BookCreate(title="Emma", pages=2), by=["title"])
    assert (fresh, fresh_again, again.id, again.pages) == (True, False, created.id, 1)
    upserted = await books.upsert(BookCreate(title="Emma", pages=3), by=["title"])
    assert (upserted.id, upserted.pages) == (created.id, 3)
    with pytest.raises(InvalidQueryError, match="not a unique key of Book"):
        await books.upsert(BookCreate(title="Emma"), by=["pages"])


async def test_bulk_writes_need_a_filter_and_count_their_rows(session: AsyncSession) -> None:
    books = BookRepository(session)
    await shelve(session, "a", "b")
    assert await books.update_where(BookFilters(title="a"), BookUpdate(rank=1)) == 1
    with pytest.raises(InvalidQueryError, match="needs at least one filter"):
        await books.delete_where(BookFilters())
    assert await books.delete_where(BookFilters(title="b")) == 1
    assert [(b.title, b.rank) for b in await books.list()] == [("a", 1)]


async def test_loading_a_relationship_on_request(session: AsyncSession) -> None:
    from tests.runtime.models import Shelf

    shelf = Shelf(label="fiction")
    session.add(shelf)
    await session.flush()
    book = await BookRepository(session).create(BookCreate(title="Emma", shelf_id=shelf.id))
    loaded = await BookRepository(session).get(book.id, load=["shelf"])
    assert loaded.shelf is not None and loaded.shelf.label == "fiction"
    assert BookRead.from_loaded(loaded).shelf is not None


async def test_stream_yields_every_match(session: AsyncSession) -> None:
    await shelve(session, "a", "b", "c")
    titles = [book.title async for book in BookRepository(session).stream(sort="-title")]
    assert titles == ["c", "b", "a"]
