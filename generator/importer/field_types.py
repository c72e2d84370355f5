"""The spec's field type for a database column's type: what an import maps, and what it
notes when a column's type loses something or no field type holds it."""

from __future__ import annotations

from typing import Any, get_args

from persistgen.importer import defaults
from persistgen.importer.catalog import Column, ColumnType
from persistgen.spec.model import ListItemType

# The item types a `list` field takes (spec/model.py's ListItemType).
_LIST_ITEMS = frozenset(get_args(ListItemType))

_SIMPLE = {
    "smallint": "smallint",
    "int": "int",
    "bigint": "bigint",
    "text": "text",
    "float": "float",
    "real": "real",
    "bool": "bool",
    "date": "date",
    "uuid": "uuid",
    "bytes": "bytes",
    "inet": "inet",
    "interval": "interval",
    "jsonb": "json",  # today's `json` is JSONB on PostgreSQL, JSON on SQLite
}


def held_shape(column: Column, spec: dict[str, Any]) -> None:
    """`shape: any` on a json field whose column holds, or defaults to, a JSON value that is
    not an object (Lago's arrays): the default shape reads objects only."""
    if spec.get("type") == "json" and (
        column.json_not_object or defaults.json_not_object(column.default)
    ):
        spec["shape"] = "any"


def field_type(column: ColumnType, dialect: str) -> tuple[dict[str, Any] | None, str | None]:
    """The field's type options, and a note when the mapping loses something; None and the
    reason when no field type holds the column."""
    kind = column.kind
    if kind in _SIMPLE:
        return {"type": _SIMPLE[kind]}, None
    if kind == "varchar":
        if column.length is None:
            return {"type": "str", "unbounded": True}, None
        return {"type": "str", "max_length": column.length}, None
    if kind == "char":
        return {"type": "char", "max_length": column.length or 1}, None
    if kind == "numeric":
        if column.precision is None:
            return {"type": "decimal"}, (
                f"`{column.sql}` has no precision; the spec's decimal has one (12, 2 by default)"
            )
        return {"type": "decimal", "precision": column.precision, "scale": column.scale or 0}, None
    if kind == "timestamp":
        return (
            {"type": "datetime"} if column.timezone else {"type": "datetime", "timezone": False}
        ), None
    if kind == "time":
        return ({"type": "time", "timezone": True} if column.timezone else {"type": "time"}), None
    if kind == "json":
        return (
            {"type": "json", "binary": False} if dialect == "postgresql" else {"type": "json"}
        ), None
    if kind == "enum":
        values = list(column.values)
        return {
            "type": "enum",
            "values": values,
            "native": True,
            "enum_name": column.enum_name,
        }, None
    if kind == "array":
        item = column.item
        inner, problem = field_type(item, dialect) if item else (None, None)
        if (
            inner is None
            or problem
            or item is None
            or item.kind in ("array", "enum", "json", "jsonb")
        ):
            return None, f"an array of {item.sql if item else 'unknown'} is not expressed"
        if (list(inner) == ["type"] or inner == {"type": "str", "unbounded": True}) and inner[
            "type"
        ] in _LIST_ITEMS:
            return {"type": "list", "items": inner["type"]}, None  # items: VARCHAR, unbounded
        return None, f"an array of {item.sql} is not expressed (only arrays of plain types)"
    return None, f"type `{column.sql}` is not expressed"
