"""`persistgen ... --help` answered from the user's cache: the same bytes Typer prints, for the
same command line, terminal and environment, without importing Typer."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from persistgen import help_cache, user_cache

PERSISTGEN = str(Path(sys.executable).parent / "persistgen")
REQUESTS = [
    ["--help"],
    ["generate", "--help"],
    ["new", "project", "--help"],
    ["migration", "merge", "--help"],
]
# Plain at one width, and in colour at another.
TERMINALS = [{"COLUMNS": "100"}, {"COLUMNS": "70", "FORCE_COLOR": "1"}]


def _run(args: list[str], cache: Path | None, **environment: str) -> tuple[str, str]:
    """persistgen's stdout, and the modules it imported (Python's -X importtime report)."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in help_cache.ENVIRONMENT},
        user_cache.ENV: "" if cache is None else str(cache),
        "PYTHONPROFILEIMPORTTIME": "1",
        **environment,
    }
    result = subprocess.run([PERSISTGEN, *args], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr


@pytest.mark.parametrize("terminal", TERMINALS, ids=["plain", "colour"])
@pytest.mark.parametrize("args", REQUESTS, ids=lambda a: " ".join(a))
def test_the_cached_help_is_typers(
    args: list[str], terminal: dict[str, str], tmp_path: Path
) -> None:
    typers, imported = _run(args, None, **terminal)  # no cache at all: Typer's own output
    assert re.search(r"\|\s+typer$", imported, re.MULTILINE)

    first, _ = _run(args, tmp_path, **terminal)  # Typer's, copied into the cache
    second, imported = _run(args, tmp_path, **terminal)

    assert first == second == typers
    assert "Usage:" in typers
    assert ("\x1b[" in typers) == ("FORCE_COLOR" in terminal)
    assert not re.search(r"\|\s+(typer|rich)$", imported, re.MULTILINE)


def test_another_width_is_laid_out_by_typer(tmp_path: Path) -> None:
    _run(["--help"], tmp_path, COLUMNS="100")

    narrow, imported = _run(["--help"], tmp_path, COLUMNS="60")

    assert narrow == _run(["--help"], None, COLUMNS="60")[0]
    assert max(len(line) for line in narrow.splitlines()) <= 60
    assert re.search(r"\|\s+typer$", imported, re.MULTILINE)


def test_a_failed_request_is_not_cached(tmp_path: Path) -> None:
    env = {**os.environ, user_cache.ENV: str(tmp_path)}
    result = subprocess.run(
        [PERSISTGEN, "nosuch", "--help"], capture_output=True, text=True, env=env
    )

    assert result.returncode == 2
    assert not (tmp_path / "help").exists() or not any((tmp_path / "help").iterdir())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--help"], True),
        (["generate", "--help"], True),
        (["add", "resource", "Post", "--help"], True),
        ([], False),
        (["generate"], False),
        (["--help", "generate"], False),
        (["generate", "--project", "x", "--help"], False),
        (["migration", "-m", "--help"], False),  # `--help` as the message: Typer decides
    ],
)
def test_what_counts_as_a_help_request(args: list[str], expected: bool) -> None:
    assert help_cache.is_help(args) is expected


def test_the_key_holds_every_variable_typer_and_rich_read() -> None:
    """The environment variables read in Typer's (and its Click's) and rich's sources."""
    import rich
    import typer

    read = re.compile(r"""(?:getenv|environ\.get|environ\[)\(?\s*["']([A-Z_]+)["']""")
    found: set[str] = set()
    for package in (typer, rich):
        for source in Path(package.__file__ or "").parent.rglob("*.py"):
            found.update(read.findall(source.read_text(encoding="utf-8")))
    # Read only to complete a command line (`_TYPER_COMPLETE_*`, COMP_*), for tracebacks, or
    # to find an application's configuration directory (Click's `get_app_dir`).
    unrelated = {n for n in found if n.startswith(("_TYPER_COMPLETE", "COMP_"))}
    unrelated |= {"TYPER_STANDARD_TRACEBACK", "_TYPER_STANDARD_TRACEBACK", "XDG_CONFIG_HOME"}
    assert found - unrelated <= set(help_cache.ENVIRONMENT)
