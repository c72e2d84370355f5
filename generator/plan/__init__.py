"""Build the project model from a validated spec: all naming, typing and imports happen here.

One module per concept: `columns` (a field's column and what each target makes of it),
`samples` (test data), `relations`, `links` (many-to-many), `resource` (one resource's
keys, constraints and test facts), `imports` (each generated module's imports), `targets`
(what a reference points at), `suite` (the table of cases the generated tests run over).
`build` puts the project together.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from persistgen import naming
from persistgen.plan import imports, plurals
from persistgen.plan.idempotency import idempotency_table
from persistgen.plan.objects import database_objects
from persistgen.plan.relations import pointing
from persistgen.plan.resource import resource
from persistgen.plan.seed_example import seed_example
from persistgen.plan.suite import build_suite
from persistgen.project_model import (
    EnumModel,
    PoolModel,
    ProjectModel,
    TimeoutModel,
    import_lines,
)
from persistgen.spec import cycles
from persistgen.spec.model import Spec
from persistgen.typemap import CLOCKS

__all__ = ["CLOCKS", "build", "import_lines"]


def build(spec: Spec, recorded: Mapping[str, str] | None = None) -> ProjectModel:
    """`recorded`: each resource's table as the migration history records it; one an older
    persistgen named by its plural rule keeps that plural (`plurals.kept`)."""
    legacy = plurals.kept(spec, recorded or {})
    spec = plurals.with_plurals(spec, legacy)
    package = spec.project.python_package
    ordered = _dependency_order(spec)
    incoming = pointing(spec)
    resources = tuple(
        resource(spec, name, incoming, collection=legacy.get(name)) for name in ordered
    )
    # Views take no rows from the tests' factories: tests/test_views.py reads them.
    suite = build_suite(package, tuple(r for r in resources if not r.view))
    return ProjectModel(
        name=spec.project.name,
        package=package,
        title=spec.project.name.replace("-", " ").replace("_", " ").title(),
        description=spec.project.description,
        database_url=spec.project.database_url or f"sqlite+aiosqlite:///./{package}.db",
        pool=PoolModel(**spec.project.pool.model_dump()),
        schema=spec.project.schema_,
        timeouts=TimeoutModel(**spec.project.timeouts.model_dump()),
        resources=resources,
        enums=tuple(_enums(spec, ordered)),
        factory_imports=imports.factories(package, [r for r in resources if not r.view]),
        fake_imports=imports.fake(package, [r for r in resources if not r.view]),
        seed_imports=imports.seed(package, [r for r in resources if not r.view]),
        detail_imports=imports.details(package, resources),
        suite=suite,
        idempotency=idempotency_table(spec.project.schema_),
        objects=database_objects(spec),
        unmanaged_tables=tuple(spec.project.unmanaged_tables),
        rolling_deploys=spec.project.rolling_deploys,
        admin=spec.project.admin,
        view_test_imports=imports.views(package, [r for r in resources if r.view]),
        seed_example=seed_example(resources, suite),
    )


def _dependency_order(spec: Spec) -> list[str]:
    """Resources sorted so that referenced tables come first (stable: spec order otherwise).
    In a cycle of references, the nullable ones (whose foreign keys come after the tables,
    spec/cycles.py) do not count."""
    later = cycles.deferred(spec)
    done: dict[str, None] = {}  # a dict keeps the order and answers `in` at once
    for root in spec.resources:
        if root in done:
            continue
        # Depth first without recursion (a chain of references may be thousands long):
        # the path from the root, each name with the targets it has yet to visit.
        trail = {root: _targets(spec, root, later)}
        while trail:
            name, pending = next(reversed(trail.items()))
            target = next(pending, None)
            if target is None:
                del trail[name]
                done[name] = None
            elif target not in done and target not in trail:
                trail[target] = _targets(spec, target, later)
    return list(done)


def _targets(spec: Spec, name: str, later: frozenset[tuple[str, str]]) -> Iterator[str]:
    for field_name, field in spec.resources[name].fields.items():
        skipped = (name, field_name) in later
        if field.type == "ref" and field.target and field.target != name and not skipped:
            yield field.target


def _enums(spec: Spec, ordered: list[str]) -> list[EnumModel]:
    return [
        EnumModel(naming.enum_class(name, field_name), naming.enum_members(field.values or []))
        for name in ordered
        for field_name, field in spec.resources[name].fields.items()
        if field.type == "enum"
    ]
