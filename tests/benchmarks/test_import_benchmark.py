"""The import benchmark keeps running: a small schema imports, generates and prints its
figures."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import POSTGRES_URL, ROOT
from tests.postgres import fresh_database

pytestmark = pytest.mark.postgres


def test_the_import_benchmark_runs_and_reports_times() -> None:
    with fresh_database("bench_import_smoke"):  # the server is there (or CI fails)
        pass
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "import_schema.py"), "--tables", "12"],
        env={**os.environ, "PERSISTGEN_TEST_POSTGRES_URL": POSTGRES_URL},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "schema: 12 tables" in result.stdout
    assert re.search(r"import --spec-only: +[0-9.]+ s wall", result.stdout), result.stdout
    files = re.search(r"import \(and generate\): +[0-9.]+ s wall.* ([0-9,]+) files", result.stdout)
    assert files and int(files.group(1).replace(",", "")) > 12 * 4, result.stdout
    assert "target: 12 tables in 60 s: under" in result.stdout
