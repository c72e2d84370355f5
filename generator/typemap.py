"""The one table from spec types to what every generated module makes of them.

`TYPES` has one row per scalar spec type: a `TypeInfo`, or a function of the field's options
that builds one (a length, digits, a time zone, an enum's values). The planner learns
everything type-specific from these rows (annotations, column types, imports, filters, sorting,
test samples), so a new field type is a new row here; docs/CONTRIBUTING.md walks through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

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


COLUMN_TYPES = "{package}.db.column_types"
FLOAT4_MAX = 3.4028234663852886e38  # the runtime's db/column_types.FLOAT4_MAX
VALUE_TYPES = "{package}.schemas.value_types"


def _integer(orm: str, bits: int, module: str = "{package}.schemas.base") -> TypeInfo:
    """Integers bounded in DTOs to what the column holds: too large is a 422, not a 500."""
    bounded = f"Int{bits}"
    return TypeInfo(
        "int",
        f"{orm}()",
        f"sa.{orm}()",
        (f"sqlalchemy:{orm}",),
        dto=bounded,
        dto_imports=(f"{module}:{bounded}",),
        write="StrictInteger",
        write_imports=STRICT_INTEGER,
        sample="int",
        bits=bits,
        ranged=True,
        missing=ZERO,
    )


def _str(field: FieldSpec, enum: tuple[str, str]) -> TypeInfo:
    if field.unbounded:  # VARCHAR without a length: as text, `max_length` bounds DTOs only
        return TypeInfo(
            "str",
            "String()",
            "sa.String()",
            ("sqlalchemy:String",),
            sample="text",
            max_length=field.max_length,
            text=True,
        )
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


def _char(field: FieldSpec, enum: tuple[str, str]) -> TypeInfo:
    """CHAR(n): read back without PostgreSQL's padding (db/column_types.py)."""
    n = field.length
    return TypeInfo(
        "str",
        f"FixedChar({n})",
        f"sa.CHAR(length={n})",
        (f"{COLUMN_TYPES}:FixedChar",),
        sample="text",
        params=(str(n),),
        max_length=n,
        text=True,
    )


def _json(field: FieldSpec, enum: tuple[str, str]) -> TypeInfo:
    """JSONB on PostgreSQL unless `binary: false` asks for its plain JSON (kept as sent)."""
    if field.type == "json" and field.binary is False:
        return JSON_ANY if field.shape == "any" else JSON_OBJECT
    return JSONB_ANY if field.shape == "any" else JSONB_OBJECT


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


def _list(field: FieldSpec, enum: tuple[str, str]) -> TypeInfo:
    """A list of one scalar type: ARRAY on PostgreSQL, a JSON array on SQLite. Its DTOs take
    the items' own types; it is neither filtered, searched, sorted nor unique."""
    kind = field.items or "str"
    item = type_info(FieldSpec(type=kind))
    orm, migration, orm_imports = _ITEM_COLUMNS[kind]
    # Write DTOs' items: strict and bounded as the column's (a field's own bounds are its).
    write, write_imports = item.write_type, item.write_type_imports
    if item.bits:
        write, write_imports = f"StrictInt{item.bits}", (f"{VALUE_TYPES}:StrictInt{item.bits}",)
    elif item.magnitude:
        write, write_imports = "StrictFloat4Item", (f"{VALUE_TYPES}:StrictFloat4Item",)
    elif item.text:  # as a text field's pattern says: no NUL
        write, write_imports = "StorableText", (f"{VALUE_TYPES}:StorableText",)
    return TypeInfo(
        f"list[{item.python}]",
        f"ScalarList({orm})",
        f'sa.JSON().with_variant(postgresql.ARRAY({migration}), "postgresql")',
        (f"{COLUMN_TYPES}:ScalarList", *orm_imports),
        item.python_imports,
        dto=f"list[{item.dto_type}]",
        dto_imports=item.dto_imports if item.dto else item.python_imports,
        write=f"list[{write}]",
        write_imports=write_imports,
        read=f"list[{item.read_type}]",
        read_imports=item.read_type_imports,
        sample="list",
        params=(kind,),
        choices=False,
        sortable=False,
        item=item,
    )


# A list item's column type: in models, in revisions, and what the model's needs.
_ITEM_COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "str": ("String()", "sa.String()", ("sqlalchemy:String",)),
    "text": ("Text()", "sa.Text()", ("sqlalchemy:Text",)),
    "int": ("Integer()", "sa.Integer()", ("sqlalchemy:Integer",)),
    "bigint": ("BigInteger()", "sa.BigInteger()", ("sqlalchemy:BigInteger",)),
    "smallint": ("SmallInteger()", "sa.SmallInteger()", ("sqlalchemy:SmallInteger",)),
    "float": ("Double()", "sa.Double()", ("sqlalchemy:Double",)),
    "real": ("REAL()", "sa.REAL()", ("sqlalchemy:REAL",)),
    "bool": ("Boolean()", "sa.Boolean()", ("sqlalchemy:Boolean",)),
    "decimal": ("Numeric(12, 2)", "sa.Numeric(precision=12, scale=2)", ("sqlalchemy:Numeric",)),
    "date": ("Date()", "sa.Date()", ("sqlalchemy:Date",)),
    "datetime": ("DateTime(timezone=True)", "sa.DateTime(timezone=True)", ("sqlalchemy:DateTime",)),
    "uuid": ("Uuid()", "sa.Uuid()", ("sqlalchemy:Uuid",)),
}

