"""The spec's reference as Markdown, written from its JSON Schema (`persistgen schema`).

The documentation site renders this page at build time, so the reference and the schema that
editors check specs against come from the same models and their descriptions: they cannot
disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from persistgen.spec import compact
from persistgen.spec.model import json_schema

Schema = dict[str, Any]
_COMPACT = "compact-field-form"
# How the reference names an entry of a mapping keyed by the user's names.
_ENTRY = {"resources": "<Resource>", "fields": "<field>", "checks": "<check>"}

_TYPES = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "null": "null",
}
_BOUNDS = {
    "minimum": "≥ {}",
    "exclusiveMinimum": "> {}",
    "maximum": "≤ {}",
    "minItems": "at least {} items",
    "minLength": "at least {} characters",
}


@dataclass(frozen=True)
class _Section:
    """One mapping of the spec: where it sits (`resources.<Name>.fields.<field>`) and its
    definition in the schema."""

    path: str
    definition: str
    anchor: str


def markdown(schema: Schema | None = None) -> str:
    """The reference: one section per mapping of the spec, from the top level down, each a
    table of its keys with their types, defaults and descriptions."""
    schema = schema or json_schema()
    sections = list(_sections(schema))
    anchors = {s.definition: s for s in sections}
    parts = [_intro(schema)]
    for section in sections:
        parts.append(_section(schema, section, anchors))
    parts.append(_compact(schema))
    return "\n\n".join(parts) + "\n"


def _compact(schema: Schema) -> str:
    """The compact field form's grammar, as the schema gives it for a field written as a
    string."""
    fields = _defs(schema)["ResourceSpec"]["properties"]["fields"]["additionalProperties"]
    (grammar,) = (o["description"] for o in fields["anyOf"] if o.get("type") == "string")
    form, _, examples = grammar.partition(", e.g. ")
    return (
        f"## Compact field form {{#{_COMPACT}}}\n\n"
        "A field may be written as one string instead of a mapping, "
        f"`{form}`, for example {examples}"
    )


def _intro(schema: Schema) -> str:
    return (
        "# Spec reference\n\n"
        "Every key `persistgen.yaml` takes, mapping by mapping. This page is written at build "
        "time from the same models as the JSON Schema that `persistgen schema` prints (and "
        "that every project holds as `.persistgen/schema.json` for editors), so the two say "
        "the same. The [guide to the spec](../guide/spec.md) explains them at length, with "
        "examples.\n\n"
        f"{schema.get('description', '')}"
    )


def _sections(schema: Schema) -> Iterator[_Section]:
    """The top level, then each mapping the keys lead to, depth first, each definition once."""
    seen: set[str] = set()

    def walk(path: str, definition: str, node: Schema) -> Iterator[_Section]:
        seen.add(definition)
        yield _Section(path, definition, _anchor(path))
        for key, prop in node.get("properties", {}).items():
            for suffix, ref in _refs(prop):
                if ref not in seen:
                    here = f"{path}.{key}{suffix}".lstrip(".").replace(
                        "<name>", _ENTRY.get(key, "<name>")
                    )
                    yield from walk(here, ref, _defs(schema)[ref])

    yield from walk("", "", schema)


def _refs(prop: Schema, suffix: str = "") -> Iterator[tuple[str, str]]:
    """The definitions a key's value may be, with how the path goes on to them: `.<name>` for
    a mapping's entries, `[]` for a list's items."""
    if "$ref" in prop:
        yield suffix, prop["$ref"].rsplit("/", 1)[1]
    for option in prop.get("anyOf", []):
        yield from _refs(option, suffix)
    if isinstance(prop.get("additionalProperties"), dict):
        yield from _refs(prop["additionalProperties"], suffix + ".<name>")
    if isinstance(prop.get("items"), dict):
        yield from _refs(prop["items"], suffix + "[]")


def _defs(schema: Schema) -> dict[str, Schema]:
    defs: dict[str, Schema] = schema["$defs"]
    return defs


def _anchor(path: str) -> str:
    words = "".join(c if c.isalnum() else "-" for c in path.lower()).split("-")
    return "-".join(w for w in words if w) or "top-level"


def _section(schema: Schema, section: _Section, anchors: dict[str, _Section]) -> str:
    node = _defs(schema)[section.definition] if section.definition else schema
    title = f"`{section.path}`" if section.path else "Top level"
    lines = [f"## {title} {{#{section.anchor}}}", ""]
    if section.definition and node.get("description"):
        lines += [_one_line(node["description"]), ""]
    required = set(node.get("required", []))
    lines += ["| key | type | default | description |", "|---|---|---|---|"]
    for key, prop in node.get("properties", {}).items():
        default = "required" if key in required else _default(prop)
        cells = [f"`{key}`", _type(prop, anchors), default, _one_line(prop.get("description", ""))]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def _type(prop: Schema, anchors: dict[str, _Section]) -> str:
    """A value's type in words: `string`, `list of string`, `one of: a, b`, a link to the
    section of a mapping, with its bounds."""
    if "$ref" in prop:
        target = anchors[prop["$ref"].rsplit("/", 1)[1]]
        text = f"[`{target.path}`](#{target.anchor})"
    elif "const" in prop:
        text = f"`{json.dumps(prop['const'])}`"
    elif "enum" in prop:
        text = "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    elif "anyOf" in prop:
        options = [o for o in prop["anyOf"] if o.get("type") != "null"]
        text = " or ".join(_type(o, anchors) for o in options)
    elif prop.get("type") == "array":
        text = f"list of {_type(prop.get('items', {}), anchors)}"
    elif prop.get("type") == "object":
        values = prop.get("additionalProperties")
        text = f"mapping of name to {_type(values, anchors)}" if values else "mapping"
    else:
        text = _TYPES.get(prop.get("type", ""), "any value")
    if prop.get("description") == compact.GRAMMAR:
        text = f"string in the [compact form](#{_COMPACT})"
    bounds = [form.format(prop[key]) for key, form in _BOUNDS.items() if key in prop]
    return text + (f", {', '.join(bounds)}" if bounds else "")


def _default(prop: Schema) -> str:
    if "default" not in prop:
        return ""
    value = prop["default"]
    if value is None:
        return "none"
    if value in ([], {}):
        return "empty"
    return f"`{json.dumps(value)}`"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    """A table cell: a `|` in it would end the cell, even inside backticks."""
    return text.replace("|", "\\|")
