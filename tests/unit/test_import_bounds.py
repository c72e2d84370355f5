"""A CHECK that bounds single columns (`x >= 0`, `length(x) <= 255`) becomes their fields'
`ge` / `le` / `min_length` / `max_length` too, where the field's type takes the option and the
option changes no column; the check stays as the database has it."""

from __future__ import annotations

from typing import Any

import pytest

from persistgen.importer.bounds import Bound, apply, bounds
from persistgen.importer.catalog import Check, ColumnType
from tests.unit.import_catalogs import INT, TEXT, column, imported, serial, table, varchar


@pytest.mark.parametrize(
    ("sql", "found"),
    [
        ("invoice_grace_period >= 0", [Bound("invoice_grace_period", "ge", 0)]),
        ("units >= (0)::numeric", [Bound("units", "ge", 0)]),
        ("sequential_id > 0", [Bound("sequential_id", "ge", 0, strict=True)]),
        ("100 >= score", [Bound("score", "le", 100)]),
        ('"Price" < 9.5', [Bound("Price", "le", 9.5, strict=True)]),
        ("(x >= 0) AND (x <= 10)", [Bound("x", "ge", 0), Bound("x", "le", 10)]),
        ("(left_cents >= 0) OR (left_cents IS NULL)", [Bound("left_cents", "ge", 0)]),
        ("length((description)::text) <= 255", [Bound("description", "max_length", 255)]),
        ("char_length(code) < 11", [Bound("code", "max_length", 10)]),
        ("length(name) > 0", [Bound("name", "min_length", 1)]),
        ("(code)::text <> ''::text", [Bound("code", "min_length", 1)]),
    ],
)
def test_bounds_read_from_a_check(sql: str, found: list[Bound]) -> None:
    assert bounds(sql) == found


@pytest.mark.parametrize(
    "sql",
    [
        "(plan_id IS NOT NULL) <> (subscription_id IS NOT NULL)",
        "x >= 0 OR y IS NULL",  # another column's null: not a bound on x
        "x >= 0 AND y <> 3",  # a conjunct that is no bound
        "ends >= starts",
        "length(x) <= 0",  # no text is that short: no max_length says it
        "x >= 0 OR x <= -5",
        "code ~ '^[a-z]+$'",
    ],
)
def test_checks_that_say_more_give_no_bound(sql: str) -> None:
    assert bounds(sql) == []


@pytest.mark.parametrize(
    ("field", "bound", "result"),
    [
        ({"type": "int"}, Bound("x", "ge", 0, strict=True), {"type": "int", "ge": 1}),
        ({"type": "bigint", "le": 5}, Bound("x", "le", 10, strict=True), {"le": 5}),
        ({"type": "int", "ge": 1}, Bound("x", "ge", 3), {"ge": 3}),
        ({"type": "decimal"}, Bound("x", "ge", 0.5), {"ge": 0.5}),
        ({"type": "text"}, Bound("x", "max_length", 255), {"max_length": 255}),
        ({"type": "str", "unbounded": True}, Bound("x", "max_length", 9), {"max_length": 9}),
        ({"type": "char", "max_length": 2}, Bound("x", "min_length", 1), {"min_length": 1}),
    ],
)
def test_a_bound_the_field_takes(
    field: dict[str, Any], bound: Bound, result: dict[str, Any]
) -> None:
    assert apply(field, bound)
    assert result.items() <= field.items()


@pytest.mark.parametrize(
    ("field", "bound"),
    [
        ({"type": "decimal"}, Bound("x", "ge", 0, strict=True)),  # `> 0`: no option says it
        ({"type": "int"}, Bound("x", "ge", 0.5)),
        ({"type": "str", "max_length": 50}, Bound("x", "max_length", 40)),  # the column's length
        ({"type": "ref", "target": "User"}, Bound("x", "ge", 0)),
        ({"type": "int"}, Bound("x", "min_length", 1)),
        ({"type": "datetime"}, Bound("x", "ge", 0)),
    ],
)
def test_a_bound_the_field_does_not_take(field: dict[str, Any], bound: Bound) -> None:
    before = dict(field)
    assert not apply(field, bound)
    assert field == before


def test_imported_checks_bound_their_fields_and_stay() -> None:
    result = imported(
        table(
            "items",
            serial("id", "items"),
            column("quantity", INT),
            column("note", TEXT, nullable=True),
            column("code", varchar(20)),
            column("starts", ColumnType("date", "date")),
            checks=(
                Check("items_quantity_check", "quantity > 0"),
                Check("items_note_check", "(note IS NULL) OR (length(note) <= 280)"),
                Check("items_code_check", "length((code)::text) <= 10"),
                Check("items_starts_check", "starts > '2000-01-01'::date"),
            ),
        )
    )
    resource = result.document["resources"]["Item"]
    assert resource["fields"]["quantity"] == {"type": "int", "ge": 1}
    assert resource["fields"]["note"] == {"type": "text", "nullable": True, "max_length": 280}
    assert resource["fields"]["code"] == {"type": "str", "max_length": 20}  # the column's
    assert resource["fields"]["starts"] == {"type": "date"}
    assert len(resource["checks"]) == 4
