"""rename table users to User and 15 more changes

- rename table users to User
- rename column User.display_name to display name
- rename column User.created_at to createdAt
- rename column User.role to userRole
- drop check constraint ck_posts_titled
- rename table posts to Post
- rename column Post.title to order
- rename column Post.author_id to authorId
- rename column Post.published_at to publishedAt
- rename foreign key fk_posts_author_id_users to fk_Post_authorId_User
- drop search index ix_users_display_name_trgm
- rename unique constraint uq_users_email to uq_User_email
- rename index ix_posts_author_id to ix_Post_authorId
- rename index ix_posts_published_at to ix_Post_publishedAt
- add check constraint ck_Post_titled
- add search index ix_User_display name_trgm

Revision ID: 8cc796a38f07
Revises: 838a4ae4efb5
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

from alembic import op

from blog.db import online
from blog.db.autoincrement import counter_kept

revision: str = "8cc796a38f07"
down_revision: str | None = "838a4ae4efb5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    online.rename_table("users", "User")
    with (
        counter_kept("User"),
        online.batch("User", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_constraint(op.f("ck_users_user_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_User_user_role"), "role IN ('reader', 'writer')")
    with (
        counter_kept("User"),
        online.batch("User", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.alter_column("display_name", new_column_name="display name")
        batch_op.alter_column("created_at", new_column_name="createdAt")
        if op.get_bind().dialect.name != "postgresql":
            batch_op.drop_constraint(op.f("ck_User_user_role"), type_="check")
            batch_op.create_check_constraint(
                op.f("ck_User_user_role"), "\"userRole\" IN ('reader', 'writer')"
            )
        batch_op.alter_column("role", new_column_name="userRole")
    with (
        counter_kept("posts"),
        online.batch("posts", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_constraint(op.f("ck_posts_titled"), type_="check")
    online.rename_table("posts", "Post")
    with (
        counter_kept("Post"),
        online.batch("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.alter_column("title", new_column_name="order")
        batch_op.alter_column("author_id", new_column_name="authorId")
        batch_op.alter_column("published_at", new_column_name="publishedAt")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            'ALTER TABLE "Post" RENAME CONSTRAINT "fk_posts_author_id_users" TO '
            '"fk_Post_authorId_User"'
        )
    else:
        with (
            counter_kept("Post"),
            op.batch_alter_table("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
        ):
            batch_op.drop_constraint(op.f("fk_posts_author_id_users"), type_="foreignkey")
            batch_op.create_foreign_key(op.f("fk_Post_authorId_User"), "User", ["authorId"], ["id"])
    if op.get_bind().dialect.name == "postgresql":
        online.drop_index(op.f("ix_users_display_name_trgm"), table_name="User")
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "User" RENAME CONSTRAINT "uq_users_email" TO "uq_User_email"')
    else:
        with (
            counter_kept("User"),
            op.batch_alter_table("User", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
        ):
            batch_op.drop_constraint(op.f("uq_users_email"), type_="unique")
            batch_op.create_unique_constraint(op.f("uq_User_email"), ["email"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "User" RENAME CONSTRAINT "pk_users" TO "pk_User"')
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER INDEX "ix_posts_author_id" RENAME TO "ix_Post_authorId"')
    else:
        with (
            counter_kept("Post"),
            op.batch_alter_table("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
        ):
            batch_op.drop_index(op.f("ix_posts_author_id"))
            batch_op.create_index(op.f("ix_Post_authorId"), ["authorId"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER INDEX "ix_posts_published_at" RENAME TO "ix_Post_publishedAt"')
    else:
        with (
            counter_kept("Post"),
            op.batch_alter_table("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
        ):
            batch_op.drop_index(op.f("ix_posts_published_at"))
            batch_op.create_index(op.f("ix_Post_publishedAt"), ["publishedAt"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "Post" RENAME CONSTRAINT "pk_posts" TO "pk_Post"')
    with (
        counter_kept("Post"),
        online.batch("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.create_check_constraint(op.f("ck_Post_titled"), 'length("order") > 0')
    if op.get_bind().dialect.name == "postgresql":
        online.create_index(
            op.f("ix_User_display name_trgm"),
            "User",
            ["display name"],
            postgresql_using="gin",
            postgresql_ops={"display name": "gin_trgm_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        online.drop_index(op.f("ix_User_display name_trgm"), table_name="User")
    with (
        counter_kept("Post"),
        online.batch("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_constraint(op.f("ck_Post_titled"), type_="check")
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "Post" RENAME CONSTRAINT "pk_Post" TO "pk_posts"')
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER INDEX "ix_Post_publishedAt" RENAME TO "ix_posts_published_at"')
    else:
        with (
            counter_kept("Post"),
            op.batch_alter_table("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
        ):
            batch_op.drop_index(op.f("ix_Post_publishedAt"))
            batch_op.create_index(op.f("ix_posts_published_at"), ["publishedAt"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER INDEX "ix_Post_authorId" RENAME TO "ix_posts_author_id"')
    else:
        with (
            counter_kept("Post"),
            op.batch_alter_table("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
        ):
            batch_op.drop_index(op.f("ix_Post_authorId"))
            batch_op.create_index(op.f("ix_posts_author_id"), ["authorId"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "User" RENAME CONSTRAINT "pk_User" TO "pk_users"')
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "User" RENAME CONSTRAINT "uq_User_email" TO "uq_users_email"')
    else:
        with (
            counter_kept("User"),
            op.batch_alter_table("User", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
        ):
            batch_op.drop_constraint(op.f("uq_User_email"), type_="unique")
            batch_op.create_unique_constraint(op.f("uq_users_email"), ["email"])
    if op.get_bind().dialect.name == "postgresql":
        online.create_index(
            op.f("ix_users_display_name_trgm"),
            "User",
            ["display name"],
            postgresql_using="gin",
            postgresql_ops={"display name": "gin_trgm_ops"},
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            'ALTER TABLE "Post" RENAME CONSTRAINT "fk_Post_authorId_User" TO '
            '"fk_posts_author_id_users"'
        )
    else:
        with (
            counter_kept("Post"),
            op.batch_alter_table("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
        ):
            batch_op.drop_constraint(op.f("fk_Post_authorId_User"), type_="foreignkey")
            batch_op.create_foreign_key(
                op.f("fk_posts_author_id_users"), "User", ["authorId"], ["id"]
            )
    with (
        counter_kept("Post"),
        online.batch("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.alter_column("publishedAt", new_column_name="published_at")
        batch_op.alter_column("authorId", new_column_name="author_id")
        batch_op.alter_column("order", new_column_name="title")
    online.rename_table("Post", "posts")
    with (
        counter_kept("posts"),
        online.batch("posts", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.create_check_constraint(op.f("ck_posts_titled"), "length(title) > 0")
    with (
        counter_kept("User"),
        online.batch("User", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.alter_column("userRole", new_column_name="role")
        if op.get_bind().dialect.name != "postgresql":
            batch_op.drop_constraint(op.f("ck_User_user_role"), type_="check")
            batch_op.create_check_constraint(
                op.f("ck_User_user_role"), "role IN ('reader', 'writer')"
            )
        batch_op.alter_column("createdAt", new_column_name="created_at")
        batch_op.alter_column("display name", new_column_name="display_name")
    with (
        counter_kept("User"),
        online.batch("User", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_constraint(op.f("ck_User_user_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_user_role"), "role IN ('reader', 'writer')")
    online.rename_table("User", "users")
