"""Spec in, key facts out: how routes, repositories and tests address one row, and the
imports the key types bring to each module."""

from __future__ import annotations

from tests.unit.plan_specs import resource

COMPOSITE = """
Shelf:
  fields:
    code: {type: str, max_length: 10, primary_key: true}
Slot:
  fields:
    shelf: {type: ref, target: Shelf, primary_key: true}
    position: {type: int, primary_key: true}
    label: str
"""


def test_one_column_integer_key() -> None:
    post = resource("Post:\n  fields:\n    title: str\n", "Post")
    assert not post.composite
    assert post.key_type == "int"
    assert post.key_params == "key: Annotated[int, Path(ge=INT64_MIN, le=INT64_MAX)]"
    assert post.key_overflow == "2**63"
    assert post.api_imports == (
        "import functools",
        "from fastapi import Path",
        "from shop import app_setup",
        "from shop.api.crud import CrudRouter, Dtos, Names",
        "from shop.repositories.post import PostRepository",
        "from shop.schemas.base import INT64_MAX, INT64_MIN",
        "from shop.schemas.generated.post import PostQuery",
        "from shop.schemas.post import PostCreate, PostRead, PostUpdate",
        "from typing import Annotated",
    )
    assert post.key_imports == ()


def test_uuid_key_imports_its_type() -> None:
    post = resource("Post:\n  id_type: uuid\n  fields:\n    title: str\n", "Post")
    assert post.key_type == "UUID" and post.key_overflow is None
    assert post.key_imports == ("from uuid import UUID",)
    assert "from uuid import UUID" in post.api_imports
    assert not any("Annotated" in line for line in post.api_imports)  # an unbounded key
    assert post.columns[0].column_args == "Uuid(), primary_key=True, default=uuid4"


def test_composite_key_is_a_tuple_and_one_segment_per_column() -> None:
    slot = resource(COMPOSITE, "Slot")
    assert slot.composite
    assert [c.name for c in slot.key] == ["shelf_id", "position"]
    assert slot.key_type == "tuple[str, int]"
    assert slot.key_path == "/{shelf_id}/{position}"
    # A text key is bounded to its column and refuses what text cannot hold (NUL): a 422.
    assert slot.key_params == (
        "shelf_id: Annotated[KeyText, Path(max_length=10)], "
        "position: Annotated[int, Path(ge=INT32_MIN, le=INT32_MAX)]"
    )
    assert slot.key_value == "(shelf_id, position)"
    assert slot.key_of("row") == "(row.shelf_id, row.position)"
    assert slot.missing_key == "('missing', 0)"
    assert slot.key_overflow is None
    assert all(c.in_create for c in slot.key)  # clients set every part of a composite key


def test_a_key_that_leads_with_a_reference_needs_no_extra_index() -> None:
    shelf_id = resource(COMPOSITE, "Slot").key[0]
    assert shelf_id.foreign_key is not None and not shelf_id.index


def test_only_a_key_the_database_numbers_gets_sqlite_autoincrement() -> None:
    """SQLite would give a deleted row's key to the next one; identity never does."""
    implicit = resource("Post:\n  fields:\n    title: str\n", "Post")
    declared = resource("Post:\n  fields:\n    no: {type: int, primary_key: true}\n", "Post")
    for post in (implicit, declared):
        assert post.db.autoincrement
        assert post.table_args == ("{'sqlite_autoincrement': True}",)
    uuid = resource("Post:\n  id_type: uuid\n  fields:\n    title: str\n", "Post")
    tag = resource("Tag:\n  fields:\n    name: {type: str, primary_key: true}\n", "Tag")
    for other in (uuid, tag, resource(COMPOSITE, "Slot")):
        assert not other.db.autoincrement and not other.table_args


NUMBERING = """
Country:
  fields:
    number: {type: int, primary_key: true, autoincrement: false}
    name: str
Planet:
  fields:
    id: {type: bigint, primary_key: true, autoincrement: false}
Invoice:
  fields:
    id: {type: int, primary_key: true, identity: true}
Serial:
  fields:
    id: {type: bigint, primary_key: true, identity: false}
Legacy:
  fields:
    id: {type: int, primary_key: true, sequence: legacy_id_seq}
"""


def test_a_key_clients_supply_is_in_create_not_update_and_never_numbered() -> None:
    for name, orm_type in [("Country", "Integer()"), ("Planet", "BigInteger()")]:
        key = resource(NUMBERING, name).key[0]
        assert key.in_create and not key.in_update and not key.numbered_key
        assert key.column_args == f"{orm_type}, primary_key=True, autoincrement=False"
        assert "= None" not in key.create_decl  # required
        assert not key.db.autoincrement and not key.db.identity and key.db.sequence is None
    country = resource(NUMBERING, "Country")
    assert not country.orm.sqlite_autoincrement and not country.db.autoincrement


def test_identity_serial_and_a_named_sequence() -> None:
    invoice = resource(NUMBERING, "Invoice")
    assert invoice.key[0].column_args == "Integer(), Identity(), primary_key=True"
    assert invoice.key[0].db.identity and invoice.orm.sqlite_autoincrement
    serial = resource(NUMBERING, "Serial").key[0]  # BIGSERIAL
    assert serial.column_args == 'BigInteger().with_variant(Integer(), "sqlite"), primary_key=True'
    assert not serial.db.identity and serial.numbered_key
    legacy = resource(NUMBERING, "Legacy")
    key = legacy.key[0]
    assert key.column_args == (
        'Integer(), Sequence("legacy_id_seq"), primary_key=True, autoincrement=True, '
        'server_default=next_value(Sequence("legacy_id_seq"))'.replace('"', "'")
    )
    assert key.db.sequence == "legacy_id_seq" and not key.db.identity
    assert not key.in_create and legacy.orm.sqlite_autoincrement
    assert {"sqlalchemy:Sequence", "{package}.db.sequences:next_value"} <= key.orm.imports()
