"""Names the spec gives (constraints, indexes, enum types), indexes over expressions or partial
ones, and `ON UPDATE`: what the snapshot records and what a change of them migrates to."""

from __future__ import annotations

from dataclasses import replace

from persistgen.migrate.operations import Batch, undo
from persistgen.migrate.schema import (
    DbIndex,
    ForeignKeyModel,
    SchemaState,
    state_from_json,
    state_to_json,
)
from persistgen.migrate.table_operations import (
    CreateCustomIndex,
    CreateTable,
    DropCustomIndex,
    RenameNativeEnum,
    RenameObject,
)
from persistgen.project_model.orm import OrmTable
from persistgen.spec.validate import read_spec_text
from tests.unit.test_migration_compare import AUTHOR_ID, TITLE, TO_AUTHORS, diff, table

LOWER = DbIndex("books_lower_title_key", (), ("lower(title)",), None, unique=True)
OPEN = DbIndex("books_open_title_idx", ("title",), where="pages > 0")


def _lines(operations: object) -> str:
    assert isinstance(operations, list)
    return "\n".join(line for o in operations for line in o.lines())


def test_the_snapshot_records_custom_indexes_and_on_update_only_where_present() -> None:
    plain = table("books", TITLE)
    named = table(
        "books",
        TITLE,
        AUTHOR_ID,
        custom_indexes=(LOWER, OPEN),
        foreign_keys=(replace(TO_AUTHORS, on_update="CASCADE"),),
    )
    data = state_to_json(SchemaState("a", (plain, named), number=1))
    out_plain, out_named = data["tables"]
    assert "custom_indexes" not in out_plain
    assert out_named["custom_indexes"][0] == {
        "name": "books_lower_title_key",
        "columns": [],
        "expressions": ["lower(title)"],
        "where": None,
        "unique": True,
    }
    assert out_named["foreign_keys"][0]["on_update"] == "CASCADE"
    assert state_from_json(data).tables == (plain, named)


def test_a_renamed_unique_constraint_is_renamed_in_place_on_postgresql() -> None:
    before = table("books", TITLE, uniques=(("uq_books_title", ("title",)),))
    after = table("books", TITLE, uniques=(("books_title_key", ("title",)),))
    out = diff((before,), (after,))
    (rename,) = out.operations
    assert isinstance(rename, RenameObject)
    text = _lines(out.operations)
    assert 'RENAME CONSTRAINT "uq_books_title" TO "books_title_key"' in text
    assert "batch_op.drop_constraint(op.f('uq_books_title'), type_='unique')" in text
    assert "rename unique constraint uq_books_title to books_title_key" in out.summary
    assert 'RENAME CONSTRAINT "books_title_key" TO "uq_books_title"' in _lines(undo(out.operations))
    assert not out.destructive


def test_a_renamed_foreign_key_and_index_are_renamed_not_dropped() -> None:
    before = table(
        "books",
        AUTHOR_ID,
        indexes=(("ix_books_author_id", ("author_id",)),),
        foreign_keys=(TO_AUTHORS,),
    )
    fk = replace(TO_AUTHORS, constraint_name="books_author_id_fkey")
    after = replace(before, indexes=(("books_author_idx", ("author_id",)),), foreign_keys=(fk,))
    out = diff((before,), (after,))
    assert [type(o) for o in out.operations] == [RenameObject, RenameObject]
    text = _lines(out.operations)
    assert 'ALTER INDEX "ix_books_author_id" RENAME TO "books_author_idx"' in text
    assert ("fk_books_author_id_authors", "books_author_id_fkey") in {
        (o.old, o.new) for o in out.operations if isinstance(o, RenameObject)
    }


def test_on_update_changes_remake_the_foreign_key() -> None:
    before = table("books", AUTHOR_ID, foreign_keys=(TO_AUTHORS,))
    after = replace(before, foreign_keys=(replace(TO_AUTHORS, on_update="CASCADE"),))
    text = _lines(diff((before,), (after,)).operations)
    assert "type_='foreignkey'" in text
    assert "ondelete='CASCADE', onupdate='CASCADE')" in text


def test_custom_indexes_are_made_outside_batches_and_kept_through_sqlite_rebuilds() -> None:
    before = table("books", TITLE, custom_indexes=(LOWER,))
    pages = replace(TITLE, name="pages", type="sa.Integer()", kind="int", params=(), nullable=True)
    after = table("books", TITLE, pages, custom_indexes=(LOWER, OPEN))
    out = diff((before,), (after,))
    batch, create = out.operations
    assert isinstance(batch, Batch) and batch.sqlite_indexes == (LOWER,)
    assert isinstance(create, CreateCustomIndex) and create.index == OPEN
    text = "\n".join(batch.lines())
    assert text.index("op.drop_index(op.f('books_lower_title_key')") < text.index("with ")
    assert text.rindex("sa.text('lower(title)')") > text.index("batch_op.add_column")
    assert "postgresql_where=sa.text('pages > 0')" in "\n".join(create.lines())
    changed = diff(
        (after,), (replace(after, custom_indexes=(LOWER, replace(OPEN, where="pages > 1"))),)
    )
    assert [type(o) for o in changed.operations] == [DropCustomIndex, CreateCustomIndex]
    renamed = diff(
        (after,),
        (
            replace(
                after,
                custom_indexes=(LOWER, replace(OPEN, name="x")),
            ),
        ),
    )
    assert [type(o) for o in renamed.operations] == [RenameObject]


