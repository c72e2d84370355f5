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
        n = field.max_length or 255
        return TypeInfo("str", f"String({n})", f"sa.String(length={n})", ("sqlalchemy:String",))
    if t == "decimal":
        p, s = field.precision or 12, field.scale if field.scale is not None else 2
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
    if t in ("datetime", "time"):
        name = "DateTime" if t == "datetime" else "Time"
        arg = "timezone=True" if field.timezone else ""
        return TypeInfo(
            f"dt.{t}",
            f"{name}({arg})",
            f"sa.{name}({arg})",
            (f"sqlalchemy:{name}",),
            ("datetime as dt",),
        )
    if t == "enum":
        values = field.values or []
        args = (
            f"name={enum_name!r}, native_enum=False, create_constraint=True, "
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


_SIMPLE: dict[str, TypeInfo] = {
    "int": _simple("int", "Integer", "sa.Integer()"),
    "bigint": _simple("int", "BigInteger", "sa.BigInteger()"),
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
)
