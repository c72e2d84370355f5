"""Format rendered Python with ruff, in memory from the caller's point of view."""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from ruff.__main__ import find_ruff_bin

from persistgen.render import RenderedFile

_PYTHON = (".py",)
# ruff reads and writes files, so they go to a scratch tree: in memory (tmpfs) where there is
# one, as creating and deleting a thousand files on a disk costs more than ruff's own work.
_MEMORY = "/dev/shm"


def format_files(rendered: list[RenderedFile]) -> list[RenderedFile]:
    """Sort imports and format every Python file, exactly as the generated project's ruff would:
    two ruff runs over all the files at once.

    Output that ruff cannot parse is a bug in persistgen, so it raises rather than hides it.
    """
    try:
        formatted = _formatted(rendered, _MEMORY if os.access(_MEMORY, os.W_OK) else None)
    except OSError:  # a full tmpfs (64 MiB in a container, say): the usual temporary directory
        formatted = _formatted(rendered, None)
    return [replace(f, content=formatted.get(f.path, f.content)) for f in rendered]


def _formatted(rendered: list[RenderedFile], scratch: str | None) -> dict[str, str]:
    """Each Python file's formatted text, by path, formatted in a temporary tree in `scratch`."""
    with tempfile.TemporaryDirectory(prefix="persistgen-", dir=scratch) as tmp:
        root = Path(tmp)
        for file in rendered:
            if file.path.endswith(_PYTHON) or file.path == "pyproject.toml":
                target = root / file.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(file.content, encoding="utf-8")
        ruff = find_ruff_bin()
        _run([ruff, "check", "--no-cache", "--quiet", "--select", "I", "--fix", "."], root)
        _run([ruff, "format", "--no-cache", "--quiet", "."], root)
        return {
            f.path: (root / f.path).read_text(encoding="utf-8")
            for f in rendered
            if f.path.endswith(_PYTHON)
        }


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"ruff failed on generated code:\n{result.stdout}{result.stderr}")
