"""The schema after each revision persistgen wrote: one snapshot file per revision under
`.persistgen/revisions/`, so that branches only ever add files and git merges them cleanly.
Projects of earlier versions kept one `.persistgen/state.json` for the head; it still reads, and
the next run records it as its head's snapshot (and removes it)."""

from __future__ import annotations

import json
from pathlib import Path

from persistgen.errors import fail
from persistgen.layout import LEGACY_STATE as LEGACY_STATE
from persistgen.layout import SNAPSHOTS as SNAPSHOTS
from persistgen.migrate.schema import NewerFormat, SchemaState, state_from_json, state_to_json


def snapshot_path(revision: str) -> str:
    return f"{SNAPSHOTS}/{revision}.json"


def read_snapshots(root: Path) -> dict[str, SchemaState]:
    """Every recorded snapshot by its revision; a legacy state.json's head among them."""
    snapshots: dict[str, SchemaState] = {}
    for path in sorted((root / SNAPSHOTS).glob("*.json")):
        state = _read(root, path.relative_to(root).as_posix())
        if state.head is None or path.stem != state.head:
            raise _damaged(root, path.relative_to(root).as_posix())
        snapshots[state.head] = state
    if (root / LEGACY_STATE).exists():
        legacy = _read(root, LEGACY_STATE)
        if legacy.head is not None and legacy.head not in snapshots:
            snapshots[legacy.head] = legacy
    return snapshots


def _read(root: Path, relative: str) -> SchemaState:
    path = root / relative
    try:
        return state_from_json(json.loads(path.read_bytes()))
    except NewerFormat:
        raise fail(
            f"{relative} was written by a newer persistgen",
            "upgrade persistgen to the version that wrote it",
            file=str(path),
        ) from None
    except (ValueError, TypeError, KeyError):
        raise _damaged(root, relative) from None


def _damaged(root: Path, relative: str) -> Exception:
    return fail(
        f"{relative} is damaged",
        "restore it from version control; it records the schema a revision builds",
        file=str(root / relative),
    )


def dump_state(state: SchemaState) -> str:
    return json.dumps(state_to_json(state), indent=2) + "\n"
