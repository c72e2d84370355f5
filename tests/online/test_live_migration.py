"""A loaded table takes its revisions (an index, a unique constraint, a foreign key, a NOT NULL
column with a backfill, a rename) under steady reads and writes through the generated API
(benchmarks/live_migration.py): no request fails, none waits past the lock timeout plus a
margin, and every row survives.

Left out of the default run (tests/online/conftest.py): `pytest -m live tests/online` runs it on
100,000 books, `PERSISTGEN_LIVE_ROWS=1000000` at the full size (tests/run.sh, as CI does)."""

from __future__ import annotations

import asyncio
import os

import pytest

from benchmarks.live_migration import Options, render, run
from tests.postgres import fresh_database

pytestmark = [pytest.mark.postgres, pytest.mark.live]
ROWS = int(os.environ.get("PERSISTGEN_LIVE_ROWS", "100000"))


def test_a_loaded_table_migrates_under_load_without_failures_or_long_waits() -> None:
    with fresh_database(os.environ.get("PERSISTGEN_LIVE_DATABASE", "live_migration")) as url:
        report = asyncio.run(run(Options(rows=ROWS), url))
    print(render(report))  # the figures, with -s or when it fails
    assert report.rows["loaded_after"] == report.rows["loaded"] == ROWS
    assert not report.problems(), render(report)
