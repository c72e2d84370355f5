"""The compact field form shared by YAML and the CLI: `str:200`, `bool=false`, `ref:User?`."""

from __future__ import annotations

from typing import Any

_FLAGS = {"unique": "unique", "index": "index", "pk": "primary_key", "readonly": "read_only"}
_ON_DELETE = {"cascade": "cascade", "set_null": "set null", "restrict": "restrict"}

GRAMMAR = (
    "TYPE[:ARG...][:unique|:index|:pk|:readonly][?][=DEFAULT], e.g. `str:200:unique`, "
    "`decimal:10:2`, `enum:draft|published=draft`, `ref:User:cascade`, `text?`"
)


def expand(text: str) -> dict[str, Any]:
    """Turn one compact field string into the explicit mapping form (raises ValueError)."""
    body, has_default, default = text.partition("=")
    body = body.strip()
    result: dict[str, Any] = {}
    if body.endswith("?"):
        body = body[:-1]
        result["nullable"] = True
    kind, *args = body.split(":")
    if not kind:
        raise ValueError(f"compact field {text!r} names no type; the form is {GRAMMAR}")
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


def _positional(kind: str, args: list[str], text: str) -> dict[str, Any]:
    names = {
        "str": ["max_length"],
        "decimal": ["precision", "scale"],
        "enum": ["values"],
        "ref": ["target"],
    }.get(kind, [])
    if len(args) > len(names):
        extra = ", ".join(repr(a) for a in args[len(names) :])
        raise ValueError(f"compact field {text!r}: unexpected {extra}; the form is {GRAMMAR}")
    result: dict[str, Any] = {}
    for name, arg in zip(names, args, strict=False):
        if name == "values":
            result[name] = arg.split("|")
        elif name == "target":
            result[name] = arg
        elif arg.isdigit():
            result[name] = int(arg)
        else:
            raise ValueError(f"compact field {text!r}: {name} must be a whole number, not {arg!r}")
    return result


def _literal(text: str) -> Any:
    """Read a default the way a user means it: true/false, numbers, optionally quoted text."""
    if text in ("true", "false"):
        return text == "true"
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_cli_field(text: str) -> tuple[str, dict[str, Any]]:
    """`title:str:200` -> ("title", {...}); the name comes first on the command line."""
    name, sep, rest = text.partition(":")
    if not sep or not name:
        raise ValueError(f"{text!r} is not NAME:TYPE; the form is NAME:{GRAMMAR}")
    return name, expand(rest)
