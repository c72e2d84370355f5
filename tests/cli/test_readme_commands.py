"""README's table of commands names every option each command has, and only those."""

from __future__ import annotations

from typing import Any

import pytest
import typer.main

from persistgen.cli import app
from tests.cli.helpers import click_command, documented_commands, option_names


@pytest.mark.parametrize("path", sorted(documented_commands()))
def test_the_table_lists_each_commands_options(path: str) -> None:
    documented, options = documented_commands()[path], option_names(click_command(path))
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

    assert set(leaves(typer.main.get_command(app), "")) | {""} == set(documented_commands())
