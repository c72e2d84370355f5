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


HOST = """
Region:
  fields:
    code: char:2:pk
Host:
  fields:
    id: {type: smallint, primary_key: true}
    region: {type: ref, target: Region}
    address: {type: inet, filter: true}
    load: {type: real, ge: 0}
    uptime: {type: interval, filter: true}
    settings: jsonb
    raw: {type: json, binary: false}
    ports: {type: list, items: smallint}
"""


def test_a_smallint_key_is_numbered_on_every_database() -> None:
    key = column(HOST, "Host", "id")
    assert key.numbered_key and not key.in_create and key.type.bits == 16
    assert key.column_args.startswith('SmallInteger().with_variant(Integer(), "sqlite")')
    assert key.db.kind == "smallint" and not key.db.identity


def test_a_char_key_is_the_clients_and_its_references_hold_it() -> None:
    code = column(HOST, "Region", "code")
    assert code.in_create and code.type.max_length == 2 and code.db.type == "sa.CHAR(length=2)"
    assert code.orm.imports() >= {"{package}.db.column_types:FixedChar"}
    region = column(HOST, "Host", "region_id")
    assert region.column_args.startswith("FixedChar(2), ForeignKey(")


def test_new_scalar_types_spell_their_columns_and_dtos() -> None:
    address = column(HOST, "Host", "address")
    assert address.column_args == "InetAddress()" and address.type.python == "str"
    assert address.db.type == 'sa.String(length=45).with_variant(postgresql.INET(), "postgresql")'
    assert address.db.type_imports >= {"sqlalchemy.dialects:postgresql"}
    assert [f.operator for f in address.filters] == ["eq", "in"]
    load = column(HOST, "Host", "load")
    assert (load.db.type, load.type.write_type) == ("sa.REAL()", "StrictFloat4")
    assert "le=3.4028234663852886e+38" in load.dto.create_decl and "ge=0.0" in load.dto.create_decl
    uptime = column(HOST, "Host", "uptime")
    assert [f.operator for f in uptime.filters] == ["eq", "in", "gte", "lte"]
    assert uptime.type.write_type == "StrictDuration"


def test_jsonb_and_plain_json() -> None:
    settings, raw = column(HOST, "Host", "settings"), column(HOST, "Host", "raw")
    assert settings.db.type == 'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")'
    assert (raw.db.type, raw.column_args) == ("sa.JSON()", "JSON()")
    assert raw.db.type_imports == {"sqlalchemy as sa"}  # no unused dialect import
    assert settings.db.kind == "jsonb" and raw.db.kind == "json"


JSON_SHAPES = """
Event:
  fields:
    payload: {type: jsonb, shape: any}
    tags: {type: json, binary: false, shape: any, nullable: true}
    meta: {type: json, shape: object}
"""


def test_a_json_field_of_any_shape_takes_every_json_value_but_null() -> None:
    payload, tags = column(JSON_SHAPES, "Event", "payload"), column(JSON_SHAPES, "Event", "tags")
    assert payload.type.python == "JsonData" and payload.type.dto_type == "JsonAny"
    assert payload.type.read_type == "JsonAny" and payload.type.runtime_module
    # None is SQL NULL, on JSONB's variant too; the DDL is the object's: no migration
    assert payload.column_args == (
        'JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")'
    )
    assert payload.db.type == 'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")'
    assert (tags.column_args, tags.db.type) == ("JSON(none_as_null=True)", "sa.JSON()")
    assert not payload.filters and not payload.type.sortable
    meta = column(JSON_SHAPES, "Event", "meta")
    assert (meta.type.python, meta.type.dto_type) == ("dict[str, Any]", "JsonObject")


def test_a_list_is_an_array_of_its_items_and_never_sorted() -> None:
    ports = column(HOST, "Host", "ports")
    assert ports.column_args == "ScalarList(SmallInteger())"
    assert ports.db.type == (
        'sa.JSON().with_variant(postgresql.ARRAY(sa.SmallInteger()), "postgresql")'
    )
    assert ports.type.python == "list[int]" and ports.type.write_type == "list[StrictInt16]"
    assert ports.type.dto_type == "list[Int16]" and not ports.type.sortable
    assert "ports" not in resource(HOST, "Host").sort_keys
