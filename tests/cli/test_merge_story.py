"""Story 3 of issue 14, replayed in a real git repository: a hand edit in a generated model,
then a new field. The edit is merged, or the run writes nothing at all. A PostgreSQL database
migrated before the change keeps its rows: it upgrades to the merged model, whose hand-written
`__repr__` the app then serves; after a refused run it has nothing to upgrade."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.blog_changes import (
    POSTS,
    SUBTITLE_REVISION,
    add_subtitle,
    posts,
    revisions,
    seed_posts,
)
from tests.cli.conftest import Invoke
from tests.cli.helpers import edit, reported
from tests.generated.project import run, run_script
from tests.postgres import columns, fresh_database, sql

MODEL = "blog/models/post.py"
SLUG = "mapped_column(String(220), unique=True)"  # the line `subtitle` is added after
REPR = """
    def __repr__(self) -> str:
        return f"<Post {self.slug}>"
"""
# A route of the user's own that shows the posts through the hand-written `__repr__`.
CUSTOM = '''"""Your own routes."""

from fastapi import APIRouter
from sqlalchemy import select

from blog.db.session import SessionDep
from blog.models.post import Post

router = APIRouter()


@router.get("/posts-shown")
async def shown(session: SessionDep) -> list[str]:
    return [repr(post) for post in await session.scalars(select(Post).order_by(Post.id))]
'''
SERVE = """
import json
from fastapi.testclient import TestClient
from blog.main import app
with TestClient(app) as client:
    listed = client.get("/posts").json()["items"]
    print(json.dumps([[post["title"], post["subtitle"]] for post in listed]))
    print(json.dumps(client.get("/posts-shown").json()))
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


@pytest.fixture
def database(repo: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A PostgreSQL database of this test's own, migrated to the committed head, with posts."""
    name = f"merge_story_{os.getpid()}_{request.node.name.removeprefix('test_')[:24]}"
    with fresh_database(name) as url:
        run(repo, "alembic", "upgrade", "head", database_url=url)
        seed_posts(url)
        yield url


def version(url: str) -> list[tuple[object, ...]]:
    return sql(url, "SELECT version_num FROM alembic_version")


@pytest.mark.postgres
def test_an_edit_that_does_not_overlap_survives_a_new_field(
    cli: Invoke, repo: Path, database: str
) -> None:
    rows = posts(database)
    (repo / MODEL).open("a", encoding="utf-8").write(REPR)  # a method at the end of the class
    (repo / "blog/api/custom.py").write_text(CUSTOM, encoding="utf-8")
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

    run(repo, "alembic", "upgrade", "head", database_url=database)
    run(repo, "alembic", "check", database_url=database)
    assert posts(database) == rows
    assert "subtitle" in columns(database, "posts")
    served = run_script(repo, SERVE, database_url=database)
    assert [json.loads(line) for line in served] == [
        [[title, None] for title, _ in POSTS],
        [f"<Post {slug}>" for _, slug in POSTS],
    ]

    # The edit is still an edit: the next change merges it again.
    edit(repo / "persistgen.yaml", "      subtitle: str:120?\n", "")
    again = cli("generate", "-p", "blog", "--allow-destructive")
    assert again.exit_code == 0, again.output
    model = (repo / MODEL).read_text(encoding="utf-8")
    assert "subtitle" not in model
    assert model.endswith(REPR)


@pytest.mark.postgres
def test_an_overlapping_edit_stops_the_whole_run(cli: Invoke, repo: Path, database: str) -> None:
    rows, at = posts(database), version(database)
    heads = run(repo, "alembic", "heads")
    edit(repo / MODEL, SLUG, f"{SLUG}  # must stay unique")
    (repo / MODEL).open("a", encoding="utf-8").write(REPR)
    add_subtitle(repo)
    git(repo, "commit", "-qam", "my edits, and a subtitle")

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 1
    assert git(repo, "status", "--porcelain", "--ignored") == ""  # not one file written
    # No revision either: the database is at head, and the models still match it.
    assert run(repo, "alembic", "heads") == heads
    run(repo, "alembic", "upgrade", "head", database_url=database)
    run(repo, "alembic", "check", database_url=database)
    assert version(database) == at and posts(database) == rows
    assert "subtitle" not in columns(database, "posts")
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
    run(repo, "alembic", "upgrade", "head", database_url=database)
    run(repo, "alembic", "check", database_url=database)
    assert posts(database) == rows and "subtitle" in columns(database, "posts")


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
