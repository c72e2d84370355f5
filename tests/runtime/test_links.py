"""Links between two resources (a many-to-many table), as generated repositories make them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from persistgen.runtime.repositories.base import NotFoundError
from tests.runtime.models import Book, BookCreate, BookRepository, Tag, book_tags

pytestmark = pytest.mark.anyio
OWNER, ITEM = book_tags.c.book_id, book_tags.c.tag_id


async def tagged(books: BookRepository, book: Book) -> list[str]:
    linked = await books._linked(book.id, OWNER, ITEM, Tag, limit=10, offset=0)
    return [tag.name for tag in linked]


async def test_link_list_and_unlink(session: AsyncSession) -> None:
    books = BookRepository(session)
    book = await books.create(BookCreate(title="Emma"))
    tags = [Tag(name="classic"), Tag(name="novel")]
    session.add_all(tags)
    await session.flush()
    await books._link(book.id, OWNER, ITEM, Tag, [tags[1].id, tags[0].id, tags[1].id])
    await books._link(book.id, OWNER, ITEM, Tag, [tags[0].id])  # already linked: kept
    assert await tagged(books, book) == ["classic", "novel"]
    await books._unlink(book.id, OWNER, ITEM, [tags[0].id])
    assert await tagged(books, book) == ["novel"]


async def test_linking_a_missing_row_is_not_found(session: AsyncSession) -> None:
    books = BookRepository(session)
    book = await books.create(BookCreate(title="Emma"))
    with pytest.raises(NotFoundError, match="Tag 99 not found"):
        await books._link(book.id, OWNER, ITEM, Tag, [99])
    with pytest.raises(NotFoundError, match="Book 42 not found"):
        await books._linked(42, OWNER, ITEM, Tag, limit=10, offset=0)


async def test_a_sub_list_counts_its_live_links(session: AsyncSession) -> None:
    books = BookRepository(session)
    emma, persuasion = [await books.create(BookCreate(title=t)) for t in ("Emma", "Persuasion")]
    tags = [Tag(name="classic"), Tag(name="novel")]
    session.add_all(tags)
    await session.flush()
    await books._link(emma.id, OWNER, ITEM, Tag, [tag.id for tag in tags])
    await books._link(persuasion.id, OWNER, ITEM, Tag, [tags[0].id])
    assert await books._count_linked(emma.id, OWNER, ITEM, Tag) == 2
    await books._unlink(emma.id, OWNER, ITEM, [tags[1].id])
    assert await books._count_linked(emma.id, OWNER, ITEM, Tag) == 1

    # The other way round, a soft-deleted book no longer counts among a tag's books.
    live = Book.deleted_at.is_(None)
    assert await books._count_linked(tags[0].id, ITEM, OWNER, Book, live) == 2
    persuasion.deleted_at = dt.datetime.now(dt.UTC)
    await session.flush()
    assert await books._count_linked(tags[0].id, ITEM, OWNER, Book, live) == 1
    assert await books._count_linked(tags[0].id, ITEM, OWNER, Book) == 2
