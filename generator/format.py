"""Format rendered Python with ruff, in memory from the caller's point of view."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from ruff.__main__ import find_ruff_bin

from persistgen.render import RenderedFile

_PYTHON = (".py",)


def format_files(rendered: list[RenderedFile]) -> list[RenderedFile]:
    """Sort imports and format every Python file, exactly as the generated project's ruff would.

    Output that ruff cannot parse is a bug in persistgen, so it raises rather than hides it.
    """
    python = [f for f in rendered if f.path.endswith(_PYTHON)]
    with tempfile.TemporaryDirectory(prefix="persistgen-") as tmp:
        root = Path(tmp)
        for file in rendered:
            if file.path.endswith(_PYTHON) or file.path == "pyproject.toml":
                target = root / file.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(file.content, encoding="utf-8")
        ruff = find_ruff_bin()
        _run([ruff, "check", "--no-cache", "--quiet", "--select", "I", "--fix", "."], root)
        _run([ruff, "format", "--no-cache", "--quiet", "."], root)
        formatted = {f.path: (root / f.path).read_text(encoding="utf-8") for f in python}
    return [replace(f, content=formatted.get(f.path, f.content)) for f in rendered]


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"ruff failed on generated code:\n{result.stdout}{result.stderr}")
