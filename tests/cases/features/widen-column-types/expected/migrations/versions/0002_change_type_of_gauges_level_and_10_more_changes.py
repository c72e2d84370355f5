"""change type of gauges.level and 10 more changes

- change type of gauges.level
- change type of gauges.ratio
- change type of gauges.code
- change type of gauges.doc
- add column gauges.rank
- add column gauges.weight
- add column gauges.grade
- add column gauges.address
- add column gauges.wait
- add column gauges.tags
- add column gauges.prices

Revision ID: ef1ca59af9da
Revises: fbe38acf7f96
Written by persistgen from the change to persistgen.yaml.

Rewrites a table on PostgreSQL (accepted with --allow-rewrite):
- `gauges.level` from smallint to int
- `gauges.ratio` from real to float
- `gauges.code` from char:2 to str:10
- `gauges.doc` from json to jsonb
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from gauges.db import online
from gauges.db.autoincrement import counter_kept

revision: str = "ef1ca59af9da"
down_revision: str | None = "fbe38acf7f96"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with (
        counter_kept("gauges"),
        online.batch("gauges", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.alter_column(
            "level", existing_type=sa.SmallInteger(), existing_nullable=False, type_=sa.Integer()
        )
        batch_op.alter_column(
            "ratio", existing_type=sa.REAL(), existing_nullable=False, type_=sa.Double()
        )
        batch_op.alter_column(
            "code",
            existing_type=sa.CHAR(length=2),
            existing_nullable=False,
            type_=sa.String(length=10),
        )
        batch_op.alter_column(
            "doc",
            existing_type=sa.JSON(),
            existing_nullable=False,
            type_=sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
        )
        batch_op.add_column(sa.Column("rank", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("weight", sa.REAL(), nullable=True))
        batch_op.add_column(sa.Column("grade", sa.CHAR(length=3), nullable=True))
        batch_op.add_column(
            sa.Column(
                "address",
                sa.String(length=45).with_variant(postgresql.INET(), "postgresql"),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("wait", sa.Interval(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "tags",
                sa.JSON().with_variant(postgresql.ARRAY(sa.String()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "prices",
                sa.JSON().with_variant(
                    postgresql.ARRAY(sa.Numeric(precision=12, scale=2)), "postgresql"
                ),
                nullable=True,
            )
        )
    online.backfill("gauges", sa.column("rank", sa.SmallInteger()), 7)
    online.backfill("gauges", sa.column("grade", sa.CHAR(length=3)), "abc")
    with (
        counter_kept("gauges"),
        online.batch("gauges", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.alter_column(
            "rank", existing_type=sa.SmallInteger(), existing_nullable=True, nullable=False
        )
        batch_op.alter_column(
            "grade", existing_type=sa.CHAR(length=3), existing_nullable=True, nullable=False
        )


def downgrade() -> None:
    with (
        counter_kept("gauges"),
        online.batch("gauges", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.alter_column(
            "grade", existing_type=sa.CHAR(length=3), existing_nullable=False, nullable=True
        )
        batch_op.alter_column(
            "rank", existing_type=sa.SmallInteger(), existing_nullable=False, nullable=True
        )
    with (
        counter_kept("gauges"),
        online.batch("gauges", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_column("prices")
        batch_op.drop_column("tags")
        batch_op.drop_column("wait")
        batch_op.drop_column("address")
        batch_op.drop_column("grade")
        batch_op.drop_column("weight")
        batch_op.drop_column("rank")
        batch_op.alter_column(
            "doc",
            existing_type=sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            existing_nullable=False,
            type_=sa.JSON(),
        )
        batch_op.alter_column(
            "code",
            existing_type=sa.String(length=10),
            existing_nullable=False,
            type_=sa.CHAR(length=2),
        )
        batch_op.alter_column(
            "ratio", existing_type=sa.Double(), existing_nullable=False, type_=sa.REAL()
        )
        batch_op.alter_column(
            "level", existing_type=sa.Integer(), existing_nullable=False, type_=sa.SmallInteger()
        )
