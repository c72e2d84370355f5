"""The compact field form shared by YAML and the CLI: `str:200`, `bool=false`, `ref:User?`."""

from __future__ import annotations

import difflib
import re
import typing
from typing import Any

_FLAGS = {
    "unique": "unique",
    "index": "index",
    "pk": "primary_key",
    "readonly": "read_only",
    "filter": "filter",
    "search": "search",
}
_ON_DELETE = {"cascade": "cascade", "set_null": "set null", "restrict": "restrict"}
_POSITIONAL = {
    "str": ["max_length"],
    "char": ["max_length"],
    "list": ["items"],
    "decimal": ["precision", "scale"],
    "enum": ["values"],
    "ref": ["target"],
    "many": ["target"],
}
_INT = re.compile(r"[-+]?\d+")
_FLOAT = re.compile(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?")

GRAMMAR = (
    "TYPE[:ARG...][:unique|:index|:pk|:readonly|:filter|:search][?][=DEFAULT], e.g. "
    "`str:200:unique`, `decimal:10:2`, `enum:draft|published=draft`, `ref:User:cascade`, "
    "`many:Tag`, `text?`"
)


class CompactError(ValueError):
    """A compact field that cannot be expanded: what is wrong, and how to write it instead.

    `option` names the explicit option the problem concerns (e.g. `max_length`), if any.
    `str()` gives message and hint on one line, for callers that only show one string.
    """

    def __init__(self, message: str, hint: str = "", option: str | None = None) -> None:
        super().__init__(f"{message}; {hint}" if hint else message)
        self.message = message
        self.hint = hint
        self.option = option


def field_types() -> tuple[str, ...]:
    """The field types the spec model accepts, in their documented order."""
    from persistgen.spec.model import FieldType  # model imports this module

    return typing.get_args(FieldType)


def expand(text: str) -> dict[str, Any]:
    """Turn one compact field string into the explicit mapping form (raises CompactError)."""
    body, has_default, default = text.partition("=")
    body = body.strip()
    result: dict[str, Any] = {}
    if body.endswith("?"):
        body = body[:-1].rstrip()
        result["nullable"] = True
    kind, *args = (part.strip() for part in body.split(":"))
    if not kind:
        raise CompactError(f"compact field `{text}` names no type", f"write {GRAMMAR}", "type")
    types = field_types()
    if kind not in types:
        where = "" if text.strip() == kind else f" in `{text}`"
        raise CompactError(f"unknown field type `{kind}`{where}", type_hint(kind, types), "type")
    result["type"] = kind
    positional: list[str] = []
    for arg in args:
        if arg in _FLAGS:
            result[_FLAGS[arg]] = True
        elif kind == "ref" and arg in _ON_DELETE:
            result["on_delete"] = _ON_DELETE[arg]
        else:
            positional.append(arg)
    result.update(_positional(kind, positional, text))
    if has_default:
        result["default"] = _literal(default.strip())
    return result


# Other names of the spec's types (SQL's, PostgreSQL's, other languages'): closer than spelling.
_ALIASES = {
    "integer": "int",
    "int4": "int",
    "int8": "bigint",
    "int2": "smallint",
    "string": "str",
    "varchar": "str",
    "bpchar": "char",
    "boolean": "bool",
    "double": "float",
    "float8": "float",
    "float4": "real",
    "numeric": "decimal",
    "timestamp": "datetime",
    "timestamptz": "datetime",
    "array": "list",
    # other languages' and databases' names
    "long": "bigint",
    "int64": "bigint",
    "biginteger": "bigint",
    "bigserial": "bigint",
    "int32": "int",
    "serial": "int",
    "short": "smallint",
    "int16": "smallint",
    "tinyint": "smallint",
    "smallserial": "smallint",
    "character varying": "str",
    "character": "char",
    "clob": "text",
    "mediumtext": "text",
    "longtext": "text",
    "number": "float",
    "double precision": "float",
    "float64": "float",
    "float32": "real",
    "money": "decimal",
    "price": "decimal",
    "amount": "decimal",
    "currency": "decimal",
    "timestamp with time zone": "datetime",
    "timestamp without time zone": "datetime",
    "date_time": "datetime",
    "timedelta": "interval",
    "duration": "interval",
    "guid": "uuid",
    "ip": "inet",
    "ipaddress": "inet",
    "ip_address": "inet",
    "dict": "json",
    "object": "json",
    "map": "json",
    "blob": "bytes",
    "binary": "bytes",
    "bytea": "bytes",
    "bytearray": "bytes",
}
# A type spelled as code (`varchar(200)`, `list[str]`, `Optional[int]`): its name, its arguments.
_SPELLED_AS_CODE = re.compile(r"\s*([A-Za-z_][\w ]*?)\s*[\[(]\s*(.*?)\s*[\])]\s*")


def type_hint(kind: str, types: tuple[str, ...]) -> str:
    """How to fix an unknown field type: the closest known one, and the full list."""
    if kind.endswith("?") and kind[:-1] in types:
        return "`?` goes after the arguments and before `=`, e.g. `str:200?=x`"
    spelled = _as_compact(kind, types)
    close = [spelled] if spelled else [_known(kind, types)] if _known(kind, types) else []
    close = close or difflib.get_close_matches(kind.lower(), types, n=1, cutoff=0.6)
    listed = f"types: {', '.join(types)}"
    return f"did you mean `{close[0]}`? {listed}" if close else listed


def _known(name: str, types: tuple[str, ...]) -> str | None:
    """The spec's type `name` is, or is another name of."""
    name = name.strip().lower()
    return name if name in types else _ALIASES.get(name)


def _as_compact(kind: str, types: tuple[str, ...]) -> str | None:
    """A type spelled as code, as the compact field it means: `varchar(200)` is `str:200`,
    `list[str]` `list:str`, `Optional[int]` `int?`."""
    call = _SPELLED_AS_CODE.fullmatch(kind)
    if call is None:
        return None
    name, args = call[1].lower(), [a.strip() for a in call[2].split(",") if a.strip()]
    if name == "optional" and len(args) == 1:
        inner = _as_compact(args[0], types) or _known(args[0], types)
        return f"{inner}?" if inner else None
    base = _known(name, types)
    if base is None:
        return None
    if base == "list":
        args = [_known(a, types) or a for a in args]
    return ":".join([base, *args])


def _words(kind: str) -> list[str]:
    """The words a compact field of `kind` accepts after the type."""
    return [*_FLAGS, *(_ON_DELETE if kind == "ref" else ())]


def _positional(kind: str, args: list[str], text: str) -> dict[str, Any]:
    names = _POSITIONAL.get(kind, [])
    if len(args) > len(names):
        extra = args[len(names)]
        close = difflib.get_close_matches(extra.replace(" ", "_"), _words(kind), n=1, cutoff=0.6)
        accepted = ", ".join(f"`{n}`" for n in [*names, *_words(kind)])
        raise CompactError(
            f"compact field `{text}`: unexpected `{extra}`",
            f"did you mean `{close[0]}`?" if close else f"after `{kind}` come: {accepted}",
        )
    result: dict[str, Any] = {}
    for name, arg in zip(names, args, strict=False):
        if name == "values":
            if "," in arg and "|" not in arg:
                raise CompactError(
                    f"compact field `{text}`: enum values are separated by `|`",
                    f"write `enum:{arg.replace(',', '|').replace(' ', '')}`; a value that holds "
                    "a comma needs the mapping form, `{type: enum, values: [...]}`",
                    "values",
                )
            result[name] = [value.strip() for value in arg.split("|")]
        elif name == "target":
            result[name] = arg
        elif name == "items":
            result[name] = _item_type(arg, text)
        elif arg.isascii() and arg.isdigit():
            result[name] = int(arg)
        else:
            close = difflib.get_close_matches(arg, _words(kind), n=1, cutoff=0.6)
            example = "`str:200`" if name == "max_length" else "`decimal:10:2`"
            raise CompactError(
                f"compact field `{text}`: {name} must be a whole number, not `{arg}`",
                f"did you mean `{close[0]}`?" if close else f"write it like {example}",
                name,
            )
    return result


def item_types() -> tuple[str, ...]:
    """The types a list's items can have."""
    from persistgen.spec.model import ListItemType  # model imports this module

    return typing.get_args(ListItemType)


def _item_type(arg: str, text: str) -> str:
    items = item_types()
    if arg in items:
        return arg
    close = difflib.get_close_matches(arg.lower(), items, n=1, cutoff=0.6)
    listed = f"items can be: {', '.join(items)}"
    raise CompactError(
        f"compact field `{text}`: a list cannot hold `{arg}`",
        f"did you mean `{close[0]}`? {listed}" if close else listed,
        "items",
    )


def _literal(text: str) -> Any:
    """Read a default the way a user means it: true/false, numbers, optionally quoted text."""
    if text in ("true", "false"):
        return text == "true"
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):  # not `nan`, `inf` or `1_0`: those stay text
        return float(text)
    return text


def parse_cli_field(text: str) -> tuple[str, dict[str, Any]]:
    """`title:str:200` -> ("title", {...}); the name comes first on the command line."""
    name, sep, rest = text.partition(":")
    if not sep or not name:
        raise CompactError(f"`{text}` is not NAME:TYPE", f"write NAME:{GRAMMAR}")
    return name, expand(rest)
