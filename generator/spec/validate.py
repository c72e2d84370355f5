"""Read a spec file into a validated `Spec`, or raise one UserError listing every problem."""

from __future__ import annotations

import difflib
import typing
from pathlib import Path
from typing import Any

from persistgen.errors import Problem, UserError
from persistgen.spec.check import check
from persistgen.spec.load import Document, SpecPath, load_file, load_text
from persistgen.spec.model import Spec
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

MAX_PROBLEMS = 12  # one screen


def read_spec(path: Path) -> Spec:
    return validate(load_file(path))


def read_spec_text(text: str, file: str = "<input>") -> Spec:
    return validate(load_text(text, file))


def validate(doc: Document) -> Spec:
    try:
        spec = Spec.model_validate(doc.data)
    except ValidationError as exc:
        raise UserError(_dedupe([_from_pydantic(doc, e) for e in exc.errors()])) from None
    findings = check(spec)
    if findings:
        raise UserError(
            [_problem(doc, f.path, f.message, f.hint, at_key=f.at_key) for f in findings][
                :MAX_PROBLEMS
            ]
        )
    return spec


def _problem(doc: Document, path: SpecPath, message: str, hint: str, *, at_key: bool) -> Problem:
    line, column = doc.locate(path, key=at_key) or (None, None)
    return Problem(message, hint, doc.file, line, column, ".".join(str(p) for p in path))


def _from_pydantic(doc: Document, error: ErrorDetails) -> Problem:
    path = _data_path(doc.data, error["loc"])
    kind = error["type"]
    message = error["msg"].removeprefix("Value error, ")
    hint = ""
    if kind == "extra_forbidden":
        key = str(path[-1])
        allowed = _allowed_keys(path[:-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        message = f"unknown key `{key}`"
        hint = f"did you mean `{close[0]}`?" if close else f"allowed keys: {', '.join(allowed)}"
        return _problem(doc, path, message, hint, at_key=True)
    if kind == "missing":
        message = f"`{path[-1]}` is required"
        hint = f"add `{path[-1]}:` here"
        return _problem(doc, path[:-1], message, hint, at_key=True)
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        close = difflib.get_close_matches(str(error["input"]), _literals(expected), n=1)
        message = f"{error['input']!r} is not allowed here"
        hint = f"did you mean `{close[0]}`? " if close else ""
        hint += f"expected {expected}"
    return _problem(doc, path, message, hint or "see `persistgen schema`", at_key=False)


def _data_path(data: Any, loc: tuple[int | str, ...]) -> SpecPath:
    """Keep the part of pydantic's location that exists in the document (or names a new key)."""
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
        else:
            break
        path.append(part)
    return tuple(path)


def _allowed_keys(path: SpecPath) -> list[str]:
    """The keys the model at `path` accepts, found by walking the pydantic models."""
    model: Any = Spec
    for part in path:
        if isinstance(part, int):
            continue
        if isinstance(model, type) and issubclass(model, BaseModel):
            info = model.model_fields.get(str(part))
            if info is None:
                return []
            model = _unwrap(info.annotation)
        else:  # a dict of models: the part is a user-chosen name
            model = _unwrap(typing.get_args(model)[-1])
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
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


def _literals(expected: str) -> list[str]:
    return [part.strip(" '") for part in expected.replace(" or ", ",").split(",")]


def _dedupe(problems: list[Problem]) -> list[Problem]:
    """A bad value in a union field yields one error per member; show it once."""
    seen: dict[str, Problem] = {}
    for problem in problems:
        seen.setdefault(problem.spec_path, problem)
    return list(seen.values())[:MAX_PROBLEMS]
