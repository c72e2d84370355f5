"""CLI tests: real temporary directories, commands as a user types them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from persistgen.cli import app
from tests.cli.helpers import BLOG, age

Invoke = Callable[..., Result]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """`cli("generate", "--check")` runs `persistgen generate --check` in `tmp_path`."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(env={"COLUMNS": "250", "NO_COLOR": "1"})

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def blog(cli: Invoke, tmp_path: Path) -> Path:
    """A project created from examples/blog.yaml, every mtime set far in the past."""
    result = cli("new", "project", "blog", "--spec", str(BLOG))
    assert result.exit_code == 0, result.output
    root = tmp_path / "blog"
    age(root)
    return root
