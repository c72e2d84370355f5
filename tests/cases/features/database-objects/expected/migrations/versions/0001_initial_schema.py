"""initial schema

- create table customers
- create table orders
- create table idempotency_keys
- create view customer_totals
- create index customers_email_lower
- create function touch_order
- create trigger orders_touch

Revision ID: 27de1c3a805c
Revises:
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "27de1c3a805c"
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
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("email", name=op.f("uq_customers_email")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_table(
        "orders",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_orders_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_index(op.f("ix_orders_customer_id"), "orders", ["customer_id"], if_not_exists=True)
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
    op.execute(
        "CREATE VIEW customer_totals AS SELECT c.id AS customer_id, c.name AS name, COUNT(o.id) "
        "AS orders FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id, "
        "c.name"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX customers_email_lower ON customers (lower(email))")
        op.execute(
            "CREATE FUNCTION touch_order() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            "  NEW.total := abs(NEW.total);\n"
            "  RETURN NEW;\n"
            "END\n"
            "$$"
        )
        op.execute(
            "CREATE TRIGGER orders_touch BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE "
            "FUNCTION touch_order()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS orders_touch ON orders")
        op.execute("DROP FUNCTION IF EXISTS touch_order")
        op.execute("DROP INDEX IF EXISTS customers_email_lower")
    op.execute("DROP VIEW IF EXISTS customer_totals")
    op.drop_table("idempotency_keys", if_exists=True)
    op.drop_table("orders", if_exists=True)
    op.drop_table("customers", if_exists=True)
