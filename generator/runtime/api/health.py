"""`/health/db`: is the database reachable, and how busy is the pool; with read replicas, each
replica's pool, lag, and whether it serves reads (`in_rotation`)."""

from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from persistgen.runtime.api.errors import UNAVAILABLE, is_unavailable
from persistgen.runtime.db.engine import engine, replicas
from persistgen.runtime.db.pool import PoolStatus, pool_status
from persistgen.runtime.db.replicas import Replica

TAG = {"name": "health", "description": "Whether the service can reach its database."}
router = APIRouter(tags=[TAG["name"]])


class ReplicaHealth(BaseModel):
    """A read replica as its last check found it (checked in the background, not per call)."""

    name: str
    in_rotation: bool
    lag_seconds: float | None
    error: str | None
    reads: int
    pool: PoolStatus


class DatabaseHealth(BaseModel):
    """The answer of `/health/db`: `ok` or `unavailable`, the pool's figures, and each read
    replica's when there are some."""

    status: str
    pool: PoolStatus
    replicas: list[ReplicaHealth] = []  # left out of the answer when there are none


@router.get(
    "/health/db", responses={503: {"model": DatabaseHealth}}, response_model_exclude_defaults=True
)
async def database_health(response: Response) -> DatabaseHealth:
    """`SELECT 1` on a connection of the pool: 200 when it answers, 503 with `Retry-After`
    when the database is unreachable, restarting or out of connections."""
    # Read the pool first: when it is exhausted, these figures are what an operator needs.
    pool = pool_status(engine)
    found = [_replica_health(replica) for replica in replicas.replicas]
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (*UNAVAILABLE, DBAPIError) as exc:
        if not is_unavailable(exc):
            raise
        response.status_code = 503
        response.headers["Retry-After"] = "1"
        return DatabaseHealth(status="unavailable", pool=pool, replicas=found)
    return DatabaseHealth(status="ok", pool=pool, replicas=found)


def _replica_health(replica: Replica) -> ReplicaHealth:
    return ReplicaHealth(
        name=replica.name,
        in_rotation=replica.in_rotation,
        lag_seconds=None if replica.lag is None else round(replica.lag, 3),
        error=replica.error,
        reads=replica.reads,
        pool=pool_status(replica.engine),
    )
