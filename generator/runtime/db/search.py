"""Text matching that answers alike on PostgreSQL and SQLite: `q` and `__contains` find a
substring whatever its case, by Unicode's rules on both.

PostgreSQL matches with ILIKE, which a GIN trigram index (pg_trgm) serves; its case folding
follows the database's locale (LC_CTYPE). SQLite's LIKE and lower() fold ASCII letters only, so
each SQLite connection gets `unicode_lower` (Python's `str.lower`), and the column is lowered
with it; SQLite has no index for a substring, so its searches scan the table.
"""

from typing import Any

from sqlalchemy import Connection, Index, event
from sqlalchemy.schema import SchemaItem

UNICODE_LOWER = "unicode_lower"  # SQLite's: see `add_sqlite_functions`


def trigram_index(name: str, column: str) -> Index:
    """A GIN trigram index on `column`, which serves `ILIKE '%text%'`: made on PostgreSQL
    alone, with pg_trgm before it, by `create_all` as by the migrations."""
    index = Index(name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})
    event.listen(index, "before_create", _create_trigrams)
    return index.ddl_if(dialect="postgresql")


def _create_trigrams(_index: Index, connection: Connection, **_kw: Any) -> None:
    # pg_trgm ships with PostgreSQL and is trusted (since 13): the database's owner may create it.
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def postgresql_only(item: SchemaItem) -> bool:
    """A trigram index: not missing where the database is not PostgreSQL (Alembic's check)."""
    return isinstance(item, Index) and item.dialect_kwargs.get("postgresql_using") == "gin"


def add_sqlite_functions(dbapi_connection: Any, _record: Any) -> None:
    """A `connect` listener of SQLite engines: `unicode_lower` on each new connection."""
    dbapi_connection.create_function(UNICODE_LOWER, 1, _lower, deterministic=True)


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value
