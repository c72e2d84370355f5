"""The one table from spec types to Python, SQLAlchemy and migration types."""

from __future__ import annotations

from dataclasses import dataclass

from persistgen.spec.model import FieldSpec


@dataclass(frozen=True)
class TypeInfo:
    python: str  # annotation in models and DTOs
    orm: str  # SQLAlchemy type expression in models
    migration: str  # the same type in an Alembic revision (`sa.` / `postgresql.` prefixed)
    orm_imports: tuple[str, ...]  # "module:name" pairs; `{package}` is the generated package
    python_imports: tuple[str, ...] = ()
    dto: str = ""  # annotation in Create/Update DTOs when it is stricter than `python`
    dto_imports: tuple[str, ...] = ()

    @property
    def dto_type(self) -> str:
        return self.dto or self.python


def type_info(field: FieldSpec, *, enum_class: str = "", enum_name: str = "") -> TypeInfo:
    """How a (non-reference) field of the spec is typed in each generated module."""
    t = field.type
    if t == "str":
        n = field.length
        return TypeInfo("str", f"String({n})", f"sa.String(length={n})", ("sqlalchemy:String",))
    if t == "decimal":
        p, s = field.digits
        return TypeInfo(
            "Decimal",
            f"Numeric({p}, {s})",
            f"sa.Numeric(precision={p}, scale={s})",
            ("sqlalchemy:Numeric",),
            ("decimal:Decimal",),
        )
    if t == "datetime" and field.timezone is not False:
        # Aware in, aware out, on every database; clients must send an offset.
        return TypeInfo(
            "dt.datetime",
            "AwareDateTime()",
            "sa.DateTime(timezone=True)",
            ("{package}.db.types:AwareDateTime",),
            ("datetime as dt",),
            dto="AwareDatetime",
            dto_imports=("pydantic:AwareDatetime",),
        )
    if t == "datetime":
        # Naive on purpose (`timezone: false`): an offset in the input is refused, not dropped.
        return TypeInfo(
            "dt.datetime",
            "DateTime()",
            "sa.DateTime()",
            ("sqlalchemy:DateTime",),
            ("datetime as dt",),
            dto="NaiveDatetime",
            dto_imports=("pydantic:NaiveDatetime",),
        )
    if t == "time" and field.timezone:
        # Like aware datetimes: clients must send an offset, and values come back in UTC.
        return TypeInfo(
            "dt.time",
            "AwareTime()",
            "sa.Time(timezone=True)",
            ("{package}.db.types:AwareTime",),
            ("datetime as dt",),
            dto="OffsetTime",
            dto_imports=("{package}.schemas.base:OffsetTime",),
        )
    if t == "time":
        return TypeInfo("dt.time", "Time()", "sa.Time()", ("sqlalchemy:Time",), ("datetime as dt",))
    if t == "enum":
        values = field.values or []
        args = (
            f"name={enum_name!r}, native_enum={field.native}, create_constraint=True, "
            f"length={max(len(v) for v in values)}"
        )
        return TypeInfo(
            enum_class,
            f"Enum({enum_class}, values_callable=enum_values, {args})",
            f"sa.Enum({', '.join(repr(v) for v in values)}, {args})",
            ("sqlalchemy:Enum",),
        )
    return _SIMPLE[t]


def _simple(python: str, orm: str, migration: str, *python_imports: str) -> TypeInfo:
    return TypeInfo(python, f"{orm}()", migration, (f"sqlalchemy:{orm}",), python_imports)


def _integer(orm: str, bounded: str) -> TypeInfo:
    """Integers bounded in DTOs to what the column holds: too large is a 422, not a 500."""
    return TypeInfo(
        "int",
        f"{orm}()",
        f"sa.{orm}()",
        (f"sqlalchemy:{orm}",),
        dto=bounded,
        dto_imports=(f"{{package}}.schemas.base:{bounded}",),
    )


_SIMPLE: dict[str, TypeInfo] = {
    "int": _integer("Integer", "Int32"),
    "bigint": _integer("BigInteger", "Int64"),
    "text": _simple("str", "Text", "sa.Text()"),
    "bool": _simple("bool", "Boolean", "sa.Boolean()"),
    "float": _simple("float", "Double", "sa.Double()"),
    "date": _simple("dt.date", "Date", "sa.Date()", "datetime as dt"),
    "uuid": _simple("UUID", "Uuid", "sa.Uuid()", "uuid:UUID"),
    "bytes": _simple("bytes", "LargeBinary", "sa.LargeBinary()"),
    "json": TypeInfo(
        "dict[str, Any]",
        'JSON().with_variant(JSONB(), "postgresql")',
        'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")',
        ("sqlalchemy:JSON", "sqlalchemy.dialects.postgresql:JSONB"),
        ("typing:Any",),
    ),
}

# The implicit `id`: BIGINT identity, except that SQLite only auto-increments INTEGER keys.
BIGINT_KEY = TypeInfo(
    "int",
    'BigInteger().with_variant(Integer(), "sqlite")',
    'sa.BigInteger().with_variant(sa.Integer(), "sqlite")',
    ("sqlalchemy:BigInteger", "sqlalchemy:Integer"),
    dto="Int64",
    dto_imports=("{package}.schemas.base:Int64",),
)
