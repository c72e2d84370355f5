"""A soft-deleting repository hides deleted rows until they are restored or purged."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from persistgen.runtime.repositories.base import NotFoundError
from tests.runtime.models import ArchiveRepository, BookCreate, BookFilters

pytestmark = pytest.mark.anyio


async def test_deleted_rows_hide_until_restored(session: AsyncSession) -> None:
    archive = ArchiveRepository(session)
    book = await archive.create(BookCreate(title="Emma"))
    await archive.delete(book.id)
    assert await archive.get_or_none(book.id) is None
    assert await archive.get_or_none(book.id, include_deleted=True) is book
    assert (await archive.count(), await archive.exists(book.id)) == (0, False)
    assert await archive.read(book.id) is None
    await archive.restore(book.id)
    assert (await archive.get(book.id)).deleted_at is None


async def test_bulk_delete_and_get_or_create_revive(session: AsyncSession) -> None:
    archive = ArchiveRepository(session)
    book = await archive.create(BookCreate(title="Emma"))
    assert await archive.delete_where(BookFilters(title="Emma")) == 1
    revived, created = await archive.get_or_create(BookCreate(title="Emma"), by=["title"])
    assert (revived.id, created, revived.deleted_at) == (book.id, False, None)


async def test_purge_deletes_for_good(session: AsyncSession) -> None:
    archive = ArchiveRepository(session)
    book = await archive.create(BookCreate(title="Emma"))
    await archive.delete(book.id)
    await archive.purge(book.id)
    with pytest.raises(NotFoundError):
        await archive.restore(book.id)
