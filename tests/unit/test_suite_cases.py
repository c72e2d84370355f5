"""What the generated tests know of each resource, and which of them a spec needs."""

from __future__ import annotations

from persistgen import plan
from persistgen.project_model.suite import SuiteModel
from persistgen.spec.validate import read_spec, read_spec_text
from tests.conftest import ROOT


def suite_of(spec: str) -> SuiteModel:
    return plan.build(read_spec(ROOT / spec)).suite


def test_tracker_needs_every_topic_but_time_zones() -> None:
    tracker = suite_of("examples/tracker.yaml")

    needed = {name for name, value in vars(tracker).items() if value is True}
    assert needed == {
        "composite",
        "updates",
        "upserts",
        "bulk",
        "relations",
        "filters",
        "conflicts",
        "clocks",
        "references",
        "soft_delete",
        "versions",
        "links",
    }
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

    only = plan.build(spec).suite

    assert only.variables == {"cases": "CASES_CASE"}
    assert only.updates and not only.links
