"""Migrations follow the spec: `generate` (with `--no-migration`, `--allow-destructive`),
`migration -m`, and the user-owned files that survive every regeneration."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from persistgen.cli import app
from tests.cli.blog_changes import STATE, add_subtitle, head_state, revisions
from tests.cli.conftest import Invoke
from tests.cli.helpers import edit, masked, path_of, reported, tree
from tests.generated.project import run

# state.json for examples/blog.yaml as written before its format was numbered (format 1).
V1_STATE = Path(__file__).parent / "data" / "blog_state_v1.json"
VERSIONS = "migrations/versions"
INITIAL = f"{VERSIONS}/0001_<id>_initial_schema.py"
SUBTITLE_REVISION = f"{VERSIONS}/0002_<id>_add_column_posts_subtitle.py"
# What adding `subtitle: str:120?` to Post regenerates (the revision aside).
SUBTITLE_FILES = {
    "blog/models/post.py",
    "blog/repositories/generated/post.py",
    "blog/schemas/generated/post.py",
    "blog/fake.py",
}


def head(root: Path) -> str:
    """The newest revision's id, checked against its file, and its number."""
    state = head_state(root)
    text = (root / state["file"]).read_text(encoding="utf-8")
    assert f'revision: str = "{state["revision"]}"' in text
    return f"{state['number']:04d}"


def revision_id(root: Path, masked_path: str) -> str:
    return path_of(root, masked_path).stem.split("_")[1]


def test_the_revision_path_is_printed_whole_in_a_narrow_terminal(blog: Path) -> None:
    add_subtitle(blog)
    narrow = CliRunner(env={"COLUMNS": "40", "NO_COLOR": "1"})

    result = narrow.invoke(app, ["generate", "-p", "blog"], catch_exceptions=False)

    path = path_of(blog, SUBTITLE_REVISION).relative_to(blog).as_posix()
    assert len(path) > 40
    assert f"migration {path}:\n" in result.stdout


