"""Read a spec file into a validated `Spec`, or raise one UserError listing every problem."""

from __future__ import annotations

import difflib
import re
import typing
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from persistgen.errors import Problem, UserError
from persistgen.spec import compact, rules
from persistgen.spec.load import Document, SpecPath, describe, load_file, load_text
from persistgen.spec.model import FieldSpec, Spec

MAX_PROBLEMS = 12  # one screen

# What a pydantic type error expected, in words (strict mode: no coercion from text).
_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
}
# How to write a missing key, by key name.
_EXAMPLES = {"version": "1", "project": "{name: my-app}", "name": "my-app", "type": "str"}
_NUMBER = re.compile(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?")


def read_spec(path: Path) -> Spec:
    return validate(load_file(path))


def read_spec_text(text: str, file: str = "<input>") -> Spec:
    return validate(load_text(text, file))


def validate(doc: Document) -> Spec:
    try:
        spec = Spec.model_validate(doc.data)
    except ValidationError as exc:
        raise UserError(_from_pydantic_errors(doc, exc.errors())) from None
    findings = rules.findings(spec)
    if findings:
        raise UserError(
            [_problem(doc, f.path, f.message, f.hint, at_key=f.at_key) for f in findings][
                :MAX_PROBLEMS
            ]
        )
    return spec


def located(error: UserError, spec_file: Path) -> UserError:
    """`error` with each problem that names a place in the spec (a migration's refusal, say)
    but no line given the line and column of that place."""
    doc = load_file(spec_file)

    def locate(problem: Problem) -> Problem:
        if problem.line is not None or not problem.spec_path or problem.file != doc.file:
            return problem
        path = tuple(int(p) if p.isdigit() else p for p in problem.spec_path.split("."))
        line, column = doc.locate(_as_written(doc, path)) or (None, None)
        return replace(problem, line=line, column=column)

    return UserError([locate(problem) for problem in error.problems])


def _problem(doc: Document, path: SpecPath, message: str, hint: str, *, at_key: bool) -> Problem:
    path = _as_written(doc, path)
    line, column = doc.locate(path, key=at_key) or (None, None)
    return Problem(message, hint, doc.file, line, column, ".".join(str(p) for p in path))


def _as_written(doc: Document, path: SpecPath) -> SpecPath:
    """A path into the long form of an item the spec wrote short: `[a, b]` for `{fields: [a,
    b]}` under `unique` or `index`, `"<SQL>"` for `{sql: "<SQL>"}` under `checks`."""
    if len(path) >= 5 and path[0] == "resources":
        short = (path[2] in ("unique", "index") and path[4] == "fields") or (
            path[2] == "checks" and path[4] == "sql"
        )
        if short and not isinstance(doc.node(path[:4]), dict):
            return (*path[:4], *path[5:])
    return path


def _from_pydantic_errors(doc: Document, errors: list[ErrorDetails]) -> list[Problem]:
    """One problem per spec path: a bad value in a union field fails once per member."""
    groups: dict[SpecPath, list[ErrorDetails]] = {}
    for error in errors:
        groups.setdefault(_data_path(doc.data, error["loc"]), []).append(error)
    return [_from_pydantic(doc, path, group) for path, group in groups.items()][:MAX_PROBLEMS]


def _from_pydantic(doc: Document, path: SpecPath, errors: list[ErrorDetails]) -> Problem:
    error = errors[0]
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx", {})
    label = _label(path)
    if kind == "extra_forbidden":
        key = str(path[-1])
        allowed = _allowed_keys(path[:-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`?" if close else f"allowed keys: {', '.join(allowed)}"
        if not close and len(path) == 3 and path[0] == "resources" and _a_field(value):
            hint = "a field? indent it under `fields:` like the resource's other fields"
        if key == "where" and len(path) == 5 and path[2] == "unique":
            hint = "a partial unique constraint is a unique index: move it under `index` with "
            hint += "`unique: true`"
        return _problem(doc, path, f"unknown key `{key}`", hint, at_key=True)
    if kind == "missing":
        key, parent = str(path[-1]), path[:-1]
        example = f"`{key}: {_EXAMPLES[key]}`" if key in _EXAMPLES else f"`{key}:`"
        where = f"under `{parent[-1]}`" if parent else "at the top level"
        return _problem(doc, path, f"`{key}` is required", f"add {example} {where}", at_key=True)
    if kind == "value_error" and isinstance(ctx.get("error"), compact.CompactError):
        cause: compact.CompactError = ctx["error"]
        full = (*path, cause.option) if cause.option and cause.option not in path else path
        return _problem(doc, full, cause.message, cause.hint, at_key=False)
    if kind == "literal_error":
        message, hint = _literal_problem(path, value, str(ctx.get("expected", "")))
        return _problem(doc, path, message, hint, at_key=False)
    if kind in _EXPECTED:
        message, hint = _type_problem(path, value, [e["type"] for e in errors])
        return _problem(doc, path, message, hint, at_key=False)
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {
            "ge": ("at least", "or more"),
            "gt": ("more than", "or more"),
            "le": ("at most", "or less"),
            "lt": ("less than", "or less"),
        }
        (word, direction), limit = next((bound[k], v) for k, v in ctx.items() if k in bound)
        closest = limit if kind.endswith("equal") else f"a value {word} {limit}"
        hint = f"use {closest} {direction}" if kind.endswith("equal") else f"use {closest}"
        return _problem(
            doc, path, f"{label} must be {word} {limit}, not {value}", hint, at_key=False
        )
    if kind == "too_short":
        count = ctx.get("min_length", 1)
        hint = "e.g. `values: [draft, published]`" if path[-1:] == ("values",) else "add items"
        message = f"{label} needs at least {count} item{'s' if count != 1 else ''}"
        return _problem(doc, path, message, hint, at_key=False)
    message = error["msg"].removeprefix("Value error, ")
    return _problem(doc, path, f"{label}: {message}", "see `persistgen schema`", at_key=False)


def _label(path: SpecPath) -> str:
    if not path:
        return "the spec"
    if isinstance(path[-1], int):
        return f"item {path[-1] + 1} of `{path[-2]}`" if len(path) > 1 else "an item"
    return f"`{path[-1]}`"


def _literal_problem(path: SpecPath, value: Any, expected: str) -> tuple[str, str]:
    key = str(path[-1]) if path else ""
    options = [part.strip() for part in expected.replace(" or ", ",").split(",") if part.strip()]
    unquoted = [o for o in options if not o.startswith("'")]
    if isinstance(value, str) and value in unquoted:
        return (
            f"`{key}` must be the number {value}, not {describe(value)}",
            f"remove the quotes: `{key}: {value}`",
        )
    if key == "type":
        return f"unknown field type `{value}`", compact.type_hint(str(value), compact.field_types())
    if key == "version":
        return f"unsupported spec version {value}", "this persistgen reads `version: 1`"
    plain = [o.strip("'") for o in options]
    close = difflib.get_close_matches(str(value).replace("_", " "), plain, n=1)
    hint = f"did you mean `{close[0]}`? " if close else ""
    label = f"`{key}`" if not path or not isinstance(path[-1], int) else _label(path)
    return f"{label} cannot be {describe(value)}", f"{hint}allowed: {', '.join(plain)}"


def _type_problem(path: SpecPath, value: Any, kinds: list[str]) -> tuple[str, str]:
    wanted = list(dict.fromkeys(_EXPECTED[k] for k in kinds if k in _EXPECTED))
    if "a number" in wanted and "a whole number" in wanted:
        wanted.remove("a whole number")
    if len(wanted) > 1:
        wanted = [w.replace("true or false", "true/false") for w in wanted]
        expected = ", ".join(wanted[:-1]) + " or " + wanted[-1]
    else:
        expected = wanted[0]
    message = f"{_label(path)} must be {expected}, not {describe(value)}"
    key = str(path[-1]) if path and not isinstance(path[-1], int) else "-"
    numeric = any("number" in w for w in wanted)
    boolean = any("true" in w for w in wanted)
    if isinstance(value, str):
        if (numeric and _NUMBER.fullmatch(value)) or (boolean and value in ("true", "false")):
            return message, f"remove the quotes: `{key}: {value}`"
        if boolean:
            return message, f"write `true` or `false` (YAML 1.2 reads `{value}` as text)"
    if "text" in wanted and isinstance(value, bool | int | float):
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        return message, f'quote it: `{key + ": " if key != "-" else ""}"{shown}"`'
    if wanted == ["a whole number"] and isinstance(value, float):
        return message, f"use a whole number, e.g. `{key}: {round(value)}`"
    if "a mapping" in wanted and _entries_as_list(value):
        return message, f"drop the `- ` before each entry: `{key}` takes `name: value` lines"
    if "a mapping" in wanted:
        return message, _mapping_hint(path)
    if "a list" in wanted:
        return message, f"write a list, e.g. `{key}: [a, b]`"
    if isinstance(value, dict | list):
        return message, "give a single value, not a list or mapping"
    return message, "see `persistgen schema`"


def _a_field(value: Any) -> bool:
    """Whether `value` reads as a field (`decimal`, `str:200`, `{type: int}`)."""
    if isinstance(value, dict):
        return "type" in value
    try:
        return isinstance(value, str) and bool(compact.expand(value))
    except compact.CompactError:
        return False


def _entries_as_list(value: Any) -> bool:
    """A mapping written as a list of one-entry mappings (`- title: str`)."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and len(v) == 1 for v in value)
    )


def _mapping_hint(path: SpecPath) -> str:
    if len(path) == 4 and path[0] == "resources" and path[2] == "fields":
        return "write a mapping like `{type: str, max_length: 200}`, or a compact one: `str:200`"
    if len(path) == 2 and path[0] == "resources":
        return "give it fields, e.g. `fields: {title: str}`"
    if path[-1:] == ("fields",):
        return "map field names to types, e.g. `title: str:200`"
    if path == ("resources",):
        return "map resource names to resources, e.g. `Post: {fields: {title: str}}`"
    if path == ("project",):
        return "e.g. `project: {name: my-app}`"
    return "see `persistgen schema`"


def _data_path(data: Any, loc: tuple[int | str, ...]) -> SpecPath:
    """Keep the part of pydantic's location that exists in the document (or names a new key).

    Inside a compact field string the option pydantic names is kept too, so `str:0` is
    reported at `...fields.title.max_length` (and located at the string).
    """
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and str(part) in {str(k) for k in node}:
            node = next(v for k, v in node.items() if str(k) == str(part))
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif isinstance(node, dict) and not any(isinstance(p, int) for p in path[-1:]):
            path.append(part)  # a missing or unknown key: still worth naming
            break
        elif isinstance(node, str) and _is_field(path) and part in FieldSpec.model_fields:
            path.append(part)  # an option inside a compact field
            break
        else:
            break
        path.append(part)
    return tuple(path)


def _is_field(path: list[str | int]) -> bool:
    return len(path) == 4 and path[0] == "resources" and path[2] == "fields"


def _allowed_keys(path: SpecPath) -> list[str]:
    """The keys the model at `path` accepts, found by walking the pydantic models."""
    model: Any = Spec
    for part in path:
        if isinstance(part, int):
            if typing.get_origin(model) is list:  # an item of `unique` or `index`
                model = _unwrap(typing.get_args(model)[0])
            continue
        if isinstance(model, type) and issubclass(model, BaseModel):
            info = model.model_fields.get(str(part))
            if info is None:
                return []
            model = _unwrap(info.annotation)
        else:  # a dict of models: the part is a user-chosen name
            model = _unwrap(typing.get_args(model)[-1])
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [info.alias or name for name, info in model.model_fields.items()]  # `schema`
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip `Annotated[...]` and `X | None` down to the model or dict inside."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    models = [a for a in typing.get_args(annotation) if isinstance(a, type)]
    if typing.get_origin(annotation) is dict:
        return annotation
    if models and typing.get_origin(annotation) is not None:
        return _unwrap(models[0])
    return annotation
