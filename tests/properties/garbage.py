"""Hypothesis strategies for anything a spec file might hold: mutants of valid-looking
documents, broken YAML and plain garbage. The validator must reject each cleanly. The
documents are small ones: a large one adds seconds of generation and nothing to reject."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from persistgen.spec.model import FieldSpec, ProjectSpec, ResourceSpec, Spec
from tests.properties.strategies import SCALAR_TYPES, SMALL, dump, spec_documents, spec_files

# Words the spec language uses, so random keys and values often land somewhere meaningful.
SPEC_WORDS = sorted(
    {*FieldSpec.model_fields, *ResourceSpec.model_fields, *ProjectSpec.model_fields}
    | {*Spec.model_fields, *SCALAR_TYPES, "ref", "many", "now", "set null", "str:10", "ref:User"}
)
_KEYS = st.sampled_from(SPEC_WORDS) | st.text(max_size=8) | st.integers() | st.none()
_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([10**400, -(2**63), 2**64])
    | st.floats()
    | st.sampled_from(SPEC_WORDS)
    | st.text(st.characters(blacklist_categories=["Cs"]), max_size=10)
)
VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=6,
)
# Lines YAML readers trip over: tags (a loader that ran them would print "pwned"), anchors and
# aliases, merges, complex keys, directives, tabs, documents, odd scalars and brackets.
NASTY_LINES = [
    'x: !!python/object/apply:builtins.print ["pwned"]',
    "!!python/object/apply:builtins.print [pwned]",
    "x: !!python/name:builtins.print",
    "x: &a {type: str}",
    "y: *a",
    "y: *undefined",
    "<<: *a",
    "<<: {type: int}",
    "? [a, b]\n: c",
    "? {a: 1}",
    "\tx: 1",
    "---",
    "...",
    "%YAML 1.1",
    "%TAG ! tag:example.com,2000:",
    "x: !!binary aGVsbG8=",
    "x: !!set {a, b}",
    "x: !!timestamp 2024-01-01",
    "x: 2024-01-01",
    "x: 2024-01-01T10:00:00Z",
    "x: !!omap [a: 1]",
    "x: !custom thing",
    "x: !!int '3'",
    "x: !!float 1",
    "x: .nan",
    "x: -.inf",
    "x: 0x1F",
    "x: 1_000",
    "x: 1e400",
    "~: 1",
    "1: x",
    "true: x",
    "x: |\n  a\n b",
    "x: >-",
    "x: '",
    'x: "\\ud800"',
    'x: "\\x00"',
    "x: {",
    "x: [",
    "}",
    "- - -",
    ": :",
    "@x",
    "`x`",
    "\ufeffx: 1",
    "x: 1\r\ny: 2",
    "x: \u2028",
]


@st.composite
def mutants(draw: st.DrawFn) -> str:
    """A valid-looking document with one to three values set, added, removed or renamed."""
    doc = draw(spec_documents((SMALL,)))
    for _ in range(draw(st.integers(1, 3))):
        mutate(draw, container(draw, doc))
    return dump(doc)


def container(draw: st.DrawFn, node: Any) -> Any:
    """A mapping or list somewhere in `node`, found by a random walk down from it."""
    while True:
        items = node.values() if isinstance(node, dict) else node
        inner = [child for child in items if isinstance(child, dict | list) and child]
        if not inner or draw(st.booleans()):
            return node
        node = draw(st.sampled_from(inner))


def mutate(draw: st.DrawFn, node: dict[Any, Any] | list[Any]) -> None:
    keys = list(node) if isinstance(node, dict) else list(range(len(node)))
    action = draw(st.sampled_from(["set", "add", "delete", "rename"]) if keys else st.just("add"))
    if action == "set":
        node[draw(st.sampled_from(keys))] = draw(VALUES)
    elif action == "delete":
        del node[draw(st.sampled_from(keys))]
    elif isinstance(node, list):
        node.append(draw(VALUES))
    elif action == "add":
        node[draw(_KEYS)] = draw(VALUES)
    else:
        key = draw(st.sampled_from(keys))
        node[draw(_KEYS)] = node.pop(key)


@st.composite
def broken_yaml(draw: st.DrawFn) -> str:
    """A dumped valid-looking document with nasty lines inserted, or lines cut short."""
    lines = dump(draw(spec_documents((SMALL,)))).splitlines()
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
        if draw(st.integers(0, 3)) == 0:
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))]
        else:
            lines.insert(at, indent + draw(st.sampled_from(NASTY_LINES)))
    return "\n".join(lines) + "\n"


def any_documents() -> st.SearchStrategy[str | bytes]:
    """Anything a spec file might hold: mostly near misses, some plain garbage, and some
    documents as written, with a byte order mark or CRLF line ends."""
    garbage = st.text(max_size=200) | st.binary(max_size=200)
    documents = spec_files((SMALL,))
    return st.one_of(mutants(), mutants(), broken_yaml(), broken_yaml(), documents, garbage)
