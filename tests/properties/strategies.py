"""Hypothesis strategies for valid-looking spec documents (garbage.py breaks them).

Valid-looking documents draw names from tricky territory (SQL reserved words, names Python,
SQLAlchemy or Pydantic use, `id`-ish, non-ASCII and long names) and values from the edges
(extremes.py: text of any length and script, numbers at their column's bounds, decimals of any
precision) on purpose: the validator must either accept a document, and then the generated
project must work, or reject it cleanly. Most documents are small; some have many resources,
or one resource with many fields.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from ruamel.yaml import YAML

from persistgen import naming
from persistgen.spec.rules.fields import DECIMAL_PRECISION, DECIMAL_SCALE, PAGING_PARAMETERS
from tests.properties import extremes

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
    "trailing ", "line\nbreak", "x" * 300, "x" * 63, "é" * 32, "é" * 63, "注文", "🙂", "nul\x00",
]  # fmt: skip
TAME_ENUM_VALUES = [v for v in ENUM_VALUES if v and "\x00" not in v and len(v) <= 63]
# Text that must reach generated code and DDL as inert data.
ODD_TEXT = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12
) | st.sampled_from(['"""', "'''", "\\", "{{ x }}", "{% x %}", "\\N{BULLET}", "é\n\t"])
SCALAR_TYPES = [
    "int", "bigint", "str", "text", "bool", "float", "decimal", "date", "datetime", "time",
    "uuid", "json", "bytes", "enum",
]  # fmt: skip
KEY_TYPES = ["int", "bigint", "str", "uuid", "ref"]  # what may be part of a primary key
INTEGERS = ("int", "bigint")
ON_DELETE = ["cascade", "set null", "restrict", "no action"]
COMPACT_ON_DELETE = {"cascade": "cascade", "set null": "set_null", "restrict": "restrict"}
COMPACT_FLAGS = {
    "unique": "unique",
    "index": "index",
    "primary_key": "pk",
    "read_only": "readonly",
    "filter": "filter",
    "search": "search",
}
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")  # safe inside a compact string


