"""The HTTP benchmark keeps running: a quick run must serve every endpoint from the three
services and print a rate, a p99 and ratios for each, and every read from the two plain ones."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.postgres import fresh_database

pytestmark = pytest.mark.postgres
READS = ("get", "list", "list filtered", "keyset page")
ENDPOINTS = (*READS, "create", "update", "delete")
# The database the benchmark makes (and drops) beside the tests' own.
DATABASE = os.environ.get("PERSISTGEN_BENCH_DATABASE", f"http_bench_{os.getpid()}")


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (tests/run.sh does)")
def test_the_benchmark_serves_every_endpoint_and_reports_ratios() -> None:
    script = ROOT / "benchmarks" / "http_api.py"
    with fresh_database(f"{DATABASE}_server") as url:
        result = subprocess.run(
            [sys.executable, str(script), "--quick", "--database", DATABASE],
            env={**os.environ, "PERSISTGEN_TEST_POSTGRES_URL": url},
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert result.returncode == 0, result.stderr
    assert re.search(r"machine: \d+ cores", result.stdout), result.stdout
    lines = {line[:14].strip(): line for line in result.stdout.splitlines()}
    for endpoint in ENDPOINTS:
        line = lines[endpoint]
        rates = [float(r.replace(",", "")) for r in re.findall(r"([\d,]+)/s p99", line)]
        assert len(rates) == 3 and all(rate > 0 for rate in rates), line
        assert len(re.findall(r"p99 +\d+\.\d ms", line)) == 3, line
        ratios = re.findall(r"vs (?:orm|asyncpg) (\d+\.\d\d)/(\d+\.\d\d)/(\d+\.\d\d)", line)
        assert len(ratios) == 2, line
        assert "!" not in line, f"answers not 2xx (a broken route would be fast): {line}"
    plain = [line.strip() for line in result.stdout.splitlines() if line.startswith("  plain ")]
    for name in ("plain session", "plain core"):
        for endpoint in READS:
            line = next(line for line in plain if re.match(rf"{name} +{endpoint} +[1-9]", line))
            assert re.search(r"/s p99 +\d+\.\d ms", line), line
            assert re.search(r"generated / it \d+\.\d\d/\d+\.\d\d/\d+\.\d\d$", line), line
            assert "!" not in line, f"answers not 2xx: {line}"
