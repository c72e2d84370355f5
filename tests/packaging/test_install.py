"""`pip install .` and `pip install -e .` both give a working `persistgen` that finds its
templates, in a fresh virtual environment, and install nothing named `generator`."""

from __future__ import annotations

import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _source_copy(destination: Path) -> Path:
    """The tracked files only, so a build never sees (or litters) the working tree."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in listed:
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


@pytest.mark.parametrize("editable", [False, True], ids=["regular", "editable"])
def test_install_and_generate(editable: bool, tmp_path: Path) -> None:
    source = _source_copy(tmp_path / "src")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    install += ["-e", str(source)] if editable else [str(source)]
    subprocess.run(install, check=True, capture_output=True, text=True)

    result = subprocess.run(
        [str(env_dir / "bin" / "persistgen"), "new", "project", "demo", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "demo" / "demo" / "models" / "item.py").is_file()
    assert (tmp_path / "demo" / "demo" / "db" / "session.py").is_file()
    # Copied from the runtime package's modules, which the wheel must ship, subpackages and all.
    assert (tmp_path / "demo" / "demo" / "repositories" / "clauses.py").is_file()
    assert (tmp_path / "demo" / "tests" / "test_retry.py").is_file()

    probe = "import importlib.util as u; print(u.find_spec('generator') is None)"
    isolated = subprocess.run(
        [str(python), "-c", probe], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert isolated.stdout.strip() == "True", "a top-level `generator` module was installed"
