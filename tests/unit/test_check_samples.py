"""CHECK constraints against the planned test data: each is evaluated in SQLite over the rows
the factories make and the row the update leaves, and one the data breaks, or that SQLite
cannot read, becomes a note that says what to give in tests/overrides.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from persistgen.cli import app
from persistgen.pipeline import render_spec
from persistgen.project_model.suite import UnmetCheck
from persistgen.spec.validate import read_spec_text
from tests.unit.plan_specs import column, project, resource


def unmet(resources: str) -> tuple[UnmetCheck, ...]:
    return project(resources).suite.cases[-1].unmet_checks


TRIP = """
    Trip:
      unique: [[name, leaves]]
      checks:
        %s
      fields:
        name: str
        leaves: datetime
        arrives: datetime
        fee: {type: decimal, precision: 6, scale: 2, ge: 0}
    """


def test_checks_in_declaration_order_are_met() -> None:
    checks = "arrives_later: arrives > leaves\n        fee_not_negative: fee >= 0"
    assert unmet(TRIP % checks) == ()
    assert project(TRIP % checks).suite.check_notes == ()


def test_a_check_the_rows_break_is_named_with_the_fields_it_compares() -> None:
    assert unmet(TRIP % "leaves_later: leaves > arrives") == (
        UnmetCheck("leaves_later", "leaves > arrives", ("leaves", "arrives"), evaluable=True),
    )


def test_a_check_over_quoted_names_is_tried_and_names_its_fields() -> None:
    spec = """
    Trip:
      table: Trip
      checks:
        %s
      fields:
        leaves: {type: datetime, column: leavesAt}
        arrives: {type: datetime, column: arrives at}
    """
    assert unmet(spec % """in_order: '"arrives at" > "leavesAt"'""") == ()
    assert unmet(spec % """backwards: '"leavesAt" > "arrives at"'""") == (
        UnmetCheck("backwards", '"leavesAt" > "arrives at"', ("leaves", "arrives"), evaluable=True),
    )


def test_a_check_only_the_update_breaks_is_found() -> None:
    """`name` is the column the update tests change, to `'name-updated'` (or `name_updated`)."""
    found = unmet(TRIP % "kept_name: name NOT LIKE '%updated'")
    assert found == (UnmetCheck("kept_name", "name NOT LIKE '%updated'", ("name",), True),)
    (note,) = project(TRIP % "kept_name: name NOT LIKE '%updated'").suite.check_notes
    assert '`update_value` one for ("trip", "name")' in note


def test_enum_values_are_compared_as_stored() -> None:
    spec = """
        Ticket:
          checks:
            %s
          fields:
            kind: {type: enum, values: [economy, comfort, business]}
        """
    assert unmet(spec % "known_kind: kind IN ('economy', 'comfort', 'business')") == ()
    (found,) = unmet(spec % "no_business: kind <> 'business'")  # the update's value
    assert found.name == "no_business" and found.evaluable


def test_a_check_sqlite_cannot_read_is_told_plainly() -> None:
    (found,) = unmet(TRIP % "recent: leaves > now()::timestamp")
    assert found == UnmetCheck("recent", "leaves > now()::timestamp", ("leaves",), False)
    (note,) = project(TRIP % "recent: leaves > now()::timestamp").suite.check_notes
    assert note.startswith("Trip: check 'recent' (leaves > now()::timestamp) could not be tried")
    assert "SQLite cannot evaluate it" in note


def test_columns_the_factories_do_not_send_are_null_and_meet_the_check() -> None:
    spec = """
        Stop:
          fields:
            name: str
        Visit:
          checks:
            elsewhere: stop_id <> 0 AND noted IS NULL OR noted > '2000-01-01'
          fields:
            stop: {type: ref, target: Stop}
            noted: {type: datetime, read_only: true, nullable: true}
        """
    assert unmet(spec) == ()


def test_the_note_shows_the_overrides_to_give() -> None:
    text = "version: 1\nproject: {name: shop}\nresources:\n" + (
        TRIP % "leaves_later: leaves > arrives"
    ).replace("\n    ", "\n  ")
    (note,) = render_spec(read_spec_text(text)).checks
    assert note == (
        "Trip: the generated test data breaks check 'leaves_later' (leaves > arrives), so its "
        "generated tests fail; give values that satisfy it in tests/overrides.py: in `values`, "
        '`if resource == "trip": return {"leaves": ..., "arrives": ...}`'
    )


def test_new_project_and_generate_print_the_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "version: 1\nproject: {name: shop}\nresources:\n" + (
        TRIP % "leaves_later: leaves > arrives"
    ).replace("\n    ", "\n  ")
    (tmp_path / "spec.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(env={"COLUMNS": "250", "NO_COLOR": "1"})
    note = "test data: Trip: the generated test data breaks check 'leaves_later'"
    created = runner.invoke(app, ["new", "project", "shop", "--spec", "spec.yaml"])
    assert created.exit_code == 0 and note in created.output
    regenerated = runner.invoke(app, ["generate", "--project", "shop"])
    assert regenerated.exit_code == 0 and note in regenerated.output


# -- samples fitted to the checks -------------------------------------------------------

PARENTS = """
    Plan:
      fields:
        name: str
    Subscription:
      fields:
        name: str
    Entitlement:
      checks:
        one_parent: (plan_id IS NOT NULL) <> (subscription_id IS NOT NULL)
      fields:
        plan: {type: ref, target: Plan, nullable: true}
        subscription: {type: ref, target: Subscription, nullable: true}
    """


def test_a_reference_the_factories_fill_counts_as_set() -> None:
    """Factories create every reference they can: both parents, which the check refuses;
    with neither left empty (not nullable), the note says so."""
    spec = PARENTS.replace(", nullable: true}", "}")
    (found,) = unmet(spec)
    assert found.name == "one_parent" and found.evaluable


def test_one_of_two_exclusive_references_is_left_empty() -> None:
    built = project(PARENTS)
    entitlement = built.resources[-1]
    assert [ref.column for ref in entitlement.external_refs] == ["subscription_id"]
    assert [ref.column for ref in entitlement.refs if ref.emptied] == ["plan_id"]
    assert built.suite.cases[-1].unmet_checks == ()
    assert built.suite.check_notes == ()


QUOTE = """
    Quote:
      checks:
        approved_when_approved: (status = 'approved'::quote_status) = (approved_at IS NOT NULL)
        positive: sequential_id > 0
      fields:
        sequential_id: int
        status: {type: enum, values: [draft, approved, voided]}
        approved_at: {type: datetime, nullable: true, timezone: false}
        %s
    """


def test_a_nullable_field_a_check_wants_empty_is_sent_as_none() -> None:
    quote = resource(QUOTE % "", "Quote")
    assert [c.name for c in quote.columns if c.sample == "None"] == ["approved_at"]
    assert unmet(QUOTE % "") == (  # the update sets 0: no empty field helps
        UnmetCheck("positive", "sequential_id > 0", ("sequential_id",), evaluable=True),
    )


def test_a_field_another_test_sets_is_not_left_empty() -> None:
    """A filtered field: the filter tests look up the factories' values."""
    spec = QUOTE.replace(
        "nullable: true, timezone: false", "nullable: true, timezone: false, filter: true"
    )
    assert column(spec % "", "Quote", "approved_at").sample != "None"
    assert [c.name for c in unmet(spec % "")] == ["approved_when_approved", "positive"]


