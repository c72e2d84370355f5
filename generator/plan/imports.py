"""Each generated module's imports, gathered from what its sub-models say they name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from persistgen import naming
from persistgen.plan.relations import type_checking_imports
from persistgen.project_model import (
    ColumnModel,
    LinkModel,
    OrmTable,
    RelationModel,
    ResourceModel,
    import_lines,
)
from persistgen.project_model.api import path_imports
from persistgen.project_model.dto import LinkFilter
from persistgen.project_model.types import resolve

Lines = tuple[str, ...]


def lines(package: str, *groups: Iterable[str]) -> Lines:
    return import_lines(resolve((spec for group in groups for spec in group), package))


def model(
    package: str,
    columns: Sequence[ColumnModel],
    relations: Sequence[RelationModel],
    links: Sequence[LinkModel],
    table: OrmTable,
) -> Lines:
    base = {"sqlalchemy.orm:Mapped", "sqlalchemy.orm:mapped_column", "{package}.db.base:Base"}
    if relations:
        base.add("sqlalchemy.orm:relationship")
    return lines(
        package,
        base,
        table.imports(),
        *(c.orm.imports() for c in columns),
        *(link.imports() for link in links),
    )


def type_checking(package: str, name: str, relations: Sequence[RelationModel]) -> Lines:
    return lines(package, type_checking_imports(name, relations))


def schema(
    package: str,
    columns: Sequence[ColumnModel],
    link_filters: Sequence[LinkFilter],
    *,
    versioned: bool,
) -> Lines:
    searched = any(c.search for c in columns)
    return lines(
        package,
        ["pydantic:Field"] if versioned or searched else [],  # `version`, `q`
        ["{package}.schemas.base:StrictInteger"] if versioned else [],  # `version`
        *(c.dto.imports() for c in columns),
        *(f.imports() for c in columns for f in c.filters),
        *(f.param.imports() for f in link_filters),
    )


def tests(
    package: str,
    update_column: ColumnModel | None,
    links: Sequence[LinkModel],
    clock_columns: Sequence[str],
) -> Lines:
    return lines(
        package,
        update_column.test.imports if update_column else (),
        *(link.missing.imports for link in links),
        ["tests.clocks:is_utc_now"] if clock_columns else [],
    )


def repository(
    package: str, name: str, relations: Sequence[RelationModel], links: Sequence[LinkModel]
) -> Lines:
    models = f"{package}.models"
    module = naming.snake(name)
    return lines(
        package,
        [f"{models}.{module}:{name}"],
        (f"{models}.{module}:{link.variable}" for link in links),
        (f"{models}.{link.target_module}:{link.target_class}" for link in links),
        (f"{models}.{naming.snake(rel.target)}:{rel.target}" for rel in relations if rel.live),
    )


def keys(package: str, key: Sequence[ColumnModel], links: Sequence[LinkModel]) -> Lines:
    """What the repository's key types need."""
    return lines(
        package,
        *(c.python_imports for c in key),
        *(link.target_type.python_imports for link in links),
        ["collections.abc:Sequence"] if links else [],
    )


def api(
    package: str,
    module: str,
    class_name: str,
    key: Sequence[ColumnModel],
    links: Sequence[LinkModel],
    *,
    relations: bool,
) -> Lines:
    """What a resource's route module names: its router's DTOs and repository, its key's path
    parameters, and the link routes' parameters and responses."""
    dtos = ("Create", "Read", "Update")
    found = {f"{package}.api.crud:{name}" for name in ("CrudRouter", "Dtos", "Names")} | {
        "functools",
        f"{package}:app_setup",
        f"{package}.repositories.{module}:{class_name}Repository",
        f"{package}.schemas.generated.{module}:{class_name}Query",
        *(f"{package}.schemas.{module}:{class_name}{dto}" for dto in dtos),
    }
    if relations:
        found |= {
            f"{package}.schemas.details:{class_name}Detail",
            f"{package}.schemas.generated.{module}:{class_name}Load",
        }
    if links:
        found |= {
            "typing:Annotated",  # the page parameters
            "fastapi:Query",
            "fastapi:status",
            f"{package}.db.session:SessionDep",
            f"{package}.schemas.base:DEFAULT_PAGE_SIZE",
            f"{package}.schemas.base:INT64_MAX",
            f"{package}.schemas.base:MAX_PAGE_SIZE",
            f"{package}.schemas.base:Page",
            f"{package}.api.crud:problems",
        }
    return lines(
        package,
        found,
        *(path_imports(c.type) for c in key),
        *(path_imports(link.target_type) for link in links),
        (f"{package}.schemas.{link.target_module}:{link.target_class}Read" for link in links),
    )


def factories(package: str, resources: Sequence[ResourceModel]) -> Lines:
    found = {
        "sqlalchemy.ext.asyncio:AsyncSession",
        "typing:Any",
        "tests:overrides",
        f"{package}:fake",
    }
    if any(r.uses_counter for r in resources):
        found.add("itertools")
    for r in resources:
        found |= {
            f"{package}.models.{r.module}:{r.class_name}",
            f"{package}.repositories.{r.module}:{r.class_name}Repository",
            f"{package}.schemas.{r.module}:{r.class_name}Create",
        }
    return lines(package, found)


def fake(package: str, resources: Sequence[ResourceModel]) -> Lines:
    """{package}/fake.py: what the sample values name."""
    found = {"typing:Any"}
    for r in resources:
        found.update(i for c in r.columns if c.in_create for i in c.test.imports)
    return lines(package, found)


def seed(package: str, resources: Sequence[ResourceModel]) -> Lines:
    """{package}/seed.py: each resource's repository and Create DTO."""
    found = {"sys", f"{package}:fake", f"{package}.db.seed:Seedable", f"{package}.db.seed:main"}
    if any(r.refs for r in resources):
        found.add(f"{package}.db.seed:Ref")
    for r in resources:
        found |= {
            f"{package}.repositories.{r.module}:{r.class_name}Repository",
            f"{package}.schemas.{r.module}:{r.class_name}Create",
        }
    return lines(package, found)


def details(package: str, resources: Sequence[ResourceModel]) -> Lines:
    """The Read DTOs schemas/details.py nests."""
    modules = {r.class_name: r.module for r in resources}
    used = {
        name
        for r in resources
        if r.relations
        for name in (r.class_name, *(rel.target for rel in r.relations))
    }
    reads = (f"{package}.schemas.{modules[name]}:{name}Read" for name in used)
    return lines(package, reads, ("pydantic:Field",) if used else ())


def views(package: str, resources: Sequence[ResourceModel]) -> Lines:
    """tests/test_views.py: each view's repository, and what its missing key needs."""
    specs = {
        "pytest",
        "typing:Any",
        "httpx:AsyncClient",
        "sqlalchemy.ext.asyncio:AsyncSession",
        "{package}.repositories.view:ReadOnlyError",
        "{package}.repositories.view:ViewRepository",
    }
    for r in resources:
        specs.add(f"{{package}}.repositories.{r.module}:{r.class_name}Repository")
        specs.update(r.missing.imports)
    return lines(package, specs)
