"""The tests target: what a generated project's shared tests know of each resource.

The generated tests are parametrized over a table of cases (`tests/cases.py`); a test that
only some resources need runs over those. pytest reports an empty parameter set as a skip, so
a test module leaves out each test no resource needs; `SuiteModel` says which those are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from persistgen.project_model.dto import FilterParam, LinkFilter
from persistgen.project_model.orm import LinkModel
from persistgen.project_model.resource import ResourceModel


@dataclass(frozen=True)
class UnmetCheck:
    """A CHECK constraint the generated test data breaks, or that could not be evaluated."""

    name: str  # its name in the spec
    sql: str
    fields: tuple[str, ...]  # the fields the factories send that it names
    evaluable: bool  # False: SQLite could not read it (PostgreSQL-only syntax, say)


@dataclass(frozen=True)
class CaseModel:
    """One resource's row in `tests/cases.py`."""

    resource: ResourceModel
    variable: str  # its name in `tests/cases.py`
    key: tuple[str, ...]  # the primary key's attributes
    server_keys: tuple[str, ...]  # key columns the database sets: a client cannot send them
    path_keys: tuple[str, ...]  # text key columns: a path segment cannot hold a "/"
    contains_filter: str | None  # a text filter, to show that a cursor belongs to its list
    bulk_filter: FilterParam | None  # an equality filter the bulk update and delete use
    filter_tests: tuple[FilterParam, ...]  # filters tried over HTTP: none without `list`
    link_filters: tuple[LinkFilter, ...]  # many-to-many filters tried over HTTP: likewise
    search: str | None  # the searched column the tests fill, when `list` is served
    links: tuple[LinkModel, ...]  # collections linked over HTTP: none without `links`
    # References to a row of the same resource (column, the attribute it holds), which
    # factories leave empty: a filter test sets them to find a value, and the upsert and
    # duplicate tests to make a unique key that holds one conflict.
    self_refs: tuple[tuple[str, str], ...]
    unmet_checks: tuple[UnmetCheck, ...]  # checks the generated test data may break


def _serves(case: CaseModel, *routes: str) -> bool:
    return all(route in case.resource.routes for route in routes)


@dataclass(frozen=True)
class SuiteModel:
    """The cases, what `tests/cases.py` imports, and which parametrized tests have cases (what
    the whole project uses, such as links or soft delete, `ProjectModel.uses_*` says)."""

    cases: tuple[CaseModel, ...]
    imports: tuple[str, ...]

    @cached_property  # looked up for every reference in `tests/cases.py`
    def variables(self) -> Mapping[str, str]:
        """Each case's variable, by resource module."""
        return {c.resource.module: c.variable for c in self.cases}

    @property
    def partial(self) -> bool:
        """Some resource leaves routes out: each HTTP test runs over the cases serving its
        routes, and `tests/test_routes.py` checks both sides."""
        return any(c.resource.left_out for c in self.cases)

    def each(self, having: str | None, *routes: str) -> str:
        """The arguments of `each_case` for a test that asks for these routes."""
        args = [repr(having)] if having else []
        if self.partial:
            args.append(f"serving={routes!r}")
        return ", ".join(args)

    def where(self, case: str, *routes: str) -> str:
        """The condition, in a comprehension over cases, that `case` serves these routes."""
        names = ", ".join(f'"{route}"' for route in routes)
        return f" if {case}.serves({names})" if self.partial else ""

    def first_serving(self, route: str) -> int | None:
        """The index of the first case serving `route` (tests that need one resource)."""
        return next((i for i, c in enumerate(self.cases) if route in c.resource.routes), None)

    @property
    def check_notes(self) -> tuple[str, ...]:
        """What to do about each check the test data breaks (or that could not be tried)."""
        return tuple(_check_note(c.resource, check) for c in self.cases for check in c.unmet_checks)

    @property
    def composite(self) -> bool:
        return any(len(c.key) > 1 for c in self.cases)

    @property
    def updates(self) -> bool:
        return any(c.resource.update_column for c in self.cases)

    @property
    def upserts(self) -> bool:
        return any(c.resource.upsert_key for c in self.cases)

    @property
    def bulk(self) -> bool:
        return any(c.bulk_filter for c in self.cases)

    @property
    def filters(self) -> bool:
        return any(c.filter_tests for c in self.cases)

    @property
    def links(self) -> bool:
        return any(c.links for c in self.cases)

    @property
    def bounded(self) -> bool:
        """Some resource clients create has a field the spec bounds (`ge` / `le`)."""
        return any(c.resource.spec_bounds and _serves(c, "create") for c in self.cases)

    @property
    def link_filters(self) -> bool:
        return any(c.link_filters for c in self.cases)

    @property
    def searches(self) -> bool:
        return any(c.search for c in self.cases)

    @property
    def conflicts(self) -> bool:
        return any(c.resource.conflict_testable and _serves(c, "create") for c in self.cases)

    @property
    def generated(self) -> bool:
        return any(c.resource.generated and _serves(c, "create", "get") for c in self.cases)

    @property
    def write_only(self) -> bool:
        return any(c.resource.write_only and _serves(c, "create", "get") for c in self.cases)

    @property
    def numbered(self) -> bool:
        """A key the database numbers, which a deleted row must not give the next one."""
        return any(
            c.resource.db.autoincrement and _serves(c, "create", "delete", "get")
            for c in self.cases
        )

    @property
    def aware(self) -> bool:
        return any(c.resource.aware_column and _serves(c, "create", "get") for c in self.cases)

    @property
    def aware_time(self) -> bool:
        return any(c.resource.aware_time_column and _serves(c, "create", "get") for c in self.cases)

    @property
    def references(self) -> bool:
        """A reference whose target serves `delete`: what deleting the target does."""
        serving = {c.resource.module for c in self.cases if _serves(c, "delete")}
        return any(
            ref.target_module in serving for c in self.cases for ref in c.resource.external_refs
        )

    @property
    def relations(self) -> bool:
        return any(c.resource.relations and _serves(c, "get") for c in self.cases)

    @property
    def restores(self) -> bool:
        """A soft-deleted resource serving what the delete-and-restore test asks for."""
        return any(
            c.resource.soft_delete and _serves(c, "delete", "get", "list", "restore")
            for c in self.cases
        )

    @property
    def versions(self) -> bool:
        """A versioned resource with a field to update: the stale-version test has a change."""
        return any(
            c.resource.versioned and c.resource.update_column and _serves(c, "create", "update")
            for c in self.cases
        )


def _check_note(r: ResourceModel, check: UnmetCheck) -> str:
    """The note `generate` prints: the check, what is known of it, and the values to give."""
    fields = ", ".join(f'"{name}": ...' for name in check.fields or ("<field>",))
    values = f'in `values`, `if resource == "{r.module}": return {{{fields}}}`'
    change = r.update_column
    if change and change.name in check.fields:
        values += f', and in `update_value` one for ("{r.module}", "{change.name}")'
    if check.evaluable:
        return (
            f"{r.class_name}: the generated test data breaks check {check.name!r} "
            f"({check.sql}), so its generated tests fail; give values that satisfy it in "
            f"tests/overrides.py: {values}"
        )
    return (
        f"{r.class_name}: check {check.name!r} ({check.sql}) could not be tried on the "
        "generated test data (SQLite cannot evaluate it); if the generated tests fail on it, "
        f"give values that satisfy it in tests/overrides.py: {values}"
    )
