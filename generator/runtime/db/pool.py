"""Connection pool figures, for `/health/db` and for metrics."""

import time
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry, QueuePool

# The execution option that marks an engine reaching PostgreSQL through a transaction pooler
# (db/engine.py sets it). There a statement outside a transaction may be prepared on one server
# connection and run on another, so the routes run none alone in autocommit (api/crud.py).
TRANSACTION_POOLER = "transaction_pooler"


@dataclass
class CheckoutTally:
    """Checkouts that found the pool exhausted: how many, how long they waited in all, and how
    many gave up after `pool_timeout` (a 503 for the client)."""

    waits: int = 0
    wait_seconds: float = 0.0
    timeouts: int = 0


class MeteredPool(AsyncAdaptedQueuePool):
    """The asyncio queue pool, counting the checkouts that wait. A checkout that finds an idle
    connection, or may open one, costs one comparison more; only a waiting one is timed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tally = CheckoutTally()

    def recreate(self) -> "MeteredPool":
        # `engine.dispose()` swaps in a new pool: the counters go on (they are totals).
        pool = super().recreate()
        assert isinstance(pool, MeteredPool)
        pool.tally = self.tally
        return pool

    def _do_get(self) -> ConnectionPoolEntry:
        exhausted = 0 <= self._max_overflow <= self._overflow and self.checkedin() == 0
        if not exhausted:
            return super()._do_get()
        self.tally.waits += 1
        start = time.perf_counter()
        try:
            return super()._do_get()
        except PoolTimeoutError:
            self.tally.timeouts += 1
            raise
        finally:
            self.tally.wait_seconds += time.perf_counter() - start


class PoolStatus(BaseModel):
    """The pool's figures; None where the pool keeps none (SQLite's)."""

    pool_class: str
    size: int | None
    checked_in: int | None
    checked_out: int | None
    overflow: int | None
    max_overflow: int | None = None


def pool_status(engine: AsyncEngine) -> PoolStatus:
    """How many connections the engine's pool holds, lends and has opened past its size."""
    pool = engine.pool
    if isinstance(pool, QueuePool):
        return PoolStatus(
            pool_class=type(pool).__name__,
            size=pool.size(),
            checked_in=pool.checkedin(),
            checked_out=pool.checkedout(),
            overflow=max(pool.overflow(), 0),  # negative while below pool_size
            max_overflow=pool._max_overflow,  # no public accessor; -1: unlimited
        )
    return PoolStatus(
        pool_class=type(pool).__name__, size=None, checked_in=None, checked_out=None, overflow=None
    )
