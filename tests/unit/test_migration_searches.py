"""The trigram indexes of `search` fields, as the migration planner knows them: in snapshots,
in the operations between two of them, and in the revision's code (PostgreSQL only)."""

from __future__ import annotations

import json
from dataclasses import replace

from persistgen.migrate.batch_operations import RenameColumn
from persistgen.migrate.compare import Diff, compare
from persistgen.migrate.operations import Batch, undo
from persistgen.migrate.renames import Renames
from persistgen.migrate.schema import DbTable, SchemaState, state_from_json, state_to_json
from persistgen.migrate.table_operations import (
    CreateSearchIndex,
    CreateTable,
    CreateTrigrams,
    DropSearchIndex,
    DropTable,
)
from persistgen.plan import build
from persistgen.spec.validate import read_spec_text
from tests.unit.test_migration_compare import TITLE, table

SEARCHED = table("books", TITLE, searches=(("ix_books_title_trgm", "title"),))
PLAIN = table("books", TITLE)


def diff(
    before: tuple[DbTable, ...], after: tuple[DbTable, ...], renames: Renames | None = None
) -> Diff:
    return compare(SchemaState(None, before), SchemaState(None, after), renames or Renames(), {})


def test_a_new_table_brings_its_search_indexes_after_pg_trgm() -> None:
    result = diff((), (SEARCHED,))
    assert result.operations == [CreateTrigrams(), CreateTable(SEARCHED, ())]
    lines = result.operations[1].lines()
    test = lines.index('if op.get_bind().dialect.name == "postgresql":')
    assert lines[test + 1] == (
        "    op.create_index(op.f('ix_books_title_trgm'), 'books', ['title'], "
        "postgresql_using='gin', postgresql_ops={'title': 'gin_trgm_ops'}, if_not_exists=True)"
    )
    assert CreateTrigrams().lines() == [
        'if op.get_bind().dialect.name == "postgresql":',
        '    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")',
    ]
    assert undo(result.operations) == [DropTable(SEARCHED)]  # pg_trgm stays


def test_a_field_that_becomes_searched_gets_its_index_and_loses_it_going_back() -> None:
    result = diff((PLAIN,), (SEARCHED,))
    index = CreateSearchIndex("books", None, "ix_books_title_trgm", "title")
    assert result.operations == [CreateTrigrams(), index]
    assert result.summary == ["add search index ix_books_title_trgm"]
    assert undo(result.operations) == [
        DropSearchIndex("books", None, "ix_books_title_trgm", "title")
    ]
    assert diff((SEARCHED,), (SEARCHED,)) == Diff()


def test_a_field_no_longer_searched_drops_its_index_first() -> None:
    pages = replace(TITLE, name="pages", type="sa.Integer()", kind="int", params=())
    after = table("books", pages)  # the searched column goes too
    result = diff((SEARCHED,), (after,))
    assert result.operations[0] == DropSearchIndex("books", None, "ix_books_title_trgm", "title")
    assert isinstance(result.operations[1], Batch)
    assert result.operations[0].lines() == [
        'if op.get_bind().dialect.name == "postgresql":',
        "    online.drop_index(op.f('ix_books_title_trgm'), table_name='books')",
    ]


def test_a_renamed_searched_column_gets_an_index_of_its_new_name() -> None:
    headline = replace(TITLE, name="headline")
    after = table("books", headline, searches=(("ix_books_headline_trgm", "headline"),))
    result = diff((SEARCHED,), (after,), Renames(columns={"books": {"title": "headline"}}))
    assert result.operations == [
        CreateTrigrams(),
        Batch("books", None, (RenameColumn("title", "headline"),)),
        DropSearchIndex("books", None, "ix_books_title_trgm", "headline"),
        CreateSearchIndex("books", None, "ix_books_headline_trgm", "headline"),
    ]


def test_snapshots_hold_search_indexes_only_where_there_are_some() -> None:
    state = SchemaState("abc", (SEARCHED, replace(PLAIN, name="authors")), number=1, file="f.py")
    data = json.loads(json.dumps(state_to_json(state)))
    assert data["tables"][0]["searches"] == [{"name": "ix_books_title_trgm", "column": "title"}]
    assert "searches" not in data["tables"][1]
    assert state_from_json(data) == state


SPEC = """
version: 1
project: {name: library}
resources:
  Tag:
    fields:
      name: {type: str, max_length: 40, search: true}
  Book:
    fields:
      title: str:200:search
      summary: {type: text, nullable: true, search: true}
      tags: {type: many, target: Tag, back_populates: books}
"""


def test_the_plan_gives_each_searched_column_an_index_and_each_link_a_filter() -> None:
    project = build(read_spec_text(SPEC))
    book = next(r for r in project.resources if r.class_name == "Book")
    tag = next(r for r in project.resources if r.class_name == "Tag")
    assert book.db.searches == (
        ("ix_books_title_trgm", "title"),
        ("ix_books_summary_trgm", "summary"),
    )
    assert book.searched == ("title", "summary")
    assert [f.name for f in book.link_filters] == ["tags"]
    assert [f.name for f in tag.link_filters] == ["books"]
    assert (
        book.link_filters[0].param.decl == "tags: list[Int64] | None = Field(None, max_length=100)"
    )
    # The link table's index on the target side serves `?tags=...` from the link table alone.
    link = book.links[0].db
    assert link.primary_key == ("book_id", "tag_id")
    assert link.indexes == (("ix_book_tags_tag_id", ("tag_id",)),)
