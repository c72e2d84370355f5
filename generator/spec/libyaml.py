"""Read an ordinary spec with libyaml, the C parser, about ten times faster than ruamel's
round-trip parser, into the same plain data and positions that `load.py` makes.

Only YAML whose reading both parsers agree on is read here: mappings and lists of plain or
quoted text, whole and decimal numbers, true/false and null, positioned as ruamel positions
them. Anything else (tags, anchors and aliases, merge keys, escapes, tabs, dates, numbers
written another way, duplicate or non-text keys, characters YAML forbids, a syntax error) gets
None, and `load.py` reads the text with ruamel, which also words the errors."""

from __future__ import annotations

import re
from typing import Any

import yaml
from ruamel.yaml.resolver import VersionedResolver

Position = tuple[int, int]
Path = tuple[str | int, ...]
Read = tuple[Any, dict[Path, Position], dict[Path, Position]]

# What libyaml (YAML 1.1) may read otherwise than ruamel (YAML 1.2), or what `load.py` refuses
# or reports: tags, anchors, aliases, escapes, tabs, directives and document markers, line
# breaks other than \n and \r\n, and the characters YAML or the spec forbid.
_UNUSUAL = re.compile(
    r"[!&*\\\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
    r"|\r(?!\n)|^(?:%|---|\.\.\.)",
    re.MULTILINE,
)
# ruamel's YAML 1.2 rules for plain scalars, by first character (read once: its `resolve` looks
# them up again for every value, the most of this reader's time).
_IMPLICIT: dict[str | None, list[tuple[str, re.Pattern[str]]]] = VersionedResolver(
    version=(1, 2)
).versioned_resolver


def _eager(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The compiled pattern behind ruamel's lazy proxy (`util.LazyEval`), whose every attribute
    look-up costs a Python call: a tenth of reading a spec went there."""
    lazy = getattr(pattern, "lazy_self", None)
    return lazy() if callable(lazy) else pattern


# The rules a plain scalar is tried against, by its first character: its own, then those for
# any character, as `resolve` tries them.
_ANY = [(tag, _eager(pattern)) for tag, pattern in _IMPLICIT.get(None, ())]
_RULES = {
    first: [(tag, _eager(pattern)) for tag, pattern in rules] + _ANY
    for first, rules in _IMPLICIT.items()
    if first is not None
}
_TAG = "tag:yaml.org,2002:"
_BOOLEANS = {"true": True, "True": True, "TRUE": True}
_BOOLEANS |= {"false": False, "False": False, "FALSE": False}
_WHOLE = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\.[0-9]+")


class _Unsure(Exception):
    """The text holds something this reader leaves to ruamel."""


def read(text: str, max_nodes: int) -> Read | None:
    """The spec's data, each node's position and each key's (1-based line and column), or
    None when ruamel must read it."""
    if not getattr(yaml, "__with_libyaml__", False) or _UNUSUAL.search(text):
        return None
    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    positions: dict[Path, Position] = {(): (1, 1)}
    keys: dict[Path, Position] = {}
    budget = [max_nodes]
    try:
        data = _plain(root, (), positions, keys, budget)
    except (_Unsure, RecursionError):
        return None
    return data, positions, keys


def _plain(
    node: yaml.Node,
    path: Path,
    positions: dict[Path, Position],
    keys: dict[Path, Position],
    budget: list[int],
) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise _Unsure  # ruamel reports it
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if not isinstance(key, str) or key in result or _is_merge(key_node):
                raise _Unsure
            child = (*path, key)
            keys[child] = _at(key_node)
            value = _plain(value_node, child, positions, keys, budget)
            # ruamel places an empty value at the start of the next line: `load.py` uses the
            # key's position for it, and so does this.
            positions[child] = keys[child] if value is None else _at(value_node)
            result[key] = value
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            positions[(*path, index)] = _at(item)
            items.append(_plain(item, (*path, index), positions, keys, budget))
        return items
    return _scalar(node)


def _scalar(node: yaml.Node) -> str | int | float | bool | None:
    if not isinstance(node, yaml.ScalarNode):
        raise _Unsure
    value = str(node.value)
    if node.style:  # quoted, or a block scalar: text
        return value
    tag = _implicit_tag(value)
    if tag == _TAG + "str":
        return value
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool" and value in _BOOLEANS:
        return _BOOLEANS[value]
    if tag == _TAG + "int" and _WHOLE.fullmatch(value):
        return int(value)
    if tag == _TAG + "float" and _DECIMAL.fullmatch(value):
        return float(value)
    raise _Unsure  # `0o17`, `1_000`, `.inf`, `1e3`, a date, `<<`, `=`: ruamel's to read


def _implicit_tag(value: str) -> str:
    """The tag ruamel gives a plain scalar (`VersionedResolver.resolve`)."""
    for tag, pattern in _RULES.get(value[:1], _ANY):
        if pattern.match(value):
            return str(tag)
    return _TAG + "str"


def _is_merge(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value == "<<"


def _at(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1
