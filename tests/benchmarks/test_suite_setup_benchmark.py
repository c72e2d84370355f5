"""The suite set-up benchmark keeps running: both kinds of set-up timed on a generated project,
their ratio printed."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def test_the_suite_setup_benchmark_runs_and_reports_the_ratio() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "suite_setup.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sqlite: 1 rounds of 3 test set-ups of each kind" in result.stdout
    for kind in ("emptied", "dropped and re-created"):
        assert re.search(rf"  {kind}: [0-9.]+ / [0-9.]+ ms", result.stdout), result.stdout
    assert re.search(r"emptying is [0-9.]+x faster", result.stdout), result.stdout


def test_the_suites_benchmark_runs_both_suites_and_reports_the_ratio() -> None:
    """Against this checkout's own HEAD as the baseline: the benchmark, not the figures."""
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "suite_setup.py"),
            "--suites",
            "--quick",
            "--baseline",
            "HEAD",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(
        r"  blog, SQLite:\n    wall: HEAD [0-9.]+ / [0-9.]+ / [0-9.]+ s, "
        r"this checkout [0-9.]+ / [0-9.]+ / [0-9.]+ s: [0-9.]+x faster",
        result.stdout,
    ), result.stdout
