"""Two schema snapshots in, the operations of the upgrade (and of its downgrade) out."""

from __future__ import annotations

from dataclasses import replace

from persistgen import naming
from persistgen.migrate.batch_operations import (
    AddColumn,
    AlterColumn,
    CreateCheck,
    CreateForeignKey,
    CreateUnique,
    DropCheck,
    DropColumn,
    RenameColumn,
    RenameGenerated,
    ReplaceCheck,
    SetNotNull,
)
from persistgen.migrate.compare import Diff, compare
from persistgen.migrate.operations import Backfill, Batch, CreateEnumType, SetTableComment, undo
from persistgen.migrate.renames import Renames
from persistgen.migrate.schema import DbColumn, DbTable, ForeignKeyModel, SchemaState
from persistgen.migrate.table_operations import (
    CreateSchemas,
    CreateTable,
    DropTable,
    MoveTable,
    RebuildAutoincrement,
    RenameObject,
    RenameTable,
    RetypeNativeEnum,
)

ID = DbColumn("id", "sa.BigInteger()", "bigint", (), nullable=False, identity=True)
TITLE = DbColumn("title", "sa.String(length=200)", "str", ("200",), nullable=False)
PAGES = DbColumn("pages", "sa.Integer()", "int", (), nullable=False)
AUTHOR_ID = DbColumn("author_id", "sa.BigInteger()", "bigint", (), nullable=False)
TO_AUTHORS = ForeignKeyModel("author_id", "authors", "id", "CASCADE", "fk_books_author_id_authors")


def table(name: str, *columns: DbColumn, **facts: object) -> DbTable:
    defaults: dict[str, object] = {
        "resource": name.title(),
        "columns": (ID, *columns),
        "primary_key": ("id",),
        "pk_name": f"pk_{name}",
        "uniques": (),
        "indexes": (),
        "foreign_keys": (),
    }
    return DbTable(name, **{**defaults, **facts})  # type: ignore[arg-type]


def diff(
    before: tuple[DbTable, ...],
    after: tuple[DbTable, ...],
    renames: Renames | None = None,
    backfills: dict[tuple[str, str], str] | None = None,
) -> Diff:
    return compare(
        SchemaState(None, before), SchemaState(None, after), renames or Renames(), backfills or {}
    )


def batch(name: str, *operations: object) -> Batch:
    return Batch(name, None, operations)  # type: ignore[arg-type]


def test_nothing_changed_is_no_operation() -> None:
    books = table("books", TITLE)
    assert diff((books,), (books,)) == Diff()


def test_a_nullable_column_is_added_in_one_step() -> None:
    isbn = DbColumn("isbn", "sa.String(length=20)", "str", ("20",), nullable=True)
    result = diff((table("books"),), (table("books", isbn),))
    assert result.operations == [batch("books", AddColumn(isbn))]
    assert result.summary == ["add column books.isbn"]
    assert undo(result.operations) == [batch("books", DropColumn(isbn))]


def test_a_not_null_column_is_added_then_backfilled_then_tightened() -> None:
    result = diff(
        (table("books"),), (table("books", PAGES),), backfills={("books", "pages"): "100"}
    )
    assert result.operations == [
        batch("books", AddColumn(PAGES, nullable=True)),
        Backfill("books", None, PAGES, "100"),
        batch("books", SetNotNull(PAGES)),
    ]
    assert not result.missing_backfill
    loosened = AlterColumn(PAGES, replace(PAGES, nullable=True), make_nullable=True)
    assert undo(result.operations) == [batch("books", loosened), batch("books", DropColumn(PAGES))]


def test_a_not_null_column_without_a_backfill_is_reported() -> None:
    result = diff((table("books"),), (table("books", PAGES),))
    assert result.missing_backfill == ["Books.pages"]


def test_a_dropped_column_is_destructive_and_comes_back_filled() -> None:
    result = diff((table("books", PAGES),), (table("books"),))
    assert result.operations == [batch("books", DropColumn(PAGES))]
    assert result.destructive == [(None, "drop column `books.pages` and its data")]
    assert undo(result.operations) == [
        batch("books", AddColumn(PAGES, nullable=True)),
        Backfill("books", None, PAGES, "0"),
        batch("books", SetNotNull(PAGES)),
    ]


