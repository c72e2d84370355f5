"""A FastAPI + asyncpg service over `posts`: a connection pool, plain SQL, rows as dicts
validated into the same `response_model=` DTOs. Its pool is as large as the SQLAlchemy
services' (pool size plus overflow). Run: DATABASE_URL=postgresql://... uvicorn asyncpg_service:app
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import asyncpg
from dtos import PostCreate, PostPage, PostRead, PostStatus, PostUpdate
from fastapi import FastAPI, HTTPException, Query, Request, Response

COLUMNS = "id, title, slug, body, status, published_at, view_count, author_id, created_at"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    size = int(os.environ.get("POOL_SIZE", "10"))
    app.state.pool = await asyncpg.create_pool(
        os.environ["DATABASE_URL"].replace("postgresql+asyncpg", "postgresql"),
        min_size=size,
        max_size=size + int(os.environ.get("MAX_OVERFLOW", "20")),
    )
    yield
    await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


@app.get("/posts", response_model=PostPage)
async def list_posts(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
    status: PostStatus | None = None,
    after_id: int | None = None,
) -> dict[str, Any]:
    where, arguments = [], []
    if status is not None:
        arguments.append(status.value)
        where.append(f"status = ${len(arguments)}")
    count_where = list(where)
    if after_id is not None:
        arguments.append(after_id)
        where.append(f"id > ${len(arguments)}")
    condition = f"WHERE {' AND '.join(where)}" if where else ""
    page = f"LIMIT ${len(arguments) + 1} OFFSET ${len(arguments) + 2}"
    async with _pool(request).acquire() as connection:
        rows = await connection.fetch(
            f"SELECT {COLUMNS} FROM posts {condition} ORDER BY id {page}", *arguments, limit, offset
        )
        total = None
        if after_id is None:
            counted = f"WHERE {' AND '.join(count_where)}" if count_where else ""
            total = await connection.fetchval(
                f"SELECT count(*) FROM posts {counted}", *arguments[: len(count_where)]
            )
    return {"items": [dict(row) for row in rows], "total": total, "limit": limit, "offset": offset}


@app.get("/posts/{post_id}", response_model=PostRead)
async def get_post(post_id: int, request: Request) -> dict[str, Any]:
    row = await _pool(request).fetchrow(f"SELECT {COLUMNS} FROM posts WHERE id = $1", post_id)
    if row is None:
        raise HTTPException(status_code=404, detail="Post not found")
    return dict(row)


@app.post("/posts", response_model=PostRead, status_code=201)
async def create_post(data: PostCreate, request: Request) -> dict[str, Any]:
    values = data.model_dump(mode="python")
    values["status"] = data.status.value
    names = ", ".join(values)
    placeholders = ", ".join(f"${i}" for i in range(1, len(values) + 1))
    row = await _pool(request).fetchrow(
        f"INSERT INTO posts ({names}) VALUES ({placeholders}) RETURNING {COLUMNS}",
        *values.values(),
    )
    return dict(row)


@app.patch("/posts/{post_id}", response_model=PostRead)
async def update_post(post_id: int, data: PostUpdate, request: Request) -> dict[str, Any]:
    changes = data.model_dump(exclude_unset=True)
    if "status" in changes and changes["status"] is not None:
        changes["status"] = changes["status"].value
    assignments = ", ".join(f"{name} = ${i}" for i, name in enumerate(changes, start=2))
    if assignments:
        sql = f"UPDATE posts SET {assignments} WHERE id = $1 RETURNING {COLUMNS}"
    else:
        sql = f"SELECT {COLUMNS} FROM posts WHERE id = $1"
    row = await _pool(request).fetchrow(sql, post_id, *changes.values())
    if row is None:
        raise HTTPException(status_code=404, detail="Post not found")
    return dict(row)


@app.delete("/posts/{post_id}", status_code=204)
async def delete_post(post_id: int, request: Request) -> Response:
    result = await _pool(request).execute("DELETE FROM posts WHERE id = $1", post_id)
    if result == "DELETE 0":
        raise HTTPException(status_code=404, detail="Post not found")
    return Response(status_code=204)
