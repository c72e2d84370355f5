"""Every project's table of idempotency keys is planned like a resource's: migrations create it,
in a new project's first revision and in an existing project's next."""

from __future__ import annotations

from dataclasses import replace

from persistgen import naming
from persistgen.migrate.next_revision import next_revision
from persistgen.migrate.schema import SchemaState
from tests.unit.plan_specs import project

RESOURCES = """\
Order:
  fields:
    total: int
"""


def test_the_table_comes_last_in_the_projects_schema() -> None:
    tables = project(RESOURCES).tables
    assert [t.name for t in tables] == ["orders", naming.IDEMPOTENCY_TABLE]
    keys = tables[-1]
    assert (keys.primary_key, keys.pk_name) == (("key",), "pk_idempotency_keys")
    assert keys.indexes == (("ix_idempotency_keys_created_at", ("created_at",)),)
    assert [c.name for c in keys.columns if not c.nullable] == ["key", "fingerprint", "created_at"]


def test_the_table_lives_in_the_projects_schema() -> None:
    assert project(RESOURCES, schema="sales").tables[-1].schema == "sales"


def test_a_new_project_creates_it_in_its_first_revision() -> None:
    revision, _ = next_revision(project(RESOURCES), SchemaState())
    assert revision is not None
    assert "create table idempotency_keys" in revision.summary


def test_an_existing_project_gets_it_in_its_next_revision_alone() -> None:
    model = project(RESOURCES)
    before = SchemaState("0a1b2c3d4e5f", model.tables[:-1], number=1)
    revision, after = next_revision(model, before)
    assert revision is not None
    assert revision.summary == ("create table idempotency_keys",)
    assert (revision.message, revision.down_revision) == (
        "create table idempotency_keys",
        before.head,
    )
    assert after.tables == model.tables
    assert next_revision(model, replace(after, head="ffffffffffff"))[0] is None
