"""A resource and its columns: the facts every target's sub-model is built from."""

from __future__ import annotations

from dataclasses import dataclass

from persistgen.code_text import LINE_LENGTH, string_literal
from persistgen.migrate.schema import DbColumn, DbTable, ForeignKeyModel
from persistgen.project_model.api import path_annotation
from persistgen.project_model.dto import DtoField, FilterParam, LinkFilter, search_decl
from persistgen.project_model.orm import LinkModel, OrmColumn, OrmTable, RelationModel
from persistgen.project_model.types import Expr, Sample, Scalar, TypeInfo


@dataclass(frozen=True)
class ColumnModel:
    """One column, with what each target makes of it: `orm`, `dto`, `filters`, `test`, `db`."""

    name: str  # the model attribute
    type: TypeInfo  # a reference's is the type of the column it holds
    orm: OrmColumn
    dto: DtoField
    filters: tuple[FilterParam, ...]
    test: Sample
    db: DbColumn
    backfill: str | None  # a literal for existing rows when the column becomes NOT NULL
    previous_name: str | None  # the column's name before a declared rename
    in_create: bool
    in_update: bool
    numbered_key: bool = False  # a one-column integer key the database numbers
    search: bool = False  # lists look for `q` in it

    @property
    def primary_key(self) -> bool:
        return self.orm.primary_key

    @property
    def nullable(self) -> bool:
        return self.dto.nullable

    @property
    def unique(self) -> bool:
        return self.orm.unique

    @property
    def index(self) -> bool:
        return self.orm.index

    @property
    def foreign_key(self) -> ForeignKeyModel | None:
        return self.orm.foreign_key

    @property
    def python_type(self) -> str:
        return self.type.python

    @property
    def python_imports(self) -> tuple[str, ...]:
        """What `python_type` needs."""
        return self.type.python_imports

    @property
    def aware(self) -> bool:
        """A datetime or time with a time zone."""
        return self.type.aware

    @property
    def column_args(self) -> str:
        return self.orm.args

    @property
    def create_decl(self) -> str:
        return self.dto.create_decl

    @property
    def update_decl(self) -> str:
        return self.dto.update_decl

    @property
    def read_decl(self) -> str:
        return self.dto.read_decl

    @property
    def constrained(self) -> bool:
        return self.dto.constrained

    @property
    def in_read(self) -> bool:
        """In the Read DTO, so in responses; a write-only column never is."""
        return not self.dto.write_only

    @property
    def sample(self) -> str:
        """An expression of `n` giving a valid, distinct value for tests."""
        return self.test.value

    @property
    def factory_value(self) -> str:
        """`sample` where a factory holds it, `"<name>": <value>,` at 8 columns: in parentheses
        when that runs past the line length, so ruff format can break it after the key (what
        stays long, a long enum member or f-string, is then a line of one word, which ruff
        allows)."""
        line = 8 + len(repr(self.name)) + 2 + len(self.sample) + 1
        return self.sample if line <= LINE_LENGTH else f"({self.sample})"

    @property
    def update_sample(self) -> str:
        return self.test.update

    @property
    def update_compare(self) -> str:
        return self.test.compare

    @property
    def sample_imports(self) -> tuple[str, ...]:
        return self.test.imports


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
    field: str  # the spec's name for it, as seed fixtures name it (`author`, not `author_id`)
    # a nullable reference in a cycle of references: the factories leave it empty, as they
    # leave a self reference, or making one row would make the next forever
    cyclic: bool = False
    # a nullable reference a CHECK wants empty in the test data (plan/checks.py `fitted`,
    # `(plan_id IS NULL) <> (subscription_id IS NULL)`): the factories leave it empty too
    emptied: bool = False

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
    orm: OrmTable
    soft_delete: bool  # deleting sets `deleted_at`; queries skip such rows
    versioned: bool  # `version` counts updates; an update naming an older one is refused
    key: tuple[ColumnModel, ...]  # the primary key's columns: one, or several (composite)
    missing: Expr  # a key no row has, as the repository takes it, for tests
    columns: tuple[ColumnModel, ...]
    relations: tuple[RelationModel, ...]
    links: tuple[LinkModel, ...]
    refs: tuple[RefModel, ...]
    routes: tuple[str, ...]  # the routes it serves: list, get, create, update, delete, ...
    left_out: tuple[str, ...]  # the routes it could serve but the spec leaves out
    db: DbTable
    previous_name: str | None  # the resource's name before a declared rename
    conflict_testable: bool  # a unique column a client sets, so a duplicate POST must be a 409
    filter_tests: tuple[FilterParam, ...]  # filters the generated tests try on factory rows
    link_filters: tuple[LinkFilter, ...]  # many-to-many relationships lists filter by
    search_test: ColumnModel | None  # a searched column the generated tests fill, if any fits
    unique_keys: tuple[tuple[str, ...], ...]  # what `upsert` and `get_or_create` match on
    upsert_key: tuple[str, ...] | None  # a unique key clients set, for tests
    sort_keys: tuple[str, ...]
    keyset_sorts: tuple[str, ...]  # sorts a cursor can follow (no nullable column), for tests
    update_column: ColumnModel | None  # the column the generated tests update
    aware_column: ColumnModel | None  # a timezone-aware datetime clients send, for tests
    aware_time_column: ColumnModel | None  # a `time` with `timezone: true` set on create
    clock_columns: tuple[str, ...]  # the database clock sets them (`now`), clients cannot
    model_imports: tuple[str, ...]
    model_type_checking_imports: tuple[str, ...]
    schema_imports: tuple[str, ...]
    test_imports: tuple[str, ...]
    key_imports: tuple[str, ...]  # what the primary key's type needs (repositories)
    repository_imports: tuple[str, ...]  # the models the generated repository names
    api_imports: tuple[str, ...]
    view: bool = False  # read-only, over a view `database_objects` makes: no table of its own

    @property
    def description_literal(self) -> str:
        """The spec's description as `Names(description=...)` takes it, one argument a line."""
        return string_literal(self.description, 8, "description=")

    @property
    def crud_routes(self) -> tuple[str, ...] | None:
        """The CRUD routes its router adds, when the spec leaves some out (else all)."""
        return tuple(r for r in self.routes if r != "links") if self.left_out else None

    @property
    def served_links(self) -> tuple[LinkModel, ...]:
        """The many-to-many collections it serves sub-routes for."""
        return self.links if "links" in self.routes else ()

    @property
    def operation_ids(self) -> tuple[str, ...]:
        """Its routes' OpenAPI operationIds, their names: `list_issues`, `get_issue`, ...,
        `list_issue_labels`, `add_issue_labels`, `remove_issue_labels`."""
        crud = tuple(
            f"{r}_{self.collection if r == 'list' else self.module}"
            for r in self.routes
            if r != "links"
        )
        verbs = ("list", "add", "remove")
        return crud + tuple(f"{v}_{self.module}_{n.name}" for n in self.served_links for v in verbs)

    @property
    def table_args(self) -> tuple[str, ...]:
        return self.orm.table_args

    @property
    def mapper_args(self) -> str:
        return self.orm.mapper_args

    @property
    def base_repository(self) -> str:
        """The generic repository class the generated one specialises."""
        if self.view:
            return "ViewRepository"
        return "SoftDeleteRepository" if self.soft_delete else "Repository"

    @property
    def base_repository_module(self) -> str:
        """The runtime module under repositories/ that holds `base_repository`."""
        return "view" if self.view else "soft_delete" if self.soft_delete else "base"

    @property
    def natural_keys(self) -> tuple[tuple[str, ...], ...]:
        """The unique keys clients set, as seed fixtures name a row by: declaration order."""
        settable = {c.name for c in self.columns if c.in_create}
        return tuple(key for key in self.unique_keys if settable.issuperset(key))

    @property
    def external_refs(self) -> tuple[RefModel, ...]:
        """References to other resources (tests create those), but for those in a cycle and
        those a check wants empty."""
        return tuple(
            ref for ref in self.refs if not (ref.self_reference or ref.cyclic or ref.emptied)
        )

    @property
    def generated(self) -> tuple[tuple[str, str], ...]:
        """Generated columns: (attribute, the SQL expression the database computes it by)."""
        return tuple((c.name, c.db.generated) for c in self.columns if c.db.generated is not None)

    @property
    def write_only(self) -> tuple[str, ...]:
        """Columns clients send but never read back."""
        return tuple(c.name for c in self.columns if not c.in_read)

    @property
    def filters(self) -> tuple[FilterParam, ...]:
        return tuple(f for c in self.columns for f in c.filters)

    @property
    def query_params(self) -> tuple[FilterParam, ...]:
        """The filters of its list route's query DTO: columns', then many-to-many ones."""
        return self.filters + tuple(f.param for f in self.link_filters)

    @property
    def searched(self) -> tuple[str, ...]:
        """The attributes `q` looks in."""
        return tuple(c.name for c in self.columns if c.search)

    @property
    def search_decl(self) -> str:
        return search_decl(self.searched)

    @property
    def bulk_filter(self) -> FilterParam | None:
        """An equality filter for the bulk update/delete test, on a column the update leaves
        alone (not one an `onupdate` clock moves, which the delete would then miss)."""
        steady = {c.name for c in self.columns if c.orm.onupdate is None}
        return next(
            (f for f in self.filter_tests if f.operator == "eq" and f.column in steady), None
        )

    @property
    def sort_values(self) -> tuple[str, ...]:
        """What `sort=` accepts: each key, and `-key` for descending."""
        return tuple(value for key in self.sort_keys for value in (key, f"-{key}"))

    @property
    def create_non_nullable(self) -> tuple[str, ...]:
        """DTO fields that refuse an explicit null."""
        return tuple(c.name for c in self.columns if c.in_create and not c.nullable)

    @property
    def update_non_nullable(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.in_update and not c.nullable)

    @property
    def spec_bounds(self) -> tuple[tuple[str, Scalar | None, Scalar | None], ...]:
        """(field, ge, le) of each field clients set that the spec bounds: tests send a value
        just past each bound."""
        found = []
        for c in self.columns:
            options = dict(c.dto.constraints)
            low, high = (_passable(options.get(bound)) for bound in ("ge", "le"))
            if c.in_create and (low is not None or high is not None):
                found.append((c.name, low, high))
        return tuple(found)

    @property
    def uses_counter(self) -> bool:
        """Whether the test data of this resource needs a fresh number `n`."""
        return any(c.test.counter for c in self.columns if c.in_create and not c.foreign_key)

    @property
    def missing_key(self) -> str:
        return self.missing.code

    @property
    def key_overflow(self) -> str | None:
        """A one-column integer key just past its range, for tests."""
        bits = self.key[0].type.bits
        return f"2**{bits - 1}" if bits is not None and not self.composite else None

    # How templates spell the key. A one-column key is `key` in routes and repositories; a
    # composite one is a tuple in repositories and one path segment per column in routes.
    @property
    def composite(self) -> bool:
        return len(self.key) > 1

    @property
    def key_type(self) -> str:
        """The key's Python type: the column's, or a tuple of theirs."""
        if not self.composite:
            return self.key[0].python_type
        return f"tuple[{', '.join(c.python_type for c in self.key)}]"

    @property
    def key_annotations(self) -> tuple[str, ...]:
        """Each key column as a path parameter, bounded to its range."""
        return tuple(path_annotation(c.type) for c in self.key)

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


def _passable(bound: Scalar | None) -> Scalar | None:
    """`bound` if a value one past it differs from it: a float from 2**53 on absorbs the step."""
    if isinstance(bound, float) and abs(bound) >= 2**53:
        return None
    return bound
