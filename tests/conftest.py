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
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """persistgen's cache (up-to-date stamps, `--help` texts) in a directory of the test run's
    own, for the commands run in process and in child processes alike."""
    os.environ[user_cache.ENV] = str(tmp_path_factory.mktemp("persistgen-cache"))
