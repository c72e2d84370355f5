"""create table tags and 3 more changes

- create table tags
- drop check constraint ck_roles_code_is_valid
- add check constraint ck_roles_units_not_negative
- add check constraint ck_roles_code_is_valid

Revision ID: bbd3e18cc61a
Revises: 244804822db7
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from postgres_checks.db import online
from postgres_checks.db.autoincrement import counter_kept

revision: str = "bbd3e18cc61a"
down_revision: str | None = "244804822db7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tags",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.CheckConstraint("name ~ '^[a-z]+$'", name=op.f("tags_name_is_lower")).ddl_if(
            dialect="postgresql"
        ),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    with (
        counter_kept("roles"),
        online.batch("roles", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.drop_constraint(op.f("ck_roles_code_is_valid"), type_="check")
    with (
        counter_kept("roles"),
        online.batch("roles", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.create_check_constraint(op.f("ck_roles_units_not_negative"), "units >= 0")
        if op.get_bind().dialect.name == "postgresql":
            batch_op.create_check_constraint(
                op.f("ck_roles_code_is_valid"), "(code)::text ~ '^[a-z0-9_]{1,100}$'::text"
            )


def downgrade() -> None:
    with (
        counter_kept("roles"),
        online.batch("roles", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        if op.get_bind().dialect.name == "postgresql":
            batch_op.drop_constraint(op.f("ck_roles_code_is_valid"), type_="check")
        batch_op.drop_constraint(op.f("ck_roles_units_not_negative"), type_="check")
    with (
        counter_kept("roles"),
        online.batch("roles", table_kwargs={"sqlite_autoincrement": True}) as batch_op,
    ):
        batch_op.create_check_constraint(op.f("ck_roles_code_is_valid"), "code <> ''")
    op.drop_table("tags", if_exists=True)
