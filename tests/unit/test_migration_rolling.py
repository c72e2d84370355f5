"""Expand and contract for rolling deploys: a removed or renamed column retired, not dropped,
then dropped by a contracting revision; and nothing of it when the option is off."""

from __future__ import annotations

from dataclasses import replace

from persistgen.migrate.batch_operations import AddColumn, AlterColumn, DropColumn, SetNotNull
from persistgen.migrate.compare import Diff, compare
from persistgen.migrate.operations import Batch, undo
from persistgen.migrate.renames import Renames
from persistgen.migrate.rolling import CopyColumn, KeepEqual, StopKeepingEqual, rolled
from persistgen.migrate.schema import DbColumn, DbTable, SchemaState, state_from_json, state_to_json
from tests.unit.test_migration_compare import ID, PAGES, TITLE, batch, table

HEADLINE = replace(TITLE, name="headline", attribute="headline")
SYNC = ("sync_books_title_headline", "headline")
RENAMED = Renames(columns={"books": {"title": "headline"}})


def walk(
    before: tuple[DbTable, ...],
    spec: tuple[DbTable, ...],
    renames: Renames | None = None,
    *,
    rolling: bool = True,
    contract: bool = False,
) -> tuple[Diff, tuple[DbTable, ...]]:
    """What next_revision does: the spec's tables with their retired columns, compared."""
    old = SchemaState(None, before)
    after, plain = rolled(old, spec, renames or Renames(), rolling=rolling, contract=contract)
    return compare(old, SchemaState(None, after), plain, {}), after


def test_a_removed_column_is_retired_and_made_nullable_not_dropped() -> None:
    result, after = walk((table("books", TITLE, PAGES),), (table("books", TITLE),))
    retired = replace(PAGES, nullable=True, retired=True)
    assert after == (table("books", TITLE, retired),)
    assert result.operations == [batch("books", AlterColumn(PAGES, retired, make_nullable=True))]
    assert "retire column books.pages (until `--contract` drops it)" in result.summary
    assert result.destructive == []


def test_a_removed_column_with_a_default_is_retired_as_it_is() -> None:
    pages = replace(PAGES, server_default="sa.text('1')")
    result, after = walk((table("books", TITLE, pages),), (table("books", TITLE),))
    assert after == (table("books", TITLE, replace(pages, retired=True)),)
    assert result.operations == []


def test_a_renamed_column_is_added_kept_equal_copied_then_tightened() -> None:
    result, after = walk((table("books", TITLE),), (table("books", HEADLINE),), RENAMED)
    old = replace(TITLE, nullable=True, retired=True, sync=SYNC)
    assert after == (table("books", HEADLINE, old),)
    assert result.operations == [
        batch(
            "books",
            AddColumn(HEADLINE, nullable=True),
            AlterColumn(TITLE, old, make_nullable=True),
        ),
        KeepEqual("books", None, old, HEADLINE, SYNC[0]),
        CopyColumn("books", None, old, HEADLINE),
        batch("books", SetNotNull(HEADLINE)),
    ]
    assert result.missing_backfill == []  # the copy fills every row
    assert StopKeepingEqual("books", None, old, HEADLINE, SYNC[0]) in undo(result.operations)


def test_a_renamed_column_that_was_nullable_still_needs_a_backfill() -> None:
    was = replace(TITLE, nullable=True)
    result, _ = walk((table("books", was),), (table("books", HEADLINE),), RENAMED)
    assert result.missing_backfill == ["Books.headline"]


def test_retired_columns_stay_untouched_by_later_revisions() -> None:
    retired = replace(TITLE, nullable=True, retired=True, sync=SYNC)
    books = table("books", HEADLINE, retired)
    result, after = walk((books,), (table("books", HEADLINE, PAGES),))
    assert after == (table("books", HEADLINE, PAGES, retired),)
    assert [line for line in result.summary if "title" in line] == []


