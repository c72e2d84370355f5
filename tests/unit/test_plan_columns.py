"""Spec in, column facts out: types, flags, and the code the ORM and migration targets spell."""

from __future__ import annotations

import typing

from persistgen.spec.model import FieldType
from persistgen.typemap import TYPES
from tests.unit.plan_specs import column, resource

POST = """
Post:
  fields:
    title: {type: str, max_length: 200, unique: true, description: The headline}
    body: {type: text, nullable: true}
    price: {type: decimal, precision: 8, scale: 2, default: 9.5}
    status: {type: enum, values: [draft, published], default: draft}
    created_at: {type: datetime, server_default: now, read_only: true}
    updated_at: {type: datetime, server_default: now, onupdate: now, read_only: true}
    active: {type: bool, server_default: true}
"""


def test_implicit_key_is_a_bigint_identity() -> None:
    key = column(POST, "Post", "id")
    assert (key.primary_key, key.in_create, key.orm.identity, key.type.bits) == (
        True,
        False,
        True,
        64,
    )
    assert (
        key.column_args
        == 'BigInteger().with_variant(Integer(), "sqlite"), Identity(), primary_key=True'
    )
    assert key.orm.imports() >= {"sqlalchemy:BigInteger", "sqlalchemy:Identity"}
    assert key.db.identity and key.db.kind == "bigint"


def test_str_column_facts_and_spelling() -> None:
    title = column(POST, "Post", "title")
    assert (title.unique, title.nullable, title.in_create, title.in_update) == (
        True,
        False,
        True,
        True,
    )
    assert title.type.max_length == 200 and title.type.text
    assert title.db.type == "sa.String(length=200)" and title.db.params == ("200",)
    assert title.column_args == "String(200), unique=True, comment='The headline'"
    assert title.orm.annotation == "Mapped[str]"


def test_decimal_default_is_quantized_and_imported() -> None:
    price = column(POST, "Post", "price")
    assert price.type.digits == (8, 2)
    assert price.orm.default == "Decimal('9.50')"
    assert price.backfill == "Decimal('9.5')"  # a revision writes the value as given
    assert "decimal:Decimal" in price.orm.imports()


def test_enum_column_names_its_class_and_default_member() -> None:
    status = column(POST, "Post", "status")
    assert status.python_type == "PostStatus"
    assert status.orm.default == "PostStatus.DRAFT"
    assert status.type.members == (("DRAFT", "'draft'"), ("PUBLISHED", "'published'"))
    assert status.db.check == "ck_posts_post_status"
    assert status.orm.imports() >= {"{package}.enums:PostStatus", "{package}.db.base:enum_values"}


def test_server_defaults_and_clocks() -> None:
    created = column(POST, "Post", "created_at")
    updated = column(POST, "Post", "updated_at")
    active = column(POST, "Post", "active")
    assert created.orm.server_default is not None
    assert created.orm.server_default.clock == "utcnow"
    assert created.db.server_default == "utcnow()"
    assert updated.column_args == "AwareDateTime(), server_default=utcnow(), onupdate=utcnow()"
    assert "{package}.db.types:utcnow" in updated.orm.imports()
    assert active.column_args == "Boolean(), server_default=true()"
    assert active.db.server_default == "sa.true()"
    assert "sqlalchemy:true" in active.orm.imports()


def test_resource_facts_from_columns() -> None:
    post = resource(POST, "Post")
    assert post.clock_columns == ("created_at", "updated_at")
    assert post.mapper_args == '{"eager_defaults": True}'
    assert post.sort_keys[:3] == ("id", "title", "body")
    assert "-body" not in post.keyset_sorts  # nullable: a cursor cannot follow it
    assert post.unique_keys == (("id",), ("title",))
    assert post.update_column is not None and post.update_column.name == "title"


def test_column_name_and_composite_constraints() -> None:
    spec = """
    Line:
      unique: [[order_no, position]]
      index: [[sku, position]]
      checks: {positive: position > 0}
      fields:
        order_no: {type: int}
        position: {type: int, column: pos}
        sku: {type: str, max_length: 20}
    """
    line = resource(spec, "Line")
    position = next(c for c in line.columns if c.name == "position")
    assert position.orm.column_name == "pos" and position.column_args.startswith("'pos', ")
    assert line.table_args == (
        "UniqueConstraint('order_no', 'pos')",
        "Index('ix_lines_sku_pos', 'sku', 'pos')",
        "CheckConstraint('position > 0', name='positive')",
        "{'sqlite_autoincrement': True}",  # the table options come last
    )
    assert line.orm.imports() == {
        "sqlalchemy:CheckConstraint",
        "sqlalchemy:UniqueConstraint",
        "sqlalchemy:Index",
    }
    assert ("uq_lines_order_no_pos", ("order_no", "pos")) in line.db.uniques


def test_every_scalar_spec_type_has_a_row_in_the_type_table() -> None:
    scalar = set(typing.get_args(FieldType)) - {"ref", "many"}  # relations, not column types
    assert scalar == set(TYPES)
