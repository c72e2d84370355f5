"""The installed console script, run as a user would; and determinism across processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.cli.helpers import BLOG, SHOP, tree

SCRIPT = shutil.which("persistgen", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(SCRIPT is None, reason="the persistgen console script is missing")


def persistgen(*args: str, cwd: Path, seed: str = "0") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "COLUMNS": "200", "NO_COLOR": "1"}
    assert SCRIPT is not None
    return subprocess.run(
        [SCRIPT, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("spec", [BLOG, SHOP], ids=["blog", "shop"])
def test_same_spec_gives_byte_identical_trees(spec: Path, tmp_path: Path) -> None:
    """Two processes with different hash seeds, in different places: the same bytes."""
    first, second = tmp_path / "one", tmp_path / "two/deeper"
    second.mkdir(parents=True)
    for where, seed in ((first, "1"), (second, "4242")):
        where.mkdir(exist_ok=True)
        done = persistgen("new", "project", "svc", "--spec", str(spec), cwd=where, seed=seed)
        assert done.returncode == 0, done.stderr
    assert tree(first / "svc") == tree(second / "svc")


def test_user_session(tmp_path: Path) -> None:
    """new -> add -> edit the spec -> generate -> check, through the console script."""
    version = persistgen("--version", cwd=tmp_path)
    assert version.returncode == 0
    assert version.stdout.startswith("persistgen ")

    created = persistgen("new", "project", "notes", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    project = tmp_path / "notes"
    assert "uvicorn notes.main:app" in created.stdout

    added = persistgen("add", "resource", "Tag", "label:str:40:unique", cwd=project)
    assert added.returncode == 0, added.stderr
    assert (project / "notes/models/tag.py").is_file()

    check = persistgen("generate", "--check", cwd=project)
    assert check.returncode == 0, check.stdout + check.stderr

    spec = project / "persistgen.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("str:40:unique", "str:60:unique"), encoding="utf-8"
    )
    stale = persistgen("generate", "--check", cwd=project)
    assert stale.returncode == 1
    assert "notes/models/tag.py" in stale.stdout

    generated = persistgen("generate", cwd=project)
    assert generated.returncode == 0, generated.stderr
    assert "String(60)" in (project / "notes/models/tag.py").read_text(encoding="utf-8")
    assert persistgen("generate", "--check", cwd=project).returncode == 0

    invalid = persistgen("validate", "nowhere.yaml", cwd=project)
    assert invalid.returncode == 2
    assert "Traceback" not in invalid.stderr


def test_in_process_and_console_script_agree(cli: Invoke, tmp_path: Path) -> None:
    assert cli("new", "project", "blog", "--spec", str(BLOG), "--dir", "a").exit_code == 0
    done = persistgen("new", "project", "blog", "--spec", str(BLOG), "--dir", "b", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert tree(tmp_path / "a/blog") == tree(tmp_path / "b/blog")
