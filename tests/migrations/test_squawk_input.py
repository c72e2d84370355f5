"""What tests/migrations/test_squawk.py shows squawk of a revision (no database needed): BEGIN and
COMMIT around the statements that ran in a transaction, nothing around those that ran outside
one, and none of Alembic's bookkeeping; and squawk reads it so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.migrations.test_squawk import lint, script

CATALOG_READ = "SELECT pg_catalog.pg_class.relname \nFROM pg_catalog.pg_class WHERE true"
INDEX = "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_books_pages ON books (pages)"
CHECK = "\nALTER TABLE books\n  ADD CONSTRAINT ck_books_pages CHECK (pages > 0) NOT VALID\n"

ENTRIES: list[dict[str, Any]] = [
    {"statement": CATALOG_READ, "in_transaction": True},
    {"statement": "SET lock_timeout = '2s'", "in_transaction": True},
    {"end": "COMMIT"},
    {"statement": INDEX, "in_transaction": False},
    {"statement": CHECK, "in_transaction": True},
    {"statement": "UPDATE alembic_version SET version_num='b'", "in_transaction": True},
    {"end": "COMMIT"},
    {"statement": CATALOG_READ, "in_transaction": True},
    {"end": "ROLLBACK"},  # nothing but bookkeeping in it: no transaction shown
]


def test_transactions_are_shown_as_they_ran() -> None:
    assert script(ENTRIES).text() == (
        "BEGIN;\n"
        "SET lock_timeout = '2s';\n"
        "COMMIT;\n"
        f"{INDEX};\n"
        "BEGIN;\n"
        "ALTER TABLE books\n"
        "  ADD CONSTRAINT ck_books_pages CHECK (pages > 0) NOT VALID;\n"
        "COMMIT;\n"
    )


def test_squawk_sees_whether_a_statement_ran_in_a_transaction(tmp_path: Path) -> None:
    outside = script([{"statement": INDEX, "in_transaction": False}])
    inside = script([{"statement": INDEX, "in_transaction": True}, {"end": "COMMIT"}])
    rule = "ban-concurrent-index-creation-in-transaction"
    assert rule not in {v.rule for v in lint(tmp_path / "outside.sql", outside, "15.0")}
    found = [v for v in lint(tmp_path / "inside.sql", inside, "15.0") if v.rule == rule]
    assert [(v.revision, v.statement) for v in found] == [("inside", f"{INDEX};")]


def test_a_finding_names_its_whole_statement(tmp_path: Path) -> None:
    statements = script([{"statement": "SET lock_timeout = '2s'", "in_transaction": False}])
    statements.add("ALTER TABLE books\n  ADD CONSTRAINT ck_books_pages CHECK (pages > 0)")
    found = {v.rule: v.statement for v in lint(tmp_path / "0002_check.sql", statements, "15.0")}
    assert found["constraint-missing-not-valid"] == (
        "ALTER TABLE books\n  ADD CONSTRAINT ck_books_pages CHECK (pages > 0);"
    )
