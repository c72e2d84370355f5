"""Migrations that survive branches, in real git repositories: two branches each add a field,
git merges them, `persistgen generate` writes the merge revision, and databases at either
branch point upgrade with their rows intact. A revision persistgen did not write is detected and
adopted; one it wrote that is gone is detected too."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.cli.blog_changes import head_state
from tests.cli.conftest import Invoke
from tests.cli.helpers import edit
from tests.generated.project import run
from tests.postgres import fresh_database

SLUG = "      slug: str:220:unique\n"
BIO = "      bio: text?\n"
SUBTITLE = "      subtitle: str:120?\n"
# Branch b adds a field to the same resource as branch a, or to another one.
OTHER_FIELDS = {
    "same resource": (SLUG, "      summary: text?\n"),
    "other resource": (BIO, "      motto: str:80?\n"),
}
ROWS = [("ada@example.com", "Ada"), ("grace@example.com", "Grace")]


def git(root: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=Dev", "-c", "user.email=dev@example.com", *args],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 or not check, f"git {' '.join(args)}:\n{result.stderr}"
    return result.stdout


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


async def _sql(url: str, statement: str, *args: object) -> list[asyncpg.Record]:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn, timeout=5)
    try:
        return await connection.fetch(statement, *args)
    finally:
        await connection.close()


def insert_users(url: str) -> None:
    for email, name in ROWS:
        if url.startswith("sqlite"):
            with sqlite3.connect(make_url(url).database or "") as db:
                db.execute(
                    "INSERT INTO users (email, display_name, is_active) VALUES (?, ?, 1)",
                    (email, name),
                )
        else:
            statement = "INSERT INTO users (email, display_name, is_active) VALUES ($1, $2, true)"
            asyncio.run(_sql(url, statement, email, name))


def users(url: str) -> list[tuple[str, str]]:
    statement = "SELECT email, display_name FROM users ORDER BY email"
    if url.startswith("sqlite"):
        with sqlite3.connect(make_url(url).database or "") as db:
            return [tuple(row) for row in db.execute(statement)]
    return [(row[0], row[1]) for row in asyncio.run(_sql(url, statement))]


@pytest.fixture
def repository(blog: Path) -> Path:
    git(blog, "init", "-q", "-b", "main")
    commit(blog, "A blog")
    return blog


@pytest.fixture
def databases(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """PostgreSQL databases of this test's own: one stays at the pre-branch head, one follows
    branch b; and a SQLite file at the pre-branch head."""
    suffix = f"{os.getpid()}_{request.node.name[-8:]}".replace("[", "_").replace("]", "_")
    with ExitStack() as stack:
        yield {
            "main": stack.enter_context(fresh_database(f"branches_main_{suffix}")),
            "b": stack.enter_context(fresh_database(f"branches_b_{suffix}")),
            "sqlite": f"sqlite+aiosqlite:///{tmp_path / 'app.db'}",
        }


@pytest.mark.parametrize("other", OTHER_FIELDS)
def test_two_branches_each_adding_a_field_merge_and_upgrade(
    other: str, cli: Invoke, repository: Path, databases: dict[str, str]
) -> None:
    root = repository
    spec = root / "persistgen.yaml"
    base_spec = spec.read_text(encoding="utf-8")
    anchor, field = OTHER_FIELDS[other]
    for url in databases.values():
        run(root, "alembic", "upgrade", "head", database_url=url)
        insert_users(url)

    git(root, "checkout", "-q", "-b", "a")
    edit(spec, SLUG, SLUG + SUBTITLE)
    assert cli("generate", "-p", "blog").exit_code == 0
    commit(root, "Posts have a subtitle")
    heads = {head_state(root)["revision"]}
    git(root, "checkout", "-q", "main")
    git(root, "checkout", "-q", "-b", "b")
    edit(spec, anchor, anchor + field)
    assert cli("generate", "-p", "blog").exit_code == 0
    commit(root, "Another field")
    heads.add(head_state(root)["revision"])
    run(root, "alembic", "upgrade", "head", database_url=databases["b"])

    git(root, "checkout", "-q", "a")
    git(root, "merge", "-q", "b", check=False)
    # The documented way through: take either side of every generated and state file that
    # conflicts, resolve the spec by taking both fields, and regenerate.
    for path in git(root, "diff", "--name-only", "--diff-filter=U").split():
        git(root, "checkout", "--ours", "--", path)
    both = base_spec.replace(SLUG, SLUG + SUBTITLE)
    spec.write_text(both.replace(anchor, anchor + field), encoding="utf-8")
    git(root, "add", "-A")

    check = cli("generate", "-p", "blog", "--check")
    assert check.exit_code == 1
    assert f"merges the heads {' and '.join(sorted(heads))}" in check.stdout
    assert "run `persistgen generate`" in check.stderr
    result = cli("generate", "-p", "blog")
    assert result.exit_code == 0, result.output
    assert "conflict" not in result.stdout
    commit(root, "Merge b")
    assert head_state(root)["parents"] == sorted(heads)

    assert cli("generate", "-p", "blog", "--check").exit_code == 0
    heads = run(root, "alembic", "heads").strip().splitlines()
    assert len(heads) == 1 and heads[0].endswith("(head)"), heads
    for url in databases.values():
        run(root, "alembic", "upgrade", "head", database_url=url)
        run(root, "alembic", "check", database_url=url)
        assert users(url) == sorted(ROWS)
    assert git(root, "status", "--porcelain") == ""


def test_branches_that_change_one_column_differently_are_refused(
    cli: Invoke, repository: Path
) -> None:
    root = repository
    spec = root / "persistgen.yaml"
    for branch, length in (("a", "120"), ("b", "80")):
        git(root, "checkout", "-q", "-b", branch, "main")
        edit(spec, SLUG, f"{SLUG}      subtitle: str:{length}?\n")
        assert cli("generate", "-p", "blog").exit_code == 0
        commit(root, f"subtitle {length}")
    git(root, "merge", "-q", "a", check=False)
    for path in git(root, "diff", "--name-only", "--diff-filter=U").split():
        git(root, "checkout", "--ours", "--", path)
    before = git(root, "status", "--porcelain")

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 2
    assert "the branches changed column `posts.subtitle` differently" in result.stderr
    assert "persistgen migration adopt" in result.stderr
    assert git(root, "status", "--porcelain") == before


def test_a_rename_against_a_change_is_refused_with_the_way_through(
    cli: Invoke, repository: Path
) -> None:
    """One branch renames Comment, the other adds a field to it: the second branch's revision
    names the old table, so no merge revision can serve a database past the rename. The hint
    says to drop the unshared revision in the merge, not to write a merge revision."""
    root = repository
    spec = root / "persistgen.yaml"
    renamed = "  Remark:\n    renamed_from: Comment\n"
    field = "      body: {type: text, min_length: 1}\n"
    git(root, "checkout", "-q", "-b", "rename", "main")
    edit(spec, "  Comment:\n", renamed)
    assert cli("generate", "-p", "blog").exit_code == 0
    commit(root, "Comment becomes Remark")
    git(root, "checkout", "-q", "-b", "field", "main")
    edit(spec, field, f"{field}      edited: bool=false\n")
    assert cli("generate", "-p", "blog").exit_code == 0
    commit(root, "comments can be edited")
    git(root, "merge", "-q", "rename", check=False)
    spec.write_text(
        git(root, "show", "rename:persistgen.yaml").replace(
            field, f"{field}      edited: bool=false\n"
        ),
        encoding="utf-8",
    )
    for path in git(root, "diff", "--name-only", "--diff-filter=U").split():
        if path != "persistgen.yaml":
            git(root, "checkout", "--ours", "--", path)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 2, result.output
    assert "the branches changed table `comments` differently" in result.stderr
    assert "one removed or renamed it" in result.stderr
    assert "drop it in the merge" in result.stderr
    assert "alembic merge heads" not in result.stderr


def test_a_plain_alembic_revision_is_detected_and_adopted(cli: Invoke, repository: Path) -> None:
    root = repository
    run(root, "alembic", "revision", "-m", "seed data", "--rev-id", "5eed")
    (name,) = [p.name for p in (root / "migrations/versions").glob("*seed_data.py")]

    for args in (["generate"], ["generate", "--check"], ["migration", "-m", "x"]):
        refused = cli(*args, "-p", "blog")
        assert refused.exit_code == 2, args
        assert f"migrations/versions/{name} (revision `5eed`) was not written by" in refused.stderr
        assert f"persistgen migration adopt {name}" in refused.stderr

    adopted = cli("migration", "adopt", name, "-p", "blog")
    assert adopted.exit_code == 0, adopted.output
    assert cli("generate", "-p", "blog", "--check").exit_code == 0
    commit(root, "Seed data")

    edit(root / "persistgen.yaml", SLUG, SLUG + SUBTITLE)
    assert cli("generate", "-p", "blog").exit_code == 0
    (after,) = (root / "migrations/versions").glob("0003_*_add_column_posts_subtitle.py")
    assert 'down_revision: str | None = "5eed"' in after.read_text(encoding="utf-8")
    heads = run(root, "alembic", "heads").strip().splitlines()
    assert len(heads) == 1, heads


def test_a_revision_persistgen_wrote_that_is_gone_is_detected(
    cli: Invoke, repository: Path
) -> None:
    root = repository
    edit(root / "persistgen.yaml", SLUG, SLUG + SUBTITLE)
    assert cli("generate", "-p", "blog").exit_code == 0
    (revision,) = (root / "migrations/versions").glob("0002_*_add_column_posts_subtitle.py")
    revision.unlink()
    path = f"migrations/versions/{revision.name}"

    result = cli("generate", "-p", "blog", "--check")

    assert result.exit_code == 2
    assert f"({path}) was written by persistgen and is gone" in result.stderr
    assert f"git checkout -- {path}" in result.stderr


def test_a_change_made_while_merging_goes_into_the_merge_revision(
    cli: Invoke, repository: Path, tmp_path: Path
) -> None:
    root = repository
    spec = root / "persistgen.yaml"
    base_spec = spec.read_text(encoding="utf-8")
    for branch, (anchor, field) in (("a", (SLUG, SUBTITLE)), ("b", OTHER_FIELDS["other resource"])):
        git(root, "checkout", "-q", "-b", branch, "main")
        edit(spec, anchor, anchor + field)
        assert cli("generate", "-p", "blog").exit_code == 0
        commit(root, branch)
    git(root, "checkout", "-q", "a")
    git(root, "merge", "-q", "b", check=False)
    for path in git(root, "diff", "--name-only", "--diff-filter=U").split():
        git(root, "checkout", "--ours", "--", path)
    both = base_spec.replace(SLUG, SLUG + SUBTITLE).replace(
        BIO, BIO + OTHER_FIELDS["other resource"][1]
    )
    spec.write_text(
        both.replace("      body: text\n", "      body: text\n      lede: text?\n"), "utf-8"
    )

    result = cli("migration", "merge", "-p", "blog")

    assert result.exit_code == 0, result.output
    (merge,) = (root / "migrations/versions").glob("0003_*.py")
    text = merge.read_text(encoding="utf-8")
    assert "down_revision: str | Sequence[str] | None = (" in text
    assert 'batch_op.add_column(sa.Column("lede", sa.Text(), nullable=True))' in text
    assert "add_column" not in text.replace('"lede"', "").partition("def downgrade")[0].replace(
        "batch_op.add_column(sa.Column(, sa.Text(), nullable=True))", ""
    )
    assert cli("generate", "-p", "blog", "--check").exit_code == 0
    written = sorted((root / "migrations/versions").glob("*.py"))
    edit(
        root / "persistgen.yaml", "      lede: text?\n", "      lede: text?\n      kicker: text?\n"
    )
    again = cli("migration", "merge", "-p", "blog")
    assert again.exit_code == 2, again.output
    assert "one head: nothing to merge" in again.stderr
    assert sorted((root / "migrations/versions").glob("*.py")) == written  # no other revision
    edit(root / "persistgen.yaml", "      kicker: text?\n", "")
    url = f"sqlite+aiosqlite:///{tmp_path / 'merged.db'}"
    run(root, "alembic", "upgrade", "head", database_url=url)
    run(root, "alembic", "check", database_url=url)
