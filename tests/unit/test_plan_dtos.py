"""Spec in, DTO facts out: declarations, the imports each one brings, and list filters."""

from __future__ import annotations

from tests.unit.plan_specs import column, resource

ITEM = """
Item:
  versioned: true
  fields:
    code: {type: str, max_length: 12, primary_key: true}
    name: {type: str, max_length: 80, min_length: 2, filter: true}
    note: {type: text, nullable: true, filter: true}
    qty: {type: int, ge: 0, le: 1000, filter: true}
    price: {type: decimal, precision: 6, scale: 2}
    seen_at: {type: datetime, nullable: true, filter: true}
    flag: {type: bool, default: false, filter: true}
    rank: {type: bigint, server_default: 1}
    stamp: {type: datetime, read_only: true, nullable: true}
"""


def test_declarations_spell_constraints_late() -> None:
    name = column(ITEM, "Item", "name")
    assert name.dto.constraints == (("max_length", 80), ("min_length", 2))
    assert name.create_decl == "name: str = Field(max_length=80, min_length=2)"
    assert name.update_decl == "name: str | None = Field(default=None, max_length=80, min_length=2)"
    assert name.read_decl == "name: str"
    assert name.constrained


def test_a_description_reaches_the_read_dto_too() -> None:
    field = "{type: int, read_only: true, default: 0, description: When it was seen}"
    spec = f"Item:\n  fields:\n    stamp: {field}\n"
    stamp = column(spec, "Item", "stamp")
    assert stamp.read_decl == "stamp: int = Field(description='When it was seen')"
    assert "pydantic:Field" in stamp.dto.imports()


def test_a_client_set_text_key_is_one_path_segment() -> None:
    code = column(ITEM, "Item", "code")
    assert ("pattern", "^[^/]+$") in code.dto.constraints
    assert code.in_create and not code.in_update


def test_strict_write_types_and_their_imports() -> None:
    qty = column(ITEM, "Item", "qty")
    assert qty.create_decl == "qty: Int32 = Field(ge=0, le=1000)"
    assert qty.read_decl == "qty: int"
    assert qty.dto.imports() == {"{package}.schemas.base:Int32", "pydantic:Field"}
    price = column(ITEM, "Item", "price")
    assert price.create_decl == "price: Decimal = Field(max_digits=6, decimal_places=2)"
    assert price.dto.imports() == {"decimal:Decimal", "pydantic:Field"}


def test_an_enum_default_too_long_for_its_line_is_an_annotated_field() -> None:
    """ruff format cannot break `<field>: <Enum> = <Enum>.<MEMBER>`; it can break `Annotated`."""
    name = "subscription_tier_that_each_accountholder_picked_when_signingup"  # 63 characters
    field = "{type: enum, values: [basic, premium], default: basic}"
    tier = column(f"Thing:\n  fields:\n    {name}: {field}\n", "Thing", name)
    enum = "ThingSubscriptionTierThatEachAccountholderPickedWhenSigningup"
    assert tier.create_decl == f"{name}: Annotated[{enum}, Field(default={enum}.BASIC)]"
    assert {"typing:Annotated", "pydantic:Field"} <= tier.dto.imports()
    assert tier.update_decl == f"{name}: {enum} | None = None"
    field = "{type: enum, values: [a], default: a}"
    short = column(f"Thing:\n  fields:\n    tier: {field}\n", "Thing", "tier")
    assert short.create_decl == "tier: ThingTier = ThingTier.A"
    assert "typing:Annotated" not in short.dto.imports()


def test_defaults_and_server_defaults_in_create() -> None:
    assert column(ITEM, "Item", "flag").create_decl == "flag: bool = False"
    assert column(ITEM, "Item", "note").create_decl == "note: str | None = None"
    # the database fills it in: leaving it unset (None) applies the server default
    assert column(ITEM, "Item", "rank").create_decl == "rank: Int64 | None = None"


def test_read_only_fields_import_only_their_read_type() -> None:
    stamp = column(ITEM, "Item", "stamp")
    assert not stamp.in_create and not stamp.dto.writable
    assert stamp.dto.imports() == {"datetime as dt"}


def test_filters_per_type() -> None:
    item = resource(ITEM, "Item")
    operators = {}
    for f in item.filters:
        operators.setdefault(f.column, []).append(f.operator)
    assert operators == {
        "name": ["eq", "in", "contains"],
        "note": ["eq", "in", "contains", "null"],
        "qty": ["eq", "in", "gte", "lte"],
        "seen_at": ["eq", "in", "gte", "lte", "null"],
        "flag": ["eq"],
    }


def test_filter_declarations_and_imports() -> None:
    by_name = {f.name: f for f in resource(ITEM, "Item").filters}
    bounded = "Annotated[str, Field(max_length=80)]"
    assert by_name["name"].decl == f"name: {bounded} | None = None"
    assert (
        by_name["name__in"].decl
        == f"name__in: list[{bounded}] | None = Field(None, max_length=100)"
    )
    assert (
        by_name["name__contains"].decl
        == f"name__contains: {bounded} | None = Field(None, min_length=1)"
    )
    assert by_name["name"].imports() == {"pydantic:Field", "typing:Annotated"}
    assert by_name["note"].decl == "note: str | None = None"  # text without a bound
    assert by_name["note"].imports() == set()
    assert by_name["note__null"].decl == "note__null: bool | None = None"
    assert by_name["seen_at__gte"].imports() == {"{package}.schemas.base:OffsetDatetime"}
    assert by_name["qty__in"].imports() == {"{package}.schemas.base:Int32", "pydantic:Field"}


def test_schema_module_imports() -> None:
    assert resource(ITEM, "Item").schema_imports == (
        "import datetime as dt",
        "from decimal import Decimal",
        "from pydantic import Field",
        "from shop.schemas.base import Int32, Int64, OffsetDatetime",
        "from typing import Annotated",
    )


def test_filter_tests_skip_what_factories_cannot_drive() -> None:
    item = resource(ITEM, "Item")
    assert [f.name for f in item.filter_tests] == [
        "name",
        "name__contains",
        "note",
        "note__contains",
        "qty",
        "seen_at",
        "flag",
    ]
    assert item.bulk_filter is not None and item.bulk_filter.name == "name"
