"""The spec revisions the evolution test walks one project through, each with what its migration
must say and what it renames."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    """A spec revision, what its migration must say, and what was renamed."""

    spec: str
    summary: tuple[str, ...]
    destructive: bool = False
    rewrites: bool = False  # a type change PostgreSQL makes by rewriting (--allow-rewrite)
    tables: dict[str, str] = field(default_factory=dict)  # old -> new
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # new table -> old -> new


HEAD = "version: 1\nproject: {name: library}\nresources:\n"
AUTHOR = "  Author:\n    fields:\n      name: str:100\n"
BOOK = "  Book:\n    fields:\n      title: str:200\n      author: ref:Author:cascade\n"

REVIEW_V1 = (
    "  Review:\n    fields:\n      book: ref:Book:cascade\n      stars: int\n      body: text?\n"
)

STEPS = [
    Step(HEAD + AUTHOR + BOOK, ("create table authors", "create table books")),
    Step(
        HEAD + AUTHOR + BOOK + "      isbn: str:20?\n",
        ("add column books.isbn",),
    ),
    Step(
        HEAD + AUTHOR + BOOK + "      isbn: str:20?\n      pages: {type: int, backfill: 100}\n",
        ("add column books.pages",),
    ),
    Step(
        HEAD
        + AUTHOR
        + BOOK.replace(
            "title: str:200", "headline: {type: str, max_length: 200, renamed_from: title}"
        )
        + "      isbn: str:20?\n      pages: {type: int, backfill: 100}\n",
        ("rename column books.title to headline",),
        columns={"books": {"title": "headline"}},
    ),
    Step(
        HEAD
        + AUTHOR
        + "  Book:\n    fields:\n      headline: str:200\n      author: ref:Author:cascade\n"
        "      isbn: str:20?\n      pages: {type: int, backfill: 100}\n" + REVIEW_V1,
        ("create table reviews",),
    ),
    Step(
        HEAD + "  Writer:\n    renamed_from: Author\n    fields:\n      name: str:100\n"
        "  Book:\n    fields:\n      headline: str:200\n"
        "      author: {type: ref, target: Writer, on_delete: cascade}\n"
        "      isbn: str:20?\n      pages: {type: int, backfill: 100}\n" + REVIEW_V1,
        ("rename table authors to writers",),
        tables={"authors": "writers"},
    ),
]
WRITER = "  Writer:\n    fields:\n      name: str:200:unique\n"
BOOK2 = (
    "  Book:\n    fields:\n      headline: str:200\n"
    "      author: {type: ref, target: Writer, on_delete: cascade}\n"
    "      isbn: {type: str, max_length: 20, backfill: unknown}\n"
    "      pages: {type: bigint, backfill: 100}\n"
)
EDITOR = (
    "      editor: {type: ref, target: Writer, nullable: true, on_delete: set null,"
    " back_populates: edited_books}\n"
)
REVIEW = REVIEW_V1.replace("stars: int", "stars: {type: int, server_default: 3}")
STEPS += [
    Step(
        HEAD + WRITER + BOOK2 + REVIEW,
        (
            "change type of writers.name",
            "add unique constraint uq_writers_name",
            "change type of books.pages",
            "make books.isbn NOT NULL",
            "change server default of reviews.stars",
        ),
        rewrites=True,  # books.pages from int to bigint
    ),
    Step(
        HEAD
        + WRITER
        + BOOK2
        + "      format: {type: enum, values: [paper, ebook], default: paper}\n"
        + REVIEW.replace("stars: {type: int", "stars: {type: int, index: true"),
        ("add column books.format", "add index ix_reviews_stars"),
    ),
    Step(
        HEAD
        + WRITER
        + BOOK2
        + "      format: {type: enum, values: [paper, ebook, audio], default: paper}\n"
        + REVIEW.replace("stars: {type: int", "stars: {type: int, index: true"),
        ("change type of books.format",),
    ),
    Step(
        HEAD
        + WRITER
        + BOOK2
        + "      format: {type: enum, values: [paper, ebook, audio], default: paper}\n"
        + EDITOR
        + REVIEW.replace("stars: {type: int", "stars: {type: int, index: true"),
        ("add column books.editor_id", "add foreign key fk_books_editor_id_writers"),
    ),
    Step(
        HEAD
        + WRITER
        + BOOK2
        + "      format: {type: enum, values: [paper, ebook, audio], default: paper}\n"
        + EDITOR
        + REVIEW.replace("stars: {type: int", "stars: {type: int, index: true").replace(
            "      body: text?\n", ""
        ),
        ("drop column reviews.body",),
        destructive=True,
    ),
    Step(
        HEAD
        + WRITER
        + BOOK2
        + "      format: {type: enum, values: [paper, ebook, audio], default: paper}\n"
        + EDITOR,
        ("drop table reviews",),
        destructive=True,
    ),
]
FORMAT = "      format: {type: enum, values: [paper, ebook, audio], default: paper}\n"
CHECKED = "    checks: {pages_positive: pages > 0}\n"
STEPS += [
    Step(
        HEAD + WRITER + BOOK2.replace("  Book:\n", "  Book:\n" + CHECKED) + FORMAT + EDITOR,
        ("add check constraint ck_books_pages_positive",),
    ),
    Step(
        HEAD
        + WRITER.replace("  Writer:\n", "  Writer:\n    timestamps: true\n")
        + BOOK2.replace("  Book:\n", "  Book:\n" + CHECKED)
        + FORMAT
        + EDITOR,
        ("add column writers.created_at", "add column writers.updated_at"),
    ),
    Step(
        HEAD + WRITER + BOOK2.replace("  Book:\n", "  Book:\n" + CHECKED) + FORMAT + EDITOR,
        ("drop column writers.created_at", "drop column writers.updated_at"),
        destructive=True,
    ),
]
CHECKED_BOOK = BOOK2.replace("  Book:\n", "  Book:\n" + CHECKED + "    index: [[author, format]]\n")
GENRE = "  Genre:\n    fields:\n      name: str:40:unique\n"
GENRES = "      genres: {type: many, target: Genre, back_populates: books}\n"
MIXINS = "    soft_delete: true\n    versioned: true\n"
CATEGORY = "  Category:\n    renamed_from: Genre\n    fields:\n      name: str:40:unique\n"
CATEGORIES = (
    "      categories: {type: many, target: Category, back_populates: books,"
    " renamed_from: genres}\n"
)
STEPS += [
    Step(
        HEAD + WRITER + GENRE + CHECKED_BOOK + FORMAT + EDITOR + GENRES,
        ("create table genres", "create table book_genres", "add index ix_books_author_id_format"),
    ),
    Step(
        HEAD
        + WRITER
        + GENRE
        + CHECKED_BOOK.replace("  Book:\n", "  Book:\n" + MIXINS)
        + FORMAT
        + EDITOR
        + GENRES,
        ("add column books.deleted_at", "add column books.version"),
    ),
    Step(
        HEAD
        + WRITER
        + CATEGORY
        + CHECKED_BOOK.replace("  Book:\n", "  Book:\n" + MIXINS)
        + FORMAT
        + EDITOR
        + CATEGORIES,
        (
            "rename table genres to categories",
            "rename table book_genres to book_categories",
            "rename column book_categories.genre_id to category_id",
        ),
        tables={"genres": "categories", "book_genres": "book_categories"},
        columns={"book_categories": {"genre_id": "category_id"}},
    ),
    Step(
        HEAD
        + WRITER
        + CATEGORY
        + CHECKED_BOOK.replace("  Book:\n", "  Book:\n    soft_delete: true\n")
        + FORMAT
        + EDITOR
        + CATEGORIES,
        ("drop column books.version",),
        destructive=True,
    ),
    Step(
        HEAD
        + WRITER
        + CATEGORY
        + CHECKED_BOOK.replace("  Book:\n", "  Book:\n    soft_delete: true\n")
        + FORMAT
        + EDITOR,
        ("drop table book_categories",),
        destructive=True,
    ),
]
FINAL = (
    HEAD
    + WRITER
    + CATEGORY
    + CHECKED_BOOK.replace("  Book:\n", "  Book:\n    soft_delete: true\n")
    + FORMAT
    + EDITOR
)


def shelf(values: str) -> str:
    """A native PostgreSQL ENUM column (VARCHAR + CHECK on SQLite)."""
    return f"      shelf: {{type: enum, values: [{values}], native: true, default: a}}\n"


STEPS += [
    Step(FINAL + shelf("a, b"), ("add column books.shelf",)),
    Step(FINAL + shelf("a, b, c"), ("change type of books.shelf",)),
    Step(FINAL + shelf("a, c"), ("change type of books.shelf",), destructive=True, rewrites=True),
    Step(FINAL, ("drop column books.shelf",), destructive=True),
    Step(
        FINAL.replace(
            "      name: str:200:unique\n",
            "      name: {type: str, max_length: 200, unique: true, column: full_name}\n",
        ),
        ("rename column writers.name to full_name",),
        columns={"writers": {"name": "full_name"}},
    ),
]
RENAMED = FINAL.replace(
    "      name: str:200:unique\n",
    "      name: {type: str, max_length: 200, unique: true, column: full_name}\n",
)
# The project moves into a PostgreSQL schema (SQLite has just one).
STEPS += [
    Step(
        RENAMED.replace("project: {name: library}", "project: {name: library, schema: people}"),
        ("create schema people", "move table writers to schema people"),
    ),
]
SCHEMAS = ("people",)
# Time zone awareness switched on and back off: on PostgreSQL, under a session time zone that is
# not UTC (tests/postgres.py), every instant stays what it was.
SCHEMED = STEPS[-1].spec
# A new table references columns of the same revision; as their types change, PostgreSQL
# could not compare the two sides of its foreign keys in between (time with timetz).
SIGNING = (
    "  Signing:\n    fields:\n      book: {type: ref, target: Book, target_field: signed_at}\n"
    "      slot: {type: ref, target: Book, target_field: opens, nullable: true,"
    " back_populates: slot_signings}\n"
)
NAIVE = (
    "      signed_at: {type: datetime, timezone: false, nullable: true, unique: true}\n"
    "      opens: {type: time, nullable: true, unique: true}\n" + SIGNING
)
AWARE = (
    "      signed_at: {type: datetime, nullable: true, unique: true}\n"
    "      opens: {type: time, timezone: true, nullable: true, unique: true}\n" + SIGNING
)
RETYPED = (
    "change type of books.signed_at",
    "change type of books.opens",
    "change type of signings.book_signed_at",
    "change type of signings.slot_opens",
)
STEPS += [
    Step(
        SCHEMED + NAIVE,
        ("add column books.signed_at", "add column books.opens", "create table signings"),
    ),
    Step(SCHEMED + AWARE, RETYPED, rewrites=True),
    Step(SCHEMED + NAIVE, RETYPED, rewrites=True),
]
# An existing table references a column and unique constraint of the same revision (its
# downgrade drops the foreign key before them); a backfill inside the project's schema.
WRITER_NAME = "      name: {type: str, max_length: 200, unique: true, column: full_name}\n"
CODE = "      code: {type: str, max_length: 12, unique: true, nullable: true}\n"
RATING = "      rating: {type: int, backfill: 3}\n"
WITNESS = "      witness: {type: ref, target: Writer, target_field: code, nullable: true}\n"
STEPS += [
    Step(
        (SCHEMED + NAIVE + WITNESS).replace(WRITER_NAME, WRITER_NAME + CODE + RATING),
        (
            "add column writers.code",
            "add column writers.rating",
            "add unique constraint uq_writers_code",
            "add column signings.witness_code",
            "add foreign key fk_signings_witness_code_writers",
        ),
    ),
]

# An enum field renamed, then its table: its CHECK follows.
BOUND = (
    STEPS[-1]
    .spec.replace(FORMAT, FORMAT.replace("format: {", "binding: {renamed_from: format, "))
    .replace("[[author, format]]", "[[author, binding]]")
)
STEPS += [
    Step(
        BOUND,
        ("rename column books.format to binding", "change type of books.binding"),
        columns={"books": {"format": "binding"}},
    ),
    Step(
        BOUND.replace("  Book:\n", "  Volume:\n    renamed_from: Book\n").replace(
            "target: Book", "target: Volume"
        ),
        ("rename table books to volumes", "change type of volumes.binding"),
        tables={"books": "volumes"},
    ),
]

# `search` marked on a field there already (pg_trgm and a trigram index, in the project's
# schema), kept through a rename of its column, then unmarked.
SEARCHED = STEPS[-1].spec.replace("      headline: str:200\n", "      headline: str:200:search\n")
STEPS += [
    Step(SEARCHED, ("add search index ix_volumes_headline_trgm",)),
    Step(
        SEARCHED.replace(
            "      headline: str:200:search\n",
            "      heading: {type: str, max_length: 200, search: true, renamed_from: headline}\n",
        ),
        (
            "rename column volumes.headline to heading",
            "drop search index ix_volumes_headline_trgm",
            "add search index ix_volumes_heading_trgm",
        ),
        columns={"volumes": {"headline": "heading"}},
    ),
    Step(
        SEARCHED.replace("      headline: str:200:search\n", "      heading: str:200\n"),
        ("drop search index ix_volumes_heading_trgm",),
    ),
]
