"""`/health/db`: is the database reachable, and how busy is the pool."""

from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from persistgen.runtime.api.errors import UNAVAILABLE, is_unavailable
from persistgen.runtime.db.engine import engine
from persistgen.runtime.db.pool import PoolStatus, pool_status

TAG = {"name": "health", "description": "Whether the service can reach its database."}
router = APIRouter(tags=[TAG["name"]])


class DatabaseHealth(BaseModel):
    """The answer of `/health/db`: `ok` or `unavailable`, and the pool's figures."""

    status: str
    pool: PoolStatus


@router.get("/health/db", responses={503: {"model": DatabaseHealth}})
async def database_health(response: Response) -> DatabaseHealth:
    """`SELECT 1` on a connection of the pool: 200 when it answers, 503 with `Retry-After`
    when the database is unreachable, restarting or out of connections."""
    # Read the pool first: when it is exhausted, these figures are what an operator needs.
    pool = pool_status(engine)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (*UNAVAILABLE, DBAPIError) as exc:
        if not is_unavailable(exc):
            raise
        response.status_code = 503
        response.headers["Retry-After"] = "1"
        return DatabaseHealth(status="unavailable", pool=pool)
    return DatabaseHealth(status="ok", pool=pool)
