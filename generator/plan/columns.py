"""One field's column: its type, and what the ORM, the DTOs, the filters, the tests and the
migrations make of it."""

from __future__ import annotations

from collections.abc import Iterator

from persistgen import naming
from persistgen.plan import samples
from persistgen.plan.targets import referenced
from persistgen.project_model import (
    ColumnModel,
    DbColumn,
    DtoField,
    FilterParam,
    ForeignKeyModel,
    OrmColumn,
    ServerDefault,
    TypeInfo,
)
from persistgen.project_model.types import Scalar
from persistgen.spec import cycles
from persistgen.spec.model import FieldSpec, Spec
from persistgen.typemap import BIGINT_KEY, SMALLINT_KEY, type_info

NUMBERED_TYPES = ("smallint", "int", "bigint")  # the keys a database can number
KEY_SEGMENT = "^[^/\\x00]+$"  # what one URL path segment (and a text column) can hold
ON_DELETE_SQL = {
    "cascade": "CASCADE",
    "set null": "SET NULL",
    "restrict": "RESTRICT",
    "no action": "NO ACTION",
}


def column(
    spec: Spec,
    resource: str,
    table: str,
    name: str,
    field: FieldSpec,
    slot: samples.Slot | None = None,  # a moment field's place among the resource's
) -> ColumnModel:
    attribute = field.attribute(name)
    key_fields = spec.resources[resource].key_fields
    # The database numbers a one-column integer key, unless `autoincrement: false` (or the
    # model draws a uuid); clients set every field of a composite key.
    one_key = field.primary_key and len(key_fields) <= 1
    integer_key = one_key and field.type in NUMBERED_TYPES
    generated_key = (integer_key and field.autoincrement) or (one_key and field.type == "uuid")
    numbered = generated_key and field.type != "uuid"
    sequence = field.sequence if numbered else None
    # Identity unless asked otherwise: bigint's default; int's is serial (as it always was).
    identity = (
        numbered
        and sequence is None
        and (field.identity if field.identity is not None else field.type == "bigint")
    )
    foreign_key = _foreign_key(spec, table, name, field)
    info = _type(spec, resource, name, field, generated_key=generated_key)
    own = None if foreign_key else info  # a reference's own options are not its target's
    # A generated column is the database's to compute: clients never send it.
    read_only = field.read_only or generated_key or field.generated is not None
    # A reference gets an index for joins, unless the key's own index leads with it.
    leads_key = bool(key_fields) and key_fields[0] == name
    server_default = _server_default(field, info)
    db_name = field.column_name(name)
    enum_type = field.enum_name or naming.enum_type(resource, name)
    return ColumnModel(
        name=attribute,
        type=info,
        orm=OrmColumn(
            type=info,
            column_name=db_name if db_name != attribute else None,
            foreign_key=foreign_key,
            primary_key=field.primary_key,
            nullable=field.nullable,
            identity=identity,
            unique=field.unique,
            index=field.index
            or (
                foreign_key is not None
                and not field.unique
                and not leads_key
                and "index" not in field.model_fields_set  # `index: false`: not indexed
            ),
            unique_name=field.unique_name,
            index_name=field.index_name,
            foreign_key_name=field.foreign_key_name,
            default=None if field.default is None else info.literal(field.default),
            server_default=server_default,
            onupdate=info.clock if field.onupdate == "now" else None,
            comment=field.description,
            uuid_default=generated_key and field.type == "uuid",
            supplied_key=integer_key and not field.autoincrement,
            sequence=sequence,
            sequence_schema=spec.project.schema_ if sequence else None,
            use_alter=(resource, name) in cycles.deferred(spec),
            generated=field.generated,
        ),
        dto=_dto(attribute, field, info, own, writable=not read_only),
        filters=tuple(_filters(attribute, field, info, own)) if field.filter else (),
        test=samples.sample(
            field, info, attribute, distinct=_in_unique_group(spec, resource, name), slot=slot
        ),
        db=DbColumn(
            name=db_name,
            attribute=attribute,
            type=info.migration,
            kind=(field.column_type or referenced(spec, field)[1].type)
            if foreign_key
            else field.type,
            params=own.params if own else (),
            nullable=field.nullable and not field.primary_key,
            identity=identity,
            server_default=server_default.migration() if server_default else None,
            comment=field.description,
            check=naming.constraint("ck", table, enum_type) if field.type == "enum" else None,
            native_type=enum_type if field.native else None,
            autoincrement=not integer_key or field.autoincrement,
            sequence=sequence,
            generated=field.generated,
        ),
        backfill=None if field.generated is not None else _backfill(field, own),
        previous_name=None if field.renamed_from is None else field.column_name(field.renamed_from),
        in_create=not read_only,
        in_update=not read_only and not field.primary_key,
        numbered_key=numbered,
        search=field.search,
    )


