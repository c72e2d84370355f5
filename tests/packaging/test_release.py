"""A release: the sdist and the wheel build from the tracked files, pass `twine check`, carry
the version from its one place (`persistgen.__version__`), and the wheel installs in a fresh
virtual environment as README's "Releasing" says, giving a working `persistgen`."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

from persistgen import __version__
from tests.packaging.test_install import _source_copy


def test_the_release_builds_passes_twine_and_installs_from_the_wheel(tmp_path: Path) -> None:
    source = _source_copy(tmp_path / "src")
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(dist), str(source)],
        check=True,
        capture_output=True,
        text=True,
    )
    (sdist,) = dist.glob("*.tar.gz")
    (wheel,) = dist.glob("*.whl")
    assert sdist.name == f"persistgen-{__version__}.tar.gz"
    assert wheel.name == f"persistgen-{__version__}-py3-none-any.whl"

    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2

    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"README.md", "pyproject.toml", "PKG-INFO"} <= names
    with zipfile.ZipFile(wheel) as archive:
        packaged = set(archive.namelist())
    assert any(name.endswith("templates/project/pyproject.toml.jinja") for name in packaged)

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    persistgen = env_dir / "bin" / "persistgen"
    version = subprocess.run([persistgen, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == f"persistgen {__version__}"
    made = subprocess.run(
        [persistgen, "new", "project", "demo", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "demo" / "demo" / "db" / "session.py").is_file()
