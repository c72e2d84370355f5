"""The `persistgen` command: `--version` answered before the command line's machinery (Typer,
rich, the generator) is imported, which costs many times a bare Python start."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from persistgen import __version__

        print(f"persistgen {__version__}")
        return
    from persistgen.cli import main as run

    run()
