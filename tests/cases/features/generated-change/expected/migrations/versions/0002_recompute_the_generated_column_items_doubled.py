"""recompute the generated column items.doubled (dropped and added again) and 2 more changes

- recompute the generated column items.doubled (dropped and added again)
- add column items.halved
- add column items.stock

Revision ID: c0ab87110d49
Revises: 1acab263a632
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from generated_change.db import online
from generated_change.db.autoincrement import counter_kept

revision: str = "c0ab87110d49"
down_revision: str | None = "1acab263a632"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with (
        counter_kept("items"),
        online.batch("items", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        if op.get_bind().dialect.name != "postgresql":
            batch_op.drop_column("label")
        batch_op.drop_column("doubled")
        batch_op.add_column(
            sa.Column(
                "doubled",
                sa.Integer(),
                sa.Computed("price + price", persisted=True),
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "halved", sa.Integer(), sa.Computed("price / 2", persisted=True), nullable=False
            )
        )
        batch_op.add_column(sa.Column("stock", sa.Integer(), nullable=True))
        if op.get_bind().dialect.name != "postgresql":
            batch_op.add_column(
                sa.Column(
                    "label",
                    sa.String(length=120),
                    sa.Computed("upper(name)", persisted=True),
                    nullable=False,
                )
            )
    online.backfill("items", sa.column("stock", sa.Integer()), 0)
    with (
        counter_kept("items"),
        online.batch("items", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        if op.get_bind().dialect.name != "postgresql":
            batch_op.drop_column("doubled")
            batch_op.drop_column("label")
            batch_op.drop_column("halved")
        batch_op.alter_column(
            "stock", existing_type=sa.Integer(), existing_nullable=True, nullable=False
        )
        if op.get_bind().dialect.name != "postgresql":
            batch_op.add_column(
                sa.Column(
                    "doubled",
                    sa.Integer(),
                    sa.Computed("price + price", persisted=True),
                    nullable=False,
                )
            )
            batch_op.add_column(
                sa.Column(
                    "label",
                    sa.String(length=120),
                    sa.Computed("upper(name)", persisted=True),
                    nullable=False,
                )
            )
            batch_op.add_column(
                sa.Column(
                    "halved", sa.Integer(), sa.Computed("price / 2", persisted=True), nullable=False
                )
            )


def downgrade() -> None:
    with (
        counter_kept("items"),
        online.batch("items", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        if op.get_bind().dialect.name != "postgresql":
            batch_op.drop_column("doubled")
            batch_op.drop_column("label")
            batch_op.drop_column("halved")
        batch_op.alter_column(
            "stock", existing_type=sa.Integer(), existing_nullable=False, nullable=True
        )
        if op.get_bind().dialect.name != "postgresql":
            batch_op.add_column(
                sa.Column(
                    "doubled",
                    sa.Integer(),
                    sa.Computed("price + price", persisted=True),
                    nullable=False,
                )
            )
            batch_op.add_column(
                sa.Column(
                    "label",
                    sa.String(length=120),
                    sa.Computed("upper(name)", persisted=True),
                    nullable=False,
                )
            )
            batch_op.add_column(
                sa.Column(
                    "halved", sa.Integer(), sa.Computed("price / 2", persisted=True), nullable=False
                )
            )
    with (
        counter_kept("items"),
        online.batch("items", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        if op.get_bind().dialect.name != "postgresql":
            batch_op.drop_column("label")
        batch_op.drop_column("stock")
        batch_op.drop_column("halved")
        batch_op.drop_column("doubled")
        batch_op.add_column(
            sa.Column(
                "doubled", sa.Integer(), sa.Computed("price * 2", persisted=True), nullable=False
            )
        )
        if op.get_bind().dialect.name != "postgresql":
            batch_op.add_column(
                sa.Column(
                    "label",
                    sa.String(length=120),
                    sa.Computed("upper(name)", persisted=True),
                    nullable=False,
                )
            )
