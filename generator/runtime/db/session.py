"""Sessions: `get_session` hands them out, and `get_read_session` for routes that only read.

`get_read_session` (`ReadSessionDep`) reads from a read replica when `DATABASE_REPLICA_URLS`
lists any (db/replicas.py): one in rotation that has replayed the client's last write (its
`Read-After` token, api/read_after.py), else the primary. Its writes, locking reads and
everything after them go to the primary. Without replicas it is `get_session`.

Nothing here commits. A route that writes calls `await session.commit()` itself, before it
returns, so a failed commit becomes an error response instead of a 2xx already sent. (FastAPI
runs the code after a dependency's `yield` once the response is on its way.)
"""

import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistgen.runtime.api.read_after import read_after
from persistgen.runtime.db.engine import engine, replicas
from persistgen.runtime.db.replicas import REPLICA, RoutingSession

logger = logging.getLogger(__name__)

SessionFactory = async_sessionmaker(engine, expire_on_commit=False)
ReadSessionFactory = async_sessionmaker(
    engine, expire_on_commit=False, sync_session_class=RoutingSession
)


async def get_session() -> AsyncIterator[AsyncSession]:
    """One session per request; rolled back on error, closed (returned to the pool) after.

    Closing never raises: by then the route has committed or failed, and its answer is on its
    way. A connection that died after the commit fails the close; raising then would drop the
    answer to a write that was saved, which the client could not tell from one that was not.
    """
    session = SessionFactory()
    try:
        yield session
    except Exception:
        await _roll_back(session)
        raise
    finally:
        await _close(session)


async def get_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session for a route that reads: from a replica when one may serve this client."""
    if not replicas:
        session = SessionFactory()
    else:
        session = ReadSessionFactory(info={REPLICA: replicas.choose(read_after(request))})
    try:
        yield session
    except Exception:
        await _roll_back(session)
        raise
    finally:
        await _close(session)


async def _roll_back(session: AsyncSession) -> None:
    try:
        await session.rollback()
    except Exception:
        logger.warning("rolling back a failed request's session failed", exc_info=True)


async def _close(session: AsyncSession) -> None:
    if not session.in_transaction() and not session.identity_map:
        return  # it holds no connection (it committed) and no objects: spare the hop
    try:
        await session.close()
    except Exception:
        logger.warning("closing a session failed; its connection is discarded", exc_info=True)
        await _discard(session)


async def _discard(session: AsyncSession) -> None:
    """Let go of a connection that could not be closed (a broken one, as the pool sees it)."""
    try:
        await session.invalidate()
    except Exception:
        logger.warning("discarding a session's connection failed", exc_info=True)


SessionDep = Annotated[AsyncSession, Depends(get_session)]
# Without replicas the read routes take `get_session` itself: the same work, the same overrides.
ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session if replicas else get_session)]
