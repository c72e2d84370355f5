"""`--help` answered from the user's cache of Typer's own output for the same request.

Importing Typer and rich and laying out the help costs 15 times a bare Python start; reading
the text back costs next to nothing. The first `persistgen ... --help` runs Typer as always,
copying what it prints; the next one with the same key prints that copy without importing
Typer. The key holds everything Typer's and rich's output depends on: the command line,
persistgen's files, the installed distributions and Python (`user_cache.installation`), the
environment variables either reads, and the terminal (whether it is one, its size and
encoding).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO, cast

from persistgen import user_cache

# Every environment variable Typer (with its Click) and rich read when they lay out help; a
# test keeps this list in step with their sources. The locale's are gettext's (Click's words).
ENVIRONMENT = (
    "COLORTERM",
    "COLUMNS",
    "DATABRICKS_RUNTIME_VERSION",
    "FORCE_COLOR",
    "GITHUB_ACTIONS",
    "JUPYTER_COLUMNS",
    "JUPYTER_LINES",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_MESSAGES",
    "LINES",
    "NO_COLOR",
    "PY_COLORS",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
    "TERM",
    "TERMINAL_WIDTH",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "TYPER_USE_RICH",
    "UNICODE_VERSION",  # rich's widths of characters
    "_TYPER_FORCE_DISABLE_TERMINAL",
)


def is_help(args: Sequence[str]) -> bool:
    """`--help` last, after command names only: Typer prints help and runs nothing. (Other
    places, say an option's value, are left to Typer.)"""
    return bool(args) and args[-1] == "--help" and not any(a.startswith("-") for a in args[:-1])


def answer(run: Callable[[], None]) -> None:
    """Print the help `sys.argv` asks for: from the cache, or from `run` (Typer), copied into
    the cache when it succeeds."""
    name = f"help/{_key()}.txt"
    cached = user_cache.read(name)
    if cached is not None:
        sys.stdout.write(cached.decode("utf-8"))
        sys.stdout.flush()
        return
    copy = _Copy(sys.stdout)
    sys.stdout = cast(TextIO, copy)
    try:
        run()
    except SystemExit as exit:
        if exit.code in (None, 0):
            user_cache.write(name, copy.text().encode("utf-8"))
        raise
    finally:
        sys.stdout = copy.stream


def _key() -> str:
    stream = sys.stdout
    terminal = {
        "tty": stream.isatty(),
        "encoding": getattr(stream, "encoding", None),
        "size": _terminal_size(),
    }
    key = {
        "argv": sys.argv,
        "installation": user_cache.installation(),
        "environment": {name: os.environ.get(name) for name in ENVIRONMENT},
        "terminal": terminal,
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:32]


def _terminal_size() -> tuple[int, int] | None:
    """As rich finds it: the first of stdin, stdout and stderr that is a terminal."""
    for descriptor in (0, 1, 2):
        try:
            size = os.get_terminal_size(descriptor)
        except (AttributeError, ValueError, OSError):
            continue
        return size.columns, size.lines
    return None


class _Copy:
    """`stream`, whose writes are also kept; a terminal to rich when `stream` is one."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.encoding = stream.encoding
        self._parts: list[str] = []

    def write(self, text: str) -> int:
        written = self.stream.write(text)  # raises as `stream` does (Click probes with bytes)
        self._parts.append(text)
        return written

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def text(self) -> str:
        return "".join(self._parts)
