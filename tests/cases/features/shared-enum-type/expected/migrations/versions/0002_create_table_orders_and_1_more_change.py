"""create table orders and 1 more change

- create table orders
- add column customers.method

Revision ID: 1c9ac990fd7d
Revises: 6fe467d7991c
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from shop.db import online
from shop.db.autoincrement import counter_kept

revision: str = "1c9ac990fd7d"
down_revision: str | None = "6fe467d7991c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("ref", sa.String(length=255), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "card",
                "sepa",
                name="payment_method_types",
                native_enum=True,
                create_constraint=True,
                length=4,
            ).with_variant(
                postgresql.ENUM(name="payment_method_types", create_type=False), "postgresql"
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    with (
        counter_kept("customers"),
        online.batch("customers", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.add_column(
            sa.Column(
                "method",
                sa.Enum(
                    "card",
                    "sepa",
                    name="payment_method_types",
                    native_enum=True,
                    create_constraint=True,
                    length=4,
                ),
                nullable=True,
            )
        )


def downgrade() -> None:
    with (
        counter_kept("customers"),
        online.batch("customers", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        if op.get_bind().dialect.name != "postgresql":
            batch_op.drop_constraint(op.f("ck_customers_payment_method_types"), type_="check")
        batch_op.drop_column("method")
    op.drop_table("orders", if_exists=True)
