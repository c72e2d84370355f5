"""rename index ix_customers_email to customers_open_email_idx and 2 more changes

- rename index ix_customers_email to customers_open_email_idx
- rename unique constraint uq_customers_email to customers_email_key
- rename check constraint ck_customers_email_has_at to customers_email_check

Revision ID: dc0e5ce42250
Revises: 545ee54b34f9
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shop.db import online
from shop.db.autoincrement import counter_kept

revision: str = "dc0e5ce42250"
down_revision: str | None = "545ee54b34f9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER INDEX "ix_customers_email" RENAME TO "customers_open_email_idx"')
    else:
        online.drop_index(op.f("ix_customers_email"), table_name="customers")
        online.create_index(
            op.f("customers_open_email_idx"),
            "customers",
            ["email"],
            postgresql_where=sa.text("closed = false"),
            sqlite_where=sa.text("closed = false"),
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            'ALTER TABLE "customers" RENAME CONSTRAINT "uq_customers_email" TO '
            '"customers_email_key"'
        )
    else:
        op.drop_index(op.f("customers_open_email_idx"), table_name="customers")
        with (
            counter_kept("customers"),
            op.batch_alter_table(
                "customers", table_kwargs={"sqlite_autoincrement": True}
            ) as batch_op,
        ):
            batch_op.drop_constraint(op.f("uq_customers_email"), type_="unique")
            batch_op.create_unique_constraint(op.f("customers_email_key"), ["email"])
        op.create_index(
            op.f("customers_open_email_idx"),
            "customers",
            ["email"],
            postgresql_where=sa.text("closed = false"),
            sqlite_where=sa.text("closed = false"),
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            'ALTER TABLE "customers" RENAME CONSTRAINT "ck_customers_email_has_at" TO '
            '"customers_email_check"'
        )
    else:
        op.drop_index(op.f("customers_open_email_idx"), table_name="customers")
        with (
            counter_kept("customers"),
            op.batch_alter_table(
                "customers", table_kwargs={"sqlite_autoincrement": True}
            ) as batch_op,
        ):
            batch_op.drop_constraint(op.f("ck_customers_email_has_at"), type_="check")
            batch_op.create_check_constraint(op.f("customers_email_check"), "email LIKE '%@%'")
        op.create_index(
            op.f("customers_open_email_idx"),
            "customers",
            ["email"],
            postgresql_where=sa.text("closed = false"),
            sqlite_where=sa.text("closed = false"),
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "customers" RENAME CONSTRAINT "pk_customers" TO "customers_pkey"')


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "customers" RENAME CONSTRAINT "customers_pkey" TO "pk_customers"')
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            'ALTER TABLE "customers" RENAME CONSTRAINT "customers_email_check" TO '
            '"ck_customers_email_has_at"'
        )
    else:
        op.drop_index(op.f("customers_open_email_idx"), table_name="customers")
        with (
            counter_kept("customers"),
            op.batch_alter_table(
                "customers", table_kwargs={"sqlite_autoincrement": True}
            ) as batch_op,
        ):
            batch_op.drop_constraint(op.f("customers_email_check"), type_="check")
            batch_op.create_check_constraint(op.f("ck_customers_email_has_at"), "email LIKE '%@%'")
        op.create_index(
            op.f("customers_open_email_idx"),
            "customers",
            ["email"],
            postgresql_where=sa.text("closed = false"),
            sqlite_where=sa.text("closed = false"),
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            'ALTER TABLE "customers" RENAME CONSTRAINT "customers_email_key" TO '
            '"uq_customers_email"'
        )
    else:
        op.drop_index(op.f("customers_open_email_idx"), table_name="customers")
        with (
            counter_kept("customers"),
            op.batch_alter_table(
                "customers", table_kwargs={"sqlite_autoincrement": True}
            ) as batch_op,
        ):
            batch_op.drop_constraint(op.f("customers_email_key"), type_="unique")
            batch_op.create_unique_constraint(op.f("uq_customers_email"), ["email"])
        op.create_index(
            op.f("customers_open_email_idx"),
            "customers",
            ["email"],
            postgresql_where=sa.text("closed = false"),
            sqlite_where=sa.text("closed = false"),
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER INDEX "customers_open_email_idx" RENAME TO "ix_customers_email"')
    else:
        online.drop_index(op.f("customers_open_email_idx"), table_name="customers")
        online.create_index(
            op.f("ix_customers_email"),
            "customers",
            ["email"],
            postgresql_where=sa.text("closed = false"),
            sqlite_where=sa.text("closed = false"),
        )
