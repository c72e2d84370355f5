"""`in_transaction` runs work again when PostgreSQL aborts it for a conflict, and only then."""

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from persistgen.runtime.db.retry import in_transaction

pytestmark = pytest.mark.anyio


class PostgresError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


Work = Callable[[AsyncSession], Awaitable[int]]


def failing(sqlstate: str, times: int) -> tuple[list[int], Work]:
    """Work that fails `times` times with `sqlstate`, then returns how often it ran."""
    runs: list[int] = []

    async def work(session: AsyncSession) -> int:
        runs.append(len(runs) + 1)
        if len(runs) <= times:
            raise DBAPIError("COMMIT", None, PostgresError(sqlstate))
        return len(runs)

    return runs, work


@pytest.mark.parametrize("sqlstate", ["40001", "40P01"])
async def test_conflicts_are_retried(sqlstate: str) -> None:
    runs, work = failing(sqlstate, times=2)
    assert await in_transaction(work, backoff=0) == 3
    assert runs == [1, 2, 3]


async def test_retries_stop_after_the_last_attempt() -> None:
    runs, work = failing("40001", times=5)
    with pytest.raises(DBAPIError):
        await in_transaction(work, attempts=3, backoff=0)
    assert runs == [1, 2, 3]


async def test_other_errors_are_not_retried() -> None:
    runs, work = failing("23505", times=1)  # unique_violation
    with pytest.raises(DBAPIError):
        await in_transaction(work, backoff=0)
    assert runs == [1]


@pytest.mark.postgres
async def test_a_real_deadlock_is_resolved_by_a_retry() -> None:
    """Two transactions take two locks in opposite order; PostgreSQL aborts one (40P01) and
    `in_transaction` runs it again once the other has committed."""
    both_hold_one = asyncio.Barrier(2)

    def locking(first: int, second: int) -> Work:
        runs = 0

        async def work(session: AsyncSession) -> int:
            nonlocal runs
            runs += 1
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": first})
            if runs == 1:
                await both_hold_one.wait()
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": second})
            return runs

        return work

    runs = await asyncio.gather(
        in_transaction(locking(1, 2), backoff=0), in_transaction(locking(2, 1), backoff=0)
    )
    assert sorted(runs) == [1, 2]  # one ran once; the deadlock victim ran again
