"""initial schema

- create table stores
- create table staffs
- create table idempotency_keys

Revision ID: 3396fd92ff4a
Revises:
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shop.db import online
from shop.db.autoincrement import counter_kept

revision: str = "3396fd92ff4a"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stores",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("manager_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stores")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_index(op.f("ix_stores_manager_id"), "stores", ["manager_id"], if_not_exists=True)
    op.create_table(
        "staffs",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("store_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_staffs_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staffs")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_index(op.f("ix_staffs_store_id"), "staffs", ["store_id"], if_not_exists=True)
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
    with (
        counter_kept("stores"),
        online.batch("stores", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.create_foreign_key(
            op.f("fk_stores_manager_id_staffs"), "staffs", ["manager_id"], ["id"]
        )


def downgrade() -> None:
    with (
        counter_kept("stores"),
        online.batch("stores", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_constraint(op.f("fk_stores_manager_id_staffs"), type_="foreignkey")
    op.drop_table("idempotency_keys", if_exists=True)
    op.drop_table("staffs", if_exists=True)
    op.drop_table("stores", if_exists=True)
