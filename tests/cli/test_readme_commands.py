"""README's table of commands names every option each command has, and only those."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from persistgen.cli import app

README = Path(__file__).parents[2] / "README.md"


def _documented() -> dict[str, set[str]]:
    """Each command of the table (`generate`, `migration merge`) and the options it lists."""
    section = README.read_text(encoding="utf-8").split("## Commands\n", 1)[1].split("\n## ", 1)[0]
    found: dict[str, set[str]] = {}
    for usage in re.findall(r"^\| `persistgen ([^`]+)` \|", section, flags=re.M):
        words = usage.split()
        command = " ".join(w for w in words[:2] if re.fullmatch("[a-z]+", w))
        found[command] = set(re.findall(r"(?<![\w-])--?[a-z][a-z-]*", usage))
    return found


# Typer's commands are click's, which Typer may carry a copy of: read by their attributes.
def _command(path: str) -> Any:
    command = typer.main.get_command(app)
    for name in path.split():
        command = command.commands[name]  # type: ignore[attr-defined]
    return command


def _options(command: Any) -> list[set[str]]:
    """Each option's names (`{"-m", "--message"}`)."""
    return [set(p.opts) for p in command.params if p.param_type_name == "option"]


@pytest.mark.parametrize("path", sorted(_documented()))
def test_the_table_lists_each_commands_options(path: str) -> None:
    documented, options = _documented()[path], _options(_command(path))
    assert [names for names in options if not names & documented] == []
    assert documented - set().union(*options) == set()


def test_the_table_lists_every_command() -> None:
    def leaves(command: Any, path: str) -> list[str]:
        if hasattr(command, "commands"):
            own = [path] if path and command.invoke_without_command else []
            return own + [
                leaf
                for name, sub in command.commands.items()
                for leaf in leaves(sub, f"{path} {name}".strip())
            ]
        return [path]

    assert set(leaves(typer.main.get_command(app), "")) | {""} == set(_documented())
