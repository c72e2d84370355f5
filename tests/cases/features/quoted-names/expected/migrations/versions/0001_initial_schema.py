"""initial schema

- create table User
- create table Post
- create table idempotency_keys

Revision ID: 792ad7ba386f
Revises:
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from blog.db.types import utcnow

revision: str = "792ad7ba386f"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "User",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("display name", sa.String(length=100), nullable=False),
        sa.Column("createdAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column(
            "userRole",
            sa.Enum(
                "reader",
                "writer",
                name="user_role",
                native_enum=False,
                create_constraint=True,
                length=6,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_User")),
        sa.UniqueConstraint("email", name=op.f("uq_User_email")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            op.f("ix_User_display name_trgm"),
            "User",
            ["display name"],
            postgresql_using="gin",
            postgresql_ops={"display name": "gin_trgm_ops"},
            if_not_exists=True,
        )
    op.create_table(
        "Post",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("order", sa.String(length=200), nullable=False),
        sa.Column("authorId", sa.BigInteger(), nullable=False),
        sa.Column("publishedAt", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["authorId"], ["User.id"], name=op.f("fk_Post_authorId_User")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_Post")),
        sa.CheckConstraint('length("order") > 0', name=op.f("ck_Post_titled")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_index(op.f("ix_Post_authorId"), "Post", ["authorId"], if_not_exists=True)
    op.create_index(op.f("ix_Post_publishedAt"), "Post", ["publishedAt"], if_not_exists=True)
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
    op.drop_table("Post", if_exists=True)
    op.drop_table("User", if_exists=True)
