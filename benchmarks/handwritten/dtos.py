"""The DTOs both hand-written services take and return: what a FastAPI user writes for the
`posts` table, with the same limits the generated API checks on the way in."""

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class PostStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class PostCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    slug: str = Field(max_length=220)
    body: str
    status: PostStatus = PostStatus.DRAFT
    published_at: dt.datetime | None = None
    view_count: int = Field(0, ge=0)
    author_id: int


class PostUpdate(BaseModel):
    title: str | None = Field(None, min_length=1, max_length=200)
    slug: str | None = Field(None, max_length=220)
    body: str | None = None
    status: PostStatus | None = None
    published_at: dt.datetime | None = None
    view_count: int | None = Field(None, ge=0)
    author_id: int | None = None


class PostRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    slug: str
    body: str
    status: PostStatus
    published_at: dt.datetime | None
    view_count: int
    author_id: int
    created_at: dt.datetime


class PostPage(BaseModel):
    """One page; `total` counts every match on offset pages, none after `after_id`."""

    items: list[PostRead]
    total: int | None
    limit: int
    offset: int
