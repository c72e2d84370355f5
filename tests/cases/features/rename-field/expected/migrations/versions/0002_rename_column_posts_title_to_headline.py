"""rename column posts.title to headline

- rename column posts.title to headline

Revision ID: d8b4a8f72ce5
Revises: 0f0fa5c12900
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "d8b4a8f72ce5"
down_revision: str | None = "0f0fa5c12900"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch_op:
        batch_op.alter_column("title", new_column_name="headline")


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch_op:
        batch_op.alter_column("headline", new_column_name="title")
