"""A deferrable foreign key (`deferrable: deferred|immediate` on a ref): what the model, the
snapshot and the migrations say of it, and that changing it remakes the key."""

from __future__ import annotations

from dataclasses import replace

import pytest

from persistgen.errors import UserError
from persistgen.migrate.batch_operations import CreateForeignKey, DropForeignKey
from persistgen.migrate.operations import Batch, undo
from persistgen.migrate.schema import SchemaState, state_from_json, state_to_json
from persistgen.migrate.table_operations import CreateTable
from persistgen.spec.validate import read_spec_text
from tests.unit.plan_specs import project, resource
from tests.unit.test_migration_compare import AUTHOR_ID, TO_AUTHORS, diff, table

DEFERRED = replace(TO_AUTHORS, deferrable="DEFERRED")


def _lines(operations: list[object]) -> str:
    return "\n".join(line for o in operations for line in o.lines())  # type: ignore[attr-defined]


def test_the_snapshot_records_deferrable_only_where_set() -> None:
    plain = table("books", AUTHOR_ID, foreign_keys=(TO_AUTHORS,))
    deferred = table("novels", AUTHOR_ID, foreign_keys=(DEFERRED,))
    data = state_to_json(SchemaState("a", (plain, deferred), number=1))
    assert "deferrable" not in data["tables"][0]["foreign_keys"][0]
    assert data["tables"][1]["foreign_keys"][0]["deferrable"] == "DEFERRED"
    assert state_from_json(data).tables == (plain, deferred)


def test_making_a_key_deferrable_drops_and_creates_it_and_back() -> None:
    before = table("books", AUTHOR_ID, foreign_keys=(TO_AUTHORS,))
    after = replace(before, foreign_keys=(DEFERRED,))
    out = diff((before,), (after,))
    assert out.operations == [
        Batch("books", None, (DropForeignKey(TO_AUTHORS),)),
        Batch("books", None, (CreateForeignKey(DEFERRED),)),
    ]
    assert out.summary == [
        "drop foreign key fk_books_author_id_authors",
        "add foreign key fk_books_author_id_authors",
    ]
    text = _lines(out.operations)
    assert "drop_constraint(op.f('fk_books_author_id_authors'), type_='foreignkey')" in text
    assert "ondelete='CASCADE', deferrable=True, initially='DEFERRED')" in text
    back = _lines(undo(out.operations))
    assert "create_foreign_key(" in back and "deferrable" not in back
    immediate = replace(DEFERRED, deferrable="IMMEDIATE")
    again = _lines(diff((after,), (replace(after, foreign_keys=(immediate,)),)).operations)
    assert "deferrable=True, initially='IMMEDIATE')" in again
    assert not diff((after,), (after,)).operations


def test_a_new_table_declares_its_deferrable_key_inline() -> None:
    books = table("books", AUTHOR_ID, foreign_keys=(DEFERRED,))
    (create,) = diff((table("authors"),), (table("authors"), books)).operations[-1:]
    assert create == CreateTable(books, (DEFERRED,))
    assert (
        "sa.ForeignKeyConstraint(['author_id'], ['authors.id'], "
        "name=op.f('fk_books_author_id_authors'), ondelete='CASCADE', deferrable=True, "
        "initially='DEFERRED')"
    ) in _lines([create])


RESOURCES = """
Customer:
  fields:
    name: str
Invoice:
  fields:
    customer: {type: ref, target: Customer, deferrable: deferred, on_update: cascade}
    payer: {type: ref, target: Customer, deferrable: immediate, nullable: true,
             back_populates: paid}
    owner: {type: ref, target: Customer, nullable: true, back_populates: owned}
"""
SPEC = "version: 1\nproject: {name: shop}\nresources:\n" + "\n".join(
    f"  {line}" for line in RESOURCES.splitlines()
)


def test_the_spec_option_reaches_the_snapshot_and_the_model() -> None:
    built = project(RESOURCES)
    invoices = next(t for t in built.tables if t.name == "invoices")
    assert [fk.deferrable for fk in invoices.foreign_keys] == ["DEFERRED", "IMMEDIATE", None]
    columns = {c.name: c.orm.args for c in resource(RESOURCES, "Invoice").columns}
    assert (
        "ForeignKey('customers.id', onupdate='CASCADE', deferrable=True, initially='DEFERRED')"
        in columns["customer_id"]
    )
    assert "deferrable=True, initially='IMMEDIATE')" in columns["payer_id"]
    assert "deferrable" not in columns["owner_id"]


def test_deferrable_on_anything_but_a_ref_is_a_located_error() -> None:
    bad = SPEC.replace("name: str", "name: {type: str, deferrable: deferred}")
    with pytest.raises(UserError) as raised:
        read_spec_text(bad)
    said = str(raised.value)
    assert "resources.Customer.fields.name.deferrable" in said, said
    with pytest.raises(UserError):
        read_spec_text(SPEC.replace("deferrable: deferred", "deferrable: later"))
