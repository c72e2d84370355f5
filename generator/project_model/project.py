"""The whole project: its resources, enums and settings, and what its shared modules need."""

from __future__ import annotations

from dataclasses import dataclass

from persistgen.code_text import string_literal
from persistgen.migrate.schema import DbObject, DbTable
from persistgen.project_model.admin import AdminView, admin_view
from persistgen.project_model.resource import ResourceModel
from persistgen.project_model.suite import SuiteModel


@dataclass(frozen=True)
class EnumModel:
    class_name: str
    members: tuple[tuple[str, str], ...]  # (MEMBER_NAME, quoted value)


@dataclass(frozen=True)
class PoolModel:
    size: int
    max_overflow: int
    recycle: int
    timeout: float
    pre_ping: bool
    transaction_pooler: bool


@dataclass(frozen=True)
class TimeoutModel:
    statement: float
    idle_in_transaction: float
    command: float


@dataclass(frozen=True)
class SeedRow:
    """One fixture row of the README's seed example."""

    resource: str  # as fixtures name it: the spec's name
    fields: tuple[tuple[str, str], ...]  # (field as fixtures name it, its value spelled in YAML)


@dataclass(frozen=True)
class SeedExample:
    """The README's fixture example: a row of a resource with a natural key and, when one
    references it, a row of that child naming it by that key; the values the tests use."""

    rows: tuple[SeedRow, ...]
    # The child's reference and the parent's natural key as a mapping (field, YAML value).
    reference: tuple[str, tuple[tuple[str, str], ...]] | None = None


@dataclass(frozen=True)
class ProjectModel:
    name: str
    package: str
    title: str
    description: str
    database_url: str
    pool: PoolModel
    timeouts: TimeoutModel
    resources: tuple[ResourceModel, ...]  # in foreign-key dependency order
    enums: tuple[EnumModel, ...]
    factory_imports: tuple[str, ...]
    fake_imports: tuple[str, ...]  # {package}/fake.py's: what the sample values name
    seed_imports: tuple[str, ...]  # {package}/seed.py's
    schema: str | None  # the PostgreSQL schema of every table; None: the default one
    detail_imports: tuple[str, ...]  # the Read DTOs schemas/details.py builds on
    suite: SuiteModel  # what the generated tests run over
    idempotency: DbTable  # the table of the answers to writes sent with an Idempotency-Key
    max_page_size: int = 100
    default_page_size: int = 20
    objects: tuple[DbObject, ...] = ()  # the spec's `database_objects`, carried verbatim
    # Tables of the database the spec leaves alone (`project.unmanaged_tables`).
    unmanaged_tables: tuple[str, ...] = ()
    view_test_imports: tuple[str, ...] = ()  # tests/test_views.py's, when there are views
    # An imported project's baseline revision (what the database held): README says to stamp it.
    baseline: str | None = None
    # `project.rolling_deploys`: a removed or renamed field's column is retired, not dropped
    # (migrate/rolling.py); `retired_columns`, as `table.column`, the ones the database keeps.
    rolling_deploys: bool = False
    retired_columns: tuple[str, ...] = ()
    admin: bool = False  # `project.admin`: an admin page at /admin/ (admin.py)
    seed_example: SeedExample | None = None  # None: no resource takes fixture rows

    @property
    def description_literal(self) -> str:
        """The spec's description as the app's `FastAPI(description=...)` takes it."""
        return string_literal(self.description, 4, "description=")

    @property
    def admin_views(self) -> tuple[AdminView, ...]:
        return tuple(admin_view(r) for r in self.resources)

    @property
    def admin_filters(self) -> tuple[str, ...]:
        """The sqladmin filter classes admin.py uses."""
        return tuple(sorted({f.kind for v in self.admin_views for f in v.filters}))

    @property
    def uses_counter(self) -> bool:
        return any(r.uses_counter for r in self.resources)

    @property
    def uses_short_text(self) -> bool:
        """A text field too short for `name-<n>` test data."""
        return any(c.test.short_text for r in self.resources for c in r.columns)

    @property
    def uses_soft_delete(self) -> bool:
        return any(r.soft_delete for r in self.resources)

    @property
    def uses_views(self) -> bool:
        return any(r.view for r in self.resources)

    @property
    def views(self) -> tuple[ResourceModel, ...]:
        """The resources over a view: read-only, tested apart from the tables' cases."""
        return tuple(r for r in self.resources if r.view)

    @property
    def uses_versions(self) -> bool:
        return any(r.versioned for r in self.resources)

    @property
    def uses_links(self) -> bool:
        return any(r.links for r in self.resources)

    @property
    def uses_search(self) -> bool:
        """A `search` field: trigram indexes on PostgreSQL."""
        return any(r.searched for r in self.resources)

    @property
    def uses_text_match(self) -> bool:
        """`q` or a `__contains` filter: SQLite needs its Unicode lower-casing function."""
        return self.uses_search or any(
            f.operator == "contains" for r in self.resources for f in r.filters
        )

    @property
    def uses_relations(self) -> bool:
        return any(r.relations for r in self.resources)

    @property
    def uses_aware_time(self) -> bool:
        """A `time` field with `timezone: true`."""
        return any(
            c.type.aware and c.db.kind == "time" and not c.foreign_key
            for r in self.resources
            for c in r.columns
        )

    @property
    def uses_column_types(self) -> bool:
        """A column typed by db/column_types.py (char, real, inet, list) or bounded by
        schemas/value_types.py (smallint, interval): the project gets both modules."""
        return any(c.type.runtime_module for r in self.resources for c in r.columns)

    @property
    def uses_clocks(self) -> bool:
        """A `server_default: now` field."""
        return any(r.clock_columns for r in self.resources)

    @property
    def tables(self) -> tuple[DbTable, ...]:
        """Every table, each after the tables it references (association tables, then the
        idempotency keys', last)."""
        resources = tuple(r.db for r in self.resources if not r.view)
        links = tuple(link.db for r in self.resources for link in r.links)
        return (*resources, *links, self.idempotency)

    @property
    def unmodelled(self) -> tuple[str, ...]:
        """The names `alembic check` leaves alone: the objects' (a table or index one makes is
        not the models' to compare) and the views' (a model no table of the migrations holds)."""
        # Alembic names them without their schema.
        objects = {o.name.rsplit(".", 1)[-1].strip('"') for o in self.objects}
        names = objects | {r.table for r in self.resources if r.view} | set(self.unmanaged_tables)
        return tuple(sorted(names | set(self.unmodelled_columns)))

    @property
    def unmodelled_columns(self) -> tuple[str, ...]:
        """`sql` objects named `<table>.<column>` for a table of the models: columns carried
        verbatim (or retyped, as with a domain), which `alembic check` leaves alone; so are the
        columns retired for rolling deploys, which the models no longer have."""
        tables = {t.name for t in self.tables}
        carried = {
            o.name
            for o in self.objects
            if o.kind == "sql" and o.name.partition(".")[0] in tables and "." in o.name
        }
        return tuple(sorted(carried | set(self.retired_columns)))

    @property
    def unmodelled_literal(self) -> str:
        return f"frozenset({{{', '.join(map(repr, self.unmodelled))}}})"
