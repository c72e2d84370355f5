"""Helpers for the CLI tests: snapshots of a project tree, the CLI's summary table, and the
commands as README's table and Typer know them."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import typer.main

from persistgen.cli import app

ROOT = Path(__file__).resolve().parents[2]
BLOG = ROOT / "examples" / "blog.yaml"
SHOP = ROOT / "examples" / "shop.yaml"
OLD = 1_000_000_000  # an mtime no write can produce by accident
# Table rows start with a space (cell padding); the totals line ("36 created") does not.
_ROW = re.compile(r"^ (\S+)\s+(created|updated|merged|removed|conflict)\s*$")
# A revision's id (a content hash) in its file's and its snapshot's paths; tests name it `<id>`.
_REVISION_ID = re.compile(
    r"(?<=^migrations/versions/\d{4}_)[0-9a-f]{12}(?=_)|(?<=^\.persistgen/revisions/)[0-9a-f]{12}"
)


def age(root: Path) -> None:
    for path in files(root):
        os.utime(path, (OLD, OLD))


def files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in files(root)}


def mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in files(root)}


def reported(output: str) -> dict[str, str]:
    """The summary table's rows, `{path: status}` (unchanged and kept files are not listed)."""
    return {masked(m[1]): m[2] for line in output.splitlines() if (m := _ROW.match(line))}


def masked(path: str) -> str:
    """`path` with its revision id, if it has one, as `<id>`."""
    return _REVISION_ID.sub("<id>", path)


def path_of(root: Path, masked_path: str) -> Path:
    """The one file `masked_path` (with `<id>`) names under `root`."""
    (found,) = root.glob(masked_path.replace("<id>", "?" * 12))
    return found


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not unique in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


README = ROOT / "README.md"


def documented_commands() -> dict[str, set[str]]:
    """Each command of the table (`generate`, `migration merge`) and the options it lists."""
    section = README.read_text(encoding="utf-8").split("## Commands\n", 1)[1].split("\n## ", 1)[0]
    found: dict[str, set[str]] = {}
    for usage in re.findall(r"^\| `persistgen ([^`]+)` \|", section, flags=re.M):
        words = usage.split()
        command = " ".join(w for w in words[:2] if re.fullmatch("[a-z]+", w))
        found[command] = set(re.findall(r"(?<![\w-])--?[a-z][a-z-]*", usage))
    return found


# Typer's commands are click's, which Typer may carry a copy of: read by their attributes.
def click_command(path: str) -> Any:
    command = typer.main.get_command(app)
    for name in path.split():
        command = command.commands[name]  # type: ignore[attr-defined]
    return command


def option_names(command: Any) -> list[set[str]]:
    """Each option's names (`{"-m", "--message"}`)."""
    return [set(p.opts) for p in command.params if p.param_type_name == "option"]
