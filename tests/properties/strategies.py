"""Hypothesis strategies for valid-looking spec documents (garbage.py breaks them).

Valid-looking documents draw names from tricky territory (SQL reserved words, names Python,
SQLAlchemy or Pydantic use, `id`-ish and non-ASCII names) on purpose: the validator must
either accept a document, and then the generated project must work, or reject it cleanly.
"""

from __future__ import annotations

import io
import re
from typing import Any

from hypothesis import strategies as st
from ruamel.yaml import YAML

from persistgen import naming

Doc = dict[str, Any]

RESOURCE_NAMES = [
    "User", "Order", "Select", "Group", "Table", "Type", "Index", "Key", "Query", "Session",
    "Model", "ModelX", "Metadata", "Settings", "Engine", "Status", "Item", "Person", "Datum",
    "Category", "News", "Bus", "Box", "HTTPRequest", "A", "X1", "Field", "Value", "Enum", "Base",
    "Page", "Health", "Custom", "Tests", "Main", "Api", "Post", "PostStatus", "Self", "None",
    "Uuid", "Json", "Café", "ÜberThing", "Transaction", "Check", "Column", "Link",
]  # fmt: skip
FIELD_NAMES = [
    "order", "user", "select", "group", "table", "where", "from_", "type", "metadata", "model_x",
    "id", "id_", "ids", "uid", "uuid", "key", "value", "values", "name", "date", "time", "json",
    "bytes", "limit", "offset", "sort", "after", "count", "index", "query", "session", "self",
    "cls", "data", "item", "items", "page", "result", "request", "response", "db", "settings",
    "engine", "status", "copy", "schema", "fields", "dict", "str", "int", "list", "type_", "dt",
    "enum", "created_at", "deleted_at", "version", "café", "x1", "a_b", "ab", "is_active",
    "default", "filter", "column", "pk", "kind", "to", "by", "in_", "null", "true", "none",
    "exec", "print", "any", "mapped", "relationship", "base", "decimal", "field", "model",
]  # fmt: skip
PROJECT_NAMES = ["app", "order-service", "x", "select", "my.app", "Tests", "sqlalchemy", "café"]
SQL_WORDS = ["order", "user", "select", "group", "table", "from", "where", "check", "index"]
ENUM_VALUES = [
    "draft", "PG-13", "R", "NC-17", "it's", 'say "hi"', "a\\b", "x y", "None", "class", "1st",
    "ünï", "Ω", "_", "-", "a-b", "a_b", "A_B", "{{ x }}", "%s", "'; DROP TABLE x; --", "",
    "trailing ", "line\nbreak", "x" * 300,
]  # fmt: skip
# Text that must reach generated code and DDL as inert data.
ODD_TEXT = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12
) | st.sampled_from(['"""', "'''", "\\", "{{ x }}", "{% x %}", "\\N{BULLET}", "é\n\t"])
SCALAR_TYPES = [
    "int", "bigint", "str", "text", "bool", "float", "decimal", "date", "datetime", "time",
    "uuid", "json", "bytes", "enum",
]  # fmt: skip
KEY_TYPES = ["int", "bigint", "str", "uuid", "ref"]  # what may be part of a primary key
ON_DELETE = ["cascade", "set null", "restrict", "no action"]
COMPACT_ON_DELETE = {"cascade": "cascade", "set null": "set_null", "restrict": "restrict"}
COMPACT_FLAGS = {
    "unique": "unique",
    "index": "index",
    "primary_key": "pk",
    "read_only": "readonly",
    "filter": "filter",
}
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")  # safe inside a compact string


def names(pool: list[str], usable: list[str], pattern: str) -> st.SearchStrategy[str]:
    """A tricky name from `pool`, more often one of its `usable` ones (rejected documents
    are cheap, but accepted ones are where generated code can break), or a fresh one."""
    fresh = st.from_regex(pattern, fullmatch=True)
    return st.one_of(st.sampled_from(usable), st.sampled_from(usable), st.sampled_from(pool), fresh)


