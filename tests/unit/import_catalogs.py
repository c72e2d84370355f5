"""Small catalogs built by hand for the importer's unit tests."""

from __future__ import annotations

from typing import Any

from persistgen.importer.catalog import Catalog, Column, ColumnType, ForeignKey, Table
from persistgen.importer.to_spec import Imported, to_spec

INT = ColumnType("int", sql="INTEGER")
BIGINT = ColumnType("bigint", sql="BIGINT")
TEXT = ColumnType("text", sql="TEXT")


def varchar(length: int) -> ColumnType:
    return ColumnType("varchar", length=length, sql=f"VARCHAR({length})")


def serial(name: str = "id", table: str = "", kind: ColumnType = INT) -> Column:
    return Column(name, kind, nullable=False, default=f"nextval('{table}_{name}_seq'::regclass)")


def column(name: str, type_: ColumnType = TEXT, **options: Any) -> Column:
    options.setdefault("nullable", False)
    return Column(name, type_, **options)


def table(name: str, *columns: Column, key: tuple[str, ...] = ("id",), **options: Any) -> Table:
    if columns and columns[0].name == "id" and columns[0].default == "nextval('_id_seq'::regclass)":
        columns = (serial("id", name, columns[0].type), *columns[1:])
    options.setdefault("primary_key_name", f"pk_{name}")
    return Table(name, columns, key, **options)


def fk(column: str, target: str, target_column: str = "id", **options: Any) -> ForeignKey:
    source = options.pop("source", None)
    name = options.pop("name", f"fk_{source}_{column}_{target}" if source else None)
    return ForeignKey(name, (column,), target, (target_column,), **options)


def imported(*tables: Table, dialect: str = "postgresql", **options: Any) -> Imported:
    catalog = Catalog(dialect, "shop", "public" if dialect == "postgresql" else None, tables)
    return to_spec(catalog, "postgresql+asyncpg://localhost/shop", **options)


def fields(result: Imported, resource: str) -> dict[str, Any]:
    found: dict[str, Any] = result.document["resources"][resource]["fields"]
    return found


def notes(result: Imported) -> list[str]:
    return [": ".join(filter(None, (".".join(n.path), n.message))) for n in result.notes]


USERS = table(
    "users",
    serial("id", "users", BIGINT),
    column("email", varchar(320)),
)