def test_contract_drops_retired_columns_their_trigger_first_and_loses_nothing() -> None:
    retired = replace(TITLE, nullable=True, retired=True, sync=SYNC)
    pages = replace(PAGES, nullable=True, retired=True)
    before = (table("books", HEADLINE, retired, pages),)
    result, after = walk(before, (table("books", HEADLINE),), contract=True)
    assert after == (table("books", HEADLINE),)
    stop = StopKeepingEqual("books", None, retired, HEADLINE, SYNC[0])
    assert result.operations == [stop, batch("books", DropColumn(retired), DropColumn(pages))]
    assert result.summary == [
        "drop retired column books.title",
        "drop retired column books.pages",
    ]
    assert result.destructive == []
    assert undo(result.operations)[-2:] == [
        KeepEqual("books", None, retired, HEADLINE, SYNC[0]),
        CopyColumn("books", None, HEADLINE, retired),
    ]


def test_without_the_option_a_removal_drops_and_a_rename_renames() -> None:
    removed, _ = walk((table("books", TITLE, PAGES),), (table("books", TITLE),), rolling=False)
    assert removed.operations == [batch("books", DropColumn(PAGES))]
    assert removed.destructive
    renamed, after = walk(
        (table("books", TITLE),), (table("books", HEADLINE),), RENAMED, rolling=False
    )
    assert after == (table("books", HEADLINE),)
    assert not any(isinstance(o, KeepEqual | CopyColumn) for o in renamed.operations)
    assert renamed.summary == ["rename column books.title to headline"]


def test_a_renamed_key_column_is_renamed_in_place() -> None:
    key = replace(ID, name="book_id")
    renames = Renames(columns={"books": {"id": "book_id"}})
    spec = (table("books", TITLE, columns=(key, TITLE), primary_key=("book_id",)),)
    result, after = walk((table("books", TITLE),), spec, renames)
    assert after == spec
    assert result.summary == ["rename column books.id to book_id"]


def test_the_snapshot_keeps_retired_columns_and_writes_nothing_new_without_them() -> None:
    retired = replace(TITLE, nullable=True, retired=True, sync=SYNC)
    state = SchemaState("a", (table("books", HEADLINE, retired),), number=1)
    assert state_from_json(state_to_json(state)) == state
    plain = state_to_json(SchemaState("a", (table("books", TITLE),), number=1))
    assert "retired" not in str(plain) and "sync" not in str(plain)


def test_a_batch_of_the_contract_is_what_the_revision_spells() -> None:
    retired = replace(PAGES, nullable=True, retired=True)
    result, _ = walk((table("books", TITLE, retired),), (table("books", TITLE),), contract=True)
    assert isinstance(result.operations[0], Batch)
    assert result.operations[0].lines()[-1].strip() == "batch_op.drop_column('pages')"


def test_a_copy_converts_only_between_different_types() -> None:
    state = DbColumn("state", "sa.Enum('x', name='book_state')", "enum", ("x",), nullable=True)
    phase = replace(state, name="phase", type="sa.Enum('x', name='book_phase')")
    assert CopyColumn("books", "lib", state, phase).lines() == [
        "online.copy_column('books', 'state', 'phase', sa.Enum('x', name='book_phase'), "
        "schema=on_postgres('lib'))"
    ]
    assert CopyColumn("books", None, TITLE, HEADLINE).lines() == [
        "online.copy_column('books', 'title', 'headline')"
    ]
    keep = KeepEqual("books", "lib", state, phase, "sync_books_state_phase")
    assert keep.lines() == [
        "online.keep_equal('books', 'state', 'phase', 'sync_books_state_phase', schema='lib')"
    ]


def test_a_dropped_table_drops_the_triggers_of_its_retired_columns_first() -> None:
    retired = replace(TITLE, nullable=True, retired=True, sync=SYNC)
    books = table("books", HEADLINE, retired)
    result, _ = walk((books, table("authors")), (table("authors"),))
    stop = StopKeepingEqual("books", None, retired, HEADLINE, SYNC[0])
    assert result.operations[0] == stop
    assert undo(result.operations)[-2:] == stop.reverse()
