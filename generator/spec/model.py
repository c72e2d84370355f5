"""The shape of `persistgen.yaml`, as pydantic models (structure only; meaning is in check.py)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from persistgen import naming
from persistgen.spec import compact

FieldType = Literal[
    "int",
    "bigint",
    "str",
    "text",
    "bool",
    "float",
    "decimal",
    "date",
    "datetime",
    "time",
    "uuid",
    "json",
    "bytes",
    "enum",
    "ref",
    "many",
]
OnDelete = Literal["cascade", "set null", "restrict", "no action"]
# The routes a resource can serve: `links` are the many-to-many sub-routes (list, link,
# unlink), `restore` brings back a soft-deleted row.
Route = Literal["list", "get", "create", "update", "delete", "restore", "links"]
ROUTES: tuple[Route, ...] = get_args(Route)
Scalar = bool | int | float | str


class _Strict(BaseModel):
    # Strict: a quoted "10" is not silently a number; forbid: typos are errors, not ignored.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _expand_compact(value: Any) -> Any:
    return compact.expand(value) if isinstance(value, str) else value


class FieldSpec(_Strict):
    """One field: a column, a reference or a link to many. Written as a mapping, or compactly
    as a string (see compact.GRAMMAR)."""

    type: FieldType
    description: str | None = None
    nullable: bool = False
    primary_key: bool = Field(
        False,
        description="The key instead of the implicit `id`; several fields make a composite key.",
    )
    unique: bool = False
    index: bool = False
    read_only: bool = Field(False, description="Set by the server; absent from create/update DTOs.")
    write_only: bool = Field(
        False,
        description="Sent by clients, never answered (e.g. a password hash): in create/update "
        "DTOs only, never in a response, a filter or a sort.",
    )
    filter: bool = Field(
        False, description="Lists can be filtered by it: equality, `in`, ranges, null, contains."
    )
    search: bool = Field(
        False,
        description="str, text: lists take `q`, matching rows where any searched field contains "
        "the text (case-insensitive); indexed on PostgreSQL (pg_trgm).",
    )
    default: Scalar | None = Field(None, description="A literal used when a client sends nothing.")
    server_default: Scalar | None = Field(
        None, description="`now` (datetime, date, time) or a literal, applied by the database."
    )
    onupdate: Literal["now"] | None = Field(
        None, description="`now`: the database clock, on every update the application makes."
    )
    max_length: int | None = Field(
        None, ge=1, description="str: column length and DTO bound; text: DTO bound."
    )
    min_length: int | None = Field(None, ge=0, description="str, text: DTO bound.")
    ge: int | float | None = Field(None, description="Numbers: inclusive lower bound in DTOs.")
    le: int | float | None = Field(None, description="Numbers: inclusive upper bound in DTOs.")
    precision: int | None = Field(None, ge=1, le=1000, description="decimal: total digits.")
    scale: int | None = Field(None, ge=0, description="decimal: digits after the point.")
    timezone: bool | None = Field(
        None,
        description="datetime (default true) and time (default false): timezone-aware; "
        "clients must send an offset, and values are stored and read back in UTC.",
    )
    values: list[str] | None = Field(None, min_length=1, description="enum: allowed values.")
    native: bool = Field(
        False,
        description="enum: a PostgreSQL ENUM type (SQLite: VARCHAR + CHECK); default: VARCHAR + "
        "CHECK everywhere.",
    )
    target: str | None = Field(None, description="ref, many: the referenced resource.")
    target_field: str | None = Field(
        None, description="ref: the target's unique field it holds; default: its primary key."
    )
    on_delete: OnDelete | None = Field(None, description="ref: what the database does on delete.")
    back_populates: str | None = Field(
        None, description="ref, many: name of the collection on the target."
    )
    through: str | None = Field(
        None, description="many: the association table; default: `<resource>_<field>`."
    )
    link_columns: list[str] | None = Field(
        None,
        description="many: the link table's two columns, [<owner column>, <target column>]; "
        "default: `<resource>_<key>` each, or for a link to the same resource "
        "`<resource>_<key>` and `<field>_<resource>_<key>`.",
    )
    column: str | None = Field(
        None, description="The column's name in the database; default: the field's name."
    )
    renamed_from: str | None = Field(
        None, description="The field's previous name: the migration renames, never drops."
    )
    backfill: Scalar | None = Field(
        None, description="Value for existing rows when the column becomes NOT NULL."
    )

    @property
    def length(self) -> int:
        """str: the column length."""
        return self.max_length or 255

    @property
    def digits(self) -> tuple[int, int]:
        """decimal: precision and scale."""
        return self.precision or 12, self.scale if self.scale is not None else 2

    def column_name(self, name: str) -> str:
        """The column in the database: `column`, else the attribute (`<name>_id` for a ref)."""
        return self.column or self.attribute(name)

    def attribute(self, name: str) -> str:
        """The model attribute of the column: a ref `author` holds `author_id` (or
        `author_<target_field>`)."""
        if self.type != "ref":
            return name
        return f"{name}_{self.target_field or 'id'}"

    def reverse_name(self, source: str, name: str | None = None) -> str:
        """ref, many: the collection on the target, for the field `name` of `source`; a unique
        ref is one-to-one, so its reverse is one row, named in the singular. A many field to its
        own resource (`User.follows`) has its reverse on the same class: `<field>_of`
        (`follows_of`, the users who follow this one)."""
        if self.back_populates:
            return self.back_populates
        if self.type == "many" and self.target == source and name is not None:
            return f"{name}_of"
        return naming.snake(source) if self.unique else naming.plural(naming.snake(source))

    def link_column_names(self, source: str, name: str, keys: tuple[str, str]) -> tuple[str, str]:
        """many: the link table's columns for the owner and the target, whose key columns are
        `keys`: `link_columns`, else `<resource>_<key>` each (`post_id`, `tag_id`); a link to
        the same resource tells its two apart by the field (`user_id`, `follows_user_id`)."""
        if self.link_columns and len(self.link_columns) == 2:
            return self.link_columns[0], self.link_columns[1]
        owner = f"{naming.snake(source)}_{keys[0]}"
        if self.target == source:
            return owner, f"{name}_{owner}"
        return owner, f"{naming.snake(self.target or '')}_{keys[1]}"

    def association_table(self, source: str, name: str) -> str:
        """many: the table holding one row per linked pair."""
        return self.through or f"{naming.snake(source)}_{name}"


CompactOrField = Annotated[FieldSpec, BeforeValidator(_expand_compact)]


# Mixins a resource opts into: each is shorthand for fields, expanded before validation.
MIXIN_FIELDS: dict[str, dict[str, dict[str, Any]]] = {
    "timestamps": {
        "created_at": {"type": "datetime", "server_default": "now", "read_only": True},
        "updated_at": {
            "type": "datetime",
            "server_default": "now",
            "onupdate": "now",
            "read_only": True,
        },
    },
    "soft_delete": {"deleted_at": {"type": "datetime", "nullable": True, "read_only": True}},
    "versioned": {"version": {"type": "int", "server_default": 1, "read_only": True}},
}


class ResourceSpec(_Strict):
    description: str | None = None
    table: str | None = Field(None, description="Table name; default: snake_case plural.")
    id_type: Literal["bigint", "uuid"] = Field(
        "bigint", description="Type of the implicit `id` key, unless a field is a primary key."
    )
    fields: dict[str, CompactOrField] = Field(default_factory=dict)
    timestamps: bool = Field(
        False, description="Add read-only `created_at` and `updated_at`, set by the database."
    )
    soft_delete: bool = Field(
        False,
        description="Add `deleted_at`: deleting marks the row, queries skip it, restore clears it.",
    )
    versioned: bool = Field(
        False,
        description="Add `version` (optimistic locking): an update naming a stale version is "
        "refused.",
    )
    checks: dict[str, str] = Field(
        default_factory=dict, description="CHECK constraints: name -> SQL boolean expression."
    )
    unique: list[list[str]] = Field(
        default_factory=list,
        description="Unique constraints over several fields, e.g. `[[organisation, user]]`.",
    )
    index: list[list[str]] = Field(
        default_factory=list, description="Indexes over several fields, e.g. `[[project, status]]`."
    )
    renamed_from: str | None = Field(
        None, description="The resource's previous name: the migration renames, never recreates."
    )
    routes: list[Route] | None = Field(
        None,
        description="The routes it serves, e.g. `[list, get, create]`; default: all of them. "
        "`restore` needs `soft_delete`; `links` (the many-to-many sub-routes) a `many` field.",
    )

    @model_validator(mode="before")
    @classmethod
    def _mixin_fields(cls, data: Any) -> Any:
        """Each mixin switched on is shorthand for its fields; from here on they are fields."""
        if not isinstance(data, dict):
            return data
        fields = dict(data.get("fields") or {})
        for mixin, added in MIXIN_FIELDS.items():
            if data.get(mixin) is not True:
                continue
            for name in added:
                if name in fields:
                    raise ValueError(f"`{name}` comes with `{mixin}: true`; remove one of them")
            fields.update(added)
        return {**data, "fields": fields}

    def table_name(self, name: str) -> str:
        return self.table or naming.plural(naming.snake(name))

    @property
    def key_fields(self) -> list[str]:
        """The fields marked `primary_key`, in spec order: none means the implicit `id`,
        several a composite key."""
        return [name for name, f in self.fields.items() if f.primary_key]


class PoolSpec(_Strict):
    """Connection pool settings; defaults follow the data persistence guide."""

    size: int = Field(10, ge=1)
    max_overflow: int = Field(20, ge=0)
    recycle: int = Field(1800, ge=-1, description="Seconds before a connection is replaced.")
    timeout: float = Field(30, gt=0, description="Seconds to wait for a free connection.")
    pre_ping: bool = Field(True, description="Test each connection before handing it out.")
    transaction_pooler: bool = Field(
        False,
        description="Connect through PgBouncer in transaction mode (or a pooler like it): no "
        "prepared-statement cache, time limits set per transaction.",
    )


class TimeoutSpec(_Strict):
    """PostgreSQL time limits, in seconds (0: the server's own setting, none by default);
    SQLite has no such settings."""

    statement: float = Field(30, ge=0, description="The server cancels a longer statement.")
    idle_in_transaction: float = Field(
        60, ge=0, description="The server ends a session idle this long inside a transaction."
    )
    command: float = Field(
        35, ge=0, description="asyncpg gives up on an answer after this long (client side)."
    )


class ProjectSpec(_Strict):
    name: str = Field(description="Distribution name, e.g. `blog-service`.")
    package: str | None = Field(None, description="Python package; default: name in snake_case.")
    schema_: str | None = Field(
        None,
        alias="schema",
        description="PostgreSQL schema of every table (the first migration creates it); "
        "default: the database's own. SQLite, which has one schema, keeps them there.",
    )
    description: str = ""
    database_url: str | None = Field(
        None, description="Default DATABASE_URL; default: a local SQLite file via aiosqlite."
    )
    pool: PoolSpec = Field(default_factory=PoolSpec)
    timeouts: TimeoutSpec = Field(default_factory=TimeoutSpec)

    @property
    def python_package(self) -> str:
        return self.package or naming.package_name(self.name)


class Spec(_Strict):
    """The whole `persistgen.yaml`."""

    model_config = ConfigDict(title="persistgen spec")

    version: Literal[1]
    project: ProjectSpec
    resources: dict[str, ResourceSpec] = Field(default_factory=dict)


def json_schema() -> dict[str, Any]:
    """The spec's JSON Schema, admitting the compact string form wherever a field goes."""
    schema = Spec.model_json_schema()
    fields = schema["$defs"]["ResourceSpec"]["properties"]["fields"]
    compact_form = {"type": "string", "description": compact.GRAMMAR}
    fields["additionalProperties"] = {"anyOf": [fields["additionalProperties"], compact_form]}
    return schema
