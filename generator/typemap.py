"""The one table from spec types to what every generated module makes of them.

`TYPES` has one row per scalar spec type: a `TypeInfo`, or a function of the field's options
that builds one (a length, digits, a time zone, an enum's values). The planner learns
everything type-specific from these rows (annotations, column types, imports, filters, sorting,
test samples), so a new field type is a new row here; docs/CONTRIBUTING.md walks through it.
"""

from __future__ import annotations

from collections.abc import Callable

from persistgen import naming
from persistgen.project_model.types import Expr, Sample, TypeInfo
from persistgen.spec.model import FieldSpec

# The database clocks of db/types.py, by the kind of field `now` fills: UTC on every database.
CLOCKS = {
    "datetime": "utcnow",
    "naive datetime": "utcnow_naive",
    "date": "utctoday",
    "time": "utctime",
}
DATES = ("datetime as dt",)
# Naive moments and times of day: a pattern in the document, not RFC 3339's offset formats.
LOCAL_DATETIME = "{package}.schemas.base:LocalDatetime"
LOCAL_TIME = "{package}.schemas.base:LocalTime"
# Write DTOs' integers: their bounds (the column's, met with the spec's) are the field's own.
STRICT_INTEGER = ("{package}.schemas.base:StrictInteger",)
ZERO = Expr("0")  # identity keys start at 1
NEW_UUID = Expr("uuid4()", ("uuid:uuid4",))  # a random UUID is never reused


def _integer(orm: str, bits: int) -> TypeInfo:
    """Integers bounded in DTOs to what the column holds: too large is a 422, not a 500."""
    bounded = f"Int{bits}"
    return TypeInfo(
        "int",
        f"{orm}()",
        f"sa.{orm}()",
        (f"sqlalchemy:{orm}",),
        dto=bounded,
        dto_imports=(f"{{package}}.schemas.base:{bounded}",),
        write="StrictInteger",
        write_imports=STRICT_INTEGER,
        sample="int",
        bits=bits,
        ranged=True,
        missing=ZERO,
    )


def _str(field: FieldSpec, enum: tuple[str, str]) -> TypeInfo:
    n = field.length
    return TypeInfo(
        "str",
        f"String({n})",
        f"sa.String(length={n})",
        ("sqlalchemy:String",),
        sample="text",
        params=(str(n),),
        max_length=n,
        text=True,
    )


def _text(field: FieldSpec, enum: tuple[str, str]) -> TypeInfo:
    return TypeInfo(
        "str",
        "Text()",
        "sa.Text()",
        ("sqlalchemy:Text",),
        sample="text",
        max_length=field.max_length,  # a DTO bound only: the column is unbounded
        text=True,
    )


def _decimal(field: FieldSpec, enum: tuple[str, str]) -> TypeInfo:
    p, s = field.digits
    # Its bounds and pattern in one place, so they hold in the document where it is optional.
    bounds = "".join(
        f", {o}={v!r}" for o, v in (("ge", field.ge), ("le", field.le)) if v is not None
    )
    return TypeInfo(
        "Decimal",
        f"Numeric({p}, {s})",
        f"sa.Numeric(precision={p}, scale={s})",
        ("sqlalchemy:Numeric",),
        ("decimal:Decimal",),
        write=f"Annotated[Decimal, Digits({p}, {s}{bounds})]",
        read="PlainDecimal",
        read_imports=("{package}.schemas.base:PlainDecimal",),
        write_imports=("decimal:Decimal", "typing:Annotated", "{package}.schemas.base:Digits"),
        sample="decimal",
        params=(str(p), str(s)),
        digits=(p, s),
        ranged=True,
    )


def _datetime(field: FieldSpec, enum: tuple[str, str]) -> TypeInfo:
    if field.timezone is not False:
        # Aware in, answered in UTC, on every database; clients must send an offset.
        return TypeInfo(
            "dt.datetime",
            "AwareDateTime()",
            "sa.DateTime(timezone=True)",
            ("{package}.db.types:AwareDateTime",),
            DATES,
            dto="OffsetDatetime",
            dto_imports=("{package}.schemas.base:OffsetDatetime",),
            write="StrictAwareDatetime",
            write_imports=("{package}.schemas.base:StrictAwareDatetime",),
            sample="datetime",
            ranged=True,
            aware=True,
            clock=CLOCKS["datetime"],
        )
    # Naive on purpose (`timezone: false`): an offset in the input is refused, not dropped.
    return TypeInfo(
        "dt.datetime",
        "DateTime()",
        "sa.DateTime()",
        ("sqlalchemy:DateTime",),
        DATES,
        dto="LocalDatetime",
        dto_imports=(LOCAL_DATETIME,),
        read="LocalDatetime",
        read_imports=(LOCAL_DATETIME,),
        sample="datetime",
        ranged=True,
        clock=CLOCKS["naive datetime"],
    )


