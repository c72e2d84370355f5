"""List cursors are signed, and valid only for the list they were made for."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from persistgen.runtime.api import cursors
from persistgen.runtime.api.cursors import _encode, _sign, decode, next_cursor
from persistgen.runtime.repositories.base import InvalidQueryError
from persistgen.runtime.settings import CursorSettings
from tests.runtime.models import BookCreate, BookQuery, BookRepository

pytestmark = pytest.mark.anyio


async def test_a_cursor_leads_to_the_next_page(session: AsyncSession) -> None:
    books = BookRepository(session)
    await books.create_many([BookCreate(title=t) for t in "cab"])
    query = BookQuery(limit=2, sort="title")
    first = await books.list(limit=2, sort="title")
    cursor = next_cursor(books, first, query)
    assert cursor is not None
    after = decode(books, query.model_copy(update={"after": cursor}))
    assert after is not None
    rest = await books.list(limit=2, sort="title", after=after)
    assert [book.title for book in rest] == ["c"]
    assert next_cursor(books, rest, query) is None  # a short page is the last


async def test_altered_or_foreign_cursors_are_refused(session: AsyncSession) -> None:
    books = BookRepository(session)
    page = await books.create_many([BookCreate(title="a")])
    cursor = next_cursor(books, page, BookQuery(limit=1, title="a"))
    assert cursor is not None
    with pytest.raises(InvalidQueryError, match="another list"):
        decode(books, BookQuery(limit=1, title="b", after=cursor))
    forged = "W10" + cursor[3:]
    with pytest.raises(InvalidQueryError, match="not valid"):
        decode(books, BookQuery(limit=1, title="a", after=forged))
    assert decode(books, BookQuery()) is None


@pytest.mark.parametrize("content", [b"not json", b"{}", b"[]", b"[1, 2]", b'"scope"', b"\xff"])
async def test_a_signed_cursor_of_the_wrong_shape_is_refused(
    session: AsyncSession, content: bytes
) -> None:
    # Signed with the secret, as a cursor from another version of the service would be.
    body = _encode(content)
    cursor = f"{body}.{_encode(_sign(body))}"
    with pytest.raises(InvalidQueryError, match="not valid"):
        decode(BookRepository(session), BookQuery(after=cursor))


@pytest.mark.parametrize("shared", [False, True])
async def test_a_refused_cursor_hints_once_at_a_secret_per_process(
    session: AsyncSession,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    shared: bool,
) -> None:
    """Another instance's cursor, where each process has its own secret: the log says why."""
    books = BookRepository(session)
    cursor = next_cursor(
        books, await books.create_many([BookCreate(title="a")]), BookQuery(limit=1)
    )
    assert cursor is not None
    other = CursorSettings(secret=SecretStr("shared")) if shared else CursorSettings()
    monkeypatch.setattr(cursors, "get_cursor_settings", lambda: other)
    cursors._hint_at_a_secret_per_process.cache_clear()
    for _ in range(2):
        with pytest.raises(InvalidQueryError, match="not valid"):
            decode(books, BookQuery(limit=1, after=cursor))
    assert caplog.text.count("CURSOR_SECRET is not set") == (0 if shared else 1)
