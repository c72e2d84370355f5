"""SQLite AUTOINCREMENT kept through a migration's table rebuild.

SQLite numbers a new row of an AUTOINCREMENT table past the largest key it ever gave, which it
keeps in `sqlite_sequence`. Batch mode rebuilds a table by copying its rows into a new one:
the old counter goes with the old table, and the copy's counter stops at the largest key left,
so the keys of the last rows deleted would be handed out again. Migrations import this module
whether or not a table uses it now, so it stays in every project.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import op
from sqlalchemy import text

# The counter is raised, never lowered; a table with no rows yet may have none to raise.
_RAISE = text("UPDATE sqlite_sequence SET seq = :seq WHERE name = :table AND seq < :seq")
_ADD = text(
    "INSERT INTO sqlite_sequence (name, seq) SELECT :table, :seq "
    "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = :table)"
)


@contextmanager
def counter_kept(table: str) -> Iterator[None]:
    """Around a batch that may rebuild `table`: on SQLite, its counter afterwards is at least
    what it was before. Elsewhere (PostgreSQL's identity and serial keys), nothing."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    values = {"table": table}
    seq = bind.scalar(text("SELECT seq FROM sqlite_sequence WHERE name = :table"), values)
    yield
    if seq is not None:
        bind.execute(_RAISE, {**values, "seq": seq})
        bind.execute(_ADD, {**values, "seq": seq})
