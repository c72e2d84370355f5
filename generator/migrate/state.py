"""The database schema persistgen last wrote a migration for, kept in `.persistgen/state.json`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from persistgen.errors import fail
from persistgen.render_model import DbTable

STATE_FILE = ".persistgen/state.json"


@dataclass(frozen=True)
class SchemaState:
    head: str | None = None  # the newest revision persistgen wrote
    tables: tuple[DbTable, ...] = field(default_factory=tuple)


_ADAPTER = TypeAdapter(SchemaState)


def read_state(root: Path) -> SchemaState:
    path = root / STATE_FILE
    if not path.exists():
        return SchemaState()
    try:
        return _ADAPTER.validate_python(_upgrade(json.loads(path.read_bytes())))
    except (ValueError, TypeError, ValidationError):
        raise fail(
            f"{STATE_FILE} is damaged",
            "restore it from version control; it records the schema the migrations build",
            file=str(path),
        ) from None


def _upgrade(data: object) -> object:
    """State files of persistgen 0.1 name one column where keys, uniques and indexes now list
    them."""
    if not isinstance(data, dict):
        return data
    for table in data.get("tables") or ():
        if not isinstance(table, dict):
            continue
        if isinstance(table.get("primary_key"), str):
            table["primary_key"] = [table["primary_key"]]
        for kind in ("uniques", "indexes"):
            table[kind] = [
                [name, [on]] if isinstance(on, str) else [name, on]
                for name, on in table.get(kind) or ()
            ]
    return data


def dump_state(state: SchemaState) -> str:
    return json.dumps(_ADAPTER.dump_python(state, mode="json"), indent=2) + "\n"
