"""Load YAML into plain Python data while remembering where every key and value stood."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from persistgen.errors import fail
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarbool import ScalarBoolean

MAX_SPEC_BYTES = 1_000_000

SpecPath = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line and column


@dataclass
class Document:
    """The spec as plain data, plus the source position of each node for error messages."""

    data: Any
    file: str
    positions: dict[SpecPath, Position] = field(default_factory=dict)
    key_positions: dict[SpecPath, Position] = field(default_factory=dict)

    def locate(self, path: SpecPath, *, key: bool = False) -> Position | None:
        """Position of the deepest existing node on `path` (the key itself when `key`)."""
        if key and path in self.key_positions:
            return self.key_positions[path]
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in self.positions:
                return self.positions[prefix]
            if prefix in self.key_positions:
                return self.key_positions[prefix]
        return None


def load_file(path: Path) -> Document:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(
            f"cannot read the spec: {exc.strerror}", "check the path", file=str(path)
        ) from None
    if len(raw) > MAX_SPEC_BYTES:
        raise fail(
            f"the spec is {len(raw):,} bytes; the limit is {MAX_SPEC_BYTES:,}",
            "split generated data out of the spec",
            file=str(path),
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(
            f"the spec is not UTF-8 (byte {exc.start})", "save the file as UTF-8", file=str(path)
        ) from None
    return load_text(text, str(path))


def yaml_parser() -> YAML:
    """Round-trip parser: keeps positions and comments, YAML 1.2 (so `no` stays a string)."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.preserve_quotes = True
    return yaml


def load_text(text: str, file: str = "<input>") -> Document:
    try:
        root = yaml_parser().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise fail(
            f"invalid YAML: {problem}",
            "fix the YAML syntax at this position",
            file=file,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except YAMLError as exc:
        raise fail(f"invalid YAML: {exc}", "fix the YAML syntax", file=file) from None
    if root is None:
        raise fail("the spec is empty", "start from `persistgen new project NAME`", file=file)
    if not isinstance(root, CommentedMap):
        raise fail(
            "the spec must be a mapping with `version`, `project` and `resources`",
            "see `persistgen schema` for the expected shape",
            file=file,
            line=1,
            column=1,
        )
    doc = Document(data=None, file=file)
    doc.data = _plain(root, (), doc)
    doc.positions[()] = (1, 1)
    return doc


def _plain(node: Any, path: SpecPath, doc: Document) -> Any:
    """Convert ruamel's round-trip nodes to builtins, recording positions on the way."""
    if isinstance(node, CommentedMap):
        result: dict[Any, Any] = {}
        for key, value in node.items():
            line, col = node.lc.key(key)
            doc.key_positions[(*path, str(key))] = (line + 1, col + 1)
            vline, vcol = node.lc.value(key)
            doc.positions[(*path, str(key))] = (vline + 1, vcol + 1)
            result[_scalar(key)] = _plain(value, (*path, str(key)), doc)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            line, col = node.lc.item(index)
            doc.positions[(*path, index)] = (line + 1, col + 1)
            items.append(_plain(value, (*path, index), doc))
        return items
    return _scalar(node)


def _scalar(value: Any) -> Any:
    # ruamel wraps scalars in subclasses that keep their formatting; validation wants builtins.
    if isinstance(value, ScalarBoolean):  # an int subclass, so it must come first
        return bool(value)
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value
