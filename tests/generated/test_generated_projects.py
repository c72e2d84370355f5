"""The generated projects are real: lint-clean, strictly typed, and their own tests and
migrations pass on SQLite and on PostgreSQL (through asyncpg)."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from persistgen import edit, pipeline
from tests.conftest import EXAMPLES, ROOT
from tests.feature_cases import FEATURES
from tests.generated.project import mypy_strict, package_of, run, served
from tests.golden_tree import generate_example
from tests.postgres import fresh_database

pytestmark = pytest.mark.postgres


# The examples, corner cases from tests/cases/good, the per-feature cases that run every gate
# too, and the starter (None: no --spec). every_option.yaml uses every option, so the good
# cases it holds whole (all of names.yaml's and column_types.yaml's options and types) and
# the feature cases of keys and generated columns would only run its gates again: each gate
# run costs minutes. Their generated code is still pinned (tests/test_feature_cases.py) and
# column_types.yaml is served to the API property tests.
COVERED_BY_EVERY_OPTION = {"names.yaml", "column_types.yaml"}
FEATURE_SPECS = [FEATURES / "real-schema-columns" / "persistgen.yaml"]  # shared enum types
SPECS = [
    *EXAMPLES,
    *sorted(
        spec
        for spec in (ROOT / "tests" / "cases" / "good").glob("*.yaml")
        if spec.name not in COVERED_BY_EVERY_OPTION
    ),
    *FEATURE_SPECS,
    None,
]


def _spec_id(spec: Path | None) -> str:
    if spec is None:
        return "starter"
    return spec.parent.name if spec.name == "persistgen.yaml" else spec.stem


@pytest.fixture(scope="module", params=SPECS, ids=[_spec_id(p) for p in SPECS])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated project, as `persistgen new project` makes it."""
    parent = tmp_path_factory.mktemp("generated")
    spec: Path | None = request.param
    if spec is None:
        pipeline.new_project(parent / "starter", edit.starter_spec("starter"))
        return parent / "starter"
    if spec.name == "persistgen.yaml":  # a feature case: named after its folder
        target = parent / spec.parent.name.replace("-", "_")
        pipeline.new_project(target, edit.with_schema_comment(spec.read_text(encoding="utf-8")))
        return target
    return generate_example(spec, parent)


def test_ruff_check_and_format(project: Path) -> None:
    run(project, "ruff", "check", "--no-cache", ".")
    run(project, "ruff", "format", "--no-cache", "--check", ".")


def test_mypy_strict(project: Path) -> None:
    output = mypy_strict(project, package_of(project), "tests")
    assert "Success: no issues found" in output


def test_own_tests_pass_on_sqlite(project: Path, tmp_path: Path) -> None:
    output = run(
        project,
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'tests.db'}",
    )
    assert " passed" in output and "skipped" not in output
    assert "13 deselected" in output  # time limits, faults, a deadlock: PostgreSQL, next test


def test_own_tests_run_once_per_resource(project: Path) -> None:
    """The suite is parametrized over the resources, each test id naming its resource."""
    output = run(project, "pytest", "--collect-only", "-q", "-p", "no:cacheprovider")
    models = project / package_of(project) / "models"
    resources = {path.stem for path in models.glob("*.py")} - {"__init__"}
    # Views (`view: true`) are read by tests/test_views.py instead.
    generated = project / package_of(project) / "repositories" / "generated"
    views = {r for r in resources if "ViewRepository" in (generated / f"{r}.py").read_text()}
    resources -= views
    assert resources
    for resource in resources:
        assert f"tests/test_crud.py::test_repository_crud[{resource}]" in output
    for view in views:
        assert f"tests/test_views.py::test_a_view_lists_and_reads[{view}]" in output
    if project.name == "routes":  # some resources serve only some routes
        assert "tests/test_crud.py::test_http_crud[tag]" in output
        assert "test_http_crud[author]" not in output
        assert "tests/test_routes.py::test_a_left_out_route_is_not_served[author-create]" in output
        assert "tests/test_routes.py::test_the_routes_served_answer[book]" in output


