"""Edit `persistgen.yaml` in place, keeping the user's comments and layout."""

from __future__ import annotations

import io
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from persistgen.errors import fail
from persistgen.naming import snake
from persistgen.spec.load import load_file, yaml_parser

SCHEMA_COMMENT = "# yaml-language-server: $schema=.persistgen/schema.json"


def starter_spec(name: str) -> str:
    package = snake(name.replace("-", "_").replace(".", "_"))
    return f"""{SCHEMA_COMMENT}
# The persistgen spec: edit it, then run `persistgen generate` (`persistgen schema` describes it).
version: 1
project:
  name: {name}
  package: {package}
  pool:
    size: 10
    max_overflow: 20
    recycle: 1800
    timeout: 30
resources:
  Item:
    fields:
      title: str:200
      notes: text?
      done: bool=false
      created_at: {{type: datetime, server_default: now, read_only: true}}
"""


def with_schema_comment(text: str) -> str:
    """The spec with the schema comment a project needs as its first line, after the byte
    order mark if it has one and ended like its other lines.

    A spec copied from elsewhere (e.g. `examples/`) may point at another schema path: replace it.
    """
    bom, body, newline = _layout(text)
    first, _, rest = body.partition("\n")
    if first.startswith("# yaml-language-server:"):
        return f"{bom}{SCHEMA_COMMENT}{newline}{rest}"
    return f"{bom}{SCHEMA_COMMENT}{newline}{body}"


def _layout(text: str) -> tuple[str, str, str]:
    """A spec's byte order mark (or ""), its text without it, and its line end: an editor's
    choices that an edit keeps."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text.removeprefix("\ufeff")
    first_line = body.partition("\n")[0]
    return bom, body, "\r\n" if first_line.endswith("\r") else "\n"


def add_resource(spec_path: Path, name: str, fields: dict[str, str]) -> str:
    """The spec text with a new resource appended, its byte order mark and line ends kept (to
    be written as it is, `newline=""`); the file itself is not touched."""
    load_file(spec_path)  # the current spec must at least be valid YAML (and UTF-8)
    bom, text, newline = _layout(spec_path.read_bytes().decode("utf-8"))
    yaml = yaml_parser()
    yaml.width = 4096  # never fold the user's long lines on the way back out
    document = yaml.load(text.replace("\r\n", "\n"))
    resources = document.get("resources")
    if resources is None:
        resources = document["resources"] = CommentedMap()
    if not isinstance(resources, CommentedMap):
        raise fail("`resources` is not a mapping", "fix persistgen.yaml first", file=str(spec_path))
    if name in resources:
        raise fail(
            f"resource `{name}` already exists",
            "edit it in persistgen.yaml instead",
            file=str(spec_path),
            spec_path=f"resources.{name}",
        )
    resources[name] = CommentedMap(fields=CommentedMap(fields))
    out = io.StringIO()
    yaml.dump(document, out)
    return bom + out.getvalue().replace("\n", newline)
