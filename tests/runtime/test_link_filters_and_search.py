"""Lists filtered by many-to-many membership and searched by `q`, as generated repositories
declare them (`linked`, `searchable`), on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

import pytest
from sqlalchemy import Column, ForeignKey, String, Table, Text, event, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from persistgen.runtime.db.search import add_sqlite_functions, trigram_index
from persistgen.runtime.db.types import AwareDateTime
from persistgen.runtime.repositories.base import Repository
from persistgen.runtime.repositories.clauses import contains_text, search_pattern
from persistgen.runtime.schemas.base import ListQuery, ReadModel, WriteModel
from tests.postgres import fresh_database

pytestmark = pytest.mark.anyio


class Base(DeclarativeBase):
    pass


article_labels = Table(
    "article_labels",
    Base.metadata,
    Column("article_id", ForeignKey("article.id", ondelete="CASCADE"), primary_key=True),
    Column("label_id", ForeignKey("label.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Label(Base):
    __tablename__ = "label"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    deleted_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime(), default=None)
    articles: Mapped[list[Article]] = relationship(
        secondary=article_labels, back_populates="labels", lazy="raise", passive_deletes=True
    )


class Article(Base):
    __tablename__ = "article"
    __table_args__ = (
        trigram_index("ix_article_title_trgm", "title"),
        trigram_index("ix_article_body_trgm", "body"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))
    body: Mapped[str | None] = mapped_column(Text(), default=None)
    labels: Mapped[list[Label]] = relationship(
        secondary=article_labels, back_populates="articles", lazy="raise", passive_deletes=True
    )


class Write(WriteModel):
    title: str | None = None


class ArticleRead(ReadModel):
    id: int
    title: str


class ArticleQuery(ListQuery):
    title__contains: str | None = None
    labels: list[int] | None = None
    q: str | None = None


class LabelQuery(ListQuery):
    articles: list[int] | None = None


class Articles(Repository[Article, Write, Write, ArticleRead, int]):
    model = Article
    read_model = ArticleRead
    query_model = ArticleQuery
    sortable = frozenset({"title"})
    filterable: ClassVar[Any] = {"title__contains": (Article.title, "contains")}
    # Labels hide when soft-deleted: a deleted label links to nothing.
    linked: ClassVar[Any] = {"labels": (Article.labels, Label.deleted_at.is_(None))}
    searchable = (Article.title, Article.body)


class Labels(Repository[Label, Write, Write, Any, int]):
    model = Label
    query_model = LabelQuery
    sortable = frozenset({"name"})
    linked: ClassVar[Any] = {"articles": (Label.articles, None)}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "sqlite":
        yield "sqlite+aiosqlite://"
        return
    with fresh_database(f"queries_runtime_{os.getpid()}") as url:
        yield url


@pytest.fixture
async def session(database_url: str) -> AsyncIterator[AsyncSession]:
    engine = create_async_engine(database_url)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", add_sqlite_functions)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        yield session
    await engine.dispose()


async def linked_rows(session: AsyncSession) -> tuple[list[Article], list[Label]]:
    """Four articles and three labels: the first article has label 0, the second labels 0
    and 1, the third label 2, the fourth none."""
    labels = [Label(name=f"label-{i}") for i in range(3)]
    articles = [
        Article(title="a", labels=[labels[0]]),
        Article(title="b", labels=[labels[0], labels[1]]),
        Article(title="c", labels=[labels[2]]),
        Article(title="d", labels=[]),
    ]
    session.add_all(articles)
    await session.flush()
    return articles, labels


async def titles(repository: Articles, **filters: Any) -> list[str]:
    rows = await repository.list(ArticleQuery(**filters), sort="title")
    return [row.title for row in rows]


async def test_rows_linked_to_any_key_given_each_once(session: AsyncSession) -> None:
    _, labels = await linked_rows(session)
    articles = Articles(session)
    assert await titles(articles, labels=[labels[0].id]) == ["a", "b"]
    assert await titles(articles, labels=[labels[0].id, labels[1].id]) == ["a", "b"]
    assert await titles(articles, labels=[labels[1].id, labels[2].id]) == ["b", "c"]
    assert await titles(articles, labels=[10**6]) == []
    assert await articles.count(ArticleQuery(labels=[labels[0].id, labels[1].id])) == 2


async def test_a_keyset_page_of_linked_rows_continues_after_its_last(
    session: AsyncSession,
) -> None:
    _, labels = await linked_rows(session)
    articles = Articles(session)
    query = ArticleQuery(labels=[labels[0].id, labels[1].id, labels[2].id])
    first = await articles.list(query, limit=2, sort="title")
    position = articles.position(first[-1], "title")
    rest = await articles.list(query, limit=2, sort="title", after=position)
    assert [row.title for row in [*first, *rest]] == ["a", "b", "c"]


async def test_a_hidden_row_on_the_other_side_links_nothing(session: AsyncSession) -> None:
    _, labels = await linked_rows(session)
    labels[0].deleted_at = dt.datetime.now(dt.UTC)
    await session.flush()
    articles = Articles(session)
    assert await titles(articles, labels=[labels[0].id]) == []
    assert await titles(articles, labels=[labels[0].id, labels[1].id]) == ["b"]


async def test_the_target_side_filters_by_its_owners(session: AsyncSession) -> None:
    articles, _ = await linked_rows(session)
    found = await Labels(session).list(LabelQuery(articles=[articles[1].id]), sort="name")
    assert [label.name for label in found] == ["label-0", "label-1"]


async def test_bulk_writes_take_a_link_filter(session: AsyncSession) -> None:
    _, labels = await linked_rows(session)
    articles = Articles(session)
    assert await articles.update_where(ArticleQuery(labels=[labels[0].id]), Write(title="x")) == 2
    assert await articles.delete_where(ArticleQuery(labels=[labels[2].id])) == 1
    assert await titles(articles) == ["d", "x", "x"]


TEXTS = ["50% off", "50 % off", "50x off", "a_b", "axb", "C:\\dir", "C:dir", "Ünïcode ÉTÉ", "été"]


@pytest.mark.parametrize(
    ("searched", "wanted"),
    [
        ("0%", ["50% off"]),
        ("a_b", ["a_b"]),
        ("_", ["a_b"]),
        ("\\d", ["C:\\dir"]),
        ("OFF", ["50 % off", "50% off", "50x off"]),
        ("été", ["Ünïcode ÉTÉ", "été"]),
        ("üNÏ", ["Ünïcode ÉTÉ"]),
        ("body-of", ["plain"]),  # the body is searched too
        ("nothing", []),
    ],
)
async def test_search_finds_the_text_itself_in_any_case(
    session: AsyncSession, searched: str, wanted: list[str]
) -> None:
    session.add_all(Article(title=title) for title in TEXTS)
    session.add(Article(title="plain", body="The Body-Of text"))
    await session.flush()
    assert await titles(Articles(session), q=searched) == sorted(wanted)


async def test_contains_filters_fold_unicode_too(session: AsyncSession) -> None:
    session.add_all([Article(title="Été"), Article(title="ÉTÉ"), Article(title="ete")])
    await session.flush()
    assert await titles(Articles(session), title__contains="éTé") == ["ÉTÉ", "Été"]


def test_postgresql_searches_with_ilike_and_sqlite_with_its_own_lower() -> None:
    condition = contains_text((Article.title,), search_pattern("50%", "postgresql"), "postgresql")
    on_postgres = str(condition.compile(dialect=postgresql.dialect()))
    assert "article.title ILIKE" in on_postgres and "ESCAPE '/'" in on_postgres
    assert condition.compile().params == {"title_1": "%50/%%"}
    condition = contains_text((Article.title,), search_pattern("É_", "sqlite"), "sqlite")
    assert "unicode_lower(article.title) LIKE" in str(condition.compile(dialect=sqlite.dialect()))
    assert condition.compile().params == {"unicode_lower_1": "%é/_%"}


async def test_postgresql_answers_a_search_from_the_trigram_index(session: AsyncSession) -> None:
    connection = await session.connection()
    if connection.dialect.name != "postgresql":
        indexes = await session.execute(text("PRAGMA index_list(article)"))
        assert [row[1] for row in indexes] == []  # SQLite has no trigram index
        return
    await session.execute(text("SET LOCAL enable_seqscan = off"))
    pattern = search_pattern("abc", "postgresql")
    statement = select(Article).where(contains_text((Article.title,), pattern, "postgresql"))
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    plan = await connection.exec_driver_sql(f"EXPLAIN {compiled}")
    assert "ix_article_title_trgm" in "\n".join(row[0] for row in plan)
