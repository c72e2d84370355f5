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
    text = "pattern='^[^\\\\x00]*$'"  # the document says NUL is refused
    assert name.create_decl == f"name: str = Field(max_length=80, min_length=2, {text})"
    assert name.update_decl == (
        f"name: str | None = Field(default=None, max_length=80, min_length=2, {text})"
    )
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
    assert ("pattern", "^[^/\\x00]+$") in code.dto.constraints
    assert code.in_create and not code.in_update


def test_strict_write_types_and_their_imports() -> None:
    qty = column(ITEM, "Item", "qty")
    assert qty.create_decl == "qty: StrictInteger = Field(ge=0, le=1000)"
    assert qty.read_decl == "qty: int"
    assert qty.dto.imports() == {"{package}.schemas.base:StrictInteger", "pydantic:Field"}
    price = column(ITEM, "Item", "price")
    assert price.create_decl == "price: Annotated[Decimal, Digits(6, 2)]"
    assert price.read_decl == "price: PlainDecimal"  # answered as `0.0000000001`, not `1E-10`
    assert price.dto.imports() == {
        "decimal:Decimal",
        "typing:Annotated",
        "{package}.schemas.base:Digits",
        "{package}.schemas.base:PlainDecimal",
    }
    assert column(ITEM, "Item", "flag").update_decl == "flag: StrictBool | None = None"


BOUNDED = """
Item:
  fields:
    low: {type: int, ge: 1}
    high: {type: bigint, le: 5000000000}
    wide: {type: bigint}
    cost: {type: decimal, precision: 8, scale: 3, ge: 0, le: 1000}
    at: {type: time}
    when: {type: datetime, timezone: false}
"""


def test_spec_bounds_meet_the_columns() -> None:
    """The spec's bound is kept where it is tighter, the column's elsewhere: `Int32 =
    Field(ge=1)` used to keep only the type's (pydantic takes the last bound given)."""
    assert column(BOUNDED, "Item", "low").create_decl == (
        "low: StrictInteger = Field(ge=1, lt=2**31)"
    )
    assert column(BOUNDED, "Item", "high").create_decl == (
        "high: StrictInteger = Field(ge=-(2**63), le=5000000000)"
    )
    # 2**63 - 1 would be served as the double 2**63: the exclusive bound is exact.
    assert column(BOUNDED, "Item", "wide").create_decl == (
        "wide: StrictInteger = Field(ge=-(2**63), lt=2**63)"
    )
    assert column(BOUNDED, "Item", "cost").create_decl == (
        "cost: Annotated[Decimal, Digits(8, 3, ge=0, le=1000)]"
    )


def test_naive_times_declare_a_local_pattern_in_and_out() -> None:
    at = column(BOUNDED, "Item", "at")
    assert (at.create_decl, at.read_decl) == ("at: LocalTime", "at: LocalTime")
    assert at.dto.imports() == {"{package}.schemas.base:LocalTime"}
    when = column(BOUNDED, "Item", "when")
    assert (when.create_decl, when.read_decl) == ("when: LocalDatetime", "when: LocalDatetime")


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
    assert column(ITEM, "Item", "flag").create_decl == "flag: StrictBool = False"
    assert column(ITEM, "Item", "note").create_decl == (
        "note: str | None = Field(default=None, pattern='^[^\\\\x00]*$')"
    )
    # the database fills it in: leaving it unset (None) applies the server default
    assert column(ITEM, "Item", "rank").create_decl == (
        "rank: StrictInteger | None = Field(default=None, ge=-(2**63), lt=2**63)"
    )


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
    bounded = "Annotated[str, Field(max_length=80, pattern='^[^\\\\x00]*$')]"
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
    # text without a bound: what it cannot hold only
    assert (
        by_name["note"].decl == "note: Annotated[str, Field(pattern='^[^\\\\x00]*$')] | None = None"
    )
    assert by_name["note"].imports() == {"pydantic:Field", "typing:Annotated"}
    assert by_name["note__null"].decl == "note__null: bool | None = None"
    assert by_name["seen_at__gte"].imports() == {"{package}.schemas.base:OffsetDatetime"}
    assert by_name["qty__in"].imports() == {"{package}.schemas.base:Int32", "pydantic:Field"}


def test_schema_module_imports() -> None:
    assert resource(ITEM, "Item").schema_imports == (
        "import datetime as dt",
        "from decimal import Decimal",
        "from pydantic import Field, StrictBool",
        "from shop.schemas.base import Digits, Int32, OffsetDatetime, PlainDecimal,"
        " StrictAwareDatetime, StrictInteger",
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


def test_the_text_pattern_is_the_runtime_s() -> None:
    """persistgen cannot import the runtime's DTO module (it needs SQLAlchemy): one value."""
    from persistgen.project_model import dto
    from persistgen.runtime.schemas import base

    assert dto.STORABLE_TEXT == base.STORABLE_TEXT
