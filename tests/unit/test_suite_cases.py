"""What the generated tests know of each resource, and which of them a spec needs."""

from __future__ import annotations

from persistgen import plan
from persistgen.project_model.suite import SuiteModel
from persistgen.spec.validate import read_spec, read_spec_text
from tests.conftest import ROOT


def suite_of(spec: str) -> SuiteModel:
    return plan.build(read_spec(ROOT / spec)).suite


TOPICS = (
    "composite",
    "updates",
    "upserts",
    "bulk",
    "filters",
    "conflicts",
    "aware",
    "aware_time",
    "references",
    "versions",
)


def test_tracker_needs_every_topic_but_time_zones() -> None:
    project = plan.build(read_spec(ROOT / "examples/tracker.yaml"))
    tracker = project.suite

    needed = {topic for topic in TOPICS if getattr(tracker, topic)}
    assert needed == set(TOPICS) - {"aware", "aware_time"}
    assert project.uses_relations and project.uses_clocks
    assert project.uses_soft_delete and project.uses_links
    assert list(tracker.variables.values())[:2] == ["ORGANISATION", "USER"]


def test_keys_a_client_cannot_send_or_that_cannot_be_a_path_segment() -> None:
    cases = {c.resource.module: c for c in suite_of("tests/cases/good/composite_keys.yaml").cases}

    assert cases["warehouse"].server_keys == ()
    assert cases["warehouse"].path_keys == ("code",)
    assert cases["product"].server_keys == ("id",)
    assert cases["stock"].key == ("warehouse_id", "product_id")
    assert cases["stock"].path_keys == ()  # references: the target's key was checked there


def test_a_uuid_key_brings_its_missing_key_import() -> None:
    composite = suite_of("tests/cases/good/composite_keys.yaml")
    blog = suite_of("examples/blog.yaml")

    assert "from uuid import uuid4" in composite.imports
    assert "from uuid import uuid4" not in blog.imports


def test_a_resource_named_cases_does_not_hide_the_list() -> None:
    spec = read_spec_text(
        "version: 1\nproject: {name: odd}\nresources:\n  Cases:\n    fields: {title: str:40}\n"
    )

    project = plan.build(spec)

    assert project.suite.variables == {"cases": "CASES_CASE"}
    assert project.suite.updates and not project.uses_links


def test_a_filter_on_a_reference_to_the_same_resource_sets_it() -> None:
    cases = {c.resource.module: c for c in suite_of("tests/cases/good/bounds.yaml").cases}

    assert cases["employee"].self_refs == (("manager_id", "id"),)
    assert [f.name for f in cases["employee"].filter_tests] == ["manager_id"]
    assert cases["shift"].self_refs == ()  # its reference is to another resource
    edge = {c.resource.module: c for c in suite_of("tests/cases/good/edge.yaml").cases}
    assert edge["category"].self_refs == ()  # no filter or bulk test: nothing sets it


def test_a_unique_key_holding_a_reference_to_the_same_resource_sets_it() -> None:
    """A key holding a null never conflicts: the upsert and duplicate tests set the reference."""
    edge = {c.resource.module: c for c in suite_of("tests/cases/good/edge.yaml").cases}
    folder = edge["folder"]

    assert folder.resource.upsert_key == ("parent_id", "name")
    assert folder.resource.conflict_testable
    assert not folder.filter_tests and folder.bulk_filter is None
    assert folder.self_refs == (("parent_id", "id"),)


def test_a_bulk_update_of_a_unique_column_filters_on_values_rows_do_not_share() -> None:
    cases = {c.resource.module: c for c in suite_of("tests/cases/good/bounds.yaml").cases}
    member = cases["member"]

    assert member.resource.update_column is not None
    assert member.resource.update_column.name == "email"  # unique: one row per value
    assert [f.name for f in member.filter_tests] == ["active", "nickname", "nickname__contains"]
    assert member.bulk_filter is not None and member.bulk_filter.name == "nickname"
    assert cases["tally"].bulk_filter is not None  # a counted value, though not unique
    assert cases["tally"].bulk_filter.name == "stars"


def test_a_bulk_update_never_filters_on_a_column_its_clock_moves() -> None:
    spec = """
version: 1
project: {name: shop}
resources:
  Visit:
    fields:
      note: str
      seen_at: {type: datetime, onupdate: now, filter: true}
      room: {type: int, filter: true}
"""
    (case,) = plan.build(read_spec_text(spec, "persistgen.yaml")).suite.cases
    assert [f.name for f in case.filter_tests][:2] == ["seen_at", "room"]
    assert case.bulk_filter is not None and case.bulk_filter.name == "room"
