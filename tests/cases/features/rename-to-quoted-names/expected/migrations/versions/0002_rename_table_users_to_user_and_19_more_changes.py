"""rename table users to User and 19 more changes

- rename table users to User
- rename column User.display_name to display name
- rename column User.created_at to createdAt
- rename column User.role to userRole
- drop check constraint ck_posts_titled
- rename table posts to Post
- rename column Post.title to order
- rename column Post.author_id to authorId
- rename column Post.published_at to publishedAt
- drop foreign key fk_posts_author_id_users
- drop search index ix_users_display_name_trgm
- drop unique constraint uq_users_email
- add unique constraint uq_User_email
- drop index ix_posts_author_id
- drop index ix_posts_published_at
- add index ix_Post_authorId
- add index ix_Post_publishedAt
- add foreign key fk_Post_authorId_User
- add check constraint ck_Post_titled
- add search index ix_User_display name_trgm

Revision ID: 2814ec7bee6b
Revises: 838a4ae4efb5
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

from alembic import op

from blog.db.autoincrement import counter_kept

revision: str = "2814ec7bee6b"
down_revision: str | None = "838a4ae4efb5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.rename_table("users", "User")
    with (
        counter_kept("User"),
        op.batch_alter_table("User", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_constraint(op.f("ck_users_user_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_User_user_role"), "role IN ('reader', 'writer')")
    with (
        counter_kept("User"),
        op.batch_alter_table("User", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
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
        op.batch_alter_table("posts", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_constraint(op.f("ck_posts_titled"), type_="check")
    op.rename_table("posts", "Post")
    with (
        counter_kept("Post"),
        op.batch_alter_table("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.alter_column("title", new_column_name="order")
        batch_op.alter_column("author_id", new_column_name="authorId")
        batch_op.alter_column("published_at", new_column_name="publishedAt")
    with (
        counter_kept("Post"),
        op.batch_alter_table("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_constraint(op.f("fk_posts_author_id_users"), type_="foreignkey")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(op.f("ix_users_display_name_trgm"), table_name="User")
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "User" RENAME CONSTRAINT "pk_users" TO "pk_User"')
    with (
        counter_kept("User"),
        op.batch_alter_table("User", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_constraint(op.f("uq_users_email"), type_="unique")
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "Post" RENAME CONSTRAINT "pk_posts" TO "pk_Post"')
    with (
        counter_kept("Post"),
        op.batch_alter_table("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_index(op.f("ix_posts_author_id"))
        batch_op.drop_index(op.f("ix_posts_published_at"))
    with (
        counter_kept("User"),
        op.batch_alter_table("User", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.create_unique_constraint(op.f("uq_User_email"), ["email"])
    with (
        counter_kept("Post"),
        op.batch_alter_table("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.create_index(op.f("ix_Post_authorId"), ["authorId"])
        batch_op.create_index(op.f("ix_Post_publishedAt"), ["publishedAt"])
        batch_op.create_foreign_key(op.f("fk_Post_authorId_User"), "User", ["authorId"], ["id"])
        batch_op.create_check_constraint(op.f("ck_Post_titled"), 'length("order") > 0')
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            op.f("ix_User_display name_trgm"),
            "User",
            ["display name"],
            postgresql_using="gin",
            postgresql_ops={"display name": "gin_trgm_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(op.f("ix_User_display name_trgm"), table_name="User")
    with (
        counter_kept("Post"),
        op.batch_alter_table("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_constraint(op.f("ck_Post_titled"), type_="check")
        batch_op.drop_constraint(op.f("fk_Post_authorId_User"), type_="foreignkey")
        batch_op.drop_index(op.f("ix_Post_publishedAt"))
        batch_op.drop_index(op.f("ix_Post_authorId"))
    with (
        counter_kept("User"),
        op.batch_alter_table("User", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_constraint(op.f("uq_User_email"), type_="unique")
    with (
        counter_kept("Post"),
        op.batch_alter_table("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.create_index(op.f("ix_posts_published_at"), ["publishedAt"])
        batch_op.create_index(op.f("ix_posts_author_id"), ["authorId"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "Post" RENAME CONSTRAINT "pk_Post" TO "pk_posts"')
    with (
        counter_kept("User"),
        op.batch_alter_table("User", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.create_unique_constraint(op.f("uq_users_email"), ["email"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "User" RENAME CONSTRAINT "pk_User" TO "pk_users"')
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            op.f("ix_users_display_name_trgm"),
            "User",
            ["display name"],
            postgresql_using="gin",
            postgresql_ops={"display name": "gin_trgm_ops"},
        )
    with (
        counter_kept("Post"),
        op.batch_alter_table("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.create_foreign_key(op.f("fk_posts_author_id_users"), "User", ["authorId"], ["id"])
    with (
        counter_kept("Post"),
        op.batch_alter_table("Post", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.alter_column("publishedAt", new_column_name="published_at")
        batch_op.alter_column("authorId", new_column_name="author_id")
        batch_op.alter_column("order", new_column_name="title")
    op.rename_table("Post", "posts")
    with (
        counter_kept("posts"),
        op.batch_alter_table("posts", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.create_check_constraint(op.f("ck_posts_titled"), "length(title) > 0")
    with (
        counter_kept("User"),
        op.batch_alter_table("User", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
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
        op.batch_alter_table("User", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_constraint(op.f("ck_User_user_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_user_role"), "role IN ('reader', 'writer')")
    op.rename_table("User", "users")