def _in_unique_group(spec: Spec, resource: str, name: str) -> bool:
    """Part of a unique constraint over several fields: rows must tell it apart."""
    return any(name in group for group in spec.resources[resource].distinct_groups)


def _type(
    spec: Spec, resource: str, name: str, field: FieldSpec, *, generated_key: bool
) -> TypeInfo:
    """The column's type; a reference's is the type of the column it holds."""
    if field.type == "ref":
        held = referenced(spec, field)[1]
        if field.column_type is not None and field.column_type != held.type:
            return type_info(FieldSpec(type=field.column_type))  # an integer of its own width
        return type_info(held)
    if generated_key and field.type == "bigint":
        return BIGINT_KEY
    if generated_key and field.type == "smallint":
        return SMALLINT_KEY
    return type_info(
        field,
        enum_class=naming.enum_class(resource, name),
        enum_name=field.enum_name or naming.enum_type(resource, name),
    )


def _foreign_key(spec: Spec, table: str, name: str, field: FieldSpec) -> ForeignKeyModel | None:
    if field.type != "ref" or not field.target:
        return None
    held, held_spec = referenced(spec, field)
    db_name = field.column_name(name)
    target_table = spec.resources[field.target].table_name(field.target)
    return ForeignKeyModel(
        db_name,
        target_table,
        held_spec.column_name(held),
        ON_DELETE_SQL[field.on_delete] if field.on_delete else None,
        field.foreign_key_name or naming.constraint("fk", table, db_name, target_table),
        spec.project.schema_,
        ON_DELETE_SQL[field.on_update] if field.on_update else None,
        field.deferrable.upper() if field.deferrable else None,
    )


def _server_default(field: FieldSpec, info: TypeInfo) -> ServerDefault | None:
    value = field.server_default
    if value is None:
        return None
    if value == "now":
        return ServerDefault(value, clock=info.clock)
    return ServerDefault(value if isinstance(value, bool) else str(value))


def _backfill(field: FieldSpec, own: TypeInfo | None) -> str | None:
    """What existing rows get when the column becomes NOT NULL: `backfill`, else `default`."""
    value = field.backfill if field.backfill is not None else field.default
    if value is None:
        return None
    return own.backfill(value) if own else repr(value)


def _dto(
    attribute: str, field: FieldSpec, info: TypeInfo, own: TypeInfo | None, *, writable: bool
) -> DtoField:
    """A server default is applied by leaving the field unset: Create takes null for it."""
    optional = field.nullable or (field.server_default is not None and field.default is None)
    default = None if field.default is None else info.literal(field.default)
    return DtoField(
        name=attribute,
        type=info,
        nullable=field.nullable,
        writable=writable,
        create_optional=optional,
        create_default=(default or "None") if optional else default,
        constraints=tuple(_constraints(field, info, own)),
        write_only=field.write_only,
    )


def _constraints(
    field: FieldSpec, info: TypeInfo, own: TypeInfo | None
) -> Iterator[tuple[str, Scalar]]:
    """`info` is the column's type (a reference's, the key it holds: its length binds too);
    `own` the field's, None for a reference."""
    if info.max_length is not None:
        yield "max_length", info.max_length
    if field.primary_key and own and own.text:  # a key a client sets is a path segment
        yield "pattern", KEY_SEGMENT
    if field.min_length is not None:
        yield "min_length", field.min_length
    for option in ("ge", "le"):
        value = getattr(field, option)
        if value is not None:
            yield option, value
    if own and own.digits:
        precision, scale = own.digits
        yield "max_digits", precision
        yield "decimal_places", scale
    if field.description:
        yield "description", field.description


def _filters(
    attribute: str, field: FieldSpec, info: TypeInfo, own: TypeInfo | None
) -> Iterator[FilterParam]:
    """What a filterable field offers: equality and `in` always (booleans: equality only),
    ranges for numbers and times, case-insensitive `contains` for text, null checks."""
    operators = ["eq"] + (["in"] if own is None or own.choices else [])
    if info.ranged:
        operators += ["gte", "lte"]
    if own and own.text:
        operators.append("contains")
    if field.nullable:
        operators.append("null")
    bound = own.max_length if own else None
    for operator in operators:
        name = attribute if operator == "eq" else f"{attribute}__{operator}"
        yield FilterParam(
            name, attribute, operator, info.dto_type, info.dto_imports, bound, info.text
        )
