"""Shared fixtures: example specs, and the PostgreSQL server the generated projects run on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from persistgen import user_cache

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
POSTGRES_URL = os.environ.get(
    "PERSISTGEN_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def example(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


@pytest.fixture(autouse=True, scope="session")
def _no_cache() -> None:
    """persistgen's cache off, for the commands run in process and in child processes alike:
    every test runs the full path, so a run after a run that wrote is rendered and compared,
    never reported up to date from a stamp (which relies on exactly that). The tests of the
    cache switch it on (tests/cli/test_up_to_date.py, test_help_cache.py)."""
    os.environ[user_cache.ENV] = ""
