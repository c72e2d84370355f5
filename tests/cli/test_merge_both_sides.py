"""Through a git merge, the documented way (resolve the spec, take one side of every generated
file and of the manifest, run `persistgen generate`) keeps the other branch's hand edits too:
`generate` reads the other side's manifest at MERGE_HEAD and merges each edit it records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.cli.helpers import edit
from tests.cli.test_branches import commit, git
from tests.generated.project import run

MODEL = "blog/models/post.py"
MANIFEST = ".persistgen/manifest.json"
SLUG = "      slug: str:220:unique\n"
DOCSTRING = '"""The `posts` table."""\n'
OUR_DOCSTRING = '"""The `posts` table: one row per published or drafted post."""\n'
REPR = """
    def __repr__(self) -> str:
        return f"<Post {self.slug}>"
"""
STR = """
    def __str__(self) -> str:
        return self.title
"""


def _merge(
    cli: Invoke,
    root: Path,
    ours: tuple[str, str],
    theirs: str,
    their_spec: bool = True,
    beta_after: str = "      slug: str:220:unique\n",
    top: Path | None = None,
) -> None:
    """Branch `ours` adds `alpha` and makes the hand edit `ours` in the model; branch `theirs`
    adds `beta` at the same place and appends `theirs` to it. `ours` merges `theirs`: the user
    resolves the spec and takes `--ours` of every other conflicting file (manifest, model).
    The repository is `top`, which holds the project, or the project itself."""
    git(top or root, "init", "-q", "-b", "main")
    commit(root, "A blog")
    git(root, "checkout", "-q", "-b", "theirs")
    edit(root / "persistgen.yaml", beta_after, f"{beta_after}      beta: str:50?\n")
    assert cli("generate", "-p", str(root), "--no-migration").exit_code == 0
    with (root / MODEL).open("a", encoding="utf-8") as handle:
        handle.write(theirs)
    if not their_spec:  # as persistgen 0.1.0 wrote it, or a rebuilt manifest
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        manifest["spec"] = None
        (root / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    commit(root, "beta, and a hand edit")
    git(root, "checkout", "-q", "-b", "ours", "main")
    edit(root / "persistgen.yaml", SLUG, f"{SLUG}      alpha: int?\n")
    assert cli("generate", "-p", str(root), "--no-migration").exit_code == 0
    text = (root / MODEL).read_text(encoding="utf-8")
    (root / MODEL).write_text(text.replace(*ours) if ours[0] == DOCSTRING else text + ours[1])
    commit(root, "alpha, and a hand edit")
    git(root, "merge", "-q", "theirs", check=False)
    conflicted = git(root, "diff", "--name-only", "--relative", "--diff-filter=U").split()
    assert MANIFEST in conflicted
    spec = root / "persistgen.yaml"
    lines = spec.read_text(encoding="utf-8").splitlines(keepends=True)
    spec.write_text("".join(line for line in lines if line[:8] not in _MARKERS), encoding="utf-8")
    for path in conflicted:
        if path != "persistgen.yaml":
            git(root, "checkout", "--ours", "--", path)
    assert git(root, "rev-parse", "-q", "--verify", "MERGE_HEAD")  # still merging
    if beta_after == SLUG:  # (elsewhere, git merges the model by itself)
        assert MODEL in conflicted
        model = (root / MODEL).read_text(encoding="utf-8")
        assert "beta" not in model and theirs not in model  # --ours took this side only


_MARKERS = ("<<<<<<< ", "=======\n", ">>>>>>> ")


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


@pytest.mark.parametrize("at_top", [True, False], ids=["project at the top", "in a subdirectory"])
def test_both_branches_hand_edits_survive_the_merge(cli: Invoke, blog: Path, at_top: bool) -> None:
    _merge(cli, blog, (DOCSTRING, OUR_DOCSTRING), REPR, top=None if at_top else blog.parent)

    result = cli("generate", "-p", str(blog), "--no-migration")

    assert result.exit_code == 0, result.output
    model = (blog / MODEL).read_text(encoding="utf-8")
    assert OUR_DOCSTRING in model
    assert model.endswith(REPR)
    assert "alpha: Mapped[int | None]" in model
    assert "beta: Mapped[str | None]" in model
    assert "merge:" not in result.output
    run(blog, "ruff", "check", MODEL)
    run(blog, "ruff", "format", "--check", MODEL)
    run(blog, "mypy", "--strict", MODEL)
    # Both edits stay edits (the manifest records persistgen's own text), so nothing is stale,
    # during the merge and after it.
    check = cli("generate", "-p", str(blog), "--check", "--no-migration")
    assert check.exit_code == 0, check.output
    commit(blog, "merge theirs")
    again = cli("generate", "-p", str(blog), "--check", "--no-migration")
    assert again.exit_code == 0, again.output
    assert (blog / MODEL).read_text(encoding="utf-8") == model


def test_an_edit_git_merged_by_itself_is_not_doubled(cli: Invoke, blog: Path) -> None:
    views = "      view_count: {type: int, default: 0, ge: 0}\n"
    _merge(cli, blog, (DOCSTRING, OUR_DOCSTRING), REPR, beta_after=views)
    merged = (blog / MODEL).read_text(encoding="utf-8")
    assert OUR_DOCSTRING in merged and merged.endswith(REPR)

    result = cli("generate", "-p", str(blog), "--no-migration")

    assert result.exit_code == 0, result.output
    assert (blog / MODEL).read_text(encoding="utf-8") == merged
    assert "merge:" not in result.output


def test_an_overlapping_edit_from_the_other_side_writes_nothing(cli: Invoke, blog: Path) -> None:
    _merge(cli, blog, ("", STR), REPR)  # both append a method: the edits overlap
    before = _files(blog)

    result = cli("generate", "-p", str(blog), "--no-migration")

    assert result.exit_code == 1, result.output
    assert f"{MODEL}: the other branch's hand edit here overlaps" in result.stderr
    assert f"git diff HEAD...MERGE_HEAD -- {MODEL}" in result.stderr
    assert _files(blog) == before

    marked = cli("generate", "-p", str(blog), "--no-migration", "--conflicts=markers")
    assert marked.exit_code == 1
    model = (blog / MODEL).read_text(encoding="utf-8")
    assert "__repr__" in model and "__str__" in model and "<<<<<<< yours\n" in model


def test_an_edit_whose_base_cannot_be_rendered_is_named(cli: Invoke, blog: Path) -> None:
    _merge(cli, blog, (DOCSTRING, OUR_DOCSTRING), REPR, their_spec=False)

    result = cli("generate", "-p", str(blog), "--no-migration")

    assert result.exit_code == 0, result.output
    assert f"merge: {MODEL}: the other branch edited it by hand" in result.stdout
    assert "the manifest records no spec" in result.stdout
    assert f"git diff HEAD...MERGE_HEAD -- {MODEL}" in result.stdout
    assert "__repr__" not in (blog / MODEL).read_text(encoding="utf-8")


def test_outside_a_merge_or_a_repository_nothing_changes(cli: Invoke, blog: Path) -> None:
    edit(blog / MODEL, DOCSTRING, OUR_DOCSTRING)
    before = cli("generate", "-p", str(blog), "--check", "--no-migration")
    git(blog, "init", "-q", "-b", "main")
    commit(blog, "A blog")
    inside = cli("generate", "-p", str(blog), "--check", "--no-migration")
    assert before.exit_code == inside.exit_code == 0
    assert before.output == inside.output


def test_force_drops_the_other_sides_edit_and_keeps_this_ones(cli: Invoke, blog: Path) -> None:
    _merge(cli, blog, ("", STR), REPR)

    result = cli("generate", "-p", str(blog), "--no-migration", "--force")

    assert result.exit_code == 0, result.output
    assert f"dropped your edits in 1 file(s): {MODEL}" in result.stderr
    model = (blog / MODEL).read_text(encoding="utf-8")
    assert model.endswith(STR) and "__repr__" not in model
    # The manifest records persistgen's text, not this side's edit: it is still an edit.
    commit(blog, "merge theirs")
    check = cli("generate", "-p", str(blog), "--check", "--no-migration")
    assert check.exit_code == 0, check.output
    assert f"your edits, kept: {MODEL}" in check.stdout
