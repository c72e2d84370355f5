"""initial schema

- create table customers
- create table invoices
- create table idempotency_keys

Revision ID: ba1326cff94f
Revises:
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ba1326cff94f"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column(
            "tier",
            sa.Enum(
                "basic",
                "gold",
                name="customer_tier",
                native_enum=True,
                create_constraint=True,
                length=5,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("customers_pkey")),
        sa.UniqueConstraint("email", name=op.f("customers_email_key")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_index(
        op.f("customers_lower_email_key"),
        "customers",
        [sa.text("lower(email)")],
        unique=True,
        if_not_exists=True,
    )
    op.create_index(
        op.f("customers_open_email_idx"),
        "customers",
        ["email"],
        postgresql_where=sa.text("closed = false"),
        sqlite_where=sa.text("closed = false"),
        if_not_exists=True,
    )
    op.create_table(
        "invoices",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("invoices_customer_id_fkey"),
            ondelete="CASCADE",
            onupdate="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.CheckConstraint("total >= 0", name=op.f("invoices_total_check")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_index(
        op.f("invoices_customer_id_idx"), "invoices", ["customer_id"], if_not_exists=True
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
    op.drop_table("invoices", if_exists=True)
    op.drop_table("customers", if_exists=True)
    sa.Enum(name="customer_tier").drop(op.get_bind(), checkfirst=True)
