"""A project with more list routes than FastAPI caches query models for (128) still builds its
OpenAPI document: before the runtime's CrudRouter widened that cache, an app with 129 query
models (Lago's imported schema has 135) raised KeyError in `app.openapi()`, as the first
models' fields were evicted and built anew between listing and describing them."""

from __future__ import annotations

from pathlib import Path

import pytest

from persistgen import edit, pipeline
from tests.generated.project import run, run_script

# One more than FastAPI's `lru_cache` of a parameter model's fields holds.
RESOURCES = 129
DESCRIBED = """
from many.main import app

operations = [op for item in app.openapi()["paths"].values() for op in item.values()]
print(sum("limit" in {p["name"] for p in op.get("parameters", [])} for op in operations))
"""


def _spec() -> str:
    lines = ["version: 1", "project: {name: many}", "resources:"]
    for number in range(RESOURCES):
        lines += [f"  Thing{number}:", "    fields:", "      name: str"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("generated") / "many"
    pipeline.new_project(target, edit.with_schema_comment(_spec()))
    return target


def test_every_list_route_is_described(project: Path, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'many.db'}"
    assert run_script(project, DESCRIBED, database_url=url) == [str(RESOURCES)]


def test_own_openapi_tests_pass(project: Path, tmp_path: Path) -> None:
    output = run(
        project,
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/test_openapi.py",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'tests.db'}",
    )
    assert " passed" in output and "failed" not in output
