"""Links between two resources (a many-to-many table), as generated repositories make them."""

from __future__ import annotations

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
