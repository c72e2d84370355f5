"""The routing benchmark keeps running: a quick run times finding the first, middle and last
resource's route, with the generated routers' check and without it, and prints a ratio."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def test_the_benchmark_routes_to_the_first_middle_and_last_resource() -> None:
    command = [sys.executable, "-m", "benchmarks.routing", "--resources", "10", "--rounds", "1"]
    result = subprocess.run(
        [*command, "--requests", "100"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"machine: \d+ cores", result.stdout), result.stdout
    figures = re.findall(
        r"GET (\S+): with the check ([\d.]+)/[\d.]+/[\d.]+, FastAPI's match alone "
        r"([\d.]+)/[\d.]+/[\d.]+, ratio x([\d.]+)",
        result.stdout,
    )
    assert [path for path, *_ in figures] == ["/r0s/1", "/r5s/1", "/r9s/1"], result.stdout
    assert all(float(value) > 0 for _, *values in figures for value in values), result.stdout
