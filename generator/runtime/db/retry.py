"""Retry a transaction that PostgreSQL aborted to resolve a conflict with another one.

Under REPEATABLE READ or SERIALIZABLE isolation, and in any deadlock, PostgreSQL aborts one of
the transactions involved (SQLSTATE 40001 or 40P01); running it again is the expected answer.
"""

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistgen.runtime.db.session import SessionFactory

RETRYABLE = {"40001", "40P01"}  # serialization_failure, deadlock_detected
ResultT = TypeVar("ResultT")


async def in_transaction(
    work: Callable[[AsyncSession], Awaitable[ResultT]],
    *,
    attempts: int = 3,
    backoff: float = 0.05,
    sessions: async_sessionmaker[AsyncSession] = SessionFactory,
) -> ResultT:
    """Run `work` in a fresh session and commit. If PostgreSQL aborts it for a serialization
    failure or a deadlock, run it again in a new session, up to `attempts` runs in all, waiting
    `backoff` seconds (doubled each time, with jitter) in between. Other errors propagate."""
    attempt = 1
    while True:
        async with sessions() as session:
            try:
                result = await work(session)
                await session.commit()
                return result
            except DBAPIError as error:
                await session.rollback()
                if attempt >= attempts or getattr(error.orig, "sqlstate", None) not in RETRYABLE:
                    raise
        await asyncio.sleep(backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
        attempt += 1
