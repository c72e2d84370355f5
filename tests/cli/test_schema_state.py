"""The snapshots under `.persistgen/revisions/`, the schema after each revision: refused when
damaged or newer, and the single `state.json` of earlier versions read in every older format and
recorded as its head's snapshot."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from persistgen.write import MANIFEST
from tests.cli.blog_changes import add_subtitle, head_state, revisions
from tests.cli.conftest import Invoke
from tests.cli.helpers import path_of, reported, tree
from tests.cli.test_migrations import INITIAL, SUBTITLE_REVISION, V1_STATE, revision_id

LEGACY_STATE = ".persistgen/state.json"
LEGACY_INITIAL = "migrations/versions/0001_initial_schema.py"


def snapshot(root: Path) -> Path:
    (found,) = (root / ".persistgen/revisions").iterdir()
    return found


def test_damaged_snapshot_is_a_clear_error(cli: Invoke, blog: Path) -> None:
    path = snapshot(blog)
    path.write_text('{"format": 3, "revision": 1, "tables": "none"}\n', encoding="utf-8")
    before = tree(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 2
    assert f".persistgen/revisions/{path.name} is damaged" in result.stderr
    assert tree(blog) == before


def test_snapshot_of_a_newer_format_is_refused(cli: Invoke, blog: Path) -> None:
    path = snapshot(blog)
    state = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**state, "format": 4}), encoding="utf-8")

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 2
    assert f".persistgen/revisions/{path.name} was written by a newer persistgen" in result.stderr


def make_legacy(root: Path, state: object) -> None:
    """`root` as an earlier persistgen left it: revision `0001` and `state` as state.json, with
    the manifest's hash to match (not a user's edit)."""
    initial = path_of(root, INITIAL)
    old_id = revision_id(root, INITIAL)
    text = initial.read_text(encoding="utf-8").replace(old_id, "0001")
    initial.unlink()
    (root / LEGACY_INITIAL).write_text(text, encoding="utf-8")
    snapshot(root).unlink()
    (root / ".persistgen/revisions").rmdir()
    state_text = json.dumps(state, indent=2) + "\n"
    (root / LEGACY_STATE).write_text(state_text, encoding="utf-8")
    manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][LEGACY_STATE] = hashlib.sha256(state_text.encode()).hexdigest()
    (root / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


# A state.json of 0.1 predates SQLite AUTOINCREMENT: the next revision rebuilds its tables too.
REBUILT_REVISION = (
    "migrations/versions/0002_<id>_rebuild_table_users_on_sqlite_with_autoincrement.py"
)


def assert_reads_old_state(
    cli: Invoke, blog: Path, state: dict[str, Any], revision: str = SUBTITLE_REVISION
) -> None:
    make_legacy(blog, state)
    add_subtitle(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    rows = reported(result.stdout)
    assert rows[LEGACY_STATE] == "removed"
    assert rows[".persistgen/revisions/0001.json"] == "created"
    assert revisions(blog) == {LEGACY_INITIAL, revision}
    text = path_of(blog, revision).read_text(encoding="utf-8")
    assert 'down_revision: str | None = "0001"' in text
    assert "- add column posts.subtitle" in text
    converted = json.loads((blog / ".persistgen/revisions/0001.json").read_text("utf-8"))
    assert converted["format"] == 3
    assert (converted["revision"], converted["parents"], converted["number"]) == ("0001", [], 1)
    assert converted["file"] == LEGACY_INITIAL
    keys = {t["name"]: tuple(t["primary_key"]["columns"]) for t in converted["tables"]}
    assert keys.get("idempotency_keys", ("key",)) == ("key",)  # in states made since it exists
    assert {key for name, key in keys.items() if name != "idempotency_keys"} == {("id",)}
    assert [u for t in converted["tables"] for u in t["uniques"]] == [
        {"name": "uq_users_email", "columns": ["email"]},
        {"name": "uq_posts_slug", "columns": ["slug"]},
    ]
    assert head_state(blog)["parents"] == ["0001"]
    assert cli("generate", "-p", "blog", "--check").exit_code == 0


def test_state_files_without_a_format_number_still_read(cli: Invoke, blog: Path) -> None:
    """Until state.json had its own format, it held the dataclasses as they were (format 1)."""
    assert_reads_old_state(
        cli, blog, json.loads(V1_STATE.read_text(encoding="utf-8")), REBUILT_REVISION
    )


def test_state_files_of_version_0_1_still_read(cli: Invoke, blog: Path) -> None:
    """0.1 wrote one column name where keys, uniques and indexes now list columns."""
    state = json.loads(V1_STATE.read_text(encoding="utf-8"))
    for table in state["tables"]:
        table["primary_key"] = table["primary_key"][0]
        for kind in ("uniques", "indexes"):
            table[kind] = [[name, columns[0]] for name, columns in table[kind]]
    assert_reads_old_state(cli, blog, state, REBUILT_REVISION)


def test_state_json_of_format_2_still_reads(cli: Invoke, blog: Path) -> None:
    """The last single state.json: `format: 2`, with `head`."""
    tables = json.loads(snapshot(blog).read_text(encoding="utf-8"))["tables"]
    assert_reads_old_state(cli, blog, {"format": 2, "head": "0001", "tables": tables})