def names(
    pool: list[str], usable: list[str], pattern: str, long: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[str]:
    """A tricky name from `pool`, more often one of its `usable` ones (rejected documents
    are cheap, but accepted ones are where generated code can break), a fresh one, or a
    `long` one."""
    fresh = st.from_regex(pattern, fullmatch=True)
    drawn = [st.sampled_from(usable), st.sampled_from(usable), st.sampled_from(pool), fresh]
    return st.one_of(*drawn, *([long] if long is not None else []))


def usable_resource(name: str) -> bool:
    return naming.resource_problem(name) is None


def usable_field(name: str) -> bool:
    return naming.attribute_problem(name) is None


resource_names = names(
    RESOURCE_NAMES,
    [n for n in RESOURCE_NAMES if usable_resource(n)],
    r"[A-Z][a-z]{1,8}([A-Z][a-z0-9]{0,5})?",
    extremes.long_pascal_names(),
)
project_names = names(PROJECT_NAMES, PROJECT_NAMES[:3], r"[a-z][a-z0-9_-]{0,10}")
field_names = names(
    FIELD_NAMES,
    [n for n in FIELD_NAMES if usable_field(n)],
    r"[a-z][a-z0-9_]{0,12}",
    extremes.long_snake_names(),
)
# Text: odd short strings, or descriptions of any length and script.
any_text = ODD_TEXT | extremes.descriptions()


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
        field["max_length"] = draw(extremes.string_lengths())
    if draw(st.booleans()):
        field["min_length"] = draw(st.integers(0, min(field.get("max_length", 5), 400)))
    if draw(st.booleans()):
        field["default"] = bounded_text(draw, field.get("max_length"))
    elif field.get("max_length", 0) <= 400 and draw(st.integers(0, 3)) == 0:
        field["default"] = draw(extremes.filling(field.get("max_length", 255)))
    return field


@st.composite
def number_field(draw: st.DrawFn, kind: str) -> Doc:
    field: Doc = {"type": kind}
    value: st.SearchStrategy[int | float] = st.integers(-(2**31), 2**31)
    if kind in extremes.INTEGER_BOUNDS:
        value |= extremes.integer_edges(kind)
    elif kind == "float":
        value = st.floats(-1e9, 1e9) | st.sampled_from(extremes.FLOAT_EDGES)
    low, high = sorted([draw(value), draw(value)])
    if draw(st.booleans()):
        field["ge"] = low
    if draw(st.booleans()):
        field["le"] = high
    if kind == "decimal":
        return field | draw(decimal_options())
    if draw(st.booleans()):
        bounded = "ge" in field or "le" in field  # then a default must lie within them
        option = draw(st.sampled_from(["default", "server_default"]))
        field[option] = draw(st.sampled_from([low, high]) if bounded else value)
    return field


@st.composite
def decimal_options(draw: st.DrawFn) -> Doc:
    """Digits across their whole range, and defaults at the edge of what they hold."""
    options: Doc = {}
    precision, scale = draw(extremes.decimal_digits())
    if draw(st.integers(0, 3)) > 0:
        options["precision"] = precision
        options["scale"] = scale
    else:
        precision, scale = DECIMAL_PRECISION, DECIMAL_SCALE
    if draw(st.booleans()):
        edges = extremes.decimal_edges(precision, scale)
        options["default"] = draw(edges | st.sampled_from(["0", "1.5", "-2"]))
    return options


@st.composite
def enum_field(draw: st.DrawFn, tame: bool) -> Doc:
    value = st.sampled_from(TAME_ENUM_VALUES) if tame else st.sampled_from(ENUM_VALUES) | ODD_TEXT
    values = draw(st.lists(value, min_size=1, max_size=5, unique=True))
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
def scalar_field(draw: st.DrawFn, tame: bool) -> Doc:
    kind = draw(st.sampled_from(SCALAR_TYPES))
    if kind in ("str", "text"):
        field = draw(str_field(kind))
    elif kind in ("int", "bigint", "float", "decimal"):
        field = draw(number_field(kind))
    elif kind == "enum":
        field = draw(enum_field(tame))
    elif kind in ("date", "datetime", "time"):
        field = draw(temporal_field(kind))
    elif kind == "bool" and draw(st.booleans()):
        field = {"type": kind, "default": draw(st.booleans())}
    else:
        field = {"type": kind}
    return field | draw(column_options(kind, tame))


@st.composite
def column_options(draw: st.DrawFn, kind: str, tame: bool) -> Doc:
    """Options any column may take; `filter` and `search` are drawn only where lists can
    filter or search."""
    options: Doc = {}
    if draw(st.integers(0, 3)) == 0:
        options["nullable"] = True
    if draw(st.integers(0, 4)) == 0:
        # a bool or enum alone holds too few values to be unique (refused)
        choices = ["index"] if kind in ("bool", "enum") else ["unique", "index"]
        options[draw(st.sampled_from(choices))] = True
    if kind not in ("json", "bytes") and draw(st.booleans()):
        options["filter"] = True
    if kind in ("str", "text") and draw(st.integers(0, 3)) == 0:
        options["search"] = True
    if not tame and draw(st.integers(0, 7)) == 0:
        options["column"] = draw(st.sampled_from(SQL_WORDS) | field_names)
    if draw(st.integers(0, 5)) == 0:
        options["description"] = draw(any_text)
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
    size: Size,
) -> Doc:
    fields: dict[str, Doc | str] = {}
    low, high = size.fields
    for field_name in draw(st.lists(size.field_names, min_size=low, max_size=high, unique=True)):
        field = draw(any_field(name, earlier, everyone, done, size.tame))
        if field["type"] in ("ref", "many"):
            claim_reverse(name, field_name, field, claimed)
        short = compact(field) if draw(st.booleans()) else None
        fields[field_name] = short if short is not None else field
    keyable = [
        n
        for n, f in fields.items()
        if isinstance(f, dict) and f["type"] in KEY_TYPES and not f.get("nullable")
    ]
    if keyable and not size.tame and draw(st.integers(0, 3)) == 0:  # one field, or composite
        for key in draw(st.lists(st.sampled_from(keyable), min_size=1, max_size=3, unique=True)):
            fields[key] = {**fields[key], "primary_key": True}
    body: Doc = {"fields": fields}
    body |= draw(resource_options(name, fields, size.tame))
    return body


