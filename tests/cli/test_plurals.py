"""A project an older persistgen named by its plural rule (`persons`) keeps its tables and routes
when a persistgen with English plurals regenerates it: no rename revision, no route moved."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from persistgen import naming
from persistgen.migrate.history import read_history
from persistgen.pipeline import recorded_tables
from tests.cli.conftest import Invoke
from tests.cli.helpers import edit, tree

VERSIONS = "migrations/versions/"

SPEC = """\
version: 1
project: {name: school}
resources:
  Person:
    fields:
      name: str
  Child:
    fields:
      name: str
      parent: ref:Person
"""


def _paths(project: Path) -> set[str]:
    script = (
        "import json; from school.main import app; print(json.dumps(list(app.openapi()['paths'])))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=project, capture_output=True, text=True, check=True
    )
    return set(json.loads(result.stdout))


def test_a_project_named_by_the_old_plurals_keeps_them(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "school.yaml").write_text(SPEC, encoding="utf-8")
    with monkeypatch.context() as old_persistgen:
        old_persistgen.setattr(naming, "plural", naming.legacy_plural)
        assert cli("new", "project", "school", "--spec", "school.yaml").exit_code == 0
    project = tmp_path / "school"
    before = tree(project)
    assert {"/persons", "/childs/{key}"} <= _paths(project)

    result = cli("generate", "--project", "school")

    assert result.exit_code == 0, result.output
    assert tree(project) == before  # no revision, no route, no name changed
    assert {"/persons", "/childs/{key}"} <= _paths(project)

    # A resource added now gets its English plural; the others keep theirs.
    spec = project / "persistgen.yaml"
    edit(spec, "resources:\n", "resources:\n  Hero:\n    fields:\n      name: str\n")
    result = cli("generate", "--project", "school")
    assert result.exit_code == 0, result.output
    (revision,) = {p for p in set(tree(project)) - set(before) if p.startswith(VERSIONS)}
    text = (project / revision).read_text("utf-8")
    assert '"heroes"' in text
    assert "persons" not in text and "childs" not in text
    assert {"/persons", "/childs/{key}", "/heroes"} <= _paths(project)


def test_a_new_project_gets_english_plurals(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "school.yaml").write_text(SPEC, encoding="utf-8")
    assert cli("new", "project", "school", "--spec", "school.yaml").exit_code == 0
    assert {"/people", "/children/{key}"} <= _paths(tmp_path / "school")


def test_the_legacy_state_file_records_the_tables_too() -> None:
    """Projects of persistgen 0.1.0 record their head in `.persistgen/state.json` alone."""
    release = Path(__file__).resolve().parents[1] / "releases" / "0.1.0" / "blog"
    assert not (release / ".persistgen" / "revisions").exists()

    recorded = recorded_tables(read_history(release))

    assert recorded == {"User": "users", "Post": "posts", "Comment": "comments"}
