"""add column posts.subtitle and 1 more change

- add column posts.subtitle
- add column posts.view_count

Revision ID: 20167d9275e6
Revises: fd6dc8e21867
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from blog.db import online
from blog.db.autoincrement import counter_kept

revision: str = "20167d9275e6"
down_revision: str | None = "fd6dc8e21867"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with (
        counter_kept("posts"),
        online.batch("posts", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.add_column(sa.Column("subtitle", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("view_count", sa.Integer(), nullable=True))
    online.backfill("posts", sa.column("view_count", sa.Integer()), 0)
    with (
        counter_kept("posts"),
        online.batch("posts", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.alter_column(
            "view_count", existing_type=sa.Integer(), existing_nullable=True, nullable=False
        )


def downgrade() -> None:
    with (
        counter_kept("posts"),
        online.batch("posts", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.alter_column(
            "view_count", existing_type=sa.Integer(), existing_nullable=False, nullable=True
        )
    with (
        counter_kept("posts"),
        online.batch("posts", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_column("view_count")
        batch_op.drop_column("subtitle")