def test_a_renamed_column_keeps_its_data() -> None:
    headline = replace(TITLE, name="headline")
    renames = Renames(columns={"books": {"title": "headline"}})
    result = diff((table("books", TITLE),), (table("books", headline),), renames)
    assert result.operations == [batch("books", RenameColumn("title", "headline"))]
    assert result.summary == ["rename column books.title to headline"]
    assert not result.destructive
    assert undo(result.operations) == [batch("books", RenameColumn("headline", "title"))]


def test_a_renamed_table_is_renamed_back_last() -> None:
    renames = Renames(tables={"authors": "writers"})
    result = diff((table("authors"),), (table("writers", pk_name="pk_authors"),), renames)
    assert result.operations == [RenameTable("authors", "writers", None)]
    assert undo(result.operations) == [RenameTable("writers", "authors", None)]


def test_a_renamed_table_renames_an_enum_check_shortened_past_63_bytes() -> None:
    """The CHECK's new name is the naming convention's, hashed anew: not a text replace in a
    name whose tail the hash has already cut."""
    old, new = "b" * 40, "w" * 41
    enum_name = naming.enum_type("Book", "format_of_the_book")
    column = replace(
        enum("paper"),
        name="format_of_the_book",
        attribute="format_of_the_book",
        check=naming.constraint("ck", old, enum_name),
    )
    renamed = replace(column, check=naming.constraint("ck", new, enum_name))
    before = table(old, column, resource="Book")
    after = table(new, renamed, resource="Book", pk_name=naming.constraint("pk", old))
    result = diff((before,), (after,), Renames(tables={old: new}))
    [check] = [op for b in result.operations if isinstance(b, Batch) for op in b.operations]
    assert isinstance(check, ReplaceCheck)
    assert (check.old_name, check.name) == (column.check, renamed.check)
    assert len(check.name) == 60 and check.name != column.check.replace(old, new)


def test_a_narrowed_type_is_destructive_a_widened_one_is_not() -> None:
    short = replace(TITLE, type="sa.String(length=100)", params=("100",))
    narrowed = diff((table("books", TITLE),), (table("books", short),))
    assert narrowed.operations == [batch("books", AlterColumn(TITLE, short, retype=True))]
    assert narrowed.summary == ["change type of books.title"]
    # In the spec's words, at the field: refused with its line (next_revision.py)
    assert narrowed.destructive == [
        ("Books.title", "change `books.title` from str:200 to str:100, which can lose data")
    ]
    widened = diff((table("books", short),), (table("books", TITLE),))
    assert not widened.destructive
    assert undo(widened.operations) == [batch("books", AlterColumn(TITLE, short, retype=True))]


def test_new_tables_come_in_reference_order_and_wait_for_new_targets() -> None:
    """A reference to a new table is created with it; one to a unique constraint this revision
    adds waits until that exists."""
    code = DbColumn("code", "sa.String(length=12)", "str", ("12",), nullable=True)
    authors_coded = table("authors", code, uniques=(("uq_authors_code", ("code",)),))
    witness = DbColumn("witness", "sa.String(length=12)", "str", ("12",), nullable=True)
    to_code = ForeignKeyModel("witness", "authors", "code", None, "fk_books_witness_authors")
    books = table("books", AUTHOR_ID, witness, foreign_keys=(TO_AUTHORS, to_code))
    result = diff((table("authors", code),), (authors_coded, books))
    assert result.operations == [
        CreateTable(books, (TO_AUTHORS,)),
        batch("authors", CreateUnique("uq_authors_code", ("code",))),
        batch("books", CreateForeignKey(to_code)),
    ]
    assert result.summary == ["create table books", "add unique constraint uq_authors_code"]


def test_a_dropped_table_comes_back_with_its_references() -> None:
    books = table("books", AUTHOR_ID, foreign_keys=(TO_AUTHORS,))
    result = diff((table("authors"), books), (table("authors"),))
    assert result.operations == [DropTable(books)]
    assert result.destructive == [(None, "drop table `books` and all its rows")]
    assert undo(result.operations) == [CreateTable(books, (TO_AUTHORS,))]