def test_a_new_table_creates_its_custom_indexes_with_it() -> None:
    new = table("books", TITLE, custom_indexes=(LOWER,))
    (create,) = diff((), (new,)).operations
    assert isinstance(create, CreateTable)
    assert "[sa.text('lower(title)')], unique=True" in "\n".join(create.lines())


def test_a_native_enum_renamed_is_renamed_in_place() -> None:
    spelled = "sa.Enum('a', 'b', name={!r}, native_enum=True)"
    status = replace(
        TITLE,
        name="status",
        kind="enum",
        params=("a", "b"),
        type=spelled.format("book_status"),
        native_type="book_status",
    )
    state = replace(status, type=spelled.format("book_state"), native_type="book_state")
    out = diff((table("books", status),), (table("books", state),))
    (rename,) = out.operations
    assert isinstance(rename, RenameNativeEnum)
    assert 'ALTER TYPE "book_status" RENAME TO "book_state"' in "\n".join(rename.lines())


def test_the_model_keeps_given_names_out_of_the_naming_convention() -> None:
    orm = OrmTable(
        uniques=((None, ("a", "b")), ("t_a_key", ("a",))),
        indexes=(),
        checks=(("positive", "a > 0"), ("small", "a < 9")),
        schema=None,
        eager_defaults=False,
        versioned=False,
        named_indexes=(LOWER,),
        check_names=(("positive", "t_a_check"),),
        pk_name="t_pkey",
        primary_key=("id",),
    )
    assert orm.table_args == (
        "PrimaryKeyConstraint('id', name=conv('t_pkey'))",
        "UniqueConstraint('a', 'b')",
        "UniqueConstraint('a', name=conv('t_a_key'))",
        "Index(conv('books_lower_title_key'), sql_text('lower(title)'), unique=True)",
        "CheckConstraint('a > 0', name=conv('t_a_check'))",
        "CheckConstraint('a < 9', name='small')",
    )
    assert {"sqlalchemy.sql.naming:conv", "sqlalchemy:text as sql_text"} <= orm.imports()


def test_the_planner_names_what_the_spec_names() -> None:
    from persistgen import plan

    spec = read_spec_text(
        """
version: 1
project: {name: shop}
resources:
  Customer:
    primary_key_name: customers_pkey
    fields:
      email: {type: str, unique: true, unique_name: customers_email_key}
      tier: {type: enum, values: [a, b], native: true, enum_name: customer_tier}
    index:
      - {fields: [email], where: "tier = 'a'"}
    checks:
      email_has_at: {sql: "email LIKE '%@%'", name: customers_email_check}
  Invoice:
    fields:
      customer: {type: ref, target: Customer, on_update: set null, nullable: true,
                 foreign_key_name: invoices_customer_fkey, index_name: invoices_customer_idx}
"""
    )
    customers, invoices = plan.build(spec).tables[:2]
    assert customers.pk_name == "customers_pkey"
    assert customers.uniques == (("customers_email_key", ("email",)),)
    assert customers.checks == (("customers_email_check", "email LIKE '%@%'"),)
    assert customers.custom_indexes == (
        DbIndex("ix_customers_email", ("email",), where="tier = 'a'"),
    )
    tier = next(c for c in customers.columns if c.name == "tier")
    assert (tier.native_type, tier.check) == ("customer_tier", "ck_customers_customer_tier")
    (fk,) = invoices.foreign_keys
    assert fk == ForeignKeyModel(
        "customer_id", "customers", "id", None, "invoices_customer_fkey", None, "SET NULL"
    )
    assert invoices.indexes == (("invoices_customer_idx", ("customer_id",)),)


def test_a_foreign_key_whose_target_changes_type_is_made_again_not_renamed() -> None:
    """Found by the evolution test: a key whose target is retyped is dropped and made again
    under its own name; and one renamed as its target is retyped is not renamed in place."""
    key = replace(TITLE, name="id", type="sa.Integer()", kind="int", params=())
    wider = replace(key, type="sa.BigInteger()", kind="bigint")
    authors, books = table("authors", columns=(key,)), table("books", AUTHOR_ID)
    books = replace(books, foreign_keys=(TO_AUTHORS,))
    for fk in (TO_AUTHORS, replace(TO_AUTHORS, constraint_name="books_author_fkey")):
        after = (table("authors", columns=(wider,)), replace(books, foreign_keys=(fk,)))
        out = diff((authors, books), after)
        assert not any(isinstance(o, RenameObject) for o in out.operations)
        text = _lines(out.operations)
        assert "drop_constraint(op.f('fk_books_author_id_authors'), type_='foreignkey')" in text
        assert f"create_foreign_key(op.f({fk.constraint_name!r})" in text