resource_names = names(
    RESOURCE_NAMES,
    [n for n in RESOURCE_NAMES if naming.resource_problem(n) is None],
    r"[A-Z][a-z]{1,8}([A-Z][a-z0-9]{0,5})?",
)
project_names = names(PROJECT_NAMES, PROJECT_NAMES[:3], r"[a-z][a-z0-9_-]{0,10}")
field_names = names(
    FIELD_NAMES,
    [n for n in FIELD_NAMES if naming.attribute_problem(n) is None],
    r"[a-z][a-z0-9_]{0,12}",
)


def dump(doc: Any) -> str:
    """The document as block-style YAML, as a person would write it."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    buffer = io.StringIO()
    yaml.dump(doc, buffer)
    return buffer.getvalue()


# -- fields -------------------------------------------------------------------------------------


def bounded_text(draw: st.DrawFn, max_length: int | None) -> str:
    text = draw(ODD_TEXT)
    return text[:max_length] if max_length is not None else text


@st.composite
def str_field(draw: st.DrawFn, kind: str) -> Doc:
    field: Doc = {"type": kind}
    if draw(st.booleans()):
        field["max_length"] = draw(st.integers(1, 400))
    if draw(st.booleans()):
        field["min_length"] = draw(st.integers(0, field.get("max_length", 5)))
    if draw(st.booleans()):
        field["default"] = bounded_text(draw, field.get("max_length"))
    return field


@st.composite
def number_field(draw: st.DrawFn, kind: str) -> Doc:
    field: Doc = {"type": kind}
    value = st.integers(-(2**31), 2**31) if kind != "float" else st.floats(-1e9, 1e9)
    low, high = sorted([draw(value), draw(value)])
    if draw(st.booleans()):
        field["ge"] = low
    if draw(st.booleans()):
        field["le"] = high
    if kind == "decimal" and draw(st.booleans()):
        field["precision"] = precision = draw(st.integers(1, 30))
        field["scale"] = draw(st.integers(0, precision))
    if draw(st.booleans()) and kind != "decimal":
        field[draw(st.sampled_from(["default", "server_default"]))] = low
    elif kind == "decimal" and draw(st.booleans()):
        field["default"] = draw(st.sampled_from(["0", "1.5", "-2"]))
    return field


@st.composite
def enum_field(draw: st.DrawFn) -> Doc:
    values = draw(
        st.lists(st.sampled_from(ENUM_VALUES) | ODD_TEXT, min_size=1, max_size=5, unique=True)
    )
    field: Doc = {"type": "enum", "values": values}
    if draw(st.booleans()):
        field["default"] = draw(st.sampled_from(values))
    if draw(st.booleans()):
        field["native"] = True
    return field


@st.composite
def temporal_field(draw: st.DrawFn, kind: str) -> Doc:
    field: Doc = {"type": kind}
    if draw(st.booleans()):
        field.update(server_default="now", read_only=draw(st.booleans()))
    if kind != "date" and draw(st.booleans()):
        field["timezone"] = draw(st.booleans())
    if kind == "datetime" and draw(st.booleans()):
        field["onupdate"] = "now"
    return field


@st.composite
def scalar_field(draw: st.DrawFn) -> Doc:
    kind = draw(st.sampled_from(SCALAR_TYPES))
    if kind in ("str", "text"):
        field = draw(str_field(kind))
    elif kind in ("int", "bigint", "float", "decimal"):
        field = draw(number_field(kind))
    elif kind == "enum":
        field = draw(enum_field())
    elif kind in ("date", "datetime", "time"):
        field = draw(temporal_field(kind))
    elif kind == "bool" and draw(st.booleans()):
        field = {"type": kind, "default": draw(st.booleans())}
    else:
        field = {"type": kind}
    return field | draw(column_options(kind))


@st.composite
def column_options(draw: st.DrawFn, kind: str) -> Doc:
    """Options any column may take; `filter` is drawn only where lists can filter."""
    options: Doc = {}
    if draw(st.integers(0, 3)) == 0:
        options["nullable"] = True
    if draw(st.integers(0, 4)) == 0:
        options[draw(st.sampled_from(["unique", "index"]))] = True
    if kind not in ("json", "bytes") and draw(st.booleans()):
        options["filter"] = True
    if draw(st.integers(0, 7)) == 0:
        options["column"] = draw(st.sampled_from(SQL_WORDS) | field_names)
    if draw(st.integers(0, 5)) == 0:
        options["description"] = draw(ODD_TEXT)
    return options


def compact(field: Doc) -> str | None:
    """The compact string for `field`, or None when the compact grammar cannot say it."""
    kind = field["type"]
    parts = [kind]
    positional = {"str": ["max_length"], "decimal": ["precision", "scale"], "ref": ["target"]}
    rest = dict(field, type=None)
    for option in positional.get(kind, []):
        if option in rest:
            parts.append(str(rest.pop(option)))
    if kind == "enum":
        values = rest.pop("values")
        if not all(_PLAIN.fullmatch(v) for v in values):
            return None
        parts.append("|".join(values))
    if kind == "ref" and rest.get("on_delete") in COMPACT_ON_DELETE:
        parts.append(COMPACT_ON_DELETE[rest.pop("on_delete")])
    parts += [word for option, word in COMPACT_FLAGS.items() if rest.pop(option, False)]
    text = ":".join(parts) + ("?" if rest.pop("nullable", False) else "")
    default = rest.pop("default", None)
    if isinstance(default, str) and not _PLAIN.fullmatch(default):
        return None
    if isinstance(default, bool):
        text += f"={str(default).lower()}"
    elif isinstance(default, str):
        text += f'="{default}"'
    elif default is not None:
        text += f"={default}"
    return text if not any(v is not None for v in rest.values()) else None


# -- references ---------------------------------------------------------------------------------


@st.composite
def ref_field(draw: st.DrawFn, source: str, earlier: list[str], resources: dict[str, Doc]) -> Doc:
    """A reference to an earlier resource (no cycles) or, nullable, to `source` itself."""
    target = draw(st.sampled_from([*earlier, source]))
    field: Doc = {"type": "ref", "target": target}
    if target == source or draw(st.integers(0, 2)) == 0:
        field["nullable"] = True
    choices = ON_DELETE if field.get("nullable") else ["cascade", "restrict", "no action"]
    if draw(st.booleans()):
        field["on_delete"] = draw(st.sampled_from(choices))
    if draw(st.integers(0, 4)) == 0:
        field["unique"] = True
    if draw(st.booleans()):
        field["filter"] = True
    held = [n for n, f in resources.get(target, {}).get("fields", {}).items() if _is_key(f)]
    if held and draw(st.integers(0, 3)) == 0:
        field["target_field"] = draw(st.sampled_from(held))
    return field


def _is_key(field: Doc | str) -> bool:
    """A unique scalar field another resource can reference (explicit form only)."""
    return isinstance(field, dict) and field.get("unique") is True and field["type"] != "ref"


@st.composite
def many_field(draw: st.DrawFn, source: str, others: list[str]) -> Doc:
    field: Doc = {"type": "many", "target": draw(st.sampled_from(others))}
    if draw(st.integers(0, 3)) == 0:
        field["through"] = draw(st.sampled_from(SQL_WORDS) | field_names)
    return field


def claim_reverse(source: str, name: str, field: Doc, claimed: set[tuple[str, str]]) -> None:
    """Several references to one target each need their own collection: name the later ones."""
    reverse = naming.snake(source) if field.get("unique") else naming.plural(naming.snake(source))
    if (field["target"], reverse) in claimed:
        reverse = f"{name}_{naming.plural(naming.snake(source))}"
        field["back_populates"] = reverse
    claimed.add((field["target"], reverse))


# -- resources and documents ----------------------------------------------------------------------


@st.composite
def resource(
    draw: st.DrawFn,
    name: str,
    earlier: list[str],
    everyone: list[str],
    done: dict[str, Doc],
    claimed: set[tuple[str, str]],
) -> Doc:
    fields: dict[str, Doc | str] = {}
    for field_name in draw(st.lists(field_names, min_size=1, max_size=6, unique=True)):
        field = draw(any_field(name, earlier, everyone, done))
        if field["type"] in ("ref", "many"):
            claim_reverse(name, field_name, field, claimed)
        short = compact(field) if draw(st.booleans()) else None
        fields[field_name] = short if short is not None else field
    keyable = [
        n
        for n, f in fields.items()
        if isinstance(f, dict) and f["type"] in KEY_TYPES and not f.get("nullable")
    ]
    if keyable and draw(st.integers(0, 3)) == 0:  # its own key: one field, or composite
        for key in draw(st.lists(st.sampled_from(keyable), min_size=1, max_size=3, unique=True)):
            fields[key] = {**fields[key], "primary_key": True}
    body: Doc = {"fields": fields}
    body |= draw(resource_options(name, fields))
    return body


@st.composite
def any_field(
    draw: st.DrawFn, name: str, earlier: list[str], everyone: list[str], done: dict[str, Doc]
) -> Doc:
    kinds = ["scalar"] * 4 + ["ref"] + (["many"] if len(everyone) > 1 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "ref":
        return draw(ref_field(name, earlier, done))
    if kind == "many":
        return draw(many_field(name, [r for r in everyone if r != name]))
    return draw(scalar_field())


@st.composite
def resource_options(draw: st.DrawFn, name: str, fields: dict[str, Doc | str]) -> Doc:
    options: Doc = {}
    for mixin in ("timestamps", "soft_delete", "versioned"):
        if draw(st.integers(0, 2)) == 0:
            options[mixin] = True
    if draw(st.integers(0, 5)) == 0:
        options["table"] = draw(st.sampled_from(SQL_WORDS) | field_names)
    if draw(st.integers(0, 3)) == 0:
        options["id_type"] = "uuid"
    if draw(st.integers(0, 4)) == 0:
        options["description"] = draw(ODD_TEXT)
    columns = [n for n, f in fields.items() if _kind(f) != "many"] + ["id"]
    for option in ("unique", "index"):
        if len(columns) > 2 and draw(st.integers(0, 2)) == 0:
            group = draw(st.lists(st.sampled_from(columns), min_size=2, max_size=3, unique=True))
            options[option] = [group]
    numbers = [n for n, f in fields.items() if _kind(f) in ("int", "bigint")]
    if numbers and draw(st.integers(0, 2)) == 0:
        column = _column(draw(st.sampled_from(numbers)), fields)
        options["checks"] = {"not_negative": f'"{column}" >= 0 OR "{column}" IS NULL'}
    return options


def _kind(field: Doc | str) -> str:
    return field["type"] if isinstance(field, dict) else field.split(":")[0].rstrip("?")


def _column(name: str, fields: dict[str, Doc | str]) -> str:
    field = fields[name]
    return str(field.get("column", name)) if isinstance(field, dict) else name


@st.composite
def project(draw: st.DrawFn) -> Doc:
    doc: Doc = {"name": draw(project_names)}
    if draw(st.integers(0, 3)) == 0:
        doc["package"] = draw(field_names)
    if draw(st.integers(0, 3)) == 0:
        doc["description"] = draw(ODD_TEXT)
    if draw(st.integers(0, 4)) == 0:
        doc["pool"] = {"size": draw(st.integers(1, 10**6)), "timeout": draw(st.floats(0.001, 1e6))}
    if draw(st.integers(0, 4)) == 0:
        doc["timeouts"] = {"statement": draw(st.integers(0, 10**6)), "command": 0}
    return doc


@st.composite
def spec_documents(draw: st.DrawFn) -> Doc:
    """A document in the spec language; most are valid, all look like something a user wrote."""
    resource_list = draw(st.lists(resource_names, min_size=1, max_size=4, unique=True))
    resources: dict[str, Doc] = {}
    claimed: set[tuple[str, str]] = set()
    for index, name in enumerate(resource_list):
        resources[name] = draw(
            resource(name, resource_list[:index], resource_list, resources, claimed)
        )
    return {"version": 1, "project": draw(project()), "resources": resources}
