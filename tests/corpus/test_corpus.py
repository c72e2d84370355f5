"""Real schemas, written as specs (tests/corpus/<name>/persistgen.yaml, each with a NOTES.md
naming its source and what the spec language could not say), pass every gate: generated with
`persistgen new project`, lint-clean, formatted, `mypy --strict` clean, their own tests green on
SQLite and on PostgreSQL, and their migrations build the models' schema (`alembic check`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.generated.project import mypy_strict, package_of, run
from tests.migrations.test_evolution import step_process
from tests.postgres import fresh_database

pytestmark = [pytest.mark.postgres, pytest.mark.corpus]

CORPUS = Path(__file__).resolve().parent
SCHEMAS = sorted(path.parent.name for path in CORPUS.glob("*/persistgen.yaml"))


def test_the_corpus_holds_at_least_eight_documented_schemas() -> None:
    assert len(SCHEMAS) >= 8
    for name in SCHEMAS:
        notes = (CORPUS / name / "NOTES.md").read_text(encoding="utf-8")
        assert "Source:" in notes and "Not expressed" in notes, name


@pytest.fixture(scope="module", params=SCHEMAS)
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The schema's project, made by `persistgen new project` as a user would."""
    name: str = request.param
    parent = tmp_path_factory.mktemp("corpus")
    spec = CORPUS / name / "persistgen.yaml"
    run(parent, "persistgen", "new", "project", name, "--spec", str(spec))
    return parent / name


def test_ruff_check_and_format(project: Path) -> None:
    run(project, "ruff", "check", "--no-cache", ".")
    run(project, "ruff", "format", "--no-cache", "--check", ".")


def test_mypy_strict(project: Path) -> None:
    output = mypy_strict(project, package_of(project), "tests")
    assert "Success: no issues found" in output


def test_own_tests_pass_on_sqlite(project: Path, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'tests.db'}"
    output = run(project, "pytest", "-q", "-p", "no:cacheprovider", database_url=url)
    assert " passed" in output and "skipped" not in output and " failed" not in output


def test_own_tests_pass_on_postgres(project: Path) -> None:
    with fresh_database(f"corpus_tests_{project.name}_{os.getpid()}") as url:
        output = run(project, "pytest", "-q", "-p", "no:cacheprovider", database_url=url)
    assert " passed" in output and "skipped" not in output and "deselected" not in output


def test_migrations_build_the_models_schema_on_postgres(project: Path) -> None:
    with (
        fresh_database(f"corpus_migrate_{project.name}_{os.getpid()}") as url,
        step_process(project, url) as child,  # Alembic's commands in one process
    ):
        child.alembic("upgrade", "head")
        output = child.alembic("check")
        assert "No new upgrade operations detected" in output
        child.alembic("downgrade", "base")


def test_migrations_build_the_models_schema_on_sqlite(project: Path, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'migrated.db'}"
    with step_process(project, url) as child:
        child.alembic("upgrade", "head")
        assert "No new upgrade operations detected" in child.alembic("check")
