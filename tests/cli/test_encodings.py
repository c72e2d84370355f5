"""Specs saved with a UTF-8 byte order mark, CRLF line ends, or both, as Windows editors save
them: every command that reads a spec reads them, `add resource` keeps them, and errors point
where a user's editor shows the problem (the mark takes no column, the `\\r` none either)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.cli.helpers import BLOG

BOM = codecs.BOM_UTF8
LAYOUTS = {"bom": (BOM, b"\n"), "crlf": (b"", b"\r\n"), "bom-crlf": (BOM, b"\r\n")}


def saved(text: str, layout: str) -> bytes:
    """`text` (with `\\n` line ends) as an editor with `layout` saves it."""
    mark, newline = LAYOUTS[layout]
    return mark + text.encode("utf-8").replace(b"\n", newline)


def assert_layout(data: bytes, layout: str) -> None:
    mark, newline = LAYOUTS[layout]
    assert data.startswith(mark) and not data.startswith(mark + BOM)
    lines = data.split(b"\n")[:-1]
    assert lines and all(line.endswith(b"\r") == (newline == b"\r\n") for line in lines)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_command_reads_the_spec_and_add_resource_keeps_its_layout(
    cli: Invoke, tmp_path: Path, layout: str
) -> None:
    spec = tmp_path / "blog.yaml"
    spec.write_bytes(saved(BLOG.read_text(encoding="utf-8"), layout))
    assert cli("validate", str(spec)).exit_code == 0

    created = cli("new", "project", "blog", "--spec", str(spec))

    assert created.exit_code == 0, created.output
    project_spec = tmp_path / "blog" / "persistgen.yaml"
    assert_layout(project_spec.read_bytes(), layout)
    assert project_spec.read_bytes().removeprefix(BOM).startswith(b"# yaml-language-server:")

    added = cli("add", "resource", "Badge", "label:str:40", "--project", "blog")

    assert added.exit_code == 0, added.output
    assert_layout(project_spec.read_bytes(), layout)
    assert (
        saved("  Badge:\n    fields:\n      label: str:40\n", layout).removeprefix(
            LAYOUTS[layout][0]
        )
        in project_spec.read_bytes()
    )
    assert cli("validate", str(project_spec)).exit_code == 0
    assert cli("generate", "-p", "blog", "--check").exit_code == 0
    project_spec.write_bytes(project_spec.read_bytes().replace(b"label: str:40", b"label: str:80"))
    assert cli("generate", "-p", "blog", "--no-migration").exit_code == 0
    migrated = cli("migration", "-p", "blog", "-m", "widen the badge label")
    assert migrated.exit_code == 0, migrated.output
    assert cli("generate", "-p", "blog", "--check").exit_code == 0


SPEC_WITH_ERRORS = """version: 1
project: {name: shop}
resources:
  Item:
    fields:
      title: str:0
"""


@pytest.mark.parametrize("layout", LAYOUTS)
def test_errors_are_located_as_an_editor_shows_them(
    cli: Invoke, tmp_path: Path, layout: str
) -> None:
    spec = tmp_path / "persistgen.yaml"
    spec.write_bytes(saved(SPEC_WITH_ERRORS, layout))

    result = cli("validate", str(spec))

    assert result.exit_code == 2
    assert f"{spec}:6:14: resources.Item.fields.title.max_length" in result.output


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(
    ("first_line", "column", "message"),
    [
        (b"version: 2", 10, "unsupported spec version 2"),
        (b"version: 1\x01", 11, "U+0001 is not allowed"),
        (b"version: 1\xff", 11, "not UTF-8"),
        (b"verson: 1", 1, "unknown key `verson`"),
    ],
)
def test_errors_on_the_first_line_count_no_column_for_the_mark(
    cli: Invoke, tmp_path: Path, layout: str, first_line: bytes, column: int, message: str
) -> None:
    mark, newline = LAYOUTS[layout]
    spec = tmp_path / "persistgen.yaml"
    spec.write_bytes(mark + first_line + newline + b"project: {name: shop}" + newline)

    result = cli("validate", str(spec))

    assert result.exit_code == 2
    assert f"{spec}:1:{column}:" in result.output and message in result.output
