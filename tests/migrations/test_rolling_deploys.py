"""Expand and contract for rolling deploys, on PostgreSQL and SQLite, with rows: a field
removed and a field renamed under `rolling_deploys`. After the expand, the version before
(writing the old column) and the version after (writing the new one) both work against the
database, on PostgreSQL each write landing in both columns; Alembic finds nothing to migrate;
the contract then drops the retired columns, and every row keeps its values."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from persistgen import pipeline
from tests.migrations.test_column_types import query
from tests.migrations.test_evolution import _sqlite, alembic, relation_files, step_process
from tests.postgres import fresh_database

pytestmark = pytest.mark.postgres

HEAD = "version: 1\nproject: {name: shelf, rolling_deploys: true}\nresources:\n  Book:\n"
BEFORE = HEAD + "    fields:\n      title: str:200:unique\n      pages: int\n"
AFTER = HEAD + (
    "    fields:\n      headline: {type: str, max_length: 200, unique: true, renamed_from: title}\n"
)
CLEAN = "No new upgrade operations detected"


def books(url: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in query(url, "SELECT * FROM books ORDER BY id")]


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_a_rename_and_a_removal_expand_then_contract(database: str, tmp_path: Path) -> None:
    postgres = database == "postgresql"
    project = tmp_path / "shelf"
    project.mkdir()
    with (
        fresh_database(f"pgx_rolling_deploys_{os.getpid()}") if postgres else _sqlite(tmp_path)
    ) as url:
        (project / "persistgen.yaml").write_text(BEFORE, encoding="utf-8")
        assert pipeline.generate(project).revision is not None
        alembic(project, url, "upgrade", "head")
        query(url, "INSERT INTO books (title, pages) VALUES ('Dune', 412), ('Emma', 474)")

        # Expand: the old columns stay, the new one is filled from the old.
        (project / "persistgen.yaml").write_text(AFTER, encoding="utf-8")
        expand = pipeline.generate(project).revision
        assert expand is not None and not expand.destructive
        assert "retire column books.pages (until `--contract` drops it)" in expand.summary
        with step_process(project, url) as child:  # the commands of one state, one process
            child.alembic("upgrade", "head")
            assert books(url) == [(1, "Dune", 412, "Dune"), (2, "Emma", 474, "Emma")]
            assert CLEAN in child.alembic("check")
        assert pipeline.generate(project).revision is None  # retired columns stay untouched

        # The version after writes only the new column; the old one is NULL where it inserts.
        query(url, "INSERT INTO books (headline) VALUES ('Kim')")
        query(url, "UPDATE books SET headline = 'Dune Messiah' WHERE id = 1")
        if postgres:  # the version before runs beside it: each write lands in both columns
            query(url, "INSERT INTO books (title, pages) VALUES ('Ulysses', 730)")
            query(url, "UPDATE books SET title = 'Persuasion' WHERE id = 2")
            assert books(url) == [
                (1, "Dune Messiah", 412, "Dune Messiah"),
                (2, "Persuasion", 474, "Persuasion"),
                (3, "Kim", None, "Kim"),
                (4, "Ulysses", 730, "Ulysses"),
            ]
            with pytest.raises(Exception, match="uq_books_headline"):  # the old app's too
                query(url, "INSERT INTO books (title) VALUES ('Kim')")
        else:
            assert books(url)[2] == (3, None, None, "Kim")

        # Contract: once no instance of the version before runs.
        options = pipeline.MigrationOptions(contract=True)
        contract = pipeline.generate(project, migration=options).revision
        assert contract is not None and not contract.destructive
        assert set(contract.summary) == {
            "drop retired column books.title",
            "drop retired column books.pages",
        }
        expected = books(url)
        expected = [(key, headline) for key, *_, headline in expected]
        with step_process(project, url) as child:
            child.alembic("upgrade", "head")
            assert books(url) == expected
            child.alembic("downgrade", "-1")
            child.alembic("upgrade", "head")
            assert books(url) == expected
            assert CLEAN in child.alembic("check")
        query(url, "UPDATE books SET headline = 'Dune' WHERE id = 1")  # no trigger left
        if postgres:
            assert query(url, "SELECT count(*) FROM pg_proc WHERE proname LIKE 'sync_%'") == [(0,)]


COUNTED = HEAD + "    fields:\n      title: str:200\n      votes: int\n"
WIDENED = HEAD + (
    "    fields:\n      title: str:200\n      vote_count: {type: bigint, renamed_from: votes}\n"
)


def test_a_type_change_that_would_rewrite_goes_through_a_renamed_column(tmp_path: Path) -> None:
    """The way `--allow-rewrite`'s refusal gives, on PostgreSQL: the field renamed with its new
    type. Nothing is rewritten; both application versions' writes land in both columns (so
    within the old type's range until the contract drops the old column)."""
    project = tmp_path / "shelf"
    project.mkdir()
    with fresh_database(f"pgx_rolling_retype_{os.getpid()}") as url:
        (project / "persistgen.yaml").write_text(COUNTED, encoding="utf-8")
        assert pipeline.generate(project).revision is not None
        alembic(project, url, "upgrade", "head")
        query(url, "INSERT INTO books (title, votes) VALUES ('Dune', 2147483647)")
        files = relation_files(url)

        (project / "persistgen.yaml").write_text(WIDENED, encoding="utf-8")
        expand = pipeline.generate(project).revision
        assert expand is not None and not expand.rewrites and not expand.destructive
        with step_process(project, url) as child:
            child.alembic("upgrade", "head")
            assert relation_files(url).items() >= files.items()  # no table or index rewritten
            query(url, "INSERT INTO books (title, votes) VALUES ('Emma', 5)")  # the version before
            query(url, "INSERT INTO books (title, vote_count) VALUES ('Kim', 7)")  # the one after
            assert books(url) == [
                (1, "Dune", 2147483647, 2147483647),
                (2, "Emma", 5, 5),
                (3, "Kim", 7, 7),
            ]
            assert CLEAN in child.alembic("check")

        options = pipeline.MigrationOptions(contract=True)
        assert pipeline.generate(project, migration=options).revision is not None
        alembic(project, url, "upgrade", "head")
        query(url, "INSERT INTO books (title, vote_count) VALUES ('Ulysses', 5000000000)")
        assert [row[-1] for row in books(url)] == [2147483647, 5, 7, 5000000000]