def enum(*values: str, native: bool = False) -> DbColumn:
    args = f"name='books_format', native_enum={native}, create_constraint=True, length=5"
    return DbColumn(
        "format",
        f"sa.Enum({', '.join(map(repr, values))}, {args})",
        "enum",
        values,
        nullable=False,
        check="ck_books_books_format",
        native_type="books_format" if native else None,
    )


def test_an_enum_that_gains_a_value_is_retyped_without_loss() -> None:
    before, after = enum("paper", "ebook"), enum("paper", "ebook", "audio")
    result = diff((table("books", before),), (table("books", after),))
    assert result.operations == [batch("books", AlterColumn(before, after, retype=True))]
    assert not result.destructive


def test_a_native_enum_that_loses_a_value_gets_a_new_type() -> None:
    before, after = enum("paper", "ebook", native=True), enum("paper", native=True)
    books = table("books", after)
    result = diff((table("books", before),), (books,))
    assert result.operations == [RetypeNativeEnum(books, before, after)]
    assert result.destructive
    assert undo(result.operations) == [RetypeNativeEnum(books, after, before)]


def test_a_native_enum_column_brings_its_type() -> None:
    column = enum("paper", native=True)
    result = diff(
        (table("books"),), (table("books", column),), backfills={("books", "format"): "'paper'"}
    )
    assert result.operations[0] == CreateEnumType(column)


def test_tables_move_into_the_project_schema_and_back() -> None:
    books = table("books")
    result = diff((books,), (replace(books, schema="people"),))
    assert result.operations == [CreateSchemas(("people",)), MoveTable("books", None, "people")]
    assert result.summary == ["create schema people", "move table books to schema people"]
    # The schema stays: it may hold more than this project's tables.
    assert undo(result.operations) == [MoveTable("books", "people", None)]


def test_a_dropped_reference_comes_back_to_where_its_target_moved() -> None:
    """Restored before the tables move back, it must name the schema they are in then."""
    books = table("books", AUTHOR_ID, foreign_keys=(TO_AUTHORS,))
    moved = table("books", AUTHOR_ID, schema="people")
    result = diff((table("authors"), books), (table("authors", schema="people"), moved))
    restored = CreateForeignKey(replace(TO_AUTHORS, target_schema="people"))
    assert undo(result.operations)[0] == Batch("books", "people", (restored,))


def test_tables_gain_sqlite_autoincrement_by_a_rebuild_before_other_changes() -> None:
    """Old snapshots' tables lack AUTOINCREMENT; later batches keep it (and its counter)."""
    isbn = DbColumn("isbn", "sa.String(length=20)", "str", ("20",), nullable=True)
    before = (table("authors"), table("books"))
    after = (table("authors", autoincrement=True), table("books", isbn, autoincrement=True))
    result = diff(before, after)
    assert result.operations == [
        RebuildAutoincrement(("authors", "books"), on=True),
        Batch("books", None, (AddColumn(isbn),), autoincrement=True),
    ]
    assert result.summary[:2] == [
        "rebuild table authors on SQLite with AUTOINCREMENT",
        "rebuild table books on SQLite with AUTOINCREMENT",
    ]
    assert undo(result.operations) == [
        Batch("books", None, (DropColumn(isbn),), autoincrement=True),
        RebuildAutoincrement(("books", "authors"), on=False),
    ]
    lines = "\n".join(result.operations[0].lines())
    assert lines.startswith('if op.get_bind().dialect.name != "postgresql":')  # SQLite only
    assert 'recreate="always", table_kwargs={"sqlite_autoincrement": True}' in lines


def test_a_new_table_is_created_with_sqlite_autoincrement() -> None:
    books = table("books", autoincrement=True)
    assert "    sqlite_autoincrement=True," in CreateTable(books, ()).lines()
    assert diff((books,), (books,)) == Diff()


