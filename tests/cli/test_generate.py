"""`persistgen generate`: no-op runs, spec changes, a removed resource, and a missing spec."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from persistgen.write import MANIFEST, sha256
from tests.cli.blog_changes import (
    COMMENT_FILES,
    COMMENT_REVISION,
    COMMENT_USER_FILES,
    KEPT,
    STATE,
    SUBTITLE_FILES,
    SUBTITLE_REVISION,
    SUBTITLE_ROWS,
    add_subtitle,
    fresh,
    head_state,
    manifest,
    remove_comment,
    revisions,
)
from tests.cli.conftest import Invoke
from tests.cli.helpers import BLOG, changed, edit, masked, mtimes, path_of, reported, tree

# --- no-op -----------------------------------------------------------------------------------


def test_second_run_changes_nothing(cli: Invoke, blog: Path) -> None:
    before, times = tree(blog), mtimes(blog)

    result = cli("generate", "--project", "blog")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == {}
    # Neither counted: the spec, the manifest and the initial revision and its snapshot (not
    # rendered again).
    assert result.stdout.strip().splitlines()[-1] == (
        f"{KEPT} kept, {len(before) - KEPT - 4} unchanged"
    )
    assert tree(blog) == before
    assert mtimes(blog) == times


def test_check_names_what_is_out_of_date(cli: Invoke, blog: Path) -> None:
    """A shared file that lost a requirement persistgen needs is out of date by name, not as
    "generated files"."""
    edit(blog / "pyproject.toml", '    "asyncpg>=0.29",\n', "")

    result = cli("generate", "--check", "--project", "blog")

    assert result.exit_code == 1, result.output
    assert "1 file(s) out of date with persistgen.yaml: pyproject.toml" in result.stderr
    assert "asyncpg" not in (blog / "pyproject.toml").read_text("utf-8")


def test_runs_in_the_current_directory(
    cli: Invoke, blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(blog)
    add_subtitle(blog)

    result = cli("generate")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == SUBTITLE_ROWS


def test_run_in_a_subdirectory_names_the_project_above(
    cli: Invoke, blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(blog / "blog" / "models")

    result = cli("generate")

    assert result.exit_code == 2
    assert f"no persistgen.yaml in {blog / 'blog' / 'models'}" in result.stderr
    assert f"run it in {blog}, or pass --project ../.." in result.stderr


# --- spec changes ----------------------------------------------------------------------------


def test_new_field_updates_exactly_its_files(cli: Invoke, blog: Path, tmp_path: Path) -> None:
    add_subtitle(blog)
    before, times = tree(blog), mtimes(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == SUBTITLE_ROWS
    after = tree(blog)
    written = SUBTITLE_FILES | {SUBTITLE_REVISION, MANIFEST, STATE}
    assert {masked(p) for p in changed(before, after)} == written
    assert {masked(p) for p, t in mtimes(blog).items() if t != times.get(p)} == written
    assert b"subtitle: Mapped[str | None]" in after["blog/models/post.py"]
    # The result is what a new project from the changed spec would contain, except that the
    # history holds one more revision.
    reference = fresh(cli, tmp_path, blog / "persistgen.yaml")
    same = SUBTITLE_FILES
    assert {p: after[p] for p in same} == {p: reference[p] for p in same}
    state, reference_state = head_state(blog), head_state(tmp_path / "reference/ref")
    assert (state["number"], reference_state["number"]) == (2, 1)
    assert state["tables"] == reference_state["tables"]
    reference_manifest = json.loads(reference[MANIFEST])["files"]
    assert manifest(blog) == reference_manifest
    for path in SUBTITLE_FILES:
        assert manifest(blog)[path] == sha256(after[path].decode())


@pytest.mark.parametrize(
    ("old", "new", "expected", "revision"),
    [
        pytest.param(
            "  Post:\n",
            "  Post:\n    table: blog_posts\n",
            {
                "AGENTS.md",
                "README.md",
                "blog/api/post.py",
                "blog/models/comment.py",
                "blog/models/post.py",
                "tests/cases.py",
                "tests/test_openapi.py",  # the resource's tag is its route
            },
            # The same resource under a new table name: renamed, not dropped and recreated.
            "migrations/versions/0002_<id>_rename_table_posts_to_blog_posts_and_5_more.py",
            id="table-name",
        ),
        pytest.param(
            "  description: Posts, authors and comments.\n",
            "  description: A small blog.\n",
            {"README.md", "pyproject.toml", "blog/main.py"},  # the app's OpenAPI description
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
    created = {revision: "created", STATE: "created"} if revision else {}
    assert reported(result.stdout) == {**dict.fromkeys(expected, "updated"), **created}
    assert {masked(p) for p in changed(before, tree(blog))} == expected | created.keys() | {
        MANIFEST
    }
    if revision:
        text = path_of(blog, revision).read_text(encoding="utf-8")
        assert 'online.rename_table("posts", "blog_posts")' in text
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
        "migrations/versions/0002_<id>_create_table_tags.py",
        STATE,
    }
    assert {"README.md", "AGENTS.md", "blog/main.py", "blog/models/__init__.py"} <= set(rows)
    assert {masked(p) for p in changed(before, tree(blog))} == set(rows) | {MANIFEST}


def test_removed_resource_removes_its_files(cli: Invoke, blog: Path, tmp_path: Path) -> None:
    remove_comment(blog)
    before = tree(blog)

    result = cli("generate", "-p", "blog", "--allow-destructive")

    assert result.exit_code == 0, result.output
    rows = reported(result.stdout)
    assert {p for p, s in rows.items() if s == "removed"} == COMMENT_FILES
    assert {p for p, s in rows.items() if s == "created"} == {COMMENT_REVISION, STATE}
    after = tree(blog)
    assert not COMMENT_FILES & after.keys()
    assert not COMMENT_FILES & manifest(blog).keys()
    assert {masked(p) for p in changed(before, after)} == set(rows) | {MANIFEST}
    # Your files are never removed, not even those of a resource that left the spec, but the
    # ones that extend a removed generated base are pointed out.
    assert {p: after[p] for p in COMMENT_USER_FILES} == {p: before[p] for p in COMMENT_USER_FILES}
    for path in sorted(COMMENT_USER_FILES):
        assert f"yours, kept: {path} extends a generated module" in result.stdout
    # Apart from the spec, the revisions (yours), the files the resource left you, and the
    # history's snapshots, the tree is what a new project from the smaller spec holds.
    reference = fresh(cli, tmp_path, blog / "persistgen.yaml")
    initial = "migrations/versions/0001_<id>_initial_schema.py"
    assert revisions(blog) == {initial, COMMENT_REVISION}
    assert revisions(tmp_path / "reference/ref") == {initial}
    state, reference_state = head_state(blog), head_state(tmp_path / "reference/ref")
    assert (state["number"], reference_state["number"]) == (2, 1)
    assert state["tables"] == reference_state["tables"]
    assert (
        json.loads(after[MANIFEST])["files"].keys()
        == json.loads(reference[MANIFEST])["files"].keys()
    )
    for files in (after, reference):
        for path in list(files):
            if masked(path).startswith(("migrations/versions/", ".persistgen/revisions/")):
                files.pop(path)
        for path in {"persistgen.yaml", MANIFEST} | COMMENT_USER_FILES:
            files.pop(path, None)
    assert after == reference


def test_removed_resource_keeps_an_edited_file(cli: Invoke, blog: Path) -> None:
    edited = blog / "blog/models/comment.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "# mine\n", encoding="utf-8")
    content = edited.read_bytes()
    remove_comment(blog)

    stopped = cli("generate", "-p", "blog", "--allow-destructive")

    assert stopped.exit_code == 1
    assert reported(stopped.stdout) == {"blog/models/comment.py": "conflict"}
    assert not (blog / COMMENT_REVISION).exists()  # nothing written

    result = cli("generate", "-p", "blog", "--allow-destructive", "--conflicts=markers")

    assert result.exit_code == 1
    rows = reported(result.stdout)
    assert rows["blog/models/comment.py"] == "conflict"  # a removal cannot hold markers: kept
    assert rows[COMMENT_REVISION] == "created"  # the rest is written
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


# --- errors ------------------------------------------------------------------------------------


def test_no_spec_here(cli: Invoke, tmp_path: Path) -> None:
    result = cli("generate")

    assert result.exit_code == 2
    assert "persistgen.yaml" in result.stderr
    assert f"no persistgen.yaml in {tmp_path.resolve()}" in result.stderr
    assert "run it in the project's top directory, or pass --project DIR" in result.stderr
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
