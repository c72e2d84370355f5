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
    """The spec with the schema comment a project needs as its first line.

    A spec copied from elsewhere (e.g. `examples/`) may point at another schema path: replace it.
    """
    first, _, rest = text.partition("\n")
    if first.startswith("# yaml-language-server:"):
        return f"{SCHEMA_COMMENT}\n{rest}"
    return f"{SCHEMA_COMMENT}\n{text}"


def add_resource(spec_path: Path, name: str, fields: dict[str, str]) -> str:
    """The spec text with a new resource appended; the file itself is not touched."""
    load_file(spec_path)  # the current spec must at least be valid YAML
    yaml = yaml_parser()
    yaml.width = 4096  # never fold the user's long lines on the way back out
    document = yaml.load(spec_path.read_text(encoding="utf-8"))
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
    return out.getvalue()
