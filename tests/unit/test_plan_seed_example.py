"""Spec in, the README's seed example out: the project's own resources, a child naming its
parent by the parent's natural key, values the tests use spelled in YAML; none without a
resource that takes fixture rows. tests/generated/test_seed_command.py loads the examples'."""

from __future__ import annotations

from persistgen.project_model import SeedExample, SeedRow
from tests.unit.plan_specs import project


def test_no_natural_key_no_example() -> None:
    assert project("Note:\n  fields:\n    body: text\n").seed_example is None


def test_a_composite_key_is_named_by_a_mapping_of_typed_values() -> None:
    spec = """
    Audit:
      fields:
        note: text
    Region:
      unique: [[country, code]]
      fields:
        country: str:2
        code: str:10
        kind: {type: enum, values: [north, south]}
        opened: date
        rate: {type: decimal, precision: 5, scale: 2, ge: 1, le: 9}
        remark: text?
    Shop:
      fields:
        name: str:50:unique
        region: ref:Region
        size: {type: int, ge: 3, le: 7}
    """
    region = (("country", "'01'"), ("code", "cod1"))
    assert project(spec).seed_example == SeedExample(
        (
            SeedRow(
                "Region",
                (*region, ("kind", "north"), ("opened", "'2025-06-01'"), ("rate", "'1.02'")),
            ),
            SeedRow(
                "Shop",
                (("name", "name-1"), ("region", "{country: '01', code: cod1}"), ("size", "5")),
            ),
        ),
        ("region", region),
    )


def test_a_parent_without_a_child_that_can_take_rows_stands_alone() -> None:
    """Comment needs a row of Post too, which the example does not give."""
    spec = """
    User:
      fields:
        email: str:320:unique
    Post:
      fields:
        slug: str:50:unique
    Comment:
      fields:
        code: str:20:unique
        user: ref:User
        post: ref:Post
    """
    assert project(spec).seed_example == SeedExample((SeedRow("User", (("email", "email-1"),)),))
