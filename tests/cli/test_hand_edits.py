"""`persistgen generate` with hand edits in generated files, and --check, --diff, --dry-run."""

from __future__ import annotations

from pathlib import Path

from persistgen.write import MANIFEST, sha256
from tests.cli.blog_changes import (
    SUBTITLE_REVISION,
    SUBTITLE_ROWS,
    USER_OWNED,
    add_subtitle,
    fresh,
    manifest,
    remove_comment,
)
from tests.cli.conftest import Invoke
from tests.cli.helpers import age, masked, mtimes, reported, tree

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
    new_files = {masked(line.removeprefix("+++ b/")) for line in preview.stdout.splitlines()}
    assert SUBTITLE_REVISION in new_files
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
