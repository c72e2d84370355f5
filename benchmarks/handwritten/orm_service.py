"""A FastAPI + SQLAlchemy 2 ORM service over `posts`, written as the FastAPI and SQLAlchemy
tutorials write one: a mapped class, `select(Post)`, `session.get`, `response_model=` DTOs and a
commit per write; its engine and session dependency are database.py's.
Run: DATABASE_URL=postgresql+asyncpg://... uvicorn orm_service:app"""

import datetime as dt
from typing import Annotated

from database import SessionDep, lifespan
from dtos import PostCreate, PostPage, PostRead, PostStatus, PostUpdate
from fastapi import FastAPI, HTTPException, Query, Response
from sqlalchemy import BigInteger, DateTime, ForeignKey, String, Text, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(9), default="draft")
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    view_count: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


app = FastAPI(lifespan=lifespan)


@app.get("/posts", response_model=PostPage)
async def list_posts(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
    status: PostStatus | None = None,
    after_id: int | None = None,
) -> dict[str, object]:
    statement = select(Post).order_by(Post.id).limit(limit).offset(offset)
    count = select(func.count()).select_from(Post)
    if status is not None:
        statement = statement.where(Post.status == status)
        count = count.where(Post.status == status)
    if after_id is not None:
        statement = statement.where(Post.id > after_id)
    posts = (await session.scalars(statement)).all()
    total = None if after_id is not None else await session.scalar(count)
    return {"items": posts, "total": total, "limit": limit, "offset": offset}


@app.get("/posts/{post_id}", response_model=PostRead)
async def get_post(post_id: int, session: SessionDep) -> Post:
    post = await session.get(Post, post_id)
    if post is None:
        raise HTTPException(status_code=404, detail="Post not found")
    return post


@app.post("/posts", response_model=PostRead, status_code=201)
async def create_post(data: PostCreate, session: SessionDep) -> Post:
    post = Post(**data.model_dump())
    session.add(post)
    await session.commit()
    return post


@app.patch("/posts/{post_id}", response_model=PostRead)
async def update_post(post_id: int, data: PostUpdate, session: SessionDep) -> Post:
    post = await session.get(Post, post_id)
    if post is None:
        raise HTTPException(status_code=404, detail="Post not found")
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(post, name, value)
    await session.commit()
    return post


@app.delete("/posts/{post_id}", status_code=204)
async def delete_post(post_id: int, session: SessionDep) -> Response:
    post = await session.get(Post, post_id)
    if post is None:
        raise HTTPException(status_code=404, detail="Post not found")
    await session.delete(post)
    await session.commit()
    return Response(status_code=204)
