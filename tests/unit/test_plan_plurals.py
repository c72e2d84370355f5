"""Default plurals: correct English for new names, the old rule's for tables a project's
history records by it (regenerating renames no table and moves no route)."""

from __future__ import annotations

from persistgen import plan
from persistgen.project_model import ProjectModel, ResourceModel
from persistgen.spec.validate import read_spec_text

SPEC = """\
version: 1
project: {name: school}
resources:
  Team:
    fields:
      name: str
  Person:
    fields:
      name: str
      team: ref:Team
      mentor: {type: ref, target: Team, back_populates: mentees}
      clubs: many:Club
  Child:
    fields:
      guardian: {type: ref, target: Person, unique: true}
  Club:
    table: societies
    fields:
      name: str
"""


def _build(recorded: dict[str, str] | None = None) -> ProjectModel:
    return plan.build(read_spec_text(SPEC), recorded)


def _resource(project: ProjectModel, name: str) -> ResourceModel:
    return next(r for r in project.resources if r.class_name == name)


def _relations(project: ProjectModel, name: str) -> set[str]:
    return {rel.name for rel in _resource(project, name).relations}


def test_a_new_project_gets_english_plurals() -> None:
    project = _build()
    person = _resource(project, "Person")
    assert (person.table, person.route, person.collection) == ("people", "people", "people")
    assert person.db.name == "people"
    assert _resource(project, "Child").table == "children"
    assert {"people", "mentees"} <= _relations(project, "Team")
    assert "people" in _relations(project, "Club")
    fk = next(c.foreign_key for c in _resource(project, "Child").columns if c.foreign_key)
    assert fk is not None and fk.target_table == "people"


def test_a_table_the_history_records_by_the_old_rule_keeps_its_plural() -> None:
    project = _build({"Person": "persons", "Child": "childs", "Team": "teams"})
    person = _resource(project, "Person")
    assert (person.table, person.route, person.collection) == ("persons", "persons", "persons")
    assert person.db.name == "persons"
    assert _resource(project, "Child").table == "childs"
    # The reverses named after it keep its old plural too; a declared one stays as declared.
    assert {"persons", "mentees"} <= _relations(project, "Team")
    assert "persons" in _relations(project, "Club")
    assert "child" in _relations(project, "Person")  # a unique reference's: the singular
    fk = next(c.foreign_key for c in _resource(project, "Child").columns if c.foreign_key)
    assert fk is not None and fk.target_table == "persons"
    assert {t.name for t in project.tables} >= {"persons", "childs", "teams", "societies"}


def test_any_other_recorded_table_gives_way_to_the_new_plural() -> None:
    """A table named otherwise (a `table` since removed) is renamed to the default, as before."""
    project = _build({"Person": "humans", "Child": "children"})
    assert _resource(project, "Person").table == "people"
    assert _resource(project, "Child").table == "children"


def test_a_table_the_spec_names_is_kept_whatever_the_history_says() -> None:
    project = _build({"Club": "clubs"})
    club = _resource(project, "Club")
    assert (club.table, club.route, club.collection) == ("societies", "societies", "clubs")