def _time(field: FieldSpec, enum: tuple[str, str]) -> TypeInfo:
    if field.timezone:
        # Like aware datetimes: clients must send an offset, and values come back in UTC.
        return TypeInfo(
            "dt.time",
            "AwareTime()",
            "sa.Time(timezone=True)",
            ("{package}.db.types:AwareTime",),
            DATES,
            dto="OffsetTime",
            dto_imports=("{package}.schemas.base:OffsetTime",),
            sample="time",
            ranged=True,
            aware=True,
            clock=CLOCKS["time"],
        )
    # Naive: an offset in the input is refused, not dropped.
    return TypeInfo(
        "dt.time",
        "Time()",
        "sa.Time()",
        ("sqlalchemy:Time",),
        DATES,
        dto="LocalTime",
        dto_imports=(LOCAL_TIME,),
        read="LocalTime",
        read_imports=(LOCAL_TIME,),
        sample="time",
        ranged=True,
        clock=CLOCKS["time"],
    )


def _enum(field: FieldSpec, enum: tuple[str, str]) -> TypeInfo:
    """`enum` is (class name, database type name)."""
    cls, name = enum
    values = field.values or []
    members = naming.enum_members(values)
    args = (
        f"name={name!r}, native_enum={field.native}, create_constraint=True, "
        f"length={max(len(v) for v in values)}"
    )
    imports = (f"{{package}}.enums:{cls}",)
    return TypeInfo(
        cls,
        f"Enum({cls}, values_callable=enum_values, {args})",
        f"sa.Enum({', '.join(repr(v) for v in values)}, {args})",
        ("sqlalchemy:Enum", "{package}.db.base:enum_values"),
        imports,
        sample=Sample(f"{cls}.{members[0][0]}", f"{cls}.{members[-1][0]}", imports),
        params=tuple(values),
        members=members,
    )


Builder = Callable[[FieldSpec, tuple[str, str]], TypeInfo]

TYPES: dict[str, TypeInfo | Builder] = {
    "int": _integer("Integer", 32),
    "bigint": _integer("BigInteger", 64),
    "str": _str,
    "text": _text,
    "bool": TypeInfo(
        "bool",
        "Boolean()",
        "sa.Boolean()",
        ("sqlalchemy:Boolean",),
        write="StrictBool",
        write_imports=("pydantic:StrictBool",),
        sample=Sample("True", "False", compare="is"),
        choices=False,  # `__in` adds nothing to equality
    ),
    "float": TypeInfo(
        "float",
        "Double()",
        "sa.Double()",
        ("sqlalchemy:Double",),
        dto="FiniteFloat",
        dto_imports=("{package}.schemas.base:FiniteFloat",),
        write="StrictFiniteFloat",
        write_imports=("{package}.schemas.base:StrictFiniteFloat",),
        sample="float",
        ranged=True,
    ),
    "decimal": _decimal,
    "date": TypeInfo(
        "dt.date",
        "Date()",
        "sa.Date()",
        ("sqlalchemy:Date",),
        DATES,
        write="StrictDate",
        write_imports=("{package}.schemas.base:StrictDate",),
        sample="date",
        ranged=True,
        clock=CLOCKS["date"],
    ),
    "datetime": _datetime,
    "time": _time,
    "uuid": TypeInfo(
        "UUID",
        "Uuid()",
        "sa.Uuid()",
        ("sqlalchemy:Uuid",),
        ("uuid:UUID",),
        sample=Sample("uuid4()", "uuid4()", NEW_UUID.imports),
        missing=NEW_UUID,
    ),
    "json": TypeInfo(
        "dict[str, Any]",
        'JSON().with_variant(JSONB(), "postgresql")',
        'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")',
        ("sqlalchemy:JSON", "sqlalchemy.dialects.postgresql:JSONB"),
        ("typing:Any",),
        dto="JsonObject",
        dto_imports=("{package}.schemas.base:JsonObject",),
        sample=Sample('{"n": n}', '{"updated": True}', counter=True),
        sortable=False,
    ),
    "bytes": TypeInfo(
        "bytes",
        "LargeBinary()",
        "sa.LargeBinary()",
        ("sqlalchemy:LargeBinary",),
        write="Base64Bytes",
        write_imports=("{package}.schemas.base:Base64Bytes",),
        sample=Sample("str(n).encode()", 'b"updated"', counter=True),
        sortable=False,
    ),
    "enum": _enum,
}

# The implicit `id`: BIGINT identity, except that SQLite only auto-increments INTEGER keys.
BIGINT_KEY = TypeInfo(
    "int",
    'BigInteger().with_variant(Integer(), "sqlite")',
    'sa.BigInteger().with_variant(sa.Integer(), "sqlite")',
    ("sqlalchemy:BigInteger", "sqlalchemy:Integer"),
    dto="Int64",
    dto_imports=("{package}.schemas.base:Int64",),
    write="StrictInteger",
    write_imports=STRICT_INTEGER,
    sample="int",
    bits=64,
    ranged=True,
    missing=ZERO,
)


def type_info(field: FieldSpec, *, enum_class: str = "", enum_name: str = "") -> TypeInfo:
    """How a (non-reference) field of the spec is typed in each generated module."""
    row = TYPES[field.type]
    return row if isinstance(row, TypeInfo) else row(field, (enum_class, enum_name))