def test_added_field_writes_exactly_one_revision(cli: Invoke, blog: Path) -> None:
    add_subtitle(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    assert revisions(blog) == {INITIAL, SUBTITLE_REVISION}
    text = path_of(blog, SUBTITLE_REVISION).read_text(encoding="utf-8")
    assert f'revision: str = "{revision_id(blog, SUBTITLE_REVISION)}"' in text
    assert f'down_revision: str | None = "{revision_id(blog, INITIAL)}"' in text
    assert 'batch_op.add_column(sa.Column("subtitle", sa.String(length=120), nullable=True))' in (
        text
    )
    assert 'batch_op.drop_column("subtitle")' in text.partition("def downgrade")[2]
    assert head(blog) == "0002"
    assert f"migration {path_of(blog, SUBTITLE_REVISION).relative_to(blog).as_posix()}:\n" in (
        result.stdout
    )
    assert "  add column posts.subtitle\n" in result.stdout
    assert "destructive" not in result.stdout

    before = tree(blog)
    again = cli("generate", "-p", "blog")

    assert again.exit_code == 0, again.output
    assert reported(again.stdout) == {}
    assert "migration " not in again.stdout
    assert tree(blog) == before
    assert cli("generate", "-p", "blog", "--check").exit_code == 0


def test_no_migration_leaves_the_change_for_a_later_run(cli: Invoke, blog: Path) -> None:
    state = head_state(blog)
    add_subtitle(blog)

    deferred = cli("generate", "-p", "blog", "--no-migration")

    assert deferred.exit_code == 0, deferred.output
    assert reported(deferred.stdout) == dict.fromkeys(SUBTITLE_FILES, "updated")
    assert revisions(blog) == {INITIAL}
    assert head_state(blog) == state
    assert "migration " not in deferred.stdout
    # The migration is still owed: --check says so and writes nothing.
    before = tree(blog)
    check = cli("generate", "-p", "blog", "--check")
    assert check.exit_code == 1
    assert reported(check.stdout) == {STATE: "created", SUBTITLE_REVISION: "created"}
    assert tree(blog) == before

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == {STATE: "created", SUBTITLE_REVISION: "created"}
    assert revisions(blog) == {INITIAL, SUBTITLE_REVISION}
    assert "add_column" in path_of(blog, SUBTITLE_REVISION).read_text(encoding="utf-8")
    assert head(blog) == "0002"


def test_migration_command_writes_a_revision_without_a_schema_change(
    cli: Invoke, blog: Path
) -> None:
    before = tree(blog)

    result = cli("migration", "-m", "tune indexes", "-p", "blog")

    assert result.exit_code == 0, result.output
    revision = f"{VERSIONS}/0002_<id>_tune_indexes.py"
    assert reported(result.stdout) == {STATE: "created", revision: "created"}
    assert revisions(blog) == {INITIAL, revision}
    assert {masked(p) for p in tree(blog)} == {masked(p) for p in before} | {revision, STATE}
    text = path_of(blog, revision).read_text(encoding="utf-8")
    assert text.startswith('"""tune indexes\n')
    assert f'down_revision: str | None = "{revision_id(blog, INITIAL)}"' in text
    assert "def upgrade() -> None:\n    pass\n" in text
    assert "def downgrade() -> None:\n    pass\n" in text
    assert head(blog) == "0002"
    # The schema did not move: the new snapshot holds the one before.
    (old_state,) = (json.loads(v) for p, v in before.items() if p.startswith(".persistgen/rev"))
    assert head_state(blog)["tables"] == old_state["tables"]
    # Nothing is owed afterwards.
    assert cli("generate", "-p", "blog", "--check").exit_code == 0


def test_migration_command_includes_a_pending_change(cli: Invoke, blog: Path) -> None:
    add_subtitle(blog)

    result = cli("migration", "--message", "Subtitles!", "-p", "blog")

    assert result.exit_code == 0, result.output
    revision = f"{VERSIONS}/0002_<id>_subtitles.py"
    assert reported(result.stdout) == {
        **dict.fromkeys(SUBTITLE_FILES, "updated"),
        revision: "created",
        STATE: "created",
    }
    assert "add_column" in path_of(blog, revision).read_text(encoding="utf-8")
    assert cli("generate", "-p", "blog", "--check").exit_code == 0


def spec_lines(project: Path) -> list[str]:
    return (project / "persistgen.yaml").read_text(encoding="utf-8").splitlines()


def test_a_type_change_that_rewrites_is_refused_without_allow_rewrite(
    cli: Invoke, blog: Path
) -> None:
    field = "      view_count: {type: int, default: 0, ge: 0}\n"
    edit(blog / "persistgen.yaml", field, field.replace("type: int", "type: bigint"))
    before = tree(blog)

    for command in (["generate"], ["migration", "-m", "wider counts"]):
        refused = cli(*command, "-p", "blog")

        assert refused.exit_code == 2, command
        assert "PostgreSQL rewrites the whole table" in refused.stderr
        line = next(n for n, text in enumerate(spec_lines(blog), start=1) if "view_count" in text)
        assert f"persistgen.yaml:{line}:" in refused.stderr  # at the field
        assert "resources.Post.fields.view_count" in refused.stderr
        assert "`posts.view_count` from int to bigint" in refused.stderr
        assert "renamed_from: view_count" in refused.stderr
        assert "--allow-rewrite" in refused.stderr
        assert tree(blog) == before

    result = cli("generate", "-p", "blog", "--allow-rewrite")

    assert result.exit_code == 0, result.output
    assert "rewrites the table on PostgreSQL: `posts.view_count` from int to bigint" in (
        result.stdout
    )
    (revision,) = (blog / "migrations" / "versions").glob("0002_*.py")
    assert "Rewrites a table on PostgreSQL (accepted with --allow-rewrite)" in revision.read_text(
        encoding="utf-8"
    )
    assert cli("generate", "-p", "blog", "--check").exit_code == 0


def test_a_narrowed_field_is_refused_at_its_line_in_the_specs_words(
    cli: Invoke, blog: Path
) -> None:
    edit(blog / "persistgen.yaml", "display_name: str:100", "display_name: str:50")

    refused = cli("generate", "-p", "blog")

    assert refused.exit_code == 2
    line = next(n for n, t in enumerate(spec_lines(blog), start=1) if "display_name" in t)
    assert f"persistgen.yaml:{line}:" in refused.stderr
    assert "resources.User.fields.display_name" in refused.stderr
    assert "from str:100 to str:50, which can lose data" in refused.stderr
    assert "sa.String" not in refused.stderr


def test_removed_field_is_refused_without_allow_destructive(cli: Invoke, blog: Path) -> None:
    edit(blog / "persistgen.yaml", "      bio: text?\n", "")
    before = tree(blog)

    for command in (["generate"], ["migration", "-m", "drop bio"]):
        refused = cli(*command, "-p", "blog")

        assert refused.exit_code == 2, command
        assert "loses data" in refused.stderr
        assert "drop column `users.bio`" in refused.stderr
        assert "--allow-destructive" in refused.stderr
        assert tree(blog) == before

    result = cli("generate", "-p", "blog", "--allow-destructive")

    assert result.exit_code == 0, result.output
    revision = f"{VERSIONS}/0002_<id>_drop_column_users_bio.py"
    assert reported(result.stdout) == {
        **dict.fromkeys(
            {
                "blog/models/user.py",
                "blog/repositories/generated/user.py",
                "blog/schemas/generated/user.py",
                "blog/fake.py",
            },
            "updated",
        ),
        revision: "created",
        STATE: "created",
    }
    assert "destructive: drop column `users.bio` and its data" in result.stdout
    text = path_of(blog, revision).read_text(encoding="utf-8")
    assert 'batch_op.drop_column("bio")' in text
    assert "Destructive (accepted with --allow-destructive)" in text
    assert head(blog) == "0002"
    # Once migrated, the drop needs no flag again.
    assert cli("generate", "-p", "blog", "--check").exit_code == 0


def test_renamed_field_is_renamed_not_dropped(cli: Invoke, blog: Path) -> None:
    edit(
        blog / "persistgen.yaml",
        "      display_name: str:100\n",
        "      name: {type: str, max_length: 100, renamed_from: display_name}\n",
    )

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    (revision,) = revisions(blog) - {INITIAL}
    assert revision == f"{VERSIONS}/0002_<id>_rename_column_users_display_name_to_name.py"
    text = path_of(blog, revision).read_text(encoding="utf-8")
    assert 'batch_op.alter_column("display_name", new_column_name="name")' in text
    assert 'batch_op.alter_column("name", new_column_name="display_name")' in text
    assert "drop_column" not in text
    assert "add_column" not in text
    assert "destructive" not in result.stdout
    # A rename needs no `sa`: the imports are what the operations use (ruff's F401).
    assert "import sqlalchemy" not in text
    run(blog, "ruff", "check", "--no-cache", str(path_of(blog, revision)))
    # `renamed_from` may stay in the spec: the rename is done, nothing more is written.
    again = cli("generate", "-p", "blog")
    assert again.exit_code == 0, again.output
    assert revisions(blog) == {INITIAL, revision}


def test_rolling_deploys_retire_a_removed_field_until_contract(cli: Invoke, blog: Path) -> None:
    edit(
        blog / "persistgen.yaml", "  package: blog\n", "  package: blog\n  rolling_deploys: true\n"
    )
    edit(blog / "persistgen.yaml", "      bio: text?\n", "")

    expand = cli("generate", "-p", "blog")  # no --allow-destructive: nothing is lost

    assert expand.exit_code == 0, expand.output
    assert "  retire column users.bio (until `--contract` drops it)\n" in expand.stdout
    assert '"users.bio"' in (blog / "migrations/env.py").read_text(encoding="utf-8")
    assert cli("generate", "-p", "blog", "--check").exit_code == 0

    contract = cli("generate", "-p", "blog", "--contract")

    assert contract.exit_code == 0, contract.output
    revision = f"{VERSIONS}/0003_<id>_drop_retired_column_users_bio.py"
    assert revision in revisions(blog)
    assert 'batch_op.drop_column("bio")' in path_of(blog, revision).read_text(encoding="utf-8")
    assert "destructive" not in contract.stdout
    assert "users.bio" not in (blog / "migrations/env.py").read_text(encoding="utf-8")


def test_not_null_field_without_backfill_is_refused(cli: Invoke, blog: Path) -> None:
    edit(
        blog / "persistgen.yaml",
        "      view_count: {type: int, default: 0, ge: 0}\n",
        "      view_count: {type: int, default: 0, ge: 0}\n      rating: int\n",
    )
    before = tree(blog)

    refused = cli("generate", "-p", "blog")

    assert refused.exit_code == 2
    assert "`Post.rating` becomes NOT NULL" in refused.stderr
    assert "backfill" in refused.stderr
    assert "resources.Post.fields.rating.backfill" in refused.stderr
    assert tree(blog) == before

    edit(blog / "persistgen.yaml", "rating: int\n", "rating: {type: int, backfill: 3}\n")
    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    (revision,) = revisions(blog) - {INITIAL}
    text = path_of(blog, revision).read_text(encoding="utf-8")
    assert 'batch_op.add_column(sa.Column("rating", sa.Integer(), nullable=True))' in text
    assert 'online.backfill("posts", sa.column("rating", sa.Integer()), 3)' in text
    assert "nullable=False" in text


CUSTOM_REPOSITORY = '''"""Data access for post resources, with my queries."""

from sqlalchemy import select

from blog.models.post import Post
from blog.repositories.generated.post import PostRepositoryBase


class PostRepository(PostRepositoryBase):
    async def by_slug(self, slug: str) -> Post | None:
        result = await self.session.scalars(select(Post).where(Post.slug == slug))
        return result.first()
'''
CUSTOM_SCHEMAS = '''"""DTOs for post resources, with my validator."""

from pydantic import field_validator

from blog.schemas.generated.post import PostCreateBase, PostReadBase, PostUpdateBase


class PostCreate(PostCreateBase):
    @field_validator("slug")
    @classmethod
    def slug_is_lower_case(cls, value: str) -> str:
        return value.lower()


class PostUpdate(PostUpdateBase):
    pass


class PostRead(PostReadBase):
    pass
'''
CUSTOM_ROUTES = '''"""My routes."""

from fastapi import APIRouter

router = APIRouter()


@router.get("/ping")
async def ping() -> dict[str, str]:
    return {"ping": "pong"}
'''


def test_user_files_survive_regeneration_byte_for_byte(cli: Invoke, blog: Path) -> None:
    mine = {
        "blog/repositories/post.py": CUSTOM_REPOSITORY.encode(),
        "blog/schemas/post.py": CUSTOM_SCHEMAS.encode(),
        "blog/api/custom.py": CUSTOM_ROUTES.encode(),
    }
    for path, content in mine.items():
        (blog / path).write_bytes(content)
    add_subtitle(blog)

    for flags in ([], ["--force"]):
        result = cli("generate", "-p", "blog", *flags)

        assert result.exit_code == 0, result.output
        assert not mine.keys() & reported(result.stdout).keys()
        assert {path: (blog / path).read_bytes() for path in mine} == mine
    # The spec change went to the generated bases the user files build on.
    base = (blog / "blog/schemas/generated/post.py").read_text(encoding="utf-8")
    assert "subtitle: str | None" in base
    assert "subtitle" in (blog / "blog/repositories/generated/post.py").read_text(encoding="utf-8")
    assert revisions(blog) == {INITIAL, SUBTITLE_REVISION}


def test_revisions_are_never_rewritten(cli: Invoke, blog: Path) -> None:
    add_subtitle(blog)
    assert cli("generate", "-p", "blog").exit_code == 0
    paths = [path_of(blog, path) for path in (INITIAL, SUBTITLE_REVISION)]
    for path in paths:
        path.write_text(path.read_text(encoding="utf-8") + "# edited by me\n", encoding="utf-8")
    edited = {path: path.read_bytes() for path in paths}
    edit(blog / "persistgen.yaml", "      bio: text?\n", "      bio: text?\n      motto: str:80?\n")

    result = cli("generate", "-p", "blog", "--force")

    assert result.exit_code == 0, result.output
    assert revisions(blog) == {
        INITIAL,
        SUBTITLE_REVISION,
        f"{VERSIONS}/0003_<id>_add_column_users_motto.py",
    }
    assert {path: path.read_bytes() for path in paths} == edited
    text = path_of(blog, f"{VERSIONS}/0003_<id>_add_column_users_motto.py").read_text("utf-8")
    assert f'down_revision: str | None = "{revision_id(blog, SUBTITLE_REVISION)}"' in text
    assert head(blog) == "0003"


def test_many_field_adds_a_link_table_and_routes(cli: Invoke, blog: Path) -> None:
    edit(
        blog / "persistgen.yaml",
        "  Comment:\n",
        "  Tag:\n    fields:\n      name: str:40:unique\n\n  Comment:\n",
    )
    edit(
        blog / "persistgen.yaml",
        "      slug: str:220:unique\n",
        "      slug: str:220:unique\n      tags: many:Tag\n",
    )

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    assert "  create table tags\n  create table post_tags\n" in result.stdout
    (name,) = revisions(blog) - {INITIAL}
    revision = path_of(blog, name).read_text("utf-8")
    assert 'sa.PrimaryKeyConstraint("post_id", "tag_id", name=op.f("pk_post_tags"))' in revision
    assert (
        'op.create_index(op.f("ix_post_tags_tag_id"), "post_tags", ["tag_id"], if_not_exists=True)'
        in revision
    )
    downgrade = revision.partition("def downgrade")[2]
    assert downgrade.index('op.drop_table("post_tags", if_exists=True)') < downgrade.index(
        'op.drop_table("tags", if_exists=True)'
    )
    routes = (blog / "blog/api/post.py").read_text("utf-8")
    assert '@router.put(\n    "/{key}/tags/{item}",' in routes
    assert '@router.delete(\n    "/{key}/tags/{item}",' in routes


def test_a_project_moves_into_a_schema_but_never_out(cli: Invoke, blog: Path) -> None:
    edit(blog / "persistgen.yaml", "  package: blog\n", "  package: blog\n  schema: cms\n")

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    (path,) = (blog / VERSIONS).glob("0002_*_create_schema_cms_and_*.py")
    revision = path.read_text(encoding="utf-8")
    assert 'op.execute(sa.schema.CreateSchema("cms", if_not_exists=True))' in revision
    assert 'op.execute(\'ALTER TABLE "users" SET SCHEMA "cms"\')' in revision
    assert 'op.execute(\'ALTER TABLE "cms"."users" SET SCHEMA "public"\')' in revision

    edit(blog / "persistgen.yaml", "  schema: cms\n", "  schema: crm\n")
    before = tree(blog)
    refused = cli("generate", "-p", "blog")

    assert refused.exit_code == 2
    assert "the project's `schema` changed from `cms`" in refused.stderr
    assert tree(blog) == before


BOOKMARKS = """
  Bookmark:
    fields:
      user: {type: ref, target: User, primary_key: true, on_delete: cascade}
      post: {type: ref, target: Post, primary_key: true, on_delete: cascade}
      note: str:200
"""


def test_a_composite_key_is_created_but_never_changed(cli: Invoke, blog: Path) -> None:
    spec = blog / "persistgen.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + BOOKMARKS, encoding="utf-8")

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 0, result.output
    (path,) = (blog / VERSIONS).glob("0002_*_create_table_bookmarks*.py")
    revision = path.read_text(encoding="utf-8")
    assert 'sa.PrimaryKeyConstraint("user_id", "post_id", name=op.f("pk_bookmarks"))' in revision

    # Rows would need new keys, and whatever refers to them too: that is not guessed.
    edit(
        spec,
        "      note: str:200\n",
        "      note: {type: str, max_length: 200, primary_key: true}\n",
    )
    before = tree(blog)
    refused = cli("generate", "-p", "blog")

    assert refused.exit_code == 2
    assert "the primary key of bookmarks changed from (user_id, post_id)" in refused.stderr
    assert tree(blog) == before


HANDLE = "      handle: {type: str, max_length: 40, unique: true, nullable: true}\n"
MENTIONS = "  Mention:\n    fields:\n      user: {type: ref, target: User, target_field: handle}\n"


def test_a_new_table_references_a_column_of_the_same_revision(cli: Invoke, blog: Path) -> None:
    spec = blog / "persistgen.yaml"
    users = "      bio: text?\n"
    original = spec.read_text(encoding="utf-8")
    spec.write_text(original.replace(users, users + HANDLE) + MENTIONS, encoding="utf-8")

    assert cli("generate", "-p", "blog").exit_code == 0
    (path,) = (blog / VERSIONS).glob("0002_*.py")
    upgrade, downgrade = path.read_text(encoding="utf-8").split("def downgrade")
    # The foreign key waits for the unique constraint it needs; going back, it goes first.
    unique = 'create_unique_constraint(op.f("uq_users_handle")'
    reference = 'create_foreign_key(\n            op.f("fk_mentions_user_handle_users")'
    assert upgrade.index("op.create_table(") < upgrade.index(unique) < upgrade.index(reference)
    unlink = 'drop_constraint(op.f("fk_mentions_user_handle_users")'
    assert downgrade.index(unlink) < downgrade.index('drop_column("handle")')
