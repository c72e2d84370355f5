"""`persistgen new project NAME [--spec FILE] [--dir PARENT]`."""

from __future__ import annotations

import json
from pathlib import Path

from persistgen.shared_files import MERGES
from tests.cli.conftest import Invoke
from tests.cli.helpers import BLOG, masked, reported, tree

SCHEMA_COMMENT = "# yaml-language-server: $schema=.persistgen/schema.json\n"
RESOURCES = ("user", "post", "comment")  # examples/blog.yaml


def _assert_project(root: Path, package: str) -> None:
    for name in (
        "pyproject.toml",
        "README.md",
        "AGENTS.md",
        "persistgen.yaml",
        ".persistgen/manifest.json",
        ".persistgen/schema.json",
        f"{package}/db/session.py",
        f"{package}/main.py",
        f"{package}/api/custom.py",
    ):
        assert (root / name).is_file(), name
    # One revision, the initial schema, and its snapshot.
    (initial,) = (root / "migrations/versions").glob("*.py")
    number, revision, title = initial.stem.split("_", 2)
    assert (number, title) == ("0001", "initial_schema")
    text = initial.read_text(encoding="utf-8")
    assert f'revision: str = "{revision}"' in text
    assert "down_revision: str | None = None" in text
    assert "op.create_table(" in text
    (snapshot,) = (root / ".persistgen/revisions").iterdir()
    state = json.loads(snapshot.read_text(encoding="utf-8"))
    assert (state["revision"], state["parents"], state["number"]) == (revision, [], 1)
    assert state["file"] == f"migrations/versions/{initial.name}"
    assert state["tables"]
    assert (root / "persistgen.yaml").read_text(encoding="utf-8").startswith(SCHEMA_COMMENT)
    # No staging leftovers next to the project.
    assert [p.name for p in root.parent.iterdir() if p.name.startswith(".")] == []


def test_starter_project(cli: Invoke, tmp_path: Path) -> None:
    result = cli("new", "project", "todo-service")

    assert result.exit_code == 0, result.output
    root = tmp_path / "todo-service"
    _assert_project(root, "todo_service")
    assert (root / "todo_service/models/item.py").is_file()
    rows = reported(result.stdout)
    assert set(rows.values()) == {"created"}
    # Every file but the spec and the manifest is reported as created.
    written = {
        masked(p) for p in tree(root) if p not in ("persistgen.yaml", ".persistgen/manifest.json")
    }
    assert set(rows) == written
    # The next steps name the real package, and rich did not eat `[dev]` as markup.
    assert "pip install -e '.[dev]'" in result.stdout
    assert "uvicorn todo_service.main:app" in result.stdout


def test_project_from_example_spec(cli: Invoke, tmp_path: Path) -> None:
    result = cli("new", "project", "myblog", "--spec", str(BLOG), "--dir", "work/projects")

    assert result.exit_code == 0, result.output
    root = tmp_path / "work/projects/myblog"
    _assert_project(root, "blog")
    for module in ("user", "post", "comment"):
        assert (root / f"blog/models/{module}.py").is_file()
    spec = (root / "persistgen.yaml").read_text(encoding="utf-8")
    # The example's own schema comment (`../.persistgen/...`) is replaced; the rest is verbatim.
    original = BLOG.read_text(encoding="utf-8")
    assert spec == SCHEMA_COMMENT + original.partition("\n")[2]
    assert "uvicorn blog.main:app" in result.stdout


def test_spec_without_schema_comment_gets_one(cli: Invoke, tmp_path: Path) -> None:
    body = BLOG.read_text(encoding="utf-8").partition("\n")[2]
    (tmp_path / "plain.yaml").write_text(body, encoding="utf-8")

    result = cli("new", "project", "blog", "--spec", "plain.yaml")

    assert result.exit_code == 0, result.output
    assert (tmp_path / "blog/persistgen.yaml").read_text(encoding="utf-8") == SCHEMA_COMMENT + body


def test_manifest_records_generated_files_only(cli: Invoke, tmp_path: Path) -> None:
    assert cli("new", "project", "blog", "--spec", str(BLOG)).exit_code == 0
    root = tmp_path / "blog"

    manifest = json.loads((root / ".persistgen/manifest.json").read_text(encoding="utf-8"))

    assert manifest["generator"] == "persistgen"
    recorded = manifest["files"]
    user_owned = {
        "blog/api/custom.py",
        "blog/app_setup.py",
        "blog/app_settings.py",
        "tests/overrides.py",
        "migrations/versions/0001_<id>_initial_schema.py",
        ".persistgen/revisions/<id>.json",
        *(f"blog/{kind}/{r}.py" for kind in ("repositories", "schemas") for r in RESOURCES),
    }
    shared = set(MERGES)  # merged into, never recorded
    assert set(recorded) == {masked(p) for p in tree(root)} - user_owned - shared - {
        "persistgen.yaml",
        ".persistgen/manifest.json",
    }
    assert list(recorded) == sorted(recorded)
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in recorded.values())


def test_empty_existing_directory_is_used(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "blog").mkdir()

    result = cli("new", "project", "blog", "--spec", str(BLOG))

    assert result.exit_code == 0, result.output
    _assert_project(tmp_path / "blog", "blog")


def test_refuses_non_empty_directory(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "blog").mkdir()
    (tmp_path / "blog/notes.txt").write_text("mine\n", encoding="utf-8")
    before = tree(tmp_path)

    result = cli("new", "project", "blog", "--spec", str(BLOG))

    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert tree(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blog"]


def test_refuses_a_file_in_the_way(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "blog").write_text("not a directory\n", encoding="utf-8")

    result = cli("new", "project", "blog")

    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert (tmp_path / "blog").read_text(encoding="utf-8") == "not a directory\n"


def test_bad_spec_leaves_nothing_behind(cli: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\nproject:\n  name: x\nresources:\n  A:\n    fields:\n      t: strr\n",
        encoding="utf-8",
    )

    result = cli("new", "project", "x", "--spec", "bad.yaml", "--dir", "out")

    assert result.exit_code == 2
    assert "bad.yaml:7:10" in result.stderr
    assert "did you mean `str`?" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["bad.yaml"]


def test_missing_spec_file_is_a_clear_error(cli: Invoke, tmp_path: Path) -> None:
    result = cli("new", "project", "x", "--spec", "nowhere.yaml")

    assert result.exit_code == 2
    assert "nowhere.yaml" in result.stderr
    assert "cannot read the spec" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_bad_project_name(cli: Invoke, tmp_path: Path) -> None:
    for name in ("1st", "my app", "a/b"):
        result = cli("new", "project", name)
        assert result.exit_code == 2, name
        assert "not a usable project name" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_name_that_clashes_with_a_project_module(cli: Invoke, tmp_path: Path) -> None:
    result = cli("new", "project", "tests")

    assert result.exit_code == 2
    assert "project.package" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_new_project_is_clean_for_generate(cli: Invoke, tmp_path: Path) -> None:
    assert cli("new", "project", "blog", "--spec", str(BLOG)).exit_code == 0

    result = cli("generate", "--check", "--project", "blog")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == {}
