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
    """The cases, what `tests/cases.py` imports, and which parametrized tests have cases."""

    cases: tuple[CaseModel, ...]
    variables: Mapping[str, str]  # each case's variable, by resource module
    imports: tuple[str, ...]
    composite: bool
    updates: bool
    upserts: bool
    bulk: bool
    relations: bool
    filters: bool
    conflicts: bool
    clocks: bool
    aware: bool
    aware_time: bool
    references: bool
    soft_delete: bool
    versions: bool
    links: bool
