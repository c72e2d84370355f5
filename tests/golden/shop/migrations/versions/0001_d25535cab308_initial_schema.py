"""initial schema

- create table customers
- create table warehouses
- create table products
- create table orders
- create table order_lines
- create table idempotency_keys

Revision ID: d25535cab308
Revises:
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from shop.db.types import utcnow

revision: str = "d25535cab308"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("loyalty_points", sa.BigInteger(), nullable=False),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("newsletter", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("email", name=op.f("uq_customers_email")),
        if_not_exists=True,
    )
    op.create_table(
        "warehouses",
        sa.Column("code", sa.String(length=8), nullable=False, comment="Site code, e.g. 'BER-1'"),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.Column("capacity", sa.BigInteger(), nullable=False),
        sa.Column("opens_at", sa.Time(), nullable=False),
        sa.Column("closes_at", sa.Time(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_warehouses")),
        if_not_exists=True,
    )
    op.create_table(
        "products",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("sku", sa.String(length=32), nullable=False, comment="Stock keeping unit"),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("weight_kg", sa.Double(), nullable=True),
        sa.Column("in_stock", sa.Boolean(), nullable=False),
        sa.Column(
            "attributes", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("image", sa.LargeBinary(), nullable=True),
        sa.Column("launch_date", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), server_default="EUR", nullable=False),
        sa.Column("warehouse_id", sa.String(length=8), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.code"],
            name=op.f("fk_products_warehouse_id_warehouses"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("sku", name=op.f("uq_products_sku")),
        sa.CheckConstraint("price >= 0", name=op.f("ck_products_price_not_negative")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_index(op.f("ix_products_name"), "products", ["name"], if_not_exists=True)
    op.create_index(
        op.f("ix_products_warehouse_id"), "products", ["warehouse_id"], if_not_exists=True
    )
    op.create_table(
        "orders",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "on-hold",
                "paid",
                "shipped/partly",
                "cancelled",
                name="order_status",
                native_enum=False,
                create_constraint=True,
                length=14,
            ),
            nullable=False,
        ),
        sa.Column(
            "rating",
            sa.Enum(
                "PG-13",
                "R",
                "G",
                name="order_rating",
                native_enum=False,
                create_constraint=True,
                length=5,
            ),
            nullable=True,
        ),
        sa.Column("placed_at", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("tracking_id", sa.Uuid(), nullable=True),
        sa.Column("local_pickup", sa.DateTime(), nullable=True),
        sa.Column("discount", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_orders_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_index(op.f("ix_orders_customer_id"), "orders", ["customer_id"], if_not_exists=True)
    op.create_table(
        "order_lines",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_lines_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_order_lines_product_id_products"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_index(
        op.f("ix_order_lines_order_id"), "order_lines", ["order_id"], if_not_exists=True
    )
    op.create_index(
        op.f("ix_order_lines_product_id"), "order_lines", ["product_id"], if_not_exists=True
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
    op.drop_table("order_lines", if_exists=True)
    op.drop_table("orders", if_exists=True)
    op.drop_table("products", if_exists=True)
    op.drop_table("warehouses", if_exists=True)
    op.drop_table("customers", if_exists=True)
