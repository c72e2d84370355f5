"""`persistgen validate`, `persistgen schema`, `persistgen --version`, and the bare command."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from importlib.metadata import version
from pathlib import Path

from persistgen.spec.model import FieldType
from tests.cli.conftest import Invoke
from tests.cli.helpers import BLOG, SHOP

BAD = """\
version: 1
project:
  name: x
resources:
  A:
    fields:
      title: strr:200
      count: {type: int, defualt: 0}
"""


def test_validate_examples(cli: Invoke) -> None:
    for spec, count in ((BLOG, 3), (SHOP, 5)):
        result = cli("validate", str(spec))
        assert result.exit_code == 0, result.output
        assert f"{spec} is valid: {count} resource(s)" in result.stdout


def test_validate_defaults_to_the_spec_here(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "persistgen.yaml").write_bytes(BLOG.read_bytes())

    result = cli("validate")

    assert result.exit_code == 0, result.output
    assert "persistgen.yaml is valid" in result.stdout


def test_validate_reports_every_problem_with_its_position(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")

    result = cli("validate", "bad.yaml")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "error bad.yaml:7:14: resources.A.fields.title" in result.stderr
    assert "`str`?" in result.stderr
    assert "error bad.yaml:8:26: resources.A.fields.count.defualt" in result.stderr
    assert "did you mean `default`?" in result.stderr


def test_a_position_is_printed_as_written(cli: Invoke, tmp_path: Path) -> None:
    """`:100:` is rich's emoji code for 💯: the console must print it as it is."""
    (tmp_path / "bad.yaml").write_text("#\n" * 93 + BAD, encoding="utf-8")

    result = cli("validate", "bad.yaml")

    assert "error bad.yaml:100:14: resources.A.fields.title" in result.stderr


def test_validate_yaml_syntax_error(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("version: 1\nproject: [unclosed\n", encoding="utf-8")

    result = cli("validate", "broken.yaml")

    assert result.exit_code == 2
    assert "error broken.yaml:3:1:" in result.stderr
    assert "invalid YAML" in result.stderr


def test_validate_missing_file(cli: Invoke) -> None:
    result = cli("validate", "nowhere.yaml")

    assert result.exit_code == 2
    assert "error nowhere.yaml:" in result.stderr
    assert "cannot read the spec" in result.stderr


def test_schema(cli: Invoke) -> None:
    result = cli("schema")

    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert {"FieldSpec", "ResourceSpec", "ProjectSpec", "PoolSpec"} <= schema["$defs"].keys()
    field_types = schema["$defs"]["FieldSpec"]["properties"]["type"]["enum"]
    assert field_types == list(typing.get_args(FieldType))
    assert {"str", "text", "bool", "ref", "enum", "decimal"} <= set(field_types)
    fields = schema["$defs"]["ResourceSpec"]["properties"]["fields"]["additionalProperties"]
    assert {"$ref": "#/$defs/FieldSpec"} in fields["anyOf"]
    assert any(option.get("type") == "string" for option in fields["anyOf"])  # compact form


def test_schema_is_the_one_projects_point_at(cli: Invoke, tmp_path: Path) -> None:
    assert cli("new", "project", "todo").exit_code == 0

    result = cli("schema")

    assert (tmp_path / "todo/.persistgen/schema.json").read_text(encoding="utf-8") == result.stdout


def test_version(cli: Invoke) -> None:
    result = cli("--version")

    assert result.exit_code == 0
    assert result.stdout == f"persistgen {version('persistgen')}\n"


def test_version_loads_neither_the_command_line_nor_the_generator() -> None:
    """`persistgen --version` costs about a bare Python start: it imports no Typer, no rich
    and none of the generator."""
    shown = (
        "import sys; sys.argv = ['persistgen', '--version']; from persistgen.entry import main;"
        "main(); print(sorted(m for m in sys.modules if m.partition('.')[0] in"
        " ('persistgen', 'typer', 'rich', 'jinja2', 'ruamel')))"
    )
    result = subprocess.run([sys.executable, "-c", shown], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"persistgen {version('persistgen')}\n['persistgen', 'persistgen.entry']\n"
    )


def test_help(cli: Invoke) -> None:
    result = cli("--help")

    assert result.exit_code == 0
    for command in ("new", "add", "generate", "validate", "schema"):
        assert command in result.stdout
