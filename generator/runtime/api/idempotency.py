"""Safe retries: a write sent with an `Idempotency-Key` header runs once; a retry with the same
key, within `IDEMPOTENCY_WINDOW`, gets the first answer again (status and body) and changes
nothing.

A write first claims its key, inserting the key's row in its own transaction, and stores its
answer there before it commits: the answer commits with the write or not at all. A second
request with the same key that arrives meanwhile waits for that row (PostgreSQL holds its
INSERT until the first transaction ends; SQLite's write lock does the same) and then gets the
stored answer; one that finds the row with no answer is told to retry (409). The same key with
another request (method, path, key or body) is a 422. Error answers are never stored, as their
writes rolled back: a retry runs again.

An expired key is free again: the next write with it takes its row over.
`python -m <package>.api.idempotency` deletes every expired row (run it from cron, say).
"""

import asyncio
import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Header, Response
from pydantic import BaseModel
from pydantic_core import to_json
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from persistgen.runtime.api.errors import problem
from persistgen.runtime.db.idempotency import KEY_LENGTH, IdempotencyKey, delete_expired
from persistgen.runtime.db.session import SessionFactory
from persistgen.runtime.settings import get_idempotency_settings

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"  # set on a stored answer given again, as Stripe does
KeyHeader = Annotated[
    str | None,
    Header(
        alias=HEADER,
        min_length=1,
        max_length=KEY_LENGTH,
        pattern=r"^[!-~]+$",  # printable ASCII, no spaces
        description=(
            "A key of your choosing (a UUID, say) that makes this write safe to retry: "
            "a retry with the same key gets the first answer again and changes nothing."
        ),
    ),
]


def fingerprint(
    method: str, path: str, key: Mapping[str, Any], body: BaseModel | None = None
) -> str:
    """A hash of what a request asks: its method, route, row key and body (the fields sent)."""
    request = [
        method,
        path,
        key,
        None if body is None else body.model_dump(mode="json", exclude_unset=True),
    ]
    return hashlib.sha256(to_json(request)).hexdigest()


async def claim(session: AsyncSession, key: str, request: str) -> Response | None:
    """None when the write may run, `key` now this transaction's (a new row, or an expired one
    taken over); otherwise the answer to give instead: the stored one, or a problem."""
    now = dt.datetime.now(dt.UTC)
    insert = _insert(session.get_bind().dialect.name)
    # One statement, so no two requests both take a key: one that another transaction holds
    # waits for it to end (on PostgreSQL; SQLite's write lock waits for it anyway).
    statement = (
        insert.values(key=key, fingerprint=request, created_at=now)
        .on_conflict_do_update(
            index_elements=[IdempotencyKey.key],
            set_={"fingerprint": request, "created_at": now, "status": None, "body": None},
            where=IdempotencyKey.created_at <= now - get_idempotency_settings().window,
        )
        .returning(IdempotencyKey.key)
    )
    if (await session.execute(statement)).first() is not None:
        return None
    stored = await session.get(IdempotencyKey, key)  # live, and committed by another request
    return _in_progress() if stored is None else _answer(stored, request)


async def remember(session: AsyncSession, key: str, status: int, body: BaseModel | None) -> None:
    """Store the answer under `key`, claimed by this transaction, to commit with the write."""
    json = None if body is None else body.model_dump_json(by_alias=True)  # as FastAPI sends it
    await session.execute(
        update(IdempotencyKey).where(IdempotencyKey.key == key).values(status=status, body=json)
    )


def _insert(dialect: str) -> postgresql.Insert | sqlite.Insert:
    """An INSERT with `ON CONFLICT`, as the project's databases spell it."""
    if dialect == "postgresql":
        return postgresql.insert(IdempotencyKey)
    return sqlite.insert(IdempotencyKey)


def _answer(stored: IdempotencyKey, request: str) -> Response:
    if stored.fingerprint != request:
        return problem(
            422,
            "idempotency-key-reused",
            "Idempotency-Key reused",
            f"this {HEADER} was sent with a different request (method, path or body); "
            "use a new key for a new request",
            fields=[HEADER],
        )
    if stored.status is None:  # a row no committed write left (written by hand, say)
        return _in_progress()
    return Response(
        stored.body,
        status_code=stored.status,
        media_type=None if stored.body is None else "application/json",
        headers={REPLAYED: "true"},
    )


def _in_progress() -> Response:
    return problem(
        409,
        "idempotency-key-in-progress",
        "Request in progress",
        f"a request with this {HEADER} has not finished; retry shortly",
        headers={"Retry-After": "1"},
        fields=[HEADER],
    )


async def purge() -> int:
    """Delete every expired key; how many there were."""
    before = dt.datetime.now(dt.UTC) - get_idempotency_settings().window
    async with SessionFactory() as session:
        count = await delete_expired(session, before)
        await session.commit()
    return count


if __name__ == "__main__":
    print(f"{asyncio.run(purge())} expired idempotency keys deleted")
