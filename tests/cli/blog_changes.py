"""The blog project's spec changes that the `generate` tests make, and what each must touch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from persistgen.write import MANIFEST
from tests.cli.conftest import Invoke
from tests.cli.helpers import edit, masked, tree
from tests.postgres import sql

SPEC = "blog/persistgen.yaml"
STATE = ".persistgen/revisions/<id>.json"  # the new revision's snapshot
USER_OWNED = (
    "blog/api/custom.py",
    "blog/repositories/post.py",
    "blog/schemas/post.py",
)
# User-owned files rendered on every run (and kept): custom.py, app_setup.py, app_settings.py,
# tests/overrides.py and each resource's repository and schemas. Revisions are rendered only in
# the run that creates them.
KEPT = 10
# What adding `subtitle: str:120?` to Post must update, and nothing else; plus one new revision.
SUBTITLE_FILES = {
    "blog/models/post.py",
    "blog/repositories/generated/post.py",
    "blog/schemas/generated/post.py",
    "blog/fake.py",
}
SUBTITLE_REVISION = "migrations/versions/0002_<id>_add_column_posts_subtitle.py"
SUBTITLE_ROWS = {
    **dict.fromkeys(SUBTITLE_FILES, "updated"),
    SUBTITLE_REVISION: "created",
    STATE: "created",
}
COMMENT_FILES = {
    "blog/api/comment.py",
    "blog/models/comment.py",
    "blog/repositories/generated/comment.py",
    "blog/schemas/generated/comment.py",
}
# Yours, so left in place when Comment leaves the spec.
COMMENT_USER_FILES = {"blog/repositories/comment.py", "blog/schemas/comment.py"}
COMMENT_REVISION = "migrations/versions/0002_<id>_drop_table_comments.py"
# Posts a user wrote before a change: titles and slugs.
POSTS = [("First post", "first-post"), ("Second post", "second-post")]


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
    """The revision files, their ids masked as `<id>`."""
    return {
        masked(p.relative_to(root).as_posix()) for p in (root / "migrations/versions").glob("*.py")
    }


def fresh(cli: Invoke, tmp_path: Path, spec: Path) -> dict[str, bytes]:
    """What a brand-new project from `spec` contains (the reference for regenerated files)."""
    result = cli("new", "project", "ref", "--spec", str(spec), "--dir", "reference")
    assert result.exit_code == 0, result.output
    return tree(tmp_path / "reference/ref")


def head_state(root: Path) -> dict[str, Any]:
    """The snapshot of the newest revision persistgen recorded."""
    snapshots = (root / ".persistgen/revisions").glob("*.json")
    states = [json.loads(p.read_text(encoding="utf-8")) for p in snapshots]
    return max(states, key=lambda state: state["number"])  # type: ignore[no-any-return]


def seed_posts(url: str) -> list[tuple[object, ...]]:
    """An author and two posts in the PostgreSQL database at `url` (migrated); all of them."""
    author = "INSERT INTO users (email, display_name, is_active) VALUES ($1, 'Ada', true)"
    sql(url, author, "ada@example.com")
    for title, slug in POSTS:
        sql(
            url,
            "INSERT INTO posts (title, slug, body, status, view_count, author_id)"
            " VALUES ($1, $2, 'Words.', 'published', 3, (SELECT id FROM users))",
            title,
            slug,
        )
    return posts(url)


def posts(url: str) -> list[tuple[object, ...]]:
    """Every post with its author, oldest first."""
    return sql(
        url,
        "SELECT p.id, u.email, p.title, p.slug, p.body, p.status, p.view_count"
        " FROM posts p JOIN users u ON u.id = p.author_id ORDER BY p.id",
    )