def test_a_change_of_how_a_key_is_numbered_is_refused_not_guessed() -> None:
    serial = DbColumn("id", "sa.Integer()", "int", (), nullable=False)
    numbering = {
        "an identity": replace(serial, identity=True),
        "the sequence `legacy_id_seq`": replace(serial, sequence="legacy_id_seq"),
        "keys clients supply": replace(serial, autoincrement=False),
    }
    for reads, column in numbering.items():
        result = diff((table("books", columns=(serial,)),), (table("books", columns=(column,)),))
        assert result.unsupported == [
            f"the key books.id changed from serial to {reads}, "
            + "which takes the database's own statements (and the sequence's next value kept)"
        ]
    widened = replace(serial, type="sa.BigInteger()", kind="bigint", identity=True)
    result = diff((table("books", columns=(serial,)),), (table("books", columns=(widened,)),))
    assert result.unsupported == []  # int to bigint, as before


METHOD = DbColumn(
    "method",
    "sa.Enum('card', 'sepa', name='payment_method_types', native_enum=True)",
    "enum",
    ("card", "sepa"),
    nullable=True,
    native_type="payment_method_types",
)


def test_a_shared_enum_type_is_made_once_and_kept_by_a_later_table_or_column() -> None:
    before = (table("invoices", METHOD), table("customers"))
    after = (table("invoices", METHOD), table("customers", METHOD), table("orders", METHOD))
    result = diff(before, after)
    shared = frozenset({"payment_method_types"})
    assert result.operations[0] == CreateTable(after[2], (), shared)
    assert not any(isinstance(o, CreateEnumType) for o in result.operations)
    lines = "\n".join(line for o in result.operations for line in o.lines())
    assert "create_type=False" in lines
    assert "DropEnumType" not in repr(undo(result.operations))  # invoices still uses it


def test_a_shared_enum_type_is_dropped_after_its_last_column() -> None:
    both = (table("invoices", METHOD), table("orders", METHOD))
    one_left = diff(both, (table("invoices", METHOD),), Renames())
    assert "DropEnumType" not in repr(one_left.operations)
    assert undo(one_left.operations)[-1] == CreateTable(
        both[1], (), frozenset({"payment_method_types"})
    )
    none_left = diff(both, (table("invoices"),))
    assert repr(none_left.operations).count("DropEnumType") == 1
    new = diff((), both)
    assert repr(undo(new.operations)).count("DropEnumType") == 1


def test_a_table_comment_is_set_changed_and_dropped() -> None:
    plain, noted = table("books", TITLE), table("books", TITLE, comment="What we sell")
    result = diff((plain,), (noted,))
    assert result.operations == [SetTableComment("books", None, "What we sell", None)]
    assert result.summary == ["set the comment of table books"]
    assert "op.create_table_comment(" in result.operations[0].lines()[1]
    assert undo(result.operations) == [SetTableComment("books", None, None, "What we sell")]
    assert "op.drop_table_comment(" in undo(result.operations)[0].lines()[1]
    assert "comment='What we sell'" in "\n".join(CreateTable(noted, ()).lines())


def test_a_str_widens_to_an_unbounded_one_in_place_not_back() -> None:
    unbounded = DbColumn("title", "sa.String()", "str", (), nullable=False)
    widened = diff((table("books", TITLE),), (table("books", unbounded),))
    assert not widened.destructive
    narrowed = diff((table("books", unbounded),), (table("books", TITLE),))
    assert narrowed.destructive


DOUBLED = DbColumn("doubled", "sa.Integer()", "int", (), nullable=False, generated="pages * 2")


def test_a_new_generated_column_needs_no_backfill() -> None:
    result = diff((table("books", PAGES),), (table("books", PAGES, DOUBLED),))
    assert result.operations == [batch("books", AddColumn(DOUBLED))]
    assert not result.missing_backfill and not result.destructive
    assert undo(result.operations) == [batch("books", DropColumn(DOUBLED))]


def test_a_changed_expression_drops_and_adds_the_column_losing_nothing() -> None:
    tripled = replace(DOUBLED, generated="pages * 3")
    result = diff((table("books", PAGES, DOUBLED),), (table("books", PAGES, tripled),))
    assert result.operations == [batch("books", DropColumn(DOUBLED), AddColumn(tripled))]
    assert result.summary == [
        "recompute the generated column books.doubled (dropped and added again)"
    ]
    assert not result.destructive  # the database computes the values again
    assert undo(result.operations) == [batch("books", DropColumn(tripled), AddColumn(DOUBLED))]


