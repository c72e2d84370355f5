"""The repository benchmark keeps running: a tiny run must print every operation, its ratios
and its call counts."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.postgres import fresh_database

pytestmark = pytest.mark.postgres
SCRIPT = ROOT / "benchmarks" / "repositories.py"


def test_the_benchmark_runs_and_reports_ratios() -> None:
    with fresh_database("bench_smoke") as url:
        result = subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "repositories.py"),
                "--runs",
                "1",
                "--quick",
            ],
            env={**os.environ, "PERSISTGEN_TEST_POSTGRES_URL": url},
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert result.returncode == 0, result.stderr
    timings, header, calls = result.stdout.partition("Python function calls")
    assert header, result.stdout
    lines = {line.split("  ")[0]: line for line in timings.splitlines()}
    counted = {line.split("  ")[0]: line for line in calls.splitlines()}
    for operation in (
        "bulk insert 300",
        "get by id x100",
        "page at offset 200 x5",
        "page and total at 200 x5",
        "keyset page at row 200 x5",
        "filtered count x5",
    ):
        ratios = re.findall(r"(\d+\.\d\d)x", lines[operation])
        assert ratios, f"no ratio for {operation}: {lines[operation]}"
        if operation != "keyset page at row 200 x5":  # advanced-alchemy offers the others too
            assert len(ratios) == 2, f"persistgen and advanced-alchemy: {lines[operation]}"
        assert re.findall(r"\b\d{1,3}(?:,\d{3})*\b", counted[operation].removeprefix(operation))
    assert "bulk insert 300 [COPY]" in lines
