"""`persistgen generate` with hand edits in generated files, and --check, --diff, --dry-run."""

from __future__ import annotations

import json
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
    revisions,
)
from tests.cli.conftest import Invoke
from tests.cli.helpers import age, edit, masked, mtimes, reported, tree

# --- hand edits --------------------------------------------------------------------------------

SLUG = "mapped_column(String(220), unique=True)"  # the line `subtitle` is added after


def overlap(root: Path) -> None:
    """A hand edit on the line where adding `subtitle` changes models/post.py."""
    edit(root / "blog/models/post.py", SLUG, f"{SLUG}  # mine")


def test_hand_edit_is_kept_when_the_spec_did_not_change(cli: Invoke, blog: Path) -> None:
    post = blog / "blog/models/post.py"
    post.write_text(post.read_text(encoding="utf-8") + "# my change\n", encoding="utf-8")
    recorded = manifest(blog)
    age(blog)
    before, times = tree(blog), mtimes(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == {}
    assert "your edits, kept: blog/models/post.py" in result.stdout
    assert tree(blog) == before
    assert mtimes(blog) == times
    assert manifest(blog) == recorded  # still an edit: persistgen's text is what is recorded
    assert cli("generate", "-p", "blog", "--check").exit_code == 0


def test_non_overlapping_hand_edit_is_merged(cli: Invoke, blog: Path) -> None:
    path = "blog/schemas/generated/post.py"
    schemas = blog / path
    schemas.write_text(schemas.read_text(encoding="utf-8") + "# mine\n", encoding="utf-8")
    add_subtitle(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == {**SUBTITLE_ROWS, path: "merged"}
    text = schemas.read_text(encoding="utf-8")
    assert text.endswith("# mine\n")
    assert "subtitle" in text
    # The record is persistgen's own text: the edit stays an edit, merged again next time.
    assert manifest(blog)[path] == sha256(text.removesuffix("# mine\n"))
    again = cli("generate", "-p", "blog", "--check")
    assert again.exit_code == 0, again.output


def test_a_conflict_writes_nothing(cli: Invoke, blog: Path) -> None:
    overlap(blog)
    (blog / "blog/schemas/generated/post.py").open("a").write("# mine\n")  # merges cleanly
    add_subtitle(blog)
    age(blog)
    before, times = tree(blog), mtimes(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 1
    assert reported(result.stdout) == {"blog/models/post.py": "conflict"}
    assert "nothing was written" in result.stderr
    assert "overlaps persistgen's change" in result.stderr
    assert "--conflicts=markers" in result.stderr
    assert "--force" in result.stderr
    # Only the conflicting hunk: your line, then persistgen's.
    assert "--- yours/blog/models/post.py\n+++ persistgen/blog/models/post.py\n" in result.stdout
    assert f"\n-    slug: Mapped[str] = {SLUG}  # mine\n" in result.stdout
    assert "\n+    subtitle: Mapped[str | None]" in result.stdout
    assert "+from" not in result.stdout and "-from" not in result.stdout
    assert tree(blog) == before
    assert mtimes(blog) == times


def test_markers_write_the_conflict_and_everything_else(cli: Invoke, blog: Path) -> None:
    overlap(blog)
    add_subtitle(blog)

    result = cli("generate", "-p", "blog", "--conflicts=markers")

    assert result.exit_code == 1
    assert reported(result.stdout) == {**SUBTITLE_ROWS, "blog/models/post.py": "conflict"}
    assert "hold conflict markers:[/]" not in result.stderr
    assert "1 file(s) hold conflict markers: blog/models/post.py" in result.stderr
    text = (blog / "blog/models/post.py").read_text(encoding="utf-8")
    assert f"<<<<<<< yours\n    slug: Mapped[str] = {SLUG}  # mine\n=======\n" in text
    assert "    subtitle: Mapped[str | None]" in text
    assert text.count(">>>>>>> persistgen\n") == 1
    assert SUBTITLE_REVISION in revisions(blog)
    # Markers left in place are a conflict, never merged away.
    again = cli("generate", "-p", "blog")
    assert again.exit_code == 1
    assert "still holds conflict markers" in again.stderr
    # Resolved by hand: the resolution is kept.
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith(("<<<", "==="))]
    resolved = "".join(line for line in lines if not line.startswith(">>>"))
    resolved = resolved.replace(f"{SLUG}\n", "", 1)  # persistgen's copy of the slug line
    (blog / "blog/models/post.py").write_text(resolved, encoding="utf-8")
    done = cli("generate", "-p", "blog")
    assert done.exit_code == 0, done.output
    assert (blog / "blog/models/post.py").read_text(encoding="utf-8") == resolved


def test_markers_are_not_written_into_a_file_that_still_holds_them(cli: Invoke, blog: Path) -> None:
    """A second --conflicts=markers run keeps a file with unresolved markers as it is, rather
    than nesting new markers (and every edit of the file) inside the old ones."""
    overlap(blog)
    add_subtitle(blog)
    assert cli("generate", "-p", "blog", "--conflicts=markers").exit_code == 1
    post = blog / "blog/models/post.py"
    marked = post.read_text(encoding="utf-8")

    again = cli("generate", "-p", "blog", "--conflicts=markers")

    assert again.exit_code == 1
    assert "blog/models/post.py: it still holds conflict markers" in again.stderr
    assert "resolve the conflict markers" in again.stderr
    assert "no longer overlaps" not in again.stderr
    assert post.read_text(encoding="utf-8") == marked
    assert marked.count("<<<<<<< yours\n") == 1


def test_force_overwrites_a_conflicting_edit_and_says_so(cli: Invoke, blog: Path) -> None:
    overlap(blog)
    add_subtitle(blog)

    result = cli("generate", "-p", "blog", "--force")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == SUBTITLE_ROWS
    assert "--force dropped your edits in 1 file(s): blog/models/post.py" in result.stderr
    text = (blog / "blog/models/post.py").read_text(encoding="utf-8")
    assert "# mine" not in text
    assert manifest(blog)["blog/models/post.py"] == sha256(text)
    assert cli("generate", "-p", "blog", "--check").exit_code == 0


def test_a_preview_says_what_force_and_markers_would_do(cli: Invoke, blog: Path) -> None:
    """--diff and --dry-run write nothing, so they say "would": nothing was dropped yet."""
    overlap(blog)
    add_subtitle(blog)
    before = tree(blog)

    forced = cli("generate", "-p", "blog", "--diff", "--force")
    marked = cli("generate", "-p", "blog", "--dry-run", "--conflicts=markers")

    assert "--force would drop your edits in 1 file(s): blog/models/post.py" in forced.stderr
    assert "1 file(s) would hold conflict markers: blog/models/post.py" in marked.stderr
    assert tree(blog) == before


def test_force_keeps_the_edits_that_do_not_conflict(cli: Invoke, blog: Path) -> None:
    """--force gives persistgen the conflicting hunks only: a method added elsewhere stays."""
    overlap(blog)
    post = blog / "blog/models/post.py"
    method = "\n    def label(self) -> str:\n        return self.title\n"
    post.write_text(post.read_text(encoding="utf-8") + method, encoding="utf-8")
    add_subtitle(blog)

    result = cli("generate", "-p", "blog", "--force")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == {**SUBTITLE_ROWS, "blog/models/post.py": "merged"}
    assert "--force dropped your edits in 1 file(s): blog/models/post.py" in result.stderr
    text = post.read_text(encoding="utf-8")
    assert "# mine" not in text
    assert "    subtitle: Mapped[str | None]" in text
    assert text.endswith(method)
    assert manifest(blog)["blog/models/post.py"] != sha256(text)  # the method is still an edit
    check = cli("generate", "-p", "blog", "--check")
    assert check.exit_code == 0, check.output
    assert "your edits, kept: blog/models/post.py" in check.stdout


def test_edit_without_a_recorded_base_is_a_conflict(cli: Invoke, blog: Path) -> None:
    """A manifest without a spec (persistgen 0.1.0 wrote none): nothing to merge against."""
    document = json.loads((blog / MANIFEST).read_text(encoding="utf-8"))
    del document["spec"]
    (blog / MANIFEST).write_text(json.dumps(document), encoding="utf-8")
    post = blog / "blog/models/post.py"
    post.write_text(post.read_text(encoding="utf-8") + "# my change\n", encoding="utf-8")
    before = tree(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 1
    assert reported(result.stdout) == {"blog/models/post.py": "conflict"}
    assert "the manifest records no spec" in result.stderr
    assert tree(blog) == before


def test_edited_file_of_a_removed_resource_is_a_conflict(cli: Invoke, blog: Path) -> None:
    comment = blog / "blog/models/comment.py"
    comment.write_text(comment.read_text(encoding="utf-8") + "# mine\n", encoding="utf-8")
    remove_comment(blog)
    before = tree(blog)

    for flags in ([], ["--conflicts=markers"]):
        result = cli("generate", "-p", "blog", "--allow-destructive", *flags)
        assert result.exit_code == 1
        assert reported(result.stdout)["blog/models/comment.py"] == "conflict"
        assert "its resource left the spec" in result.stderr
        assert "then delete the file" in result.stderr
        assert "no longer overlaps" not in result.stderr  # that hint is for overlapping edits
        assert comment.read_text(encoding="utf-8").endswith("# mine\n")
    assert tree(blog) != before  # markers: the rest is written, the edited file kept

    forced = cli("generate", "-p", "blog", "--force")
    assert forced.exit_code == 0, forced.output
    assert not comment.exists()
    assert "--force dropped your edits in 1 file(s): blog/models/comment.py" in forced.stderr


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

    for flags in ([], ["--conflicts=markers"]):
        result = cli("generate", "-p", "blog", *flags)
        assert result.exit_code == 1
        assert reported(result.stdout) == {"blog/models/post.py": "conflict"}
        assert "not UTF-8" in result.stderr
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
    overlap(blog)
    add_subtitle(blog)
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

    before = tree(blog)
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

    alone = cli("generate", "-p", "blog", "--diff")  # a preview too

    assert alone.exit_code == 0
    assert "+    subtitle: Mapped[str | None]" in alone.stdout
    assert post.read_bytes() == old
    assert tree(blog) == before


def test_diff_shows_the_conflicting_hunks_and_writes_nothing(cli: Invoke, blog: Path) -> None:
    overlap(blog)
    add_subtitle(blog)
    before = tree(blog)

    result = cli("generate", "-p", "blog", "--diff")

    assert result.exit_code == 1
    assert f"\n-    slug: Mapped[str] = {SLUG}  # mine\n" in result.stdout
    assert "--- yours/blog/models/post.py" in result.stdout
    assert tree(blog) == before


def test_diff_of_a_file_without_final_newline(cli: Invoke, blog: Path) -> None:
    (blog / MANIFEST).unlink()  # no base: the edit is a conflict, which --force would undo
    post = blog / "blog/models/post.py"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.rstrip("\n"), encoding="utf-8")

    result = cli("generate", "-p", "blog", "--diff", "--force")

    last = text.rstrip("\n").splitlines()[-1]
    assert f"\n-{last}\n\\ No newline at end of file\n+{last}\n" in result.stdout
    assert post.read_text(encoding="utf-8") == text.rstrip("\n")


def test_diff_shows_removed_files(cli: Invoke, blog: Path) -> None:
    remove_comment(blog)

    result = cli("generate", "-p", "blog", "--diff", "--dry-run", "--allow-destructive")

    assert result.exit_code == 0
    assert "--- a/blog/models/comment.py\n+++ b/blog/models/comment.py" in result.stdout
    assert (blog / "blog/models/comment.py").exists()