def test_own_tests_pass_on_postgres(project: Path) -> None:
    with fresh_database(f"pg_tests_{project.name}_{os.getpid()}") as url:
        output = run(project, "pytest", "-q", "-p", "no:cacheprovider", database_url=url)
    assert " passed" in output and "skipped" not in output and "deselected" not in output


def test_migrations_build_the_models_schema_on_sqlite(project: Path, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'migrated.db'}"
    run(project, "alembic", "upgrade", "head", database_url=url)
    assert "No new upgrade operations detected" in run(
        project, "alembic", "check", database_url=url
    )
    run(project, "alembic", "downgrade", "base", database_url=url)


def test_migrations_build_the_models_schema_on_postgres(project: Path) -> None:
    with fresh_database(f"pg_migrate_{project.name}_{os.getpid()}") as url:
        run(project, "alembic", "upgrade", "head", database_url=url)
        output = run(project, "alembic", "check", database_url=url)
        assert "No new upgrade operations detected" in output
        run(project, "alembic", "downgrade", "base", database_url=url)


@pytest.fixture
def server(project: Path, tmp_path: Path) -> Iterator[str]:
    """The generated app served by uvicorn on SQLite, as the README's first command does."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'served.db'}"
    run(project, "alembic", "upgrade", "head", database_url=url)
    with served(project, url) as base:
        yield base


def test_the_app_starts_and_reports_its_pool(server: str) -> None:
    with urllib.request.urlopen(f"{server}/health/db", timeout=5) as response:
        body = response.read().decode()
    assert response.status == 200
    assert '"status":"ok"' in body and '"checked_out":0' in body
    assert "sqlite" not in body.lower()  # no connection details leak
    with urllib.request.urlopen(f"{server}/metrics", timeout=5) as response:
        metrics = response.read().decode()
    assert 'db_pool_checked_out{engine="primary"} 0.0' in metrics
    assert 'db_pool_checkout_timeouts_total{engine="primary"} 0.0' in metrics
    assert "process_cpu_seconds_total" in metrics  # the default registry's own figures


def test_metrics_enabled_false_serves_no_metrics(tmp_path: Path) -> None:
    project = generate_example(ROOT / "examples" / "blog.yaml", tmp_path)
    script = (
        "from blog.main import app\n"
        "print(any(getattr(route, 'path', '') == '/metrics' for route in app.routes))"
    )
    env = {**os.environ, "DATABASE_URL": "sqlite+aiosqlite://"}
    found = [
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=project,
            env={**env, "METRICS_ENABLED": enabled},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for enabled in ("true", "false")
    ]
    assert found == ["True", "False"]


COUNT_INSERTS = """
import asyncio
from sqlalchemy import event
from blog.db.engine import engine
from blog.db.session import SessionFactory
from blog.models import Base
from blog.repositories.user import UserRepository
from tests import factories

inserts = []
event.listen(
    engine.sync_engine,
    "before_cursor_execute",
    lambda conn, cursor, statement, *rest: inserts.append(statement)
    if statement.startswith("INSERT") else None,
)

async def main() -> None:
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    async with SessionFactory() as session:
        rows = [factories.user_data() for _ in range(50)]
        rows[::2] = [factories.user_data(is_active=False) for _ in rows[::2]]
        created = await UserRepository(session).create_many(rows)
        await session.commit()
    assert [u.email for u in created] == [r.email for r in rows]
    print(len(inserts))
    await engine.dispose()

asyncio.run(main())
"""


def test_create_many_is_one_insert_on_postgres(tmp_path: Path) -> None:
    """50 rows, half of them setting an optional field, still go in one INSERT ... RETURNING."""
    blog = generate_example(ROOT / "examples" / "blog.yaml", tmp_path)
    with fresh_database(f"pg_create_many_{os.getpid()}") as url:
        result = subprocess.run(
            [sys.executable, "-c", COUNT_INSERTS],
            cwd=blog,
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
