"""FastAPI and SQLAlchemy Core for the reads the plainest way: not services anyone would ship
(no middleware, a 404 and nothing else), for telling the generated app's own cost from
theirs. The get through the session is about the least a route taking the guide's session
dependency can do: one dependency, one SELECT. The engine and that dependency are
database.py's, as the ORM service's are.

- `session_app`: the guide's `get_session` (`async with SessionLocal() as session: yield
  session`) and Core SELECTs of the columns through the session, rows as dicts into the DTOs;
- `core_app`: no dependency and no session: a connection from the engine, the same SELECTs.

Both serve `GET /posts/{post_id}` and `GET /posts` (a page and its total; none after
`after_id`), as the asyncpg service does. Run: DATABASE_URL=postgresql+asyncpg://... uvicorn
plain_service:session_app (or core_app)
"""

from typing import Annotated, Any

from database import SessionDep, engine, lifespan
from dtos import PostPage, PostRead, PostStatus
from fastapi import FastAPI, HTTPException, Query
from sqlalchemy import bindparam, column, func, select, table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

posts = table("posts", *(column(name) for name in PostRead.model_fields))
by_id = select(*posts.c).where(posts.c.id == bindparam("post_id"))
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0)]

session_app = FastAPI(lifespan=lifespan)
core_app = FastAPI(lifespan=lifespan)


async def _one(db: AsyncSession | AsyncConnection, post_id: int) -> Any:
    row = (await db.execute(by_id, {"post_id": post_id})).mappings().first()
    if row is None:
        raise HTTPException(status_code=404, detail="Post not found")
    return row


async def _page(
    db: AsyncSession | AsyncConnection,
    limit: int,
    offset: int,
    status: PostStatus | None,
    after_id: int | None,
) -> dict[str, Any]:
    statement = select(*posts.c).order_by(posts.c.id).limit(limit).offset(offset)
    count = select(func.count()).select_from(posts)
    if status is not None:
        statement = statement.where(posts.c.status == status.value)
        count = count.where(posts.c.status == status.value)
    if after_id is not None:
        statement = statement.where(posts.c.id > after_id)
    items = (await db.execute(statement)).mappings().all()
    total = None if after_id is not None else (await db.execute(count)).scalar_one()
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@session_app.get("/posts/{post_id}", response_model=PostRead)
async def get_through_session(post_id: int, session: SessionDep) -> Any:
    return await _one(session, post_id)


@session_app.get("/posts", response_model=PostPage)
async def list_through_session(
    session: SessionDep,
    limit: Limit = 20,
    offset: Offset = 0,
    status: PostStatus | None = None,
    after_id: int | None = None,
) -> dict[str, Any]:
    return await _page(session, limit, offset, status, after_id)


@core_app.get("/posts/{post_id}", response_model=PostRead)
async def get_through_connection(post_id: int) -> Any:
    async with engine.connect() as connection:
        return await _one(connection, post_id)


@core_app.get("/posts", response_model=PostPage)
async def list_through_connection(
    limit: Limit = 20,
    offset: Offset = 0,
    status: PostStatus | None = None,
    after_id: int | None = None,
) -> dict[str, Any]:
    async with engine.connect() as connection:
        return await _page(connection, limit, offset, status, after_id)