def test_a_plain_column_made_generated_is_destructive() -> None:
    plain = replace(DOUBLED, generated=None)
    result = diff((table("books", PAGES, plain),), (table("books", PAGES, DOUBLED),))
    assert result.operations == [batch("books", DropColumn(plain), AddColumn(DOUBLED))]
    assert result.destructive == [
        ("Books.doubled", "replace the values of `books.doubled` by its generated expression")
    ]


def test_sqlite_rebuilds_drop_and_add_the_generated_columns_they_leave_alone() -> None:
    """SQLite's rebuild copies every column into the new table, which a generated column
    refuses: the batch drops it first and adds it again last, on SQLite only."""
    isbn = DbColumn("isbn", "sa.String(length=20)", "str", ("20",), nullable=False)
    result = diff(
        (table("books", PAGES, DOUBLED),),
        (table("books", PAGES, DOUBLED, isbn),),
        backfills={("books", "isbn"): "''"},
    )
    first = result.operations[0]
    assert isinstance(first, Batch) and first.sqlite_generated == (DOUBLED,)
    lines = first.lines()
    assert lines[1:3] == [
        '    if op.get_bind().dialect.name != "postgresql":',
        "        batch_op.drop_column('doubled')",
    ]
    assert "sa.Computed('pages * 2', persisted=True)" in lines[-1]
    assert first.sqlite_lines()[1] == "    batch_op.drop_column('doubled')"


def test_a_renamed_generated_column_is_renamed_on_postgres_and_made_again_elsewhere() -> None:
    twice = replace(DOUBLED, name="twice")
    renames = Renames(columns={"books": {"doubled": "twice"}})
    result = diff((table("books", PAGES, DOUBLED),), (table("books", PAGES, twice),), renames)
    assert result.operations == [batch("books", RenameGenerated(DOUBLED, twice))]
    assert not result.destructive
    assert undo(result.operations) == [batch("books", RenameGenerated(twice, DOUBLED))]
    lines = RenameGenerated(DOUBLED, twice).lines()
    assert lines[:2] == [
        'if op.get_bind().dialect.name == "postgresql":',
        "    batch_op.alter_column('doubled', new_column_name='twice')",
    ]
    assert lines[3] == "    batch_op.drop_column('doubled')"
    assert "'twice'" in lines[4] and "sa.Computed('pages * 2'" in lines[4]


REGEX = ("books_title_lower", "title ~ '^[a-z]+$'")


def test_a_check_left_off_sqlite_is_dropped_and_made_again_on_postgresql_alone() -> None:
    everywhere = table("books", TITLE, checks=(REGEX,))
    postgres = table("books", TITLE, postgres_checks=(REGEX,))
    result = diff((everywhere,), (postgres,))
    assert result.operations == [
        batch("books", DropCheck(*REGEX)),
        batch("books", CreateCheck(*REGEX, postgres_only=True)),
    ]
    assert undo(result.operations) == [
        batch("books", DropCheck(*REGEX, postgres_only=True)),
        batch("books", CreateCheck(*REGEX)),
    ]
    [_, made] = result.operations
    assert made.lines() == [
        "with online.batch('books') as batch_op:",
        '    if op.get_bind().dialect.name == "postgresql":',
        "        batch_op.create_check_constraint("
        "op.f('books_title_lower'), \"title ~ '^[a-z]+$'\")",
    ]


def test_a_postgresql_only_check_renamed_is_renamed_there_and_nothing_on_sqlite() -> None:
    before = table("books", TITLE, postgres_checks=(REGEX,))
    after = table("books", TITLE, postgres_checks=(("books_title_rule", REGEX[1]),))
    result = diff((before,), (after,))
    assert result.operations == [
        RenameObject("books", None, False, "books_title_lower", "books_title_rule", ())
    ]
    assert result.summary == [
        "rename PostgreSQL check constraint books_title_lower to books_title_rule"
    ]
