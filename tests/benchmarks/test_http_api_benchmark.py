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
    # The round of the reads against the plain services: the generated app's figures in it, and
    # each plain service's with the ratios.
    rows = result.stdout.split("plainest way:")[-1].splitlines()
    for endpoint in READS:
        for name in ("generated", "plain session", "plain core"):
            line = next((r for r in rows if re.match(rf" +{name} +{endpoint} +\d", r)), None)
            assert line, f"no {name} {endpoint} line: {rows}"
            assert re.search(r" [1-9][\d,]*/s p99 +\d+\.\d ms", line), line
            assert "!" not in line, f"answers not 2xx: {line}"
            if name != "generated":
                assert re.search(r"generated / it \d+\.\d\d/\d+\.\d\d/\d+\.\d\d$", line), line
