"""The help teaches at 80 columns: nothing cut short, examples that run as written, and
completion of commands and options for bash, zsh and fish."""

from __future__ import annotations

import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from persistgen import cli as cli_module
from persistgen.cli import app
from persistgen.spec import compact
from tests.cli.conftest import Invoke
from tests.cli.helpers import click_command, documented_commands, option_names

COMMANDS = sorted(documented_commands())


def _help(path: str) -> str:
    runner = CliRunner(env={"COLUMNS": "80", "NO_COLOR": "1"})
    result = runner.invoke(app, [*path.split(), "--help"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("path", COMMANDS)
def test_help_fits_80_columns_uncut(path: str) -> None:
    text = _help(path)

    assert "…" not in text  # rich's mark of a cut cell
    assert max(map(len, text.splitlines())) <= 80
    assert "--no-" not in text.replace("--no-migration", "")  # switches only switch on


def _examples(path: str) -> list[list[str]]:
    lines = [line.strip() for line in _help(path).splitlines()]
    return [
        shlex.split(line, comments=True)[1:] for line in lines if line.startswith("persistgen ")
    ]


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in COMMANDS
        if p in ("generate", "import", "migration", "new project", "add resource")
    ],
)
def test_the_examples_use_the_commands_own_options(path: str) -> None:
    examples = _examples(path)

    assert examples, path
    for words in examples:
        command = " ".join(w for w in words[:2] if re.fullmatch("[a-z]+", w) and w in path.split())
        names = set().union(*option_names(click_command(command)))
        assert {w for w in words if w.startswith("-")} <= names, words
        if command == "add resource":
            for field in words[3:]:
                compact.parse_cli_field(field)  # raises on a field the spec would refuse


@pytest.mark.parametrize(
    ("shell", "env"),
    [
        ("bash", {"COMP_WORDS": "persistgen generate --al", "COMP_CWORD": "2"}),
        ("zsh", {"_TYPER_COMPLETE_ARGS": "persistgen generate --al"}),
        (
            "fish",
            {
                "_TYPER_COMPLETE_ARGS": "persistgen generate --al",
                "_TYPER_COMPLETE_FISH_ACTION": "get-args",
            },
        ),
    ],
)
def test_completion_offers_the_options(shell: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        [Path(sys.executable).with_name("persistgen")],  # the command a shell completes
        env={**os.environ, **env, "_PERSISTGEN_COMPLETE": f"complete_{shell}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert "--allow-destructive" in result.stdout, result.stderr
    assert "--allow-rewrite" in result.stdout
    assert "--check" not in result.stdout


def test_a_terminal_sees_what_a_long_command_is_doing(
    cli: Invoke, blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(cli_module, "err", Console(file=screen, force_terminal=True, width=80))

    result = cli("generate", "-p", "blog", "--full")

    assert result.exit_code == 0, result.output
    assert "generating" in screen.getvalue()  # beside a spinner, gone when done


def test_a_pipe_gets_no_spinner(cli: Invoke, blog: Path) -> None:
    result = cli("generate", "-p", "blog", "--full")

    assert "generating" not in result.stderr
