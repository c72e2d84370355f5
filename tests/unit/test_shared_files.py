"""The files persistgen shares with the user: its part goes in, the user's part stays, and
merging again changes nothing."""

from __future__ import annotations

import re
import tomllib

import pytest

from persistgen.errors import UserError
from persistgen.pipeline import render_spec
from persistgen.render import HEADER
from persistgen.shared_files import MERGES, merge_shared
from persistgen.spec.validate import read_spec
from tests.cli.helpers import BLOG


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    files = render_spec(read_spec(BLOG)).files
    return {f.path: f.content for f in files if f.owner == "merged"}


def test_the_shared_files_are_merged_and_carry_no_header(rendered: dict[str, str]) -> None:
    assert set(rendered) == set(MERGES) == {"pyproject.toml", ".gitignore", "alembic.ini"}
    assert not any("Do not edit" in text for text in rendered.values())


@pytest.mark.parametrize("path", sorted(MERGES))
def test_persistgen_s_own_file_is_a_fixed_point(path: str, rendered: dict[str, str]) -> None:
    assert merge_shared(path, rendered[path], rendered[path]) == rendered[path]


@pytest.mark.parametrize("path", sorted(MERGES))
def test_the_header_of_an_older_release_is_dropped(path: str, rendered: dict[str, str]) -> None:
    old = f"# {HEADER}\n{rendered[path]}"
    assert merge_shared(path, old, rendered[path]) == rendered[path]


USERS_PYPROJECT = """\
[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "old-name"
version = "2.3.0"  # released
description = "Posts, authors and comments."
requires-python = ">=3.12"
dependencies = [
    "FastAPI==0.120.1",  # pinned by us
    "stripe>=9",
]

[project.optional-dependencies]
dev = ["pytest>=8.3", "pytest-cov"]
docs = ["mkdocs"]

[tool.setuptools.packages.find]
include = ["oldpkg*"]

[tool.black]
line-length = 80
"""


def test_pyproject_keeps_the_user_s_part_and_adds_persistgen_s(rendered: dict[str, str]) -> None:
    merged = merge_shared("pyproject.toml", USERS_PYPROJECT, rendered["pyproject.toml"])
    data = tomllib.loads(merged)
    project = data["project"]
    # The user's: versions, a pin, extra dependencies and extras, a tool section, comments.
    assert project["version"] == "2.3.0" and project["requires-python"] == ">=3.12"
    assert project["dependencies"][:2] == ["FastAPI==0.120.1", "stripe>=9"]
    assert "# pinned by us" in merged and "# released" in merged
    assert project["optional-dependencies"]["docs"] == ["mkdocs"]
    assert data["tool"]["black"] == {"line-length": 80}
    # persistgen's: each requirement it needs once (the user's FastAPI and pytest stand),
    # the keys that follow the spec, and its tool settings.
    names = [d.split(">")[0].split("=")[0].split("[")[0].lower() for d in project["dependencies"]]
    assert names.count("fastapi") == 1 and {"sqlalchemy", "alembic", "asyncpg"} <= set(names)
    dev = project["optional-dependencies"]["dev"]
    assert dev[:2] == ["pytest>=8.3", "pytest-cov"] and "mypy>=1.10" in dev
    assert not any(d.startswith("pytest>=8") and d != "pytest>=8.3" for d in dev)
    assert project["name"] == "blog"
    assert data["tool"]["setuptools"]["packages"]["find"]["include"] == ["blog*"]
    assert data["tool"]["ruff"]["lint"]["isort"]["known-first-party"] == ["blog", "tests"]
    assert data["tool"]["pytest"]["ini_options"]["markers"][0].startswith("postgres:")
    again = merge_shared("pyproject.toml", merged, rendered["pyproject.toml"])
    assert again == merged


def test_pyproject_keeps_the_user_s_markers_and_adds_persistgen_s(
    rendered: dict[str, str],
) -> None:
    ours = rendered["pyproject.toml"]
    users = re.sub(r"(?m)^markers = .*$", 'markers = ["slow: takes a while"]', ours)
    merged = merge_shared("pyproject.toml", users, ours)
    markers = tomllib.loads(merged)["tool"]["pytest"]["ini_options"]["markers"]
    assert markers[0] == "slow: takes a while" and markers[1].startswith("postgres:")
    assert len(markers) == 2


def test_pyproject_keeps_the_lint_rules_the_user_chose(rendered: dict[str, str]) -> None:
    """A rule dropped from ruff's `select` stays dropped (else `generate --check` fails until
    it is back); a requirement or a pytest marker persistgen needs comes back."""
    ours = rendered["pyproject.toml"]
    users = ours.replace('"B", "SIM"]', '"B"]  # SIM is too noisy for us').replace(
        '    "asyncpg>=0.29",\n', ""
    )
    users = re.sub(r"(?m)^markers = .*$", "markers = []", users)
    assert users.count("SIM") == 1 and "asyncpg" not in users
    merged = merge_shared("pyproject.toml", users, ours)
    data = tomllib.loads(merged)
    assert data["tool"]["ruff"]["lint"]["select"] == ["E", "F", "I", "UP", "B"]
    assert "# SIM is too noisy for us" in merged
    assert "asyncpg>=0.29" in data["project"]["dependencies"]
    assert data["tool"]["pytest"]["ini_options"]["markers"][0].startswith("postgres:")
    assert merge_shared("pyproject.toml", merged, ours) == merged


def test_pyproject_merges_the_same_way_every_time(rendered: dict[str, str]) -> None:
    runs = {
        merge_shared("pyproject.toml", USERS_PYPROJECT, rendered["pyproject.toml"])
        for _ in range(3)
    }
    assert len(runs) == 1


def test_a_pyproject_that_is_not_toml_is_a_one_screen_error(rendered: dict[str, str]) -> None:
    with pytest.raises(UserError) as caught:
        merge_shared("pyproject.toml", "[project\nname = 1\n", rendered["pyproject.toml"])
    assert "pyproject.toml is not valid TOML" in str(caught.value)


def test_gitignore_keeps_the_user_s_lines_and_adds_persistgen_s(
    rendered: dict[str, str],
) -> None:
    ours = rendered[".gitignore"]
    users = "# our build\ndist/\n.env\n"
    merged = merge_shared(".gitignore", users, ours)
    lines = merged.splitlines()
    assert lines[:3] == ["# our build", "dist/", ".env"]
    assert set(ours.splitlines()) <= set(lines) and lines.count(".env") == 1
    assert lines.index(".venv/") == 3  # after the line that precedes it in persistgen's file
    assert merge_shared(".gitignore", merged, ours) == merged
    removed = ours.replace(".venv/\n", "")
    assert merge_shared(".gitignore", removed, ours) == ours  # persistgen's lines come back


def test_alembic_ini_is_the_user_s_once_written(rendered: dict[str, str]) -> None:
    users = rendered["alembic.ini"].replace(
        "level = WARNING\nhandlers = console", "level = INFO\nhandlers = console"
    )
    assert users != rendered["alembic.ini"]
    assert merge_shared("alembic.ini", users, rendered["alembic.ini"]) == users


def test_pyproject_line_length_follows_the_generated_code(rendered: dict[str, str]) -> None:
    """persistgen formats its files at 100 columns: a narrower line length would fail
    `ruff format --check` on them, so the merge sets it back."""
    ours = rendered["pyproject.toml"]
    users = ours.replace("line-length = 100", "line-length = 88")
    assert users != ours
    merged = merge_shared("pyproject.toml", users, ours)
    assert tomllib.loads(merged)["tool"]["ruff"]["line-length"] == 100
