"""One naming policy for every name a spec puts into generated code, files and SQL."""

from __future__ import annotations

import keyword
import re

from pydantic import BaseModel

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

# Attributes a field would shadow on the classes every generated model or DTO derives from.
_PYDANTIC = {n for n in dir(BaseModel) if not n.startswith("_")}
_SQLALCHEMY = {"metadata", "registry", "awaitable_attrs", "type_annotation_map"}
# Lower-case names the generated modules import or define at module level.
GENERATED_MODULE_NAMES = {
    "dt",
    "func",
    "mapped_column",
    "relationship",
    "select",
    "insert",
    "annotations",
}


def snake(name: str) -> str:
    """`BlogPost` -> `blog_post`."""
    return _WORD_BREAK.sub("_", name).lower()


def plural(word: str) -> str:
    """English plural, good enough for default table names (users can set `table`)."""
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"


def kebab(name: str) -> str:
    return snake(name).replace("_", "-")


def attribute_problem(name: str) -> tuple[str, str] | None:
    """Why `name` cannot be a field (column attribute), and a suggestion; None if it can."""
    suggestion = f"`{name}_`" if name.isidentifier() else "a snake_case name"
    if not name.isascii() or not _SNAKE.match(name):
        return "field names are lower snake_case ASCII identifiers starting with a letter", (
            f"`{snake(re.sub(r'[^0-9A-Za-z_]', '_', name)).strip('_') or 'field'}`"
        )
    if keyword.iskeyword(name):
        return "it is a Python keyword", suggestion
    if name in _SQLALCHEMY:
        return "it would shadow an attribute of SQLAlchemy's declarative base", suggestion
    if name in _PYDANTIC or name.startswith("model_"):
        return "it would shadow a Pydantic BaseModel attribute (`model_` is reserved)", suggestion
    if name in GENERATED_MODULE_NAMES:
        return "the generated modules already use this name", suggestion
    return None


def resource_problem(name: str) -> tuple[str, str] | None:
    """Why `name` cannot be a resource (class) name, and a suggestion; None if it can."""
    if not name.isascii() or not _PASCAL.match(name):
        cleaned = "".join(part.capitalize() for part in re.split(r"[^0-9A-Za-z]+", name) if part)
        return "resource names are PascalCase ASCII identifiers", f"`{cleaned or 'Resource'}`"
    if keyword.iskeyword(name) or name in {"Base", "Any", "Decimal", "UUID"}:
        return "the generated modules already use this name", f"`{name}Item`"
    if name.endswith(("Create", "Update", "Read", "Repository", "Page", "Sort")):
        return "it would clash with the generated DTO and repository classes", f"`{name}s`"
    return None


def table_problem(name: str) -> tuple[str, str] | None:
    if not _SNAKE.match(name) or len(name) > 63:
        return "table names are lower snake_case, at most 63 characters", f"`{snake(name)[:63]}`"
    return None
