"""A small model with the runtime's DTOs and repositories, as a generated project spells them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel
from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import (
    DeclarativeBase,
    InstrumentedAttribute,
    Mapped,
    QueryableAttribute,
    mapped_column,
    relationship,
)

from persistgen.runtime.db.types import AwareDateTime, AwareTime
from persistgen.runtime.repositories.base import Repository
from persistgen.runtime.repositories.soft_delete import SoftDeleteRepository
from persistgen.runtime.schemas.base import ListQuery, ReadModel, WriteModel

# What a generated repository declares, as `Repository` types it.
Filterable = Mapping[str, tuple[InstrumentedAttribute[Any], str]]
Loadable = Mapping[str, tuple[QueryableAttribute[Any], str]]


class Base(DeclarativeBase):
    pass


class Shelf(Base):
    __tablename__ = "shelf"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(20))
    books: Mapped[list[Book]] = relationship(back_populates="shelf", lazy="raise")


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


book_tags = Table(
    "book_tags",
    Base.metadata,
    Column("book_id", ForeignKey("book.id"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id"), primary_key=True),
)


class Book(Base):
    __tablename__ = "book"
    __table_args__ = (UniqueConstraint("title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))
    pages: Mapped[int] = mapped_column(default=100)
    rank: Mapped[int | None] = mapped_column(default=None)
    shelf_id: Mapped[int | None] = mapped_column(ForeignKey("shelf.id"), default=None)
    read_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime(), default=None)
    opens_at: Mapped[dt.time | None] = mapped_column(AwareTime(), default=None)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime(), default=None)
    shelf: Mapped[Shelf | None] = relationship(back_populates="books", lazy="raise")


class BookCreate(WriteModel):
    title: str
    pages: int | None = None
    rank: int | None = None
    shelf_id: int | None = None
    read_at: dt.datetime | None = None
    opens_at: dt.time | None = None

    non_nullable = frozenset({"pages"})


class BookUpdate(WriteModel):
    title: str | None = None
    pages: int | None = None
    rank: int | None = None


class ShelfRead(ReadModel):
    id: int
    label: str


class BookRead(ReadModel):
    id: int
    title: str
    pages: int
    rank: int | None
    read_at: dt.datetime | None
    shelf: ShelfRead | None = None


class BookQuery(ListQuery):
    title: str | None = None
    pages_gte: int | None = None
    title_contains: str | None = None


class BookFilters(BaseModel):
    title: str | None = None
    pages_gte: int | None = None
    title_contains: str | None = None


class BookRepository(Repository[Book, BookCreate, BookUpdate, BookRead, int]):
    model = Book
    read_model = BookRead
    query_model = BookFilters
    sortable = frozenset({"title", "pages", "rank"})
    unique_keys = frozenset({("title",)})
    filterable: ClassVar[Filterable] = {
        "title": (Book.title, "eq"),
        "pages_gte": (Book.pages, "gte"),
        "title_contains": (Book.title, "contains"),
    }
    loadable: ClassVar[Loadable] = {"shelf": (Book.shelf, "joined")}


class ArchiveRepository(SoftDeleteRepository[Book, BookCreate, BookUpdate, BookRead, int]):
    model = Book
    read_model = BookRead
    query_model = BookFilters
    sortable = frozenset({"title"})
    unique_keys = frozenset({("title",)})
    filterable: ClassVar[Filterable] = {"title": (Book.title, "eq")}
