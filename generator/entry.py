"""The `persistgen` command: `--version` answered, and `--help` looked up in the user's cache
(help_cache.py), before the command line's machinery (Typer, rich, the generator) is imported,
which costs many times a bare Python start."""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from persistgen import __version__

        print(f"persistgen {__version__}")
        return
    # A run builds one large graph of objects (the spec, its plan, the rendered files) that
    # lives until it ends: collecting cycles every 700 allocations, as by default, walked it
    # over and over, a tenth of reading and rendering a spec. Garbage cycles still go.
    gc.set_threshold(20_000, 20, 20)
    # pydantic looks for plugins (observability hooks) among every installed distribution's
    # entry points on its first validation, 30 ms; none is meant for persistgen's own spec.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from persistgen import help_cache

    if help_cache.is_help(sys.argv[1:]):
        help_cache.answer(_run)
        return
    _run()


def _run() -> None:
    from persistgen.cli import main as run

    run()
