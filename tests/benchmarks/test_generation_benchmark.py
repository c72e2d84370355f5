"""The generation benchmark keeps running: a small schema, every command timed, every ratio
printed beside its goal."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def test_the_generation_benchmark_runs_and_reports_ratios() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generation.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "schema: 10 ordinary resources; 1 runs" in result.stdout
    for name in ("datamodel-codegen", "new", "generate --check", "--version", "--help"):
        assert re.search(rf"  {re.escape(name)} +[0-9.]+ / [0-9.]+ / [0-9.]+\n", result.stdout)
    ratios = re.findall(r"<= [0-9.]+x: (met|NOT met)", result.stdout)
    assert len(ratios) == 4, result.stdout
