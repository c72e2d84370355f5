"""The render model: every name, type, import and literal decided, ready for templates.

Frozen, plain dataclasses. Templates only lay these values out; they never compute one.
"""

from __future__ import annotations

from dataclasses import dataclass

from persistgen.migrate.schema import DbColumn, DbTable, ForeignKeyModel


@dataclass(frozen=True)
class EnumModel:
    class_name: str
    members: tuple[tuple[str, str], ...]  # (MEMBER_NAME, quoted value)


@dataclass(frozen=True)
class FilterParam:
    """One query parameter a list can be filtered by."""

    name: str  # e.g. `status__in`
    column: str  # the model attribute it reads
    operator: str  # eq, in, gte, lte, contains or null
    decl: str  # its line in the resource's query DTO


@dataclass(frozen=True)
class ColumnModel:
    name: str
    python_type: str
    column_args: str  # inside `mapped_column(...)`
    db: DbColumn
    backfill: str | None  # a literal for existing rows when the column becomes NOT NULL
    previous_name: str | None  # the column's name before a declared rename
    primary_key: bool
    nullable: bool
    unique: bool
    index: bool
    in_create: bool
    in_update: bool
    create_decl: str  # a whole DTO field line, e.g. `title: str = Field(max_length=200)`
    constrained: bool  # its DTO declarations use pydantic's `Field(...)`
    update_decl: str
    read_decl: str
    sample: str  # an expression of `n` giving a valid, distinct value for tests
    update_sample: str  # a value different from `sample`
    update_compare: str  # how a test compares it: `is` for booleans, `==` otherwise
    aware: bool  # a datetime or time with a time zone
    sample_imports: tuple[str, ...]  # what `sample` and `update_sample` need, as import specs
    python_imports: tuple[str, ...]  # what `python_type` needs
    filters: tuple[FilterParam, ...]
    foreign_key: ForeignKeyModel | None = None


@dataclass(frozen=True)
class RelationModel:
    name: str
    annotation: str  # e.g. `Mapped[User]`, `Mapped[list[Post]]`
    args: str  # inside `relationship(...)`
    target: str  # the related class
    collection: bool  # many rows: loaded with SELECT ... IN; one row: with a JOIN
    column: str | None = None  # a many-to-one's foreign key column
    target_key: str = "id"  # the related class's primary key
    live: str | None = None  # loads skip soft-deleted related rows by this criterion

    @property
    def strategy(self) -> str:
        return "selectin" if self.collection else "joined"


@dataclass(frozen=True)
class LinkModel:
    """A many-to-many field: its association table, and the repository methods and routes."""

    name: str  # the collection on the owner, e.g. `tags`
    table: str  # the association table
    variable: str  # its `Table` in the owner's module (suffixed: it must not shadow an import)
    owner_column: str  # e.g. `post_id`
    item_column: str  # e.g. `tag_id`
    table_code: str  # the `Table(...)` call
    target_class: str
    target_module: str
    target_route: str
    target_key: str  # the target's primary key attribute
    target_key_type: str
    target_key_annotation: str  # the target's key as a path parameter
    target_live: str | None  # the criterion that skips soft-deleted targets
    missing_key: str  # a target key no row has, for tests
    previous: str | None  # `Owner.field` before a declared rename of either, as in DbTable.resource
    db: DbTable


@dataclass(frozen=True)
class RefModel:
    """A many-to-one reference, as the test factories need it."""

    column: str
    target_module: str
    target_key: str  # the target attribute the reference holds
    target_route: str
    on_delete: str  # what deleting the target does: "cascade", "set null", "refuse" or "keep"
    self_reference: bool
    target_keys: tuple[str, ...]  # the target's primary key attributes, to address it over HTTP

    def target_url(self, row: str) -> str:
        """The path segments that address the target `row`, inside an f-string."""
        return "/".join(f"{{{row}.{key}}}" for key in self.target_keys)


