"""The tests target: the table of cases the generated project's shared tests run over."""

from __future__ import annotations

from persistgen.plan import checks, imports
from persistgen.project_model.dto import FilterParam
from persistgen.project_model.resource import ResourceModel
from persistgen.project_model.suite import CaseModel, SuiteModel, UnmetCheck


def build_suite(package: str, resources: tuple[ResourceModel, ...]) -> SuiteModel:
    with checks.sqlite() as connection:
        cases = tuple(_case(r, checks.unmet_checks(connection, r)) for r in resources)
    return SuiteModel(cases, _imports(package, cases))


def _case(r: ResourceModel, unmet_checks: tuple[UnmetCheck, ...]) -> CaseModel:
    variable = r.module.upper()
    lists = "list" in r.routes
    filter_tests = r.filter_tests if lists else ()
    bulk_filter = _bulk_filter(r)
    return CaseModel(
        resource=r,
        variable=f"{variable}_CASE" if variable == "CASES" else variable,  # not the list's name
        key=tuple(c.name for c in r.key),
        server_keys=tuple(c.name for c in r.key if not c.in_create),
        path_keys=tuple(c.name for c in r.key if c.type.text and not c.foreign_key),
        contains_filter=next((f.name for f in r.filters if f.operator == "contains"), None),
        bulk_filter=bulk_filter,
        filter_tests=filter_tests,
        link_filters=r.link_filters if lists else (),
        search=r.search_test.name if lists and r.search_test else None,
        links=r.served_links,
        self_refs=_self_refs(r) if filter_tests or bulk_filter or _unique_self_ref(r) else (),
        unmet_checks=unmet_checks,
    )


def _bulk_filter(r: ResourceModel) -> FilterParam | None:
    """An equality filter for the bulk update, which sets one value on each row it matches:
    to change a unique column, one on values the rows do not share (counted, or references:
    each row's own target, or one row's for a reference to this resource)."""
    change = r.update_column
    if change is None or not change.orm.unique:
        return r.bulk_filter if change else None
    columns = {c.name: c for c in r.columns}
    return next(
        (
            f
            for f in r.filter_tests
            if f.operator == "eq"
            and columns[f.column].orm.onupdate is None
            and (columns[f.column].test.counter or columns[f.column].foreign_key)
        ),
        None,
    )


def _self_refs(r: ResourceModel) -> tuple[tuple[str, str], ...]:
    """References to the same resource, which the filter tests set: factories leave them empty."""
    return tuple((ref.column, ref.target_key) for ref in r.refs if ref.self_reference)


def _unique_self_ref(r: ResourceModel) -> bool:
    """A reference to the same resource in a unique key: the upsert and duplicate tests set
    it, since a key holding a null never conflicts (NULLs are distinct in SQL)."""
    keyed = {name for key in r.unique_keys for name in key}
    return any(ref.self_reference and ref.column in keyed for ref in r.refs)


def _imports(package: str, cases: tuple[CaseModel, ...]) -> tuple[str, ...]:
    """The repositories, update DTOs, sample values and case parts the case table names."""
    resources = tuple(c.resource for c in cases)
    specs = {"pytest", "tests:factories", "tests.support:Case", "tests.support:name_of"}
    parts = {
        "Change": any(r.update_column for r in resources),
        "Filter": any(c.filter_tests or c.bulk_filter for c in cases),
        "Link": any(r.served_links for r in resources),
        "Member": any(c.link_filters for c in cases),
        "Ref": any(r.external_refs for r in resources),
        "Relation": any(r.relations for r in resources),
    }
    specs.update(f"tests.support:{name}" for name, used in parts.items() if used)
    for r in resources:
        specs.add(f"{package}.repositories.{r.module}:{r.class_name}Repository")
        if r.update_column:
            specs |= {f"{package}.schemas.{r.module}:{r.class_name}Update", "tests:overrides"}
            specs.update(r.update_column.sample_imports)
        specs.update(r.missing.imports)  # a key no row has
        specs.update(i for link in r.served_links for i in link.missing.imports)
        specs.update(i for f in r.link_filters for i in f.missing.imports)
    return imports.lines(package, specs)
