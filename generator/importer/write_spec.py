"""The imported spec as YAML text: each field a one-line flow mapping, and each note a
comment right above what it concerns."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from persistgen.importer.to_spec import Imported, Note

_WIDTH = 96
_HEADER = (
    "Imported by `persistgen import` from the database below: edit it, then run "
    "`persistgen generate`. Comments starting with `import:` list what the database holds "
    "and this spec does not say."
)


def spec_text(imported: Imported) -> str:
    document = _commented(imported.document, depth=0)
    by_path: dict[tuple[str, ...], list[str]] = {}
    for note in imported.notes:
        by_path.setdefault(_anchor(imported.document, note), []).append(note.message)
    header = _wrapped([_HEADER], "")
    top = by_path.pop((), [])
    if top:
        header += "\n" + _wrapped([f"import: {m}" for m in top], "")
    document.yaml_set_start_comment(header)
    for path, messages in by_path.items():
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        indent = 2 * (len(path) - 1)
        parent.yaml_set_comment_before_after_key(
            path[-1], before=_wrapped([f"import: {m}" for m in messages], ""), indent=indent
        )
    yaml = YAML()
    yaml.width = 4096  # a field stays on one line, whatever its length
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()


def _anchor(document: dict[str, Any], note: Note) -> tuple[str, ...]:
    """The deepest existing key of a note's path (a left-out column's note goes on its
    resource)."""
    path: tuple[str, ...] = ()
    node: Any = document
    for key in note.path:
        if not isinstance(node, dict) or key not in node:
            break
        path, node = (*path, key), node[key]
    return path


def _wrapped(lines: Iterable[str], prefix: str) -> str:
    return "\n".join(
        textwrap.fill(line, _WIDTH, initial_indent=prefix, subsequent_indent=prefix + "  ")
        for line in lines
    )


def _commented(value: Any, depth: int) -> Any:
    """Nested CommentedMaps; below a resource's `fields` (depth 4), every value in flow
    style, so a field reads as one line. `database_objects` in block style, their SQL as
    written (a literal block when it has several lines)."""
    if depth == 0 and isinstance(value, dict) and "database_objects" in value:
        mapping = _commented({k: v for k, v in value.items() if k != "database_objects"}, 0)
        mapping["database_objects"] = CommentedSeq(
            _object(item) for item in value["database_objects"]
        )
        return mapping
    if isinstance(value, dict):
        mapping = CommentedMap((k, _commented(v, depth + 1)) for k, v in value.items())
        if depth >= 4:
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        sequence = CommentedSeq(_commented(v, depth + 1) for v in value)
        sequence.fa.set_flow_style()
        return sequence
    if isinstance(value, str):
        return str(value)  # SQLAlchemy's quoted_name, say, is a str YAML cannot represent
    return value


def _object(item: dict[str, Any]) -> CommentedMap:
    mapping = CommentedMap()
    for key, value in item.items():
        if isinstance(value, str) and "\n" in value:
            text = "\n".join(line.rstrip() for line in value.splitlines())
            mapping[key] = LiteralScalarString(text)
        elif isinstance(value, list):
            sequence = CommentedSeq(str(v) for v in value)
            sequence.fa.set_flow_style()
            mapping[key] = sequence
        else:
            mapping[key] = str(value)
    return mapping