@st.composite
def any_field(
    draw: st.DrawFn,
    name: str,
    earlier: list[str],
    everyone: list[str],
    done: dict[str, Doc],
    tame: bool,
) -> Doc:
    kinds = ["scalar"] * 4 + ["ref"] + (["many"] if len(everyone) > 1 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "ref":
        return draw(ref_field(name, earlier, done))
    if kind == "many":
        return draw(many_field(name, [r for r in everyone if r != name]))
    return draw(scalar_field(tame))


@st.composite
def resource_options(draw: st.DrawFn, name: str, fields: dict[str, Doc | str], tame: bool) -> Doc:
    options: Doc = {}
    for mixin in ("timestamps", "soft_delete", "versioned"):
        if draw(st.integers(0, 2)) == 0:
            options[mixin] = True
    if not tame and draw(st.integers(0, 5)) == 0:
        options["table"] = draw(st.sampled_from(SQL_WORDS) | field_names)
    if draw(st.integers(0, 3)) == 0:
        options["id_type"] = "uuid"
    if draw(st.integers(0, 4)) == 0:
        options["description"] = draw(any_text)
    columns = [n for n, f in fields.items() if _kind(f) != "many"] + ["id"]
    for option in ("unique", "index"):
        if len(columns) > 2 and draw(st.integers(0, 2)) == 0:
            group = draw(st.lists(st.sampled_from(columns), min_size=2, max_size=3, unique=True))
            options[option] = [group]
    numbers = [n for n, f in fields.items() if isinstance(f, dict) and f["type"] in INTEGERS]
    if numbers and draw(st.integers(0, 2)) == 0:
        name = draw(st.sampled_from(numbers))
        column = _column(name, fields)
        options["checks"] = {"not_negative": f'"{column}" >= 0 OR "{column}" IS NULL'}
        # A check is SQL the generated tests cannot read: they keep to `ge`, so say it there.
        fields[name] = {**fields[name], "ge": max(fields[name].get("ge", 0), 0)}
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
        doc["description"] = draw(any_text)
    if draw(st.integers(0, 4)) == 0:
        doc["pool"] = {"size": draw(st.integers(1, 10**6)), "timeout": draw(st.floats(0.001, 1e6))}
    if draw(st.integers(0, 4)) == 0:
        doc["timeouts"] = {"statement": draw(st.integers(0, 10**6)), "command": 0}
    return doc


@dataclass(frozen=True)
class Size:
    """How many resources a document has and how many fields each (inclusive ranges). A
    `tame` document draws plain names and leaves out what often clashes (own tables, columns
    and keys): with dozens of fields, every tricky draw more is one more chance of a rejection,
    and a rejected document is not counted."""

    resources: tuple[int, int]
    fields: tuple[int, int]
    tame: bool = False

    @property
    def resource_names(self) -> st.SearchStrategy[str]:
        return TAME_RESOURCE_NAMES if self.tame else resource_names

    @property
    def field_names(self) -> st.SearchStrategy[str]:
        return TAME_FIELD_NAMES if self.tame else field_names


TAME_RESOURCE_NAMES = st.from_regex(r"[A-Z][a-z]{2,8}[A-Z][a-z]{2,6}", fullmatch=True).filter(
    usable_resource
)
TAME_FIELD_NAMES = st.from_regex(r"[a-z]{2,10}(_[a-z]{2,6})?", fullmatch=True).filter(
    lambda name: usable_field(name) and name not in ("id", *PAGING_PARAMETERS)
)
SMALL = Size((1, 4), (1, 6))
MANY_RESOURCES = Size((6, 12), (1, 4), tame=True)
MANY_FIELDS = Size((1, 2), (15, 40), tame=True)
EVERY_SIZE = (*[SMALL] * 6, MANY_RESOURCES, MANY_FIELDS)


@st.composite
def spec_documents(draw: st.DrawFn, sizes: tuple[Size, ...] = EVERY_SIZE) -> Doc:
    """A document in the spec language; most are valid, all look like something a user wrote."""
    size = draw(st.sampled_from(sizes))
    resource_list = draw(
        st.lists(
            size.resource_names,
            min_size=size.resources[0],
            max_size=size.resources[1],
            unique=True,
        )
    )
    resources: dict[str, Doc] = {}
    claimed: set[tuple[str, str]] = set()
    for index, name in enumerate(resource_list):
        resources[name] = draw(
            resource(name, resource_list[:index], resource_list, resources, claimed, size)
        )
    return {"version": 1, "project": draw(project()), "resources": resources}


@st.composite
def spec_files(draw: st.DrawFn, sizes: tuple[Size, ...] = EVERY_SIZE) -> bytes:
    """A spec file's bytes: a document, sometimes with a byte order mark or CRLF line ends."""
    return extremes.as_file(dump(draw(spec_documents(sizes))), *draw(extremes.encodings()))
