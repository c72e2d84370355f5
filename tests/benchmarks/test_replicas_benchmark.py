"""The read-replica benchmark keeps running: a quick run serves both routes with 0, 1 and 2
replicas on real streaming replication and prints a rate, a p99 and a ratio for each."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.postgres


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (tests/run.sh does)")
def test_the_benchmark_reads_with_each_number_of_replicas() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.replicas", "--seconds", "1", "--repetitions", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"machine: \d+ cores", result.stdout), result.stdout
    lines = {line.split(":")[0]: line for line in result.stdout.splitlines()}
    for count in (0, 1, 2):
        line = lines[f"{count} replicas"]
        assert "ERRORS" not in line, f"answers not 2xx (a broken route would be fast): {line}"
        figures = re.findall(
            r"(get|list) ([\d,]+)/s \(([\d.]+)\) x([\d.]+)/([\d.]+)/([\d.]+)", line
        )
        assert [name for name, *_ in figures] == ["get", "list"], line
        assert all(float(rate.replace(",", "")) > 0 for _, rate, *_ in figures), line
        if count == 0:  # its own baseline
            assert all(ratio == "1.00" for *_, ratio, _, _ in figures), line
