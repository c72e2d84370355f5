"""References in cycles: the nullable ones inside a cycle have their foreign keys created after
the tables (use_alter), order no table, and are left empty by the factories; a cycle of
required references is refused."""

from __future__ import annotations

import pytest

from persistgen.errors import UserError
from persistgen.spec import cycles
from persistgen.spec.validate import read_spec_text
from tests.unit.plan_specs import project, resource

STORES = """
Region:
  fields:
    hub: {type: ref, target: Store, nullable: true, back_populates: hub_of}
Store:
  fields:
    manager: {type: ref, target: Staff, nullable: true, back_populates: managed_stores}
    region: ref:Region
    owner: {type: ref, target: Owner, nullable: true}
Staff:
  fields:
    store: ref:Store
    mentor: {type: ref, target: Staff, nullable: true}
Owner:
  fields:
    name: str
"""


def _spec(resources: str) -> str:
    return "version: 1\nproject: {name: shop}\nresources:\n" + "\n".join(
        "  " + line for line in resources.strip("\n").splitlines()
    )


def test_the_nullable_references_inside_a_cycle_are_deferred() -> None:
    spec = read_spec_text(_spec(STORES))
    component = cycles.components(spec)
    assert component["Region"] == component["Store"] == component["Staff"]
    assert component["Owner"] != component["Store"]
    # Not Store.owner (no cycle), not Staff.mentor (a self reference loops alone).
    assert cycles.deferred(spec) == {("Region", "hub"), ("Store", "manager")}


def test_a_spec_without_cycles_defers_nothing() -> None:
    spec = read_spec_text(
        _spec("Book:\n  fields:\n    shelf: ref:Shelf\nShelf:\n  fields:\n    name: str\n")
    )
    assert cycles.deferred(spec) == frozenset()


def test_tables_are_ordered_by_the_required_references_only() -> None:
    names = [r.class_name for r in project(STORES).resources]
    assert names.index("Region") < names.index("Store") < names.index("Staff")
    assert names.index("Owner") < names.index("Store")


def test_a_deferred_reference_is_use_alter_and_left_empty_by_the_factories() -> None:
    store = resource(STORES, "Store")
    manager = next(c for c in store.columns if c.name == "manager_id")
    owner = next(c for c in store.columns if c.name == "owner_id")
    assert "ForeignKey('staffs.id', use_alter=True)" in manager.orm.args
    assert "use_alter" not in owner.orm.args
    assert [(ref.column, ref.cyclic) for ref in store.refs] == [
        ("manager_id", True),
        ("region_id", False),
        ("owner_id", False),
    ]
    assert [ref.column for ref in store.external_refs] == ["region_id", "owner_id"]


def test_a_cycle_of_required_references_is_refused_with_the_fix() -> None:
    required = STORES.replace("Staff, nullable: true, back", "Staff, back")
    with pytest.raises(UserError) as info:
        read_spec_text(_spec(required))
    [problem] = info.value.problems
    assert "required references form a cycle (Store -> Staff -> Store)" in problem.message
    assert problem.hint.startswith("add `nullable: true` to one of `Store.manager`, `Staff.store`")
