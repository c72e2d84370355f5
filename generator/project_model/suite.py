"""The tests target: what a generated project's shared tests know of each resource.

The generated tests are parametrized over a table of cases (`tests/cases.py`); a test that
only some resources need runs over those. pytest reports an empty parameter set as a skip, so
a test module leaves out each test no resource needs; `SuiteModel` says which those are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from persistgen.project_model.dto import FilterParam
from persistgen.project_model.resource import ResourceModel


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


@dataclass(frozen=True)
class SuiteModel:
    """The cases, what `tests/cases.py` imports, and which parametrized tests have cases (what
    the whole project uses, such as links or soft delete, `ProjectModel.uses_*` says)."""

    cases: tuple[CaseModel, ...]
    imports: tuple[str, ...]

    @property
    def variables(self) -> Mapping[str, str]:
        """Each case's variable, by resource module."""
        return {c.resource.module: c.variable for c in self.cases}

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
        return any(c.resource.filter_tests for c in self.cases)

    @property
    def conflicts(self) -> bool:
        return any(c.resource.conflict_testable for c in self.cases)

    @property
    def aware(self) -> bool:
        return any(c.resource.aware_column for c in self.cases)

    @property
    def aware_time(self) -> bool:
        return any(c.resource.aware_time_column for c in self.cases)

    @property
    def references(self) -> bool:
        return any(c.resource.external_refs for c in self.cases)

    @property
    def versions(self) -> bool:
        """A versioned resource with a field to update: the stale-version test has a change."""
        return any(c.resource.versioned and c.resource.update_column for c in self.cases)