JSONB_OBJECT = TypeInfo(
    "dict[str, Any]",
    'JSON().with_variant(JSONB(), "postgresql")',
    'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")',
    ("sqlalchemy:JSON", "sqlalchemy.dialects.postgresql:JSONB"),
    ("typing:Any",),
    dto="JsonObject",
    dto_imports=("{package}.schemas.base:JsonObject",),
    sample=Sample('{"n": n}', '{"updated": True}', counter=True),
    sortable=False,
)
JSON_OBJECT = replace(
    JSONB_OBJECT, orm="JSON()", migration="sa.JSON()", orm_imports=("sqlalchemy:JSON",)
)
# `shape: any`: any JSON value but null. None is SQL NULL (`none_as_null`), not JSON's null,
# so a nullable field's null is the column's; the DDL (and so the migrations) is the object's.
JSONB_ANY = replace(
    JSONB_OBJECT,
    python="JsonData",
    orm='JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")',
    python_imports=(f"{COLUMN_TYPES}:JsonData",),
    dto="JsonAny",
    dto_imports=(f"{VALUE_TYPES}:JsonAny",),
    read="JsonAny",  # the document states what is answered: any JSON value but null
    read_imports=(f"{VALUE_TYPES}:JsonAny",),
    sample=Sample('[n, {"n": n}]', '"updated"', counter=True),
)
JSON_ANY = replace(
    JSONB_ANY,
    orm="JSON(none_as_null=True)",
    migration="sa.JSON()",
    orm_imports=("sqlalchemy:JSON",),
)

Builder = Callable[[FieldSpec, tuple[str, str]], TypeInfo]

TYPES: dict[str, TypeInfo | Builder] = {
    "int": _integer("Integer", 32),
    "bigint": _integer("BigInteger", 64),
    "smallint": _integer("SmallInteger", 16, VALUE_TYPES),  # SMALLINT_KEY below
    "str": _str,
    "text": _text,
    "char": _char,
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
    "real": TypeInfo(
        "float",
        "Float4()",
        "sa.REAL()",
        (f"{COLUMN_TYPES}:Float4",),
        dto="Float4Value",
        dto_imports=(f"{VALUE_TYPES}:Float4Value",),
        write="StrictFloat4",  # and within `magnitude`, met with the spec's bounds
        write_imports=(f"{VALUE_TYPES}:StrictFloat4",),
        sample="real",
        ranged=True,
        magnitude=FLOAT4_MAX,
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
    "interval": TypeInfo(
        "dt.timedelta",
        "Interval()",
        "sa.Interval()",
        ("sqlalchemy:Interval",),
        DATES,
        dto="Duration",
        dto_imports=(f"{VALUE_TYPES}:Duration",),
        # answered in days and the time, as the document's pattern says (not pydantic's years)
        read="Duration",
        read_imports=(f"{VALUE_TYPES}:Duration",),
        write="StrictDuration",
        write_imports=(f"{VALUE_TYPES}:StrictDuration",),
        # distinct whole seconds; the update, half a millisecond, is none of them
        sample=Sample("dt.timedelta(seconds=n)", "dt.timedelta(microseconds=500)", DATES, True),
        ranged=True,
    ),
    "uuid": TypeInfo(
        "UUID",
        "Uuid()",
        "sa.Uuid()",
        ("sqlalchemy:Uuid",),
        ("uuid:UUID",),
        sample=Sample("uuid4()", "uuid4()", NEW_UUID.imports),
        missing=NEW_UUID,
    ),
    "inet": TypeInfo(
        "str",
        "InetAddress()",
        'sa.String(length=45).with_variant(postgresql.INET(), "postgresql")',
        (f"{COLUMN_TYPES}:InetAddress",),
        dto="InetText",
        dto_imports=(f"{VALUE_TYPES}:InetText",),
        sample=Sample('f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"', '"2001:db8::1"', (), True),
    ),
    "json": _json,
    "jsonb": _json,
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
    "list": _list,
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

# A numbered smallint key: SMALLSERIAL on PostgreSQL, INTEGER (the rowid) on SQLite.
SMALLINT_KEY = replace(
    _integer("SmallInteger", 16, VALUE_TYPES),
    orm='SmallInteger().with_variant(Integer(), "sqlite")',
    migration='sa.SmallInteger().with_variant(sa.Integer(), "sqlite")',
    orm_imports=("sqlalchemy:SmallInteger", "sqlalchemy:Integer"),
)


def type_info(field: FieldSpec, *, enum_class: str = "", enum_name: str = "") -> TypeInfo:
    """How a (non-reference) field of the spec is typed in each generated module."""
    row = TYPES[field.type]
    return row if isinstance(row, TypeInfo) else row(field, (enum_class, enum_name))
