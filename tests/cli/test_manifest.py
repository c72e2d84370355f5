"""`persistgen generate` and its manifest: written last, rebuilt when lost, refused when damaged."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from persistgen import write
from persistgen.write import MANIFEST, sha256
from tests.cli.blog_changes import (
    COMMENT_FILES,
    SUBTITLE_FILES,
    SUBTITLE_ROWS,
    add_subtitle,
    manifest,
    remove_comment,
    revisions,
)
from tests.cli.conftest import Invoke
from tests.cli.helpers import reported, tree

# --- manifest --------------------------------------------------------------------------------


def test_manifest_is_written_last(cli: Invoke, blog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    replace, unlink = os.replace, Path.unlink

    def recording_replace(src: str | Path, dst: str | Path) -> None:
        events.append(f"write {Path(dst).absolute().relative_to(blog).as_posix()}")
        replace(src, dst)

    def recording_unlink(self: Path, missing_ok: bool = False) -> None:
        if blog in self.absolute().parents:
            events.append(f"remove {self.absolute().relative_to(blog).as_posix()}")
        unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(write.os, "replace", recording_replace)
    monkeypatch.setattr(Path, "unlink", recording_unlink)
    add_subtitle(blog)
    remove_comment(blog)

    result = cli("generate", "-p", "blog", "--allow-destructive")

    assert result.exit_code == 0, result.output
    events = [e for e in events if not e.split()[1].startswith(".persistgen/journal")]
    assert events[-1] == f"write {MANIFEST}"
    assert {e.split()[1] for e in events if e.startswith("remove ")} == COMMENT_FILES
    assert {e.split()[1] for e in events if e.startswith("write ")} >= SUBTITLE_FILES


def test_failed_write_changes_nothing(
    cli: Invoke, blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage = write._stage
    calls = 0

    def failing_stage(target: Path, text: str) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError(28, "No space left on device", str(target))
        stage(target, text)

    monkeypatch.setattr(write, "_stage", failing_stage)
    add_subtitle(blog)
    before = tree(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 2
    assert "cannot write: No space left on device" in result.output
    assert "Traceback" not in result.output
    assert tree(blog) == before  # no staged files left either


def test_staged_files_reach_the_disk_in_one_sync_before_the_commit(
    cli: Invoke, blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Durability costs one sync of everything staged and one of the journal's directory,
    not one `fsync` per file; and the sync comes before the rename that commits."""
    events: list[str] = []
    sync, fsync, replace = os.sync, os.fsync, os.replace

    def recording_replace(src: str | Path, dst: str | Path) -> None:
        if Path(dst).name == "journal.json":
            events.append("commit")
        replace(src, dst)

    monkeypatch.setattr(write.os, "sync", lambda: (events.append("sync"), sync())[1])
    monkeypatch.setattr(write.os, "fsync", lambda fd: (events.append("fsync"), fsync(fd))[1])
    monkeypatch.setattr(write.os, "replace", recording_replace)
    add_subtitle(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    assert events == ["sync", "commit", "fsync"]


def test_deleted_manifest_is_rebuilt(cli: Invoke, blog: Path) -> None:
    recorded = manifest(blog)
    (blog / MANIFEST).unlink()

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == {}
    assert manifest(blog) == recorded
    # ... so a later spec change is an update, not a conflict.
    add_subtitle(blog)
    changed_spec = cli("generate", "-p", "blog")
    assert changed_spec.exit_code == 0, changed_spec.output
    assert reported(changed_spec.stdout) == SUBTITLE_ROWS


def test_without_manifest_a_differing_file_is_a_conflict(cli: Invoke, blog: Path) -> None:
    (blog / MANIFEST).unlink()
    add_subtitle(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 1
    # A conflict stops the whole run: no revision either.
    assert reported(result.stdout) == dict.fromkeys(SUBTITLE_FILES, "conflict")
    assert revisions(blog) == {"migrations/versions/0001_<id>_initial_schema.py"}


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        '{"generator": "persistgen"}',
        '{"files": ["README.md"]}',
        '{"files": {"../outside.txt": "00"}}',
        '{"files": {"/etc/hostname": "00"}}',
    ],
)
def test_damaged_manifest_is_a_clear_error(cli: Invoke, blog: Path, text: str) -> None:
    (blog / MANIFEST).write_text(text, encoding="utf-8")
    before = tree(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 2
    assert f"{MANIFEST} is damaged" in result.stderr
    assert tree(blog) == before


def test_manifest_cannot_remove_files_outside_the_project(
    cli: Invoke, blog: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n", encoding="utf-8")
    document = json.loads((blog / MANIFEST).read_text(encoding="utf-8"))
    document["files"]["../outside.txt"] = sha256("precious\n")
    (blog / MANIFEST).write_text(json.dumps(document), encoding="utf-8")

    result = cli("generate", "-p", "blog", "--force")

    assert result.exit_code == 2
    assert outside.read_text(encoding="utf-8") == "precious\n"
