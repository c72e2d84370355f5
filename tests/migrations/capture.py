"""Run Alembic and record every statement it sends to the database, with whether it ran inside
a transaction, and where each transaction ended (tests/migrations/test_squawk.py lints them):

    cd <project> && python <persistgen>/tests/migrations/capture.py OUT.json upgrade head

OUT.json holds a list of entries: {"statement": SQL, "in_transaction": bool}, and
{"end": "COMMIT" | "ROLLBACK"} where SQLAlchemy ended a transaction. Run as a file, not as a
module of `tests`: the generated project has a `tests` package of its own.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from alembic.config import main as alembic_main
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

Entry = dict[str, Any]


class Recorder:
    """Statements as the driver ran them. The drivers (asyncpg, psycopg) open a transaction
    with the first statement after a commit unless the connection is in autocommit, which is
    how Alembic's `autocommit_block` runs statements outside any transaction."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.open = False  # a transaction is open on the server

    def statement(self, connection: Connection, statement: str) -> None:
        autocommit = getattr(connection.connection.dbapi_connection, "autocommit", False) is True
        self.open = self.open or not autocommit
        self.entries.append({"statement": statement, "in_transaction": self.open})

    def end(self, word: str) -> None:
        if self.open:
            self.entries.append({"end": word})
        self.open = False


def record(out: Path, alembic_args: list[str]) -> None:
    recorder = Recorder()

    @event.listens_for(Engine, "before_cursor_execute")
    def _statement(connection: Connection, _c: Any, statement: str, *_: Any) -> None:
        recorder.statement(connection, statement)

    @event.listens_for(Engine, "commit")
    def _commit(_connection: Connection) -> None:
        recorder.end("COMMIT")

    @event.listens_for(Engine, "rollback")
    def _rollback(_connection: Connection) -> None:
        recorder.end("ROLLBACK")

    try:
        alembic_main(argv=alembic_args)
    finally:
        out.write_text(json.dumps(recorder.entries, indent=1), encoding="utf-8")
        # The process may go on (driver.py): what it runs next is not this command's.
        event.remove(Engine, "before_cursor_execute", _statement)
        event.remove(Engine, "commit", _commit)
        event.remove(Engine, "rollback", _rollback)


if __name__ == "__main__":
    record(Path(sys.argv[1]), sys.argv[2:])