@dataclass(frozen=True)
class ResourceModel:
    class_name: str
    module: str  # snake_case, the file name in models/, schemas/, repositories/, api/
    collection: str  # snake_case plural, e.g. `blog_posts` (names that act on many rows)
    table: str
    route: str  # URL path segment, e.g. `blog-posts`
    label: str  # human name, e.g. `blog post`
    description: str
    table_args: tuple[str, ...]  # items of `__table_args__`, e.g. CHECK constraints
    mapper_args: str  # `__mapper_args__` when needed, else ""
    soft_delete: bool  # deleting sets `deleted_at`; queries skip such rows
    base_repository: str  # the generic repository class the generated one specialises
    versioned: bool  # `version` counts updates; an update naming an older one is refused
    key: tuple[ColumnModel, ...]  # the primary key's columns: one, or several (composite)
    missing_key: str  # a key no row has, as the repository takes it, for tests
    key_type: str  # its Python type: the column's, or a tuple of theirs
    key_annotations: tuple[str, ...]  # each key column as a path parameter, bounded to its range
    columns: tuple[ColumnModel, ...]
    relations: tuple[RelationModel, ...]
    links: tuple[LinkModel, ...]
    refs: tuple[RefModel, ...]
    external_refs: tuple[RefModel, ...]  # references to other resources (tests create those)
    db: DbTable
    previous_name: str | None  # the resource's name before a declared rename
    conflict_testable: bool  # a unique column a client sets, so a duplicate POST must be a 409
    filters: tuple[FilterParam, ...]
    filter_tests: tuple[FilterParam, ...]  # filters the generated tests try on factory rows
    bulk_filter: FilterParam | None  # an equality filter for the bulk update/delete test
    unique_keys: tuple[tuple[str, ...], ...]  # what `upsert` and `get_or_create` match on
    upsert_key: tuple[str, ...] | None  # a unique key clients set, for tests
    sort_keys: tuple[str, ...]
    sort_values: tuple[str, ...]  # what `sort=` accepts: each key, and `-key` for descending
    keyset_sorts: tuple[str, ...]  # sorts a cursor can follow (no nullable column), for tests
    create_non_nullable: tuple[str, ...]  # DTO fields that refuse an explicit null
    update_non_nullable: tuple[str, ...]
    update_column: ColumnModel | None  # the column the generated tests update
    aware_column: ColumnModel | None  # a timezone-aware datetime clients send, for tests
    aware_time_column: ColumnModel | None  # a `time` with `timezone: true` set on create
    clock_columns: tuple[str, ...]  # the database clock sets them (`now`), clients cannot
    uses_counter: bool  # whether the test data of this resource needs a fresh number `n`
    model_imports: tuple[str, ...]
    model_type_checking_imports: tuple[str, ...]
    schema_imports: tuple[str, ...]
    test_imports: tuple[str, ...]
    key_imports: tuple[str, ...]  # what the primary key's type needs (repositories)
    repository_imports: tuple[str, ...]  # the models the generated repository names
    key_overflow: str | None  # a one-column integer key just past its range, for tests
    api_imports: tuple[str, ...]

    # How templates spell the key. A one-column key is `key` in routes and repositories; a
    # composite one is a tuple in repositories and one path segment per column in routes.
    @property
    def composite(self) -> bool:
        return len(self.key) > 1

    @property
    def key_params(self) -> str:
        """The parameters of a route that addresses one row."""
        if not self.composite:
            return f"key: {self.key_annotations[0]}"
        pairs = zip(self.key, self.key_annotations, strict=True)
        return ", ".join(f"{column.name}: {annotation}" for column, annotation in pairs)

    @property
    def key_path(self) -> str:
        """The route path after the collection, e.g. `/{key}`."""
        if not self.composite:
            return "/{key}"
        return "".join(f"/{{{c.name}}}" for c in self.key)

    @property
    def key_value(self) -> str:
        """The key in a route, as the repository takes it."""
        return f"({', '.join(c.name for c in self.key)})" if self.composite else "key"

    def key_of(self, row: str) -> str:
        """The key of the model or DTO `row`."""
        if not self.composite:
            return f"{row}.{self.key[0].name}"
        return f"({', '.join(f'{row}.{c.name}' for c in self.key)})"

    def key_in(self, item: str) -> str:
        """The key of the JSON object `item`."""
        if not self.composite:
            return f"{item}[{self.key[0].name!r}]"
        return f"({', '.join(f'{item}[{c.name!r}]' for c in self.key)})"

    def key_url(self, key: str) -> str:
        """The path segments of the key `key`, inside an f-string."""
        if not self.composite:
            return f"{{{key}}}"
        return "/".join(f"{{{key}[{i}]}}" for i in range(len(self.key)))


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
    uses_counter: bool
    uses_short_text: bool  # a text field too short for `name-<n>` test data
    uses_soft_delete: bool
    uses_versions: bool
    uses_links: bool
    uses_relations: bool
    uses_aware_time: bool  # a `time` field with `timezone: true`
    uses_clocks: bool  # a `server_default: now` field
    schema: str | None  # the PostgreSQL schema of every table; None: the default one
    detail_imports: tuple[str, ...]  # the Read DTOs schemas/details.py builds on
    max_page_size: int = 100
    default_page_size: int = 20

    @property
    def tables(self) -> tuple[DbTable, ...]:
        """Every table, each after the tables it references (association tables last)."""
        resources = tuple(r.db for r in self.resources)
        return resources + tuple(link.db for r in self.resources for link in r.links)
