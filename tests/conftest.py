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


# pytest plugins this suite installs that no generated project depends on (a project's tests
# need pytest, anyio and httpx). Loading them costs every run of a project's own suite in a
# child process about 1.5 s (hypothesis' alone is 1.1 s of imports), and a project's own
# environment does not have them.
FOREIGN_PLUGINS = ("hypothesispytest", "schemathesis")


@pytest.fixture(autouse=True, scope="session")
def _projects_run_without_foreign_plugins() -> None:
    """The generated projects' own suites, run by the tests in child processes, load none of
    FOREIGN_PLUGINS: PYTEST_ADDOPTS reaches every child pytest, and this run has already read
    it. Each project's tests still run whole, with the plugins a project installs."""
    blocked = " ".join(f"-p no:{name}" for name in FOREIGN_PLUGINS)
    os.environ["PYTEST_ADDOPTS"] = f"{os.environ.get('PYTEST_ADDOPTS', '')} {blocked}".strip()