def test_the_fewest_fields_are_left_empty() -> None:
    spec = """
    Trip:
      checks:
        done_when_arrived: (arrived_at IS NULL) OR (rating IS NULL AND review IS NULL)
      fields:
        name: str  # the update tests change it
        arrived_at: {type: datetime, nullable: true, timezone: false}
        rating: {type: int, nullable: true}
        review: {type: text, nullable: true}
    """
    trip = resource(spec, "Trip")
    assert [c.name for c in trip.columns if c.sample == "None"] == ["arrived_at"]
    # an aware datetime: the offset tests send it, so not that one
    aware = resource(spec.replace(", timezone: false", ""), "Trip")
    assert [c.name for c in aware.columns if c.sample == "None"] == ["rating", "review"]


def test_a_text_check_gets_the_sample_spelled_with_underscores() -> None:
    spec = """
    Role:
      checks:
        code_is_valid: code::text ~ '^[a-z0-9_]{1,100}$'::text
      fields:
        code: text
        name: text
    """
    role = resource(spec, "Role")
    assert [c.sample for c in role.columns if c.name in ("code", "name")] == [
        'f"code_{n}"',
        'f"name-{n}"',
    ]
    assert role.update_column is not None
    assert role.update_column.update_sample == "'code_updated'"
    assert unmet(spec) == ()
