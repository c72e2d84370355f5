"""`.persistgen/state.json`, the schema the migrations last built: written with its revision or
not at all, refused when damaged or newer, and read in every older format."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from persistgen.write import MANIFEST
from tests.cli.blog_changes import add_subtitle, revisions
from tests.cli.conftest import Invoke
from tests.cli.helpers import reported, tree
from tests.cli.test_migrations import (
    INITIAL,
    STATE,
    SUBTITLE_FILES,
    SUBTITLE_REVISION,
    V1_STATE,
    head,
)


def test_state_conflict_holds_the_revision_back(cli: Invoke, blog: Path) -> None:
    """A revision and the head state.json records are written together or not at all."""
    state = blog / STATE
    document = json.loads(state.read_text(encoding="utf-8"))
    state.write_text(json.dumps(document, indent=4) + "\n", encoding="utf-8")  # edited by hand
    edited = state.read_bytes()
    add_subtitle(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 1
    assert reported(result.stdout) == {STATE: "conflict"}  # nothing written
    assert revisions(blog) == {INITIAL}

    # Markers write everything else, but never into a state file, nor its revision alone.
    marked = cli("generate", "-p", "blog", "--conflicts=markers")

    assert marked.exit_code == 1
    assert reported(marked.stdout) == {
        **dict.fromkeys(SUBTITLE_FILES, "updated"),
        STATE: "conflict",
    }
    assert revisions(blog) == {INITIAL}
    assert state.read_bytes() == edited

    forced = cli("generate", "-p", "blog", "--force")

    assert forced.exit_code == 0, forced.output
    assert reported(forced.stdout) == {STATE: "updated", SUBTITLE_REVISION: "created"}
    assert head(blog) == "0002"


def test_damaged_state_is_a_clear_error(cli: Invoke, blog: Path) -> None:
    (blog / STATE).write_text('{"head": 1, "tables": "none"}\n', encoding="utf-8")
    before = tree(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 2
    assert f"{STATE} is damaged" in result.stderr
    assert tree(blog) == before


def replace_state(root: Path, state: object) -> None:
    """`state` as state.json, with the manifest's hash to match (not a user's edit)."""
    text = json.dumps(state, indent=2) + "\n"
    (root / STATE).write_text(text, encoding="utf-8")
    manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][STATE] = hashlib.sha256(text.encode()).hexdigest()
    (root / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def assert_reads_old_state(cli: Invoke, blog: Path, state: dict[str, Any]) -> None:
    replace_state(blog, state)
    add_subtitle(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    assert revisions(blog) == {INITIAL, SUBTITLE_REVISION}
    rewritten = json.loads((blog / STATE).read_text(encoding="utf-8"))
    assert rewritten["format"] == 2
    assert {tuple(t["primary_key"]["columns"]) for t in rewritten["tables"]} == {("id",)}
    assert [u for t in rewritten["tables"] for u in t["uniques"]] == [
        {"name": "uq_users_email", "columns": ["email"]},
        {"name": "uq_posts_slug", "columns": ["slug"]},
    ]


def test_state_files_without_a_format_number_still_read(cli: Invoke, blog: Path) -> None:
    """Until state.json had its own format, it held the dataclasses as they were (format 1)."""
    assert_reads_old_state(cli, blog, json.loads(V1_STATE.read_text(encoding="utf-8")))


def test_state_files_of_version_0_1_still_read(cli: Invoke, blog: Path) -> None:
    """0.1 wrote one column name where keys, uniques and indexes now list columns."""
    state = json.loads(V1_STATE.read_text(encoding="utf-8"))
    for table in state["tables"]:
        table["primary_key"] = table["primary_key"][0]
        for kind in ("uniques", "indexes"):
            table[kind] = [[name, columns[0]] for name, columns in table[kind]]
    assert_reads_old_state(cli, blog, state)


def test_state_of_a_newer_format_is_refused(cli: Invoke, blog: Path) -> None:
    state = json.loads((blog / STATE).read_text(encoding="utf-8"))
    replace_state(blog, {**state, "format": 3})

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 2
    assert f"{STATE} was written by a newer persistgen" in result.stderr
