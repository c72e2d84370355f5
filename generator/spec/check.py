"""Checks that need the whole spec: option applicability, defaults, names, references."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from persistgen import naming
from persistgen.spec.load import SpecPath
from persistgen.spec.model import FieldSpec, ResourceSpec, Spec

NUMERIC = {"int", "bigint", "float", "decimal"}
PRIMARY_KEY_TYPES = {"int", "bigint", "str", "uuid"}
TEMPORAL = {"date", "datetime", "time"}
# Which options mean something for which types.
OPTION_TYPES: dict[str, set[str]] = {
    "max_length": {"str", "text"},  # a column length for str; a DTO bound for both
    "min_length": {"str", "text"},
    "ge": NUMERIC,
    "le": NUMERIC,
    "precision": {"decimal"},
    "scale": {"decimal"},
    "timezone": {"datetime", "time"},
    "values": {"enum"},
    "target": {"ref"},
    "on_delete": {"ref"},
    "back_populates": {"ref"},
}
_LITERAL_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "bigint": (int,),
    "float": (int, float),
    "decimal": (int, float, str),
    "str": (str,),
    "text": (str,),
    "enum": (str,),
    "bool": (bool,),
}
_ASYNC_URL = re.compile(r"^(sqlite\+aiosqlite|postgresql\+asyncpg)://")
_DIST_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")
_RESERVED_PACKAGES = {"tests", "migrations", "alembic", "sqlalchemy", "fastapi", "pydantic"}


@dataclass(frozen=True)
class Finding:
    path: SpecPath
    message: str
    hint: str
    at_key: bool = False


def check(spec: Spec) -> list[Finding]:
    return [*_project(spec), *_resources(spec)]


def _project(spec: Spec) -> Iterator[Finding]:
    project = spec.project
    if not _DIST_NAME.match(project.name):
        yield Finding(
            ("project", "name"),
            f"`{project.name}` is not a valid project name",
            "use letters, digits, `-`, `_` or `.`, starting with a letter",
        )
    package = project.package
    if package is not None:
        problem = naming.attribute_problem(package)
        if problem and problem[0].startswith("field names"):
            yield Finding(
                ("project", "package"), "the package must be a lower snake_case identifier", ""
            )
        elif package in _RESERVED_PACKAGES or problem:
            yield Finding(
                ("project", "package"),
                f"`{package}` would clash with a module the project needs",
                f"use `{package}_app`",
            )
    if project.database_url is not None and not _ASYNC_URL.match(project.database_url):
        yield Finding(
            ("project", "database_url"),
            "the database URL must use an async driver",
            "use `sqlite+aiosqlite:///./app.db` or `postgresql+asyncpg://user@host/db`",
        )


def _resources(spec: Spec) -> Iterator[Finding]:
    tables: dict[str, str] = {}
    modules: dict[str, str] = {}
    for name, resource in spec.resources.items():
        path: SpecPath = ("resources", name)
        problem = naming.resource_problem(name)
        if problem:
            yield Finding(
                path,
                f"`{name}` cannot be a resource name: {problem[0]}",
                f"rename it to {problem[1]}",
                at_key=True,
            )
        table = resource.table or naming.plural(naming.snake(name))
        table_issue = naming.table_problem(table)
        if table_issue:
            yield Finding((*path, "table"), f"`{table}`: {table_issue[0]}", f"use {table_issue[1]}")
        if table in tables:
            yield Finding(
                (*path, "table"),
                f"table `{table}` is already used by `{tables[table]}`",
                "set a distinct `table` on one of them",
            )
        tables[table] = name
        module = naming.snake(name)
        if module in modules:
            yield Finding(
                path,
                f"`{name}` and `{modules[module]}` would share the module `{module}.py`",
                "rename one of them",
                at_key=True,
            )
        modules[module] = name
        yield from _fields(spec, name, resource)


def _fields(spec: Spec, resource_name: str, resource: ResourceSpec) -> Iterator[Finding]:
    base: SpecPath = ("resources", resource_name, "fields")
    keys = [n for n, f in resource.fields.items() if f.primary_key]
    if len(keys) > 1:
        yield Finding(
            (*base, keys[1], "primary_key"),
            "only one field can be the primary key",
            "composite keys are not supported yet; use a unique field instead",
        )
    columns = {n if f.type != "ref" else f"{n}_id": n for n, f in resource.fields.items()}
    if not keys and "id" in resource.fields:
        yield Finding(
            (*base, "id"),
            "`id` is the implicit primary key",
            "mark it `primary_key: true`, or rename it",
            at_key=True,
        )
    folded: dict[str, str] = {}
    for name, field in resource.fields.items():
        path: SpecPath = (*base, name)
        problem = naming.attribute_problem(name)
        if problem:
            yield Finding(
                path,
                f"`{name}` cannot be a field name: {problem[0]}",
                f"rename it, e.g. to {problem[1]}",
                at_key=True,
            )
        fold = name.replace("_", "")
        if fold in folded:
            yield Finding(
                path,
                f"`{name}` is too close to `{folded[fold]}`",
                "names that differ only by underscores are confusing; rename one",
                at_key=True,
            )
        folded[fold] = name
        if field.type == "ref" and columns.get(f"{name}_id") not in (None, name):
            yield Finding(
                path,
                f"the reference `{name}` needs the column `{name}_id`, "
                "which another field already uses",
                "rename one of them",
                at_key=True,
            )
        yield from _field(spec, resource_name, path, field)


def _field(spec: Spec, resource_name: str, path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    for option, types in OPTION_TYPES.items():
        if option in f.model_fields_set and f.type not in types:
            yield Finding(
                (*path, option),
                f"`{option}` does not apply to a {f.type} field",
                f"remove it, or use it with: {', '.join(sorted(types))}",
                at_key=True,
            )
    if f.type == "enum":
        yield from _enum(path, f)
    if f.type == "ref":
        yield from _ref(spec, resource_name, path, f)
    if f.type == "decimal" and (f.precision or 12) < (f.scale or 2):
        yield Finding((*path, "scale"), "scale cannot exceed precision", "lower the scale")
    bounds = [(f.min_length, f.max_length, "min_length"), (f.ge, f.le, "ge")]
    for low, high, option in bounds:
        if low is not None and high is not None and low > high:
            yield Finding(
                (*path, option), f"`{option}` is above its upper bound", "swap the two bounds"
            )
    if f.primary_key:
        if f.type not in PRIMARY_KEY_TYPES:
            yield Finding(
                (*path, "primary_key"),
                f"a {f.type} field cannot be the primary key",
                f"use one of: {', '.join(sorted(PRIMARY_KEY_TYPES))}",
            )
        if f.nullable:
            yield Finding(
                (*path, "nullable"), "a primary key cannot be nullable", "remove `nullable`"
            )
    if "default" in f.model_fields_set and f.default is not None:
        yield from _literal(path, "default", f.default, f)
    if f.server_default is not None:
        if f.server_default == "now":
            if f.type not in TEMPORAL:
                yield Finding(
                    (*path, "server_default"),
                    "`now` only suits date, datetime, time",
                    "use a literal of the field's type",
                )
        else:
            yield from _literal(path, "server_default", f.server_default, f)
    has_value = f.default is not None or f.server_default is not None or f.nullable
    if f.read_only and not f.primary_key and not has_value:
        yield Finding(
            (*path, "read_only"),
            "a read-only field needs a value nobody sends",
            "add `server_default` or `default`, or make it `nullable`",
        )
    if f.unique and f.index:
        yield Finding((*path, "index"), "`unique` already creates an index", "remove `index`")


def _enum(path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    if not f.values:
        yield Finding(path, "an enum field needs `values`", "add e.g. `values: [draft, published]`")
        return
    seen: set[str] = set()
    for index, value in enumerate(f.values):
        if not value or value in seen:
            yield Finding(
                (*path, "values", index),
                f"enum value {value!r} is empty or repeated",
                "list each value once",
            )
        seen.add(value)


def _ref(spec: Spec, resource_name: str, path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    if f.target is None:
        yield Finding(path, "a ref field needs a `target` resource", "add e.g. `target: User`")
        return
    target = spec.resources.get(f.target)
    if target is None:
        known = ", ".join(sorted(spec.resources)) or "none"
        yield Finding((*path, "target"), f"no resource named `{f.target}`", f"use one of: {known}")
        return
    if f.on_delete == "set null" and not f.nullable:
        yield Finding(
            (*path, "on_delete"),
            "`set null` needs a nullable reference",
            "add `nullable: true`, or use `cascade` or `restrict`",
        )
    reverse = f.back_populates or naming.plural(naming.snake(resource_name))
    problem = naming.attribute_problem(reverse)
    if problem:
        yield Finding((*path, "back_populates"), f"`{reverse}`: {problem[0]}", f"use {problem[1]}")
    if reverse in target.fields:
        yield Finding(
            (*path, "back_populates"),
            f"`{f.target}` already has a field `{reverse}`",
            "set `back_populates` to another name for the reverse collection",
        )


def _literal(path: SpecPath, option: str, value: Any, f: FieldSpec) -> Iterator[Finding]:
    allowed = _LITERAL_TYPES.get(f.type)
    at = (*path, option)
    if allowed is None:
        yield Finding(
            at,
            f"a {f.type} field takes no literal `{option}`",
            "use `server_default: now` for times, or leave it out",
        )
        return
    if isinstance(value, bool) != (f.type == "bool") or not isinstance(value, allowed):
        yield Finding(at, f"{value!r} is not a {f.type}", f"give a {f.type} literal")
        return
    if f.type == "enum" and f.values and value not in f.values:
        yield Finding(at, f"{value!r} is not one of the enum values", f"use one of {f.values}")
    if f.type == "decimal" and isinstance(value, str) and not _is_decimal(value):
        yield Finding(at, f"{value!r} is not a decimal number", "write it like `9.99`")
    if isinstance(value, str) and f.max_length is not None and len(value) > f.max_length:
        yield Finding(at, f"the {option} is longer than max_length", "shorten it")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if (f.ge is not None and value < f.ge) or (f.le is not None and value > f.le):
            yield Finding(
                at, f"the {option} {value} is outside the ge/le bounds", "pick a value inside them"
            )


def _is_decimal(text: str) -> bool:
    return re.fullmatch(r"-?\d+(\.\d+)?", text) is not None
