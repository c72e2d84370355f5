"""The engine, the guide's session dependency and the lifespan that disposes the engine, which
the SQLAlchemy services share. Pool settings come from the environment the benchmark sets for
every service."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

engine = create_async_engine(
    os.environ["DATABASE_URL"],
    pool_size=int(os.environ.get("POOL_SIZE", "10")),
    max_overflow=int(os.environ.get("MAX_OVERFLOW", "20")),
    pool_pre_ping=os.environ.get("POOL_PRE_PING", "true") == "true",
)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    yield
    await engine.dispose()
