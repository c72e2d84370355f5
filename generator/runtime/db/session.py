"""Sessions: `get_session` is the one dependency that hands them out.

Nothing here commits. A route that writes calls `await session.commit()` itself, before it
returns, so a failed commit becomes an error response instead of a 2xx already sent. (FastAPI
runs the code after a dependency's `yield` once the response is on its way.)
"""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistgen.runtime.db.engine import engine

SessionFactory = async_sessionmaker(engine, expire_on_commit=False)


async def get_session() -> AsyncIterator[AsyncSession]:
    """One session per request; rolled back on error, closed (returned to the pool) after."""
    async with SessionFactory() as session:
        try:
            yield session
        except Exception:
            await session.rollback()
            raise


SessionDep = Annotated[AsyncSession, Depends(get_session)]
