"""initial schema

- create table films

Revision ID: 4e64eb12384e
Revises:
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4e64eb12384e"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "films",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column(
            "rating",
            sa.Enum(
                "G",
                "PG",
                "PG-13",
                "R",
                "NC-17",
                name="film_rating",
                native_enum=True,
                create_constraint=True,
                length=5,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_films")),
    )


def downgrade() -> None:
    op.drop_table("films")
    sa.Enum(name="film_rating").drop(op.get_bind(), checkfirst=True)
