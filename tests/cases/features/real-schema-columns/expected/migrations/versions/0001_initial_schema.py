"""initial schema

- create table notes
- create table labels
- create table idempotency_keys

Revision ID: 7908b0a66645
Revises:
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7908b0a66645"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("slug", sa.String(), nullable=False),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.ARRAY(sa.String()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                name="publication_state",
                native_enum=True,
                create_constraint=True,
                length=9,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
        sa.UniqueConstraint("slug", name=op.f("uq_notes_slug")),
        sqlite_autoincrement=True,
        comment="Notes users keep, one row a note.",
        if_not_exists=True,
    )
    op.create_table(
        "labels",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                name="publication_state",
                native_enum=True,
                create_constraint=True,
                length=9,
            ).with_variant(
                postgresql.ENUM(name="publication_state", create_type=False), "postgresql"
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labels")),
        sqlite_autoincrement=True,
        comment=(
            "Labels: a comment of its own, longer than a line can hold so that it is split over "
            "several lines in the code"
        ),
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
    op.drop_table("labels", if_exists=True)
    op.drop_table("notes", if_exists=True)
    sa.Enum(name="publication_state").drop(op.get_bind(), checkfirst=True)
