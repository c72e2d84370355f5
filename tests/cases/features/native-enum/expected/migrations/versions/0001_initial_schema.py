"""initial schema

- create table films
- create table idempotency_keys

Revision ID: 09bcce69e137
Revises:
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "09bcce69e137"
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
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_idempotency_keys")),
        if_not_exists=True,
    )
    op.create_index(
        op.f("ix_idempotency_keys_created_at"),
        "idempotency_keys",
        ["created_at"],
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys", if_exists=True)
    op.drop_table("films", if_exists=True)
    sa.Enum(name="film_rating").drop(op.get_bind(), checkfirst=True)
