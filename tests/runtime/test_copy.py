"""Generation copies the runtime modules into a project with only the package's name put in."""

from __future__ import annotations

import ast
from importlib.resources import files
from pathlib import Path

import pytest

from persistgen import plan
from persistgen.project_model import ProjectModel
from persistgen.render import RUNTIME, RenderedFile, render_project
from persistgen.spec.validate import read_spec
from tests.conftest import EXAMPLES

SOURCE = Path(str(files(RUNTIME)))
STAND_INS = ["settings.py", "db/engine.py", "db/base.py"]


def project_of(example: Path) -> ProjectModel:
    return plan.build(read_spec(example))


def rendered(project: ProjectModel) -> dict[str, str]:
    files_: list[RenderedFile] = render_project(project, {}, None)
    return {file.path: file.content for file in files_}


def target(module: str, package: str) -> str:
    return module if module.startswith("tests/") else f"{package}/{module}"


def test_modules_are_copied_with_the_package_name_in_their_imports(example: Path) -> None:
    project = project_of(example)
    output = rendered(project)
    modules = [
        path.relative_to(SOURCE).as_posix()
        for path in sorted(SOURCE.rglob("*.py"))
        if path.name != "__init__.py" and path.relative_to(SOURCE).as_posix() not in STAND_INS
    ]
    copied = [m for m in modules if target(m, project.package) in output]
    assert {"repositories/base.py", "db/types.py", "tests/test_retry.py"} <= set(copied)
    for module in copied:
        text = output[target(module, project.package)]
        assert "persistgen" not in text.split("\n", 1)[1], module  # past the header
        renamed = text.replace(f"from {project.package}.", f"from {RUNTIME}.")
        assert renamed.split("\n", 1)[1] == (SOURCE / module).read_text(encoding="utf-8")


def test_stand_ins_are_never_copied(example: Path) -> None:
    project = project_of(example)
    output = rendered(project)
    for module in STAND_INS:
        assert (SOURCE / module).read_text() not in output[target(module, project.package)]


FEATURE_MODULES = {
    "repositories/soft_delete.py": "uses_soft_delete",
    "tests/clocks.py": "uses_clocks",
}
SPECS = [*EXAMPLES, *sorted((Path(__file__).parents[1] / "cases" / "good").glob("*.yaml"))]


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_feature_modules_come_only_with_their_feature(spec: Path) -> None:
    project = project_of(spec)
    output = rendered(project)
    for module, feature in FEATURE_MODULES.items():
        assert (target(module, project.package) in output) == getattr(project, feature), module


def test_the_examples_have_each_feature_and_go_without_it() -> None:
    projects = [project_of(spec) for spec in SPECS]
    for feature in FEATURE_MODULES.values():
        assert {getattr(project, feature) for project in projects} == {True, False}, feature


@pytest.mark.parametrize("stand_in", STAND_INS)
def test_the_rendered_module_has_all_a_stand_in_declares(example: Path, stand_in: str) -> None:
    """The runtime type-checks against a stand-in; the project's own module must match it."""
    project = project_of(example)
    real = rendered(project)[target(stand_in, project.package)]
    assert _names((SOURCE / stand_in).read_text()) <= _names(real)


def _names(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)  # `SCHEMA: str | None = ...`
    return names
