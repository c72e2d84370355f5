"""Story 3 of issue 14, replayed in a real git repository: a hand edit in a generated model,
then a new field. The edit is merged, or the run writes nothing at all."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli.blog_changes import SUBTITLE_REVISION, add_subtitle, revisions
from tests.cli.conftest import Invoke
from tests.cli.helpers import edit, reported
from tests.generated.project import run

MODEL = "blog/models/post.py"
SLUG = "mapped_column(String(220), unique=True)"  # the line `subtitle` is added after
REPR = """
    def __repr__(self) -> str:
        return f"<Post {self.slug}>"
"""


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.fixture
def repo(blog: Path) -> Path:
    git(blog, "init", "-q", "-b", "master")
    git(blog, "add", "-A")
    git(blog, "commit", "-qm", "generated")
    return blog


def test_an_edit_that_does_not_overlap_survives_a_new_field(cli: Invoke, repo: Path) -> None:
    (repo / MODEL).open("a", encoding="utf-8").write(REPR)  # a method at the end of the class
    add_subtitle(repo)
    git(repo, "commit", "-qam", "my __repr__, and a subtitle")

    preview = cli("generate", "-p", "blog", "--diff")
    assert preview.exit_code == 0, preview.output
    assert git(repo, "status", "--porcelain") == ""

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout)[MODEL] == "merged"
    assert f"your edits, kept: {MODEL}" in result.stdout
    model = (repo / MODEL).read_text(encoding="utf-8")
    assert "    subtitle: Mapped[str | None]" in model
    assert model.endswith(REPR)
    assert SUBTITLE_REVISION in revisions(repo)
    run(repo, "ruff", "check", "--no-cache", ".")
    run(repo, "ruff", "format", "--no-cache", "--check", ".")
    run(repo, "mypy", "--strict", "--no-incremental", "blog")
    assert cli("generate", "-p", "blog", "--check").exit_code == 0

    # The edit is still an edit: the next change merges it again.
    edit(repo / "persistgen.yaml", "      subtitle: str:120?\n", "")
    again = cli("generate", "-p", "blog", "--allow-destructive")
    assert again.exit_code == 0, again.output
    model = (repo / MODEL).read_text(encoding="utf-8")
    assert "subtitle" not in model
    assert model.endswith(REPR)


def test_an_overlapping_edit_stops_the_whole_run(cli: Invoke, repo: Path) -> None:
    edit(repo / MODEL, SLUG, f"{SLUG}  # must stay unique")
    (repo / MODEL).open("a", encoding="utf-8").write(REPR)
    add_subtitle(repo)
    git(repo, "commit", "-qam", "my edits, and a subtitle")

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 1
    assert git(repo, "status", "--porcelain", "--ignored") == ""  # not one file written
    assert reported(result.stdout) == {MODEL: "conflict"}
    assert f"-    slug: Mapped[str] = {SLUG}  # must stay unique\n" in result.stdout
    assert "+    subtitle: Mapped[str | None]" in result.stdout
    assert "nothing was written" in result.stderr

    marked = cli("generate", "-p", "blog", "--conflicts=markers")

    assert marked.exit_code == 1
    assert f"hold conflict markers: {MODEL}" in marked.stderr
    model = (repo / MODEL).read_text(encoding="utf-8")
    assert "<<<<<<< yours\n" in model and ">>>>>>> persistgen\n" in model
    assert model.endswith(REPR)  # the edit that does not overlap is merged
    assert SUBTITLE_REVISION in revisions(repo)  # everything else is written
    git(repo, "checkout", "-q", "--", ".")
    git(repo, "clean", "-qfd")

    forced = cli("generate", "-p", "blog", "--force")

    assert forced.exit_code == 0, forced.output
    assert f"--force dropped your edits in 1 file(s): {MODEL}" in forced.stderr
    model = (repo / MODEL).read_text(encoding="utf-8")
    assert "# must stay unique" not in model
    assert "    subtitle: Mapped[str | None]" in model


@pytest.mark.parametrize("side", ["--ours", "--theirs"])
def test_a_git_merge_of_two_spec_changes_regenerates_cleanly(
    cli: Invoke, repo: Path, tmp_path: Path, side: str
) -> None:
    """Two branches add a field each; git merges the spec and the generated files, the user
    takes either side of the manifest, and `generate` ends where a fresh project starts."""
    for branch, after, field in (
        ("x", "slug: str:220:unique", "alpha: int?"),
        ("y", "body: text", "beta: str:50?"),
    ):
        git(repo, "checkout", "-q", "-b", branch, "master")
        edit(repo / "persistgen.yaml", f"      {after}\n", f"      {after}\n      {field}\n")
        assert cli("generate", "-p", "blog", "--no-migration").exit_code == 0
        git(repo, "commit", "-qam", f"add {field}")
    (repo / MODEL).open("a", encoding="utf-8").write(REPR)  # a hand edit on y
    git(repo, "commit", "-qam", "my __repr__")
    merge = subprocess.run(["git", "merge", "-q", "x"], cwd=repo, capture_output=True, text=True)
    assert merge.returncode == 1  # the manifests conflict
    git(repo, "checkout", side, "--", ".persistgen/manifest.json")
    git(repo, "commit", "-qam", "merge x")

    result = cli("generate", "-p", "blog", "--no-migration")

    assert result.exit_code == 0, result.output
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    assert (
        cli(
            "new", "project", "fresh", "--spec", str(repo / "persistgen.yaml"), "--dir", str(fresh)
        ).exit_code
        == 0
    )
    manifest = json.loads((repo / ".persistgen/manifest.json").read_text(encoding="utf-8"))
    for path in manifest["files"]:
        if path.startswith(".persistgen/") or path == "README.md":
            continue
        expected = (fresh / "fresh" / path).read_text(encoding="utf-8")
        if path == MODEL:
            expected += REPR
        assert (repo / path).read_text(encoding="utf-8") == expected, path
