"""The newer column types through migrations, on PostgreSQL and SQLite: columns of each added
to a table with rows, and types widened in place (smallint to int, real to float, char to
varchar, json to jsonb: each a rewrite on PostgreSQL, refused until `--allow-rewrite`) with
every value kept; Alembic then finds nothing left to migrate, and the downgrade applies.
Narrowing back is refused as losing data."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from persistgen import pipeline
from persistgen.errors import UserError
from tests.migrations.test_evolution import _sqlite, alembic, step_process
from tests.postgres import fresh_database

pytestmark = pytest.mark.postgres

HEAD = "version: 1\nproject: {name: gauges}\nresources:\n  Gauge:\n    fields:\n"
BEFORE = HEAD + (
    "      level: smallint\n"
    "      ratio: real\n"
    "      code: char:2\n"
    "      doc: {type: json, binary: false}\n"
)
WIDENED = HEAD + (
    "      level: int\n"
    "      ratio: float\n"
    "      code: str:10\n"
    "      doc: jsonb\n"
    "      rank: {type: smallint, backfill: 7}\n"
    "      weight: {type: real, nullable: true}\n"
    "      grade: {type: char, max_length: 3, backfill: abc}\n"
    "      address: {type: inet, nullable: true}\n"
    "      wait: {type: interval, nullable: true}\n"
    "      tags: {type: list, items: str, nullable: true}\n"
    "      prices: {type: list, items: decimal, nullable: true}\n"
)
ROW = {"level": 300, "ratio": 0.25, "code": "ab", "doc": {"a": [1, 2]}}


async def _query(url: str, statement: str, values: dict[str, Any] | None = None) -> list[Any]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(statement), values or {})
            return list(result.all()) if result.returns_rows else []
    finally:
        await engine.dispose()


def query(url: str, statement: str, values: dict[str, Any] | None = None) -> list[Any]:
    return asyncio.run(_query(url, statement, values))


def kept(url: str) -> dict[str, Any]:
    (row,) = query(url, "SELECT level, ratio, code, doc FROM gauges")
    doc = row.doc if isinstance(row.doc, dict) else json.loads(row.doc)
    return {"level": row.level, "ratio": row.ratio, "code": row.code.rstrip(), "doc": doc}


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_new_column_types_are_added_and_widened_in_place(database: str, tmp_path: Path) -> None:
    project = tmp_path / "gauges"
    project.mkdir()
    with (
        fresh_database(f"pg_column_types_{os.getpid()}")
        if database == "postgresql"
        else _sqlite(tmp_path)
    ) as url:
        (project / "persistgen.yaml").write_text(BEFORE, encoding="utf-8")
        assert pipeline.generate(project).revision is not None
        alembic(project, url, "upgrade", "head")
        values = {**ROW, "doc": json.dumps(ROW["doc"])}
        query(url, "INSERT INTO gauges (level, ratio, code, doc) VALUES (:level, :ratio, "
              ":code, :doc)", values)  # fmt: skip

        (project / "persistgen.yaml").write_text(WIDENED, encoding="utf-8")
        with pytest.raises(UserError, match="rewrites the whole table"):
            pipeline.generate(project)  # each of the four, on PostgreSQL
        options = pipeline.MigrationOptions(allow_rewrite=True)
        revision = pipeline.generate(project, migration=options).revision
        assert revision is not None and not revision.destructive
        assert len(revision.rewrites) == 4, revision.rewrites
        for column in ("level", "ratio", "code", "doc"):
            assert f"change type of gauges.{column}" in revision.summary
        for column in ("rank", "weight", "grade", "address", "wait", "tags", "prices"):
            assert f"add column gauges.{column}" in revision.summary
        with step_process(project, url) as child:  # the commands of one state, one process
            child.alembic("upgrade", "head")
            assert kept(url) == ROW
            assert query(url, "SELECT rank, grade FROM gauges") == [(7, "abc")]
            assert "No new upgrade operations detected" in child.alembic("check")
            child.alembic("downgrade", "-1")
            assert kept(url) == ROW
            child.alembic("upgrade", "head")
            assert "No new upgrade operations detected" in child.alembic("check")

        (project / "persistgen.yaml").write_text(BEFORE, encoding="utf-8")
        with pytest.raises(UserError, match="loses data"):
            pipeline.generate(project)
