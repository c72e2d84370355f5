"""The few questions persistgen asks git, with nothing of the generator imported."""

from __future__ import annotations

import subprocess
from pathlib import Path


def output(cwd: Path, *args: str) -> str | None:
    """git's output, or None when git fails or is not installed."""
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return result.stdout if result.returncode == 0 else None


def merging(cwd: Path) -> bool:
    """Whether a git merge is in progress in the repository that holds `cwd`."""
    return output(cwd, "rev-parse", "-q", "--verify", "MERGE_HEAD") is not None
