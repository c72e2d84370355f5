"""initial schema

- create table countries
- create table planets
- create table invoices
- create table legacies
- create table ledgers
- create table counters
- create table tags
- create table idempotency_keys

Revision ID: 629979b63530
Revises:
Written by persistgen from the change to persistgen.yaml.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from keys.db.sequences import next_value

revision: str = "629979b63530"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "countries",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_countries")),
        if_not_exists=True,
    )
    op.create_table(
        "planets",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planets")),
        if_not_exists=True,
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), sa.Identity(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.CreateSequence(sa.Sequence("legacy_id_seq"), if_not_exists=True))
    op.create_table(
        "legacies",
        sa.Column(
            "id",
            sa.Integer(),
            sa.Sequence("legacy_id_seq"),
            server_default=next_value(sa.Sequence("legacy_id_seq")),
            nullable=False,
        ),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legacies")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.CreateSequence(sa.Sequence("ledger_numbers"), if_not_exists=True))
    op.create_table(
        "ledgers",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Sequence("ledger_numbers"),
            server_default=next_value(sa.Sequence("ledger_numbers")),
            nullable=False,
        ),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("country_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_id"], ["countries.number"], name=op.f("fk_ledgers_country_id_countries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledgers")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_index(op.f("ix_ledgers_country_id"), "ledgers", ["country_id"], if_not_exists=True)
    op.create_table(
        "counters",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counters")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_table(
        "tags",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sqlite_autoincrement=True,
        if_not_exists=True,
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
    op.drop_table("tags", if_exists=True)
    op.drop_table("counters", if_exists=True)
    op.drop_table("ledgers", if_exists=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.DropSequence(sa.Sequence("ledger_numbers"), if_exists=True))
    op.drop_table("legacies", if_exists=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.DropSequence(sa.Sequence("legacy_id_seq"), if_exists=True))
    op.drop_table("invoices", if_exists=True)
    op.drop_table("planets", if_exists=True)
    op.drop_table("countries", if_exists=True)
