"""The database schema persistgen last wrote a migration for, kept in `.persistgen/state.json`."""

from __future__ import annotations

import json
from pathlib import Path

from persistgen.errors import fail
from persistgen.migrate.schema import NewerFormat, SchemaState, state_from_json, state_to_json

STATE_FILE = ".persistgen/state.json"


def read_state(root: Path) -> SchemaState:
    path = root / STATE_FILE
    if not path.exists():
        return SchemaState()
    try:
        return state_from_json(json.loads(path.read_bytes()))
    except NewerFormat:
        raise fail(
            f"{STATE_FILE} was written by a newer persistgen",
            "upgrade persistgen to the version that wrote it",
            file=str(path),
        ) from None
    except (ValueError, TypeError, KeyError):
        raise fail(
            f"{STATE_FILE} is damaged",
            "restore it from version control; it records the schema the migrations build",
            file=str(path),
        ) from None


def dump_state(state: SchemaState) -> str:
    return json.dumps(state_to_json(state), indent=2) + "\n"
