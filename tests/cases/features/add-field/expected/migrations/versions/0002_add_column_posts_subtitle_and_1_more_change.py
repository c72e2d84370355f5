"""add column posts.subtitle and 1 more change

- add column posts.subtitle
- add column posts.view_count

Revision ID: 5154b6c3a7dd
Revises: 0f0fa5c12900
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5154b6c3a7dd"
down_revision: str | None = "0f0fa5c12900"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch_op:
        batch_op.add_column(sa.Column("subtitle", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("view_count", sa.Integer(), nullable=True))
    op.execute(
        sa.table("posts", sa.column("view_count", sa.Integer()))
        .update()
        .where(sa.column("view_count").is_(None))
        .values({"view_count": 0})
    )
    with op.batch_alter_table("posts") as batch_op:
        batch_op.alter_column(
            "view_count", existing_type=sa.Integer(), existing_nullable=True, nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch_op:
        batch_op.alter_column(
            "view_count", existing_type=sa.Integer(), existing_nullable=False, nullable=True
        )
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_column("view_count")
        batch_op.drop_column("subtitle")
