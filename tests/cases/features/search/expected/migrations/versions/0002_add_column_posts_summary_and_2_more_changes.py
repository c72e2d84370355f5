"""add column posts.summary and 2 more changes

- add column posts.summary
- add search index ix_posts_title_trgm
- add search index ix_posts_summary_trgm

Revision ID: 90da8589a3b5
Revises: 233cc825cd53
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from blog.db import online
from blog.db.autoincrement import counter_kept

revision: str = "90da8589a3b5"
down_revision: str | None = "233cc825cd53"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with (
        counter_kept("posts"),
        online.batch("posts", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.add_column(sa.Column("summary", sa.Text(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        online.create_index(
            op.f("ix_posts_title_trgm"),
            "posts",
            ["title"],
            postgresql_using="gin",
            postgresql_ops={"title": "gin_trgm_ops"},
        )
    if op.get_bind().dialect.name == "postgresql":
        online.create_index(
            op.f("ix_posts_summary_trgm"),
            "posts",
            ["summary"],
            postgresql_using="gin",
            postgresql_ops={"summary": "gin_trgm_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        online.drop_index(op.f("ix_posts_summary_trgm"), table_name="posts")
    if op.get_bind().dialect.name == "postgresql":
        online.drop_index(op.f("ix_posts_title_trgm"), table_name="posts")
    with (
        counter_kept("posts"),
        online.batch("posts", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_column("summary")
