"""`persistgen generate`: no-op runs, spec changes, conflicts, --force/--check/--diff/--dry-run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from persistgen import write
from persistgen.write import MANIFEST, sha256
from tests.cli.conftest import Invoke
from tests.cli.helpers import BLOG, age, changed, edit, mtimes, reported, tree

SPEC = "blog/persistgen.yaml"
STATE = ".persistgen/state.json"
USER_OWNED = (
    "blog/api/custom.py",
    "blog/repositories/post.py",
    "blog/schemas/post.py",
    "migrations/versions/0001_initial_schema.py",
)
# User-owned files rendered on every run (and kept): custom.py and each resource's repository
# and schemas. Revisions are rendered only in the run that creates them.
KEPT = 7
# What adding `subtitle: str:120?` to Post must update, and nothing else; plus one new revision.
SUBTITLE_FILES = {
    STATE,
    "blog/models/post.py",
    "blog/repositories/generated/post.py",
    "blog/schemas/generated/post.py",
    "tests/factories.py",
}
SUBTITLE_REVISION = "migrations/versions/0002_add_column_posts_subtitle.py"
SUBTITLE_ROWS = {**dict.fromkeys(SUBTITLE_FILES, "updated"), SUBTITLE_REVISION: "created"}
COMMENT_FILES = {
    "blog/api/comment.py",
    "blog/models/comment.py",
    "blog/repositories/generated/comment.py",
    "blog/schemas/generated/comment.py",
}
# Yours, so left in place when Comment leaves the spec.
COMMENT_USER_FILES = {"blog/repositories/comment.py", "blog/schemas/comment.py"}
COMMENT_REVISION = "migrations/versions/0002_drop_table_comments.py"


def add_subtitle(root: Path) -> None:
    edit(
        root / "persistgen.yaml",
        "      slug: str:220:unique\n",
        "      slug: str:220:unique\n      subtitle: str:120?\n",
    )


def remove_comment(root: Path) -> None:
    spec = root / "persistgen.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text[: text.index("  Comment:")].rstrip() + "\n", encoding="utf-8")


def manifest(root: Path) -> dict[str, str]:
    files: dict[str, str] = json.loads((root / MANIFEST).read_text(encoding="utf-8"))["files"]
    return files


def revisions(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in (root / "migrations/versions").glob("*.py")}


def fresh(cli: Invoke, tmp_path: Path, spec: Path) -> dict[str, bytes]:
    """What a brand-new project from `spec` contains (the reference for regenerated files)."""
    result = cli("new", "project", "ref", "--spec", str(spec), "--dir", "reference")
    assert result.exit_code == 0, result.output
    return tree(tmp_path / "reference/ref")


# --- no-op -----------------------------------------------------------------------------------


def test_second_run_changes_nothing(cli: Invoke, blog: Path) -> None:
    before, times = tree(blog), mtimes(blog)

    result = cli("generate", "--project", "blog")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == {}
    # Neither counted: the spec, the manifest and the initial revision (not rendered again).
    assert result.stdout.strip().splitlines()[-1] == (
        f"{KEPT} kept, {len(before) - KEPT - 3} unchanged"
    )
    assert tree(blog) == before
    assert mtimes(blog) == times


def test_runs_in_the_current_directory(
    cli: Invoke, blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(blog)
    add_subtitle(blog)

    result = cli("generate")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == SUBTITLE_ROWS


# --- spec changes ----------------------------------------------------------------------------


def test_new_field_updates_exactly_its_files(cli: Invoke, blog: Path, tmp_path: Path) -> None:
    add_subtitle(blog)
    before, times = tree(blog), mtimes(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == SUBTITLE_ROWS
    after = tree(blog)
    written = SUBTITLE_FILES | {SUBTITLE_REVISION, MANIFEST}
    assert changed(before, after) == written
    assert {p for p, t in mtimes(blog).items() if t != times.get(p)} == written
    assert b"subtitle: Mapped[str | None]" in after["blog/models/post.py"]
    # The result is what a new project from the changed spec would contain, except that the
    # state records one more revision.
    reference = fresh(cli, tmp_path, blog / "persistgen.yaml")
    same = SUBTITLE_FILES - {STATE}
    assert {p: after[p] for p in same} == {p: reference[p] for p in same}
    state, reference_state = json.loads(after[STATE]), json.loads(reference[STATE])
    assert (state["head"], reference_state["head"]) == ("0002", "0001")
    assert state["tables"] == reference_state["tables"]
    reference_manifest = json.loads(reference[MANIFEST])["files"]
    assert manifest(blog).keys() == reference_manifest.keys()
    assert {p: h for p, h in manifest(blog).items() if p != STATE} == {
        p: h for p, h in reference_manifest.items() if p != STATE
    }
    for path in SUBTITLE_FILES:
        assert manifest(blog)[path] == sha256(after[path].decode())


@pytest.mark.parametrize(
    ("old", "new", "expected", "revision"),
    [
        pytest.param(
            "  Post:\n",
            "  Post:\n    table: blog_posts\n",
            {
                STATE,
                "AGENTS.md",
                "README.md",
                "blog/api/post.py",
                "blog/models/comment.py",
                "blog/models/post.py",
                "tests/cases.py",
            },
            # The same resource under a new table name: renamed, not dropped and recreated.
            "migrations/versions/0002_rename_table_posts_to_blog_posts_and_10_more.py",
            id="table-name",
        ),
        pytest.param(
            "  description: Posts, authors and comments.\n",
            "  description: A small blog.\n",
            {"README.md", "pyproject.toml"},
            None,
            id="project-description",
        ),
    ],
)
def test_spec_change_updates_docs_that_mention_it(
    cli: Invoke, blog: Path, old: str, new: str, expected: set[str], revision: str | None
) -> None:
    edit(blog / "persistgen.yaml", old, new)
    before = tree(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    created = {revision: "created"} if revision else {}
    assert reported(result.stdout) == {**dict.fromkeys(expected, "updated"), **created}
    assert changed(before, tree(blog)) == expected | created.keys() | {MANIFEST}
    if revision:
        text = (blog / revision).read_text(encoding="utf-8")
        assert 'op.rename_table("posts", "blog_posts")' in text
        assert "drop_table" not in text


def test_new_resource_in_spec_is_created(cli: Invoke, blog: Path) -> None:
    spec = blog / "persistgen.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8") + "\n  Tag:\n    fields:\n      label: str:40:unique\n",
        encoding="utf-8",
    )
    before = tree(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    rows = reported(result.stdout)
    created = {p for p, s in rows.items() if s == "created"}
    assert created == {
        "blog/api/tag.py",
        "blog/models/tag.py",
        "blog/repositories/generated/tag.py",
        "blog/repositories/tag.py",
        "blog/schemas/generated/tag.py",
        "blog/schemas/tag.py",
        "migrations/versions/0002_create_table_tags.py",
    }
    assert {"README.md", "AGENTS.md", "blog/main.py", "blog/models/__init__.py", STATE} <= set(rows)
    assert changed(before, tree(blog)) == set(rows) | {MANIFEST}


def test_removed_resource_removes_its_files(cli: Invoke, blog: Path, tmp_path: Path) -> None:
    remove_comment(blog)
    before = tree(blog)

    result = cli("generate", "-p", "blog", "--allow-destructive")

    assert result.exit_code == 0, result.output
    rows = reported(result.stdout)
    assert {p for p, s in rows.items() if s == "removed"} == COMMENT_FILES
    assert {p for p, s in rows.items() if s == "created"} == {COMMENT_REVISION}
    after = tree(blog)
    assert not COMMENT_FILES & after.keys()
    assert not COMMENT_FILES & manifest(blog).keys()
    assert changed(before, after) == set(rows) | {MANIFEST}
    # Your files are never removed, not even those of a resource that left the spec, but the
    # ones that extend a removed generated base are pointed out.
    assert {p: after[p] for p in COMMENT_USER_FILES} == {p: before[p] for p in COMMENT_USER_FILES}
    for path in sorted(COMMENT_USER_FILES):
        assert f"yours, kept: {path} extends a generated module" in result.stdout
    # Apart from the spec, the revisions (yours), the files the resource left you, and the
    # state's head, the tree is what a new project from the smaller spec holds.
    reference = fresh(cli, tmp_path, blog / "persistgen.yaml")
    assert revisions(blog) == {"migrations/versions/0001_initial_schema.py", COMMENT_REVISION}
    assert revisions(tmp_path / "reference/ref") == {"migrations/versions/0001_initial_schema.py"}
    state, reference_state = json.loads(after[STATE]), json.loads(reference[STATE])
    assert (state["head"], reference_state["head"]) == ("0002", "0001")
    assert state["tables"] == reference_state["tables"]
    assert (
        json.loads(after[MANIFEST])["files"].keys()
        == json.loads(reference[MANIFEST])["files"].keys()
    )
    for path in {"persistgen.yaml", STATE, MANIFEST} | revisions(blog) | COMMENT_USER_FILES:
        after.pop(path)
        reference.pop(path, None)
    assert after == reference


def test_removed_resource_keeps_an_edited_file(cli: Invoke, blog: Path) -> None:
    edited = blog / "blog/models/comment.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "# mine\n", encoding="utf-8")
    content = edited.read_bytes()
    remove_comment(blog)

    result = cli("generate", "-p", "blog", "--allow-destructive")

    assert result.exit_code == 1
    rows = reported(result.stdout)
    assert rows["blog/models/comment.py"] == "conflict"
    assert rows[COMMENT_REVISION] == "created"  # a conflict does not hold the migration back
    assert edited.read_bytes() == content
    # Still recorded, so it stays a conflict rather than becoming an unknown file.
    assert "blog/models/comment.py" in manifest(blog)
    # The drop is migrated now: no second revision, and no flag needed any more.
    again = cli("generate", "-p", "blog")
    assert again.exit_code == 1
    assert reported(again.stdout) == {"blog/models/comment.py": "conflict"}

    forced = cli("generate", "-p", "blog", "--force")

    assert forced.exit_code == 0, forced.output
    assert reported(forced.stdout) == {"blog/models/comment.py": "removed"}
    assert not edited.exists()
    assert "blog/models/comment.py" not in manifest(blog)


def test_removed_resource_with_file_already_deleted(cli: Invoke, blog: Path) -> None:
    (blog / "blog/api/comment.py").unlink()
    remove_comment(blog)

    result = cli("generate", "-p", "blog", "--allow-destructive")

    assert result.exit_code == 0, result.output
    assert "blog/api/comment.py" not in reported(result.stdout)
    assert not COMMENT_FILES & manifest(blog).keys()


# --- hand edits --------------------------------------------------------------------------------


def test_hand_edited_file_is_a_conflict_and_kept(cli: Invoke, blog: Path) -> None:
    post = blog / "blog/models/post.py"
    post.write_text(post.read_text(encoding="utf-8") + "# my change\n", encoding="utf-8")
    edited = post.read_bytes()
    age(blog)
    before, times = tree(blog), mtimes(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 1
    assert reported(result.stdout) == {"blog/models/post.py": "conflict"}
    assert "edited by hand" in result.stderr
    assert "--force" in result.stderr
    assert post.read_bytes() == edited
    assert tree(blog) == before
    assert mtimes(blog) == times


def test_conflict_does_not_block_other_updates(cli: Invoke, blog: Path) -> None:
    path = "blog/schemas/generated/post.py"
    schemas = blog / path
    schemas.write_text(schemas.read_text(encoding="utf-8") + "# mine\n", encoding="utf-8")
    edited = schemas.read_bytes()
    recorded = manifest(blog)[path]
    add_subtitle(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 1
    assert reported(result.stdout) == {**SUBTITLE_ROWS, path: "conflict"}
    assert schemas.read_bytes() == edited
    assert manifest(blog)[path] == recorded
    again = cli("generate", "-p", "blog")
    assert again.exit_code == 1
    assert reported(again.stdout) == {path: "conflict"}


def test_force_overwrites_the_hand_edit(cli: Invoke, blog: Path, tmp_path: Path) -> None:
    post = blog / "blog/models/post.py"
    original = post.read_bytes()
    post.write_bytes(original + b"# my change\n")

    result = cli("generate", "-p", "blog", "--force")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == {"blog/models/post.py": "updated"}
    assert post.read_bytes() == original
    assert manifest(blog)["blog/models/post.py"] == sha256(original.decode())
    assert cli("generate", "-p", "blog", "--check").exit_code == 0


def test_hand_edit_matching_the_generated_text_is_not_a_conflict(
    cli: Invoke, blog: Path, tmp_path: Path
) -> None:
    """Someone made the same change by hand: the file is current and its record catches up."""
    add_subtitle(blog)
    post = blog / "blog/models/post.py"
    post.write_bytes(fresh(cli, tmp_path, blog / "persistgen.yaml")["blog/models/post.py"])

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    assert "blog/models/post.py" not in reported(result.stdout)
    assert manifest(blog)["blog/models/post.py"] == sha256(post.read_text(encoding="utf-8"))


def test_non_utf8_generated_file_is_a_conflict(cli: Invoke, blog: Path) -> None:
    post = blog / "blog/models/post.py"
    post.write_bytes(b"\xff\xfe not text\n")

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 1
    assert reported(result.stdout) == {"blog/models/post.py": "conflict"}
    assert post.read_bytes() == b"\xff\xfe not text\n"


def test_deleted_generated_file_is_recreated(cli: Invoke, blog: Path) -> None:
    session = blog / "blog/db/session.py"
    content = session.read_bytes()
    session.unlink()

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == {"blog/db/session.py": "created"}
    assert session.read_bytes() == content


def test_user_owned_files_are_never_rewritten(cli: Invoke, blog: Path) -> None:
    for path in USER_OWNED:
        (blog / path).write_text("# entirely mine\n", encoding="utf-8")
    add_subtitle(blog)

    for flags in ([], ["--force"]):
        result = cli("generate", "-p", "blog", *flags)
        assert result.exit_code == 0, result.output
        assert not set(USER_OWNED) & reported(result.stdout).keys()
        for path in USER_OWNED:
            assert (blog / path).read_text(encoding="utf-8") == "# entirely mine\n"
    assert not set(USER_OWNED) & manifest(blog).keys()


# --- --check, --diff, --dry-run --------------------------------------------------------------


def test_check(cli: Invoke, blog: Path) -> None:
    clean = cli("generate", "-p", "blog", "--check")
    assert clean.exit_code == 0, clean.output

    add_subtitle(blog)
    before, times = tree(blog), mtimes(blog)
    stale = cli("generate", "-p", "blog", "--check")

    assert stale.exit_code == 1
    assert "out of date" in stale.stderr
    assert reported(stale.stdout) == SUBTITLE_ROWS
    assert tree(blog) == before
    assert mtimes(blog) == times


def test_check_reports_a_conflict(cli: Invoke, blog: Path) -> None:
    post = blog / "blog/models/post.py"
    post.write_bytes(post.read_bytes() + b"# mine\n")
    before = tree(blog)

    result = cli("generate", "-p", "blog", "--check")

    assert result.exit_code == 1
    assert tree(blog) == before


def test_check_without_manifest_writes_nothing(cli: Invoke, blog: Path) -> None:
    (blog / MANIFEST).unlink()
    before = tree(blog)

    result = cli("generate", "-p", "blog", "--check")

    assert result.exit_code == 0, result.output
    assert tree(blog) == before


def test_dry_run_lists_and_writes_nothing(cli: Invoke, blog: Path) -> None:
    add_subtitle(blog)
    (blog / "blog/db/session.py").unlink()
    before, times = tree(blog), mtimes(blog)

    result = cli("generate", "-p", "blog", "--dry-run")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == {**SUBTITLE_ROWS, "blog/db/session.py": "created"}
    assert tree(blog) == before
    assert mtimes(blog) == times


def test_diff_prints_a_unified_diff(cli: Invoke, blog: Path) -> None:
    add_subtitle(blog)
    post = blog / "blog/models/post.py"
    old = post.read_bytes()

    preview = cli("generate", "-p", "blog", "--diff", "--dry-run")

    assert preview.exit_code == 0, preview.output
    assert "--- a/blog/models/post.py\n+++ b/blog/models/post.py\n@@ " in preview.stdout
    assert "\n+    subtitle: Mapped[str | None]" in preview.stdout
    assert "--- a/blog/schemas/generated/post.py" in preview.stdout
    assert f"+++ b/{SUBTITLE_REVISION}" in preview.stdout
    assert "a/blog/models/user.py" not in preview.stdout
    assert "a/blog/schemas/post.py" not in preview.stdout  # yours: never rewritten
    assert post.read_bytes() == old

    applied = cli("generate", "-p", "blog", "--diff")

    assert applied.exit_code == 0
    assert "+    subtitle: Mapped[str | None]" in applied.stdout
    assert post.read_bytes() != old


def test_diff_shows_what_force_would_undo(cli: Invoke, blog: Path) -> None:
    post = blog / "blog/models/post.py"
    post.write_bytes(post.read_bytes() + b"# my change\n")

    result = cli("generate", "-p", "blog", "--diff")

    assert result.exit_code == 1
    assert "\n-# my change\n" in result.stdout


def test_diff_of_a_file_without_final_newline(cli: Invoke, blog: Path) -> None:
    post = blog / "blog/models/post.py"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.rstrip("\n"), encoding="utf-8")

    result = cli("generate", "-p", "blog", "--diff", "--dry-run")

    last = text.rstrip("\n").splitlines()[-1]
    assert f"\n-{last}\n\\ No newline at end of file\n+{last}\n" in result.stdout


def test_diff_shows_removed_files(cli: Invoke, blog: Path) -> None:
    remove_comment(blog)

    result = cli("generate", "-p", "blog", "--diff", "--dry-run", "--allow-destructive")

    assert result.exit_code == 0
    assert "--- a/blog/models/comment.py\n+++ b/blog/models/comment.py" in result.stdout
    assert (blog / "blog/models/comment.py").exists()


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
    # state.json is a conflict too, so no revision is written: it would be chained to a head
    # the kept state does not record.
    assert reported(result.stdout) == dict.fromkeys(SUBTITLE_FILES, "conflict")
    assert revisions(blog) == {"migrations/versions/0001_initial_schema.py"}
    assert "migration " not in result.stdout


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


# --- errors ------------------------------------------------------------------------------------


def test_no_spec_here(cli: Invoke, tmp_path: Path) -> None:
    result = cli("generate")

    assert result.exit_code == 2
    assert "persistgen.yaml" in result.stderr
    assert "cannot read the spec" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_invalid_spec_changes_nothing(cli: Invoke, blog: Path) -> None:
    edit(blog / "persistgen.yaml", "      body: text\n", "      body: txt\n")
    before = tree(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 2
    assert "blog/persistgen.yaml:22:13" in result.stderr
    assert "did you mean `text`?" in result.stderr
    assert tree(blog) == before


def test_blog_example_round_trip(cli: Invoke, blog: Path) -> None:
    """Sanity: the fixture really is the example."""
    assert (blog / "persistgen.yaml").read_text(encoding="utf-8").partition("\n")[2] == (
        BLOG.read_text(encoding="utf-8").partition("\n")[2]
    )
