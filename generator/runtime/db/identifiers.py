"""Constraint and index names that PostgreSQL keeps whole, alike on every database."""

import hashlib
from typing import Any

# PostgreSQL keeps the first 63 bytes of a name and silently drops the rest.
MAX_IDENTIFIER = 63


def shortened(name: str) -> str:
    """`name`, or past 63 bytes its first 55 characters, `_` and the last four hex digits of
    its MD5: what SQLAlchemy makes of a long naming-convention name on PostgreSQL, done on every
    database, so that SQLite and the migrations hold the same names as PostgreSQL."""
    if len(name.encode()) <= MAX_IDENTIFIER:
        return name
    digest = hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()
    return f"{name[: MAX_IDENTIFIER - 8]}_{digest[-4:]}"


class Shortened(str):
    """A naming-convention template (`"ix_%(table_name)s_%(column_0_N_name)s"`) whose names
    come out `shortened`."""

    __slots__ = ()

    def __mod__(self, values: Any) -> str:
        return shortened(str.__mod__(self, values))
