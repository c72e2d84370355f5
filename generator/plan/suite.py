"""The tests target: the table of cases the generated project's shared tests run over."""

from __future__ import annotations

from types import MappingProxyType

from persistgen.plan import imports
from persistgen.project_model.resource import ResourceModel
from persistgen.project_model.suite import CaseModel, SuiteModel


def build_suite(package: str, resources: tuple[ResourceModel, ...]) -> SuiteModel:
    cases = tuple(_case(r) for r in resources)
    return SuiteModel(
        cases=cases,
        variables=MappingProxyType({c.resource.module: c.variable for c in cases}),
        imports=_imports(package, resources),
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


def _imports(package: str, resources: tuple[ResourceModel, ...]) -> tuple[str, ...]:
    """The repositories, update DTOs, sample values and case parts the case table names."""
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
        specs.update(r.missing.imports)  # a key no row has
        specs.update(i for link in r.links for i in link.missing.imports)
    return imports.lines(package, specs)
