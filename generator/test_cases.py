"""What a generated project's shared tests know of each resource, decided once for templates.

The generated tests are parametrized over a table of cases (`tests/cases.py`); a test that
only some resources need runs over those. pytest reports an empty parameter set as a skip, so
a test module leaves out each test no resource needs; `SuiteModel` says which those are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from persistgen.plan import import_lines
from persistgen.render_model import FilterParam, ProjectModel, ResourceModel


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


def suite(project: ProjectModel) -> SuiteModel:
    cases = tuple(_case(r) for r in project.resources)
    resources = project.resources
    return SuiteModel(
        cases=cases,
        variables=MappingProxyType({c.resource.module: c.variable for c in cases}),
        imports=_imports(project),
        composite=any(len(c.key) > 1 for c in cases),
        updates=any(r.update_column for r in resources),
        upserts=any(r.upsert_key for r in resources),
        bulk=any(c.bulk_filter for c in cases),
        relations=any(r.relations for r in resources),
        filters=any(r.filter_tests for r in resources),
        conflicts=any(r.conflict_testable for r in resources),
        clocks=any(r.clock_columns for r in resources),
        aware=any(r.aware_column for r in resources),
        aware_time=any(r.aware_time_column for r in resources),
        references=any(r.external_refs for r in resources),
        soft_delete=any(r.soft_delete for r in resources),
        versions=any(r.versioned and r.update_column for r in resources),
        links=any(r.links for r in resources),
    )


def _case(r: ResourceModel) -> CaseModel:
    variable = r.module.upper()
    return CaseModel(
        resource=r,
        variable=f"{variable}_CASE" if variable == "CASES" else variable,  # not the list's name
        key=tuple(c.name for c in r.key),
        server_keys=tuple(c.name for c in r.key if not c.in_create),
        path_keys=tuple(c.name for c in r.key if c.db.kind == "str" and not c.foreign_key),
        contains_filter=next((f.name for f in r.filters if f.operator == "contains"), None),
        bulk_filter=r.bulk_filter if r.update_column else None,
    )


def _imports(project: ProjectModel) -> tuple[str, ...]:
    """The repositories, update DTOs, sample values and case parts the case table names."""
    package = project.package
    resources = project.resources
    specs = {"pytest", "tests:factories", "tests.support:Case", "tests.support:name_of"}
    parts = {
        "Change": any(r.update_column for r in resources),
        "Filter": any(r.filter_tests or (r.bulk_filter and r.update_column) for r in resources),
        "Link": any(r.links for r in resources),
        "Ref": any(r.external_refs for r in resources),
        "Relation": any(r.relations for r in resources),
    }
    specs.update(f"tests.support:{name}" for name, used in parts.items() if used)
    for r in resources:
        specs.add(f"{package}.repositories.{r.module}:{r.class_name}Repository")
        if r.update_column:
            specs.add(f"{package}.schemas.{r.module}:{r.class_name}Update")
            specs.update(r.update_column.sample_imports)
        if any(c.db.kind == "uuid" for c in r.key) or any(
            link.missing_key == "uuid4()" for link in r.links
        ):
            specs.add("uuid:uuid4")  # a key no row has
    return import_lines(specs)
