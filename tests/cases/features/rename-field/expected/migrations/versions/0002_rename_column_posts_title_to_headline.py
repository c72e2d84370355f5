"""rename column posts.title to headline

- rename column posts.title to headline

Revision ID: ba1382d284b0
Revises: fd6dc8e21867
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

from blog.db import online
from blog.db.autoincrement import counter_kept

revision: str = "ba1382d284b0"
down_revision: str | None = "fd6dc8e21867"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with (
        counter_kept("posts"),
        online.batch("posts", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.alter_column("title", new_column_name="headline")


def downgrade() -> None:
    with (
        counter_kept("posts"),
        online.batch("posts", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.alter_column("headline", new_column_name="title")
