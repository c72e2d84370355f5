"""The table of idempotency keys every project holds (runtime db/idempotency.py), as migrations
see it: new projects create it in their first revision, older ones in their next."""

from __future__ import annotations

from persistgen import naming
from persistgen.migrate.schema import DbColumn, DbTable

# The columns of the runtime's `IdempotencyKey` model, spelled as a revision spells them.
_COLUMNS = (
    DbColumn("key", "sa.String(length=255)", "str", ("255",), nullable=False, attribute="key"),
    DbColumn(
        "fingerprint",
        "sa.String(length=64)",
        "str",
        ("64",),
        nullable=False,
        attribute="fingerprint",
    ),
    DbColumn("status", "sa.Integer()", "int", (), nullable=True, attribute="status"),
    DbColumn("body", "sa.Text()", "text", (), nullable=True, attribute="body"),
    DbColumn(
        "created_at",
        "sa.DateTime(timezone=True)",
        "datetime",
        (),
        nullable=False,
        attribute="created_at",
    ),
)


def idempotency_table(schema: str | None) -> DbTable:
    table = naming.IDEMPOTENCY_TABLE
    return DbTable(
        name=table,
        resource=table,  # no resource's: the name no resource can have
        columns=_COLUMNS,
        primary_key=("key",),
        pk_name=naming.constraint("pk", table),
        uniques=(),
        indexes=((naming.constraint("ix", table, "created_at"), ("created_at",)),),
        foreign_keys=(),
        schema=schema,
    )
