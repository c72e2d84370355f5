"""Sessions: `get_session` is the one dependency that hands them out.

Nothing here commits. A route that writes calls `await session.commit()` itself, before it
returns, so a failed commit becomes an error response instead of a 2xx already sent. (FastAPI
runs the code after a dependency's `yield` once the response is on its way.)
"""

import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistgen.runtime.db.engine import engine

logger = logging.getLogger(__name__)

SessionFactory = async_sessionmaker(engine, expire_on_commit=False)


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
        try:
            await session.rollback()
        except Exception:
            logger.warning("rolling back a failed request's session failed", exc_info=True)
        raise
    finally:
        await _close(session)


async def _close(session: AsyncSession) -> None:
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
