"""Connection pool figures, for `/health/db` and for metrics."""

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool


class PoolStatus(BaseModel):
    """The pool's figures; None where the pool keeps none (SQLite's)."""

    pool_class: str
    size: int | None
    checked_in: int | None
    checked_out: int | None
    overflow: int | None


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
        )
    return PoolStatus(
        pool_class=type(pool).__name__, size=None, checked_in=None, checked_out=None, overflow=None
    )
