"""Checks that need the whole spec: option applicability, defaults, names, references."""

from __future__ import annotations

import difflib
import keyword
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from persistgen import naming
from persistgen.spec.load import SpecPath, describe
from persistgen.spec.model import FieldSpec, ResourceSpec, Spec

NUMERIC = {"int", "bigint", "float", "decimal"}
PRIMARY_KEY_TYPES = {"int", "bigint", "str", "uuid"}
TEMPORAL = {"date", "datetime", "time"}
DECIMAL_PRECISION, DECIMAL_SCALE = 12, 2  # as typemap.py applies them
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
    "native": {"enum"},
    "target": {"ref", "many"},
    "on_delete": {"ref"},
    "back_populates": {"ref", "many"},
    "through": {"many"},
    "target_field": {"ref"},
    "onupdate": {"datetime"},
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
    return [
        *_project(spec),
        *_resources(spec),
        *_class_names(spec),
        *_reverse_relations(spec),
        *_reference_cycles(spec),
    ]


def _project(spec: Spec) -> Iterator[Finding]:
    project = spec.project
    if not _DIST_NAME.match(project.name):
        yield Finding(
            ("project", "name"),
            f"`{project.name}` is not a valid project name",
            "use letters, digits, `-`, `_` or `.`, starting with a letter",
        )
    package = project.python_package
    issue = _package_problem(package)
    if issue and project.package is not None:
        yield Finding(
            ("project", "package"), f"the package `{package}` {issue[0]}", f"use `{issue[1]}`"
        )
    elif issue and _DIST_NAME.match(project.name):
        yield Finding(
            ("project", "name"),
            f"the package named after the project, `{package}`, {issue[0]}",
            f"add `package: {issue[1]}` under `project`",
        )
    if project.database_url is not None and not _ASYNC_URL.match(project.database_url):
        yield _database_url(project.database_url)
    schema_issue = project.schema_ and naming.schema_problem(project.schema_)
    if schema_issue:
        yield Finding(
            ("project", "schema"),
            f"`{project.schema_}`: {schema_issue[0]}",
            f"use {schema_issue[1]}",
        )


def _package_problem(package: str) -> tuple[str, str] | None:
    """Why `package` cannot be the generated Python package, and a fix; None if it can."""
    problem = naming.attribute_problem(package)
    if problem and problem[0].startswith("field names"):
        return "is not a lower snake_case identifier", problem[1].strip("`")
    if keyword.iskeyword(package):
        return "is a Python keyword", f"{package}_app"
    if package in _RESERVED_PACKAGES or problem:
        return "would clash with a module the project needs", f"{package}_app"
    if package in naming.DEVICE_NAMES:
        return "is a device name on Windows, not a directory", f"{package}_app"
    return None


def _database_url(url: str) -> Finding:
    scheme = url.partition("://")[0] if "://" in url else ""
    if scheme.split("+")[0] == "sqlite":
        hint = f"write `sqlite+aiosqlite://` instead of `{scheme}://`"
    elif scheme.split("+")[0] in ("postgresql", "postgres"):
        hint = f"write `postgresql+asyncpg://` instead of `{scheme}://`"
    else:
        hint = "use `sqlite+aiosqlite:///./app.db` or `postgresql+asyncpg://user@host/db`"
    shown = f"`{scheme}://`" if scheme else "this database URL"
    return Finding(
        ("project", "database_url"),
        f"{shown} does not name an async driver (sqlite+aiosqlite or postgresql+asyncpg)",
        hint,
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
        table = resource.table_name(name)
        table_issue = naming.table_problem(table)
        if table_issue:
            yield Finding((*path, "table"), f"`{table}`: {table_issue[0]}", f"use {table_issue[1]}")
        if table in tables:
            yield Finding(
                (*path, "table") if resource.table else path,
                f"table `{table}` is already used by `{tables[table]}`"
                if resource.table
                else f"`{name}` would use the table `{table}`, which `{tables[table]}` uses",
                "set a distinct `table` on one of them",
                at_key=resource.table is None,
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
        yield from _checks(name, resource)
        yield from _composites(name, resource)
    for name, resource in spec.resources.items():
        for field_name, f in resource.fields.items():
            if f.type != "many":
                continue
            table = f.association_table(name, field_name)
            if table in tables:
                yield Finding(
                    ("resources", name, "fields", field_name),
                    f"the link table `{table}` of `{name}.{field_name}` is already used by "
                    f"`{tables[table]}`",
                    "set `through` to a free table name",
                    at_key=True,
                )
            tables[table] = f"{name}.{field_name}"


def _checks(resource_name: str, resource: ResourceSpec) -> Iterator[Finding]:
    for name, expression in resource.checks.items():
        path: SpecPath = ("resources", resource_name, "checks", name)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            yield Finding(
                path, f"`{name}` cannot name a check", "use lower snake_case", at_key=True
            )
        if not expression.strip():
            yield Finding(path, "the check has no SQL expression", "write e.g. `price >= 0`")


def _composites(resource_name: str, resource: ResourceSpec) -> Iterator[Finding]:
    """`unique` and `index` on a resource list fields that must exist and be columns."""
    for option in ("unique", "index"):
        for number, names in enumerate(getattr(resource, option)):
            path: SpecPath = ("resources", resource_name, option, number)
            if len(names) < 2 or len(set(names)) < len(names):
                yield Finding(
                    path,
                    f"a resource's `{option}` lists two or more different fields",
                    f"for one field, set `{option}: true` on the field itself",
                )
            for position, name in enumerate(names):
                field = resource.fields.get(name)
                implicit_key = (
                    name == "id" and "id" not in resource.fields and not resource.key_fields
                )
                if (field is None and not implicit_key) or (field and field.type == "many"):
                    columns = [n for n, f in resource.fields.items() if f.type != "many"]
                    yield Finding(
                        (*path, position),
                        f"`{name}` is not a column of `{resource_name}`",
                        f"list fields of `{resource_name}`: {', '.join(columns)}",
                    )


def _fields(spec: Spec, resource_name: str, resource: ResourceSpec) -> Iterator[Finding]:
    base: SpecPath = ("resources", resource_name, "fields")
    keys = resource.key_fields
    if len(keys) > 1:
        yield from _composite_key(resource_name, resource)
    elif keys and resource.fields[keys[0]].type == "ref":
        yield Finding(
            (*base, keys[0], "primary_key"),
            "a reference alone cannot be the primary key",
            "for one-to-one, keep the implicit `id` and make the reference `unique: true`; "
            "or mark a second field `primary_key` for a composite key",
        )
    columns: dict[str, list[str]] = {}
    for n, f in resource.fields.items():
        columns.setdefault(f.attribute(n), []).append(n)
    if not keys and "id" in resource.fields:
        yield Finding(
            (*base, "id"),
            "`id` is the implicit primary key",
            "mark it `primary_key: true`, or rename it",
            at_key=True,
        )
    folded: dict[str, str] = {}
    db_columns: dict[str, str] = {} if keys else {"id": "the implicit key `id`"}
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
        attribute = field.attribute(name)
        if field.type == "ref" and len(columns[attribute]) > 1:
            other = next(n for n in columns[attribute] if n != name)
            yield Finding(
                path,
                f"the reference `{name}` needs the column `{attribute}`, "
                f"which is also the field `{other}`",
                "rename one of them",
                at_key=True,
            )
        if field.type != "many":
            db_name = field.column_name(name)
            reported = db_name == attribute and len(columns[attribute]) > 1
            if db_name in db_columns and not reported:
                yield Finding(
                    (*path, "column") if field.column else path,
                    f"the column `{db_name}` would hold both `{db_columns[db_name]}` and `{name}`",
                    "set a distinct `column` on one of them",
                    at_key=not field.column,
                )
            db_columns[db_name] = name
        yield from _field(spec, resource_name, path, field)


# Parameters of the routes that address one row, next to the fields of a composite key.
# Their local variables too: a parameter of the same name would be overwritten.
ROUTE_PARAMETERS = {
    "session",
    "data",
    "include",
    "item",
    "limit",
    "offset",
    "repository",
    "instance",
}


def _composite_key(resource_name: str, resource: ResourceSpec) -> Iterator[Finding]:
    """Clients address a row by all its key fields, so they set each, one path segment apiece."""
    base: SpecPath = ("resources", resource_name, "fields")
    for name in resource.key_fields:
        f = resource.fields[name]
        if f.read_only:
            yield Finding(
                (*base, name, "read_only"),
                "clients set every field of a composite key",
                "remove `read_only`",
            )
        if f.attribute(name) in ROUTE_PARAMETERS:
            yield Finding(
                (*base, name),
                f"`{f.attribute(name)}` would clash with a parameter of the routes that take "
                f"the key ({', '.join(sorted(ROUTE_PARAMETERS))})",
                "rename the field",
                at_key=True,
            )
    for name, f in resource.fields.items():
        if f.type == "many":
            yield Finding(
                (*base, name),
                "a resource with a composite primary key cannot have many fields yet: a link "
                "table refers to one key column",
                "add a resource with a reference to each side instead",
                at_key=True,
            )


def _held_type(spec: Spec, f: FieldSpec) -> str | None:
    """The type of what a reference holds; None when the target is missing or has no one
    column to hold (both reported elsewhere)."""
    target = spec.resources.get(f.target or "")
    if target is None:
        return None
    if f.target_field is not None:
        held = target.fields.get(f.target_field)
        return held.type if held else None
    keys = target.key_fields
    if len(keys) > 1:
        return None
    return target.fields[keys[0]].type if keys else target.id_type


def _field(spec: Spec, resource_name: str, path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    for option in ("ge", "le", "default", "server_default", "backfill"):
        value = getattr(f, option)
        if isinstance(value, float) and not math.isfinite(value):
            yield Finding(
                (*path, option),
                f"`{option}` must be a finite number, not {value}",
                "write an ordinary number",
            )
    for option, types in OPTION_TYPES.items():
        if option in f.model_fields_set and f.type not in types:
            yield Finding(
                (*path, option),
                f"`{option}` does not apply to {_a(f.type)} field",
                f"remove it, or use it with: {', '.join(sorted(types))}",
                at_key=True,
            )
    if f.type == "enum":
        yield from _enum(path, f)
    if f.column is not None and (issue := naming.table_problem(f.column)):
        yield Finding(
            (*path, "column"),
            f"`{f.column}`: {issue[0].replace('table', 'column')}",
            f"use {issue[1]}",
        )
    if f.type in ("ref", "many"):
        yield from _ref(spec, resource_name, path, f)
    if f.type == "many":
        yield from _many(resource_name, path, f)
    if f.type == "decimal":
        yield from _decimal(path, f)
    bounds = [(f.min_length, f.max_length, "min_length", "max_length"), (f.ge, f.le, "ge", "le")]
    for low, high, option, upper in bounds:
        if low is not None and high is not None and low > high:
            yield Finding(
                (*path, option),
                f"`{option}` ({low}) is above `{upper}` ({high})",
                f"swap the two bounds, or lower `{option}`",
            )
    if f.primary_key:
        key_type = _held_type(spec, f) if f.type == "ref" else f.type
        if key_type is not None and key_type not in PRIMARY_KEY_TYPES:
            allowed = ", ".join(sorted(PRIMARY_KEY_TYPES))
            yield Finding(
                (*path, "primary_key"),
                f"a reference holding {_a(key_type)} field cannot be part of the primary key"
                if f.type == "ref"
                else f"{_a(f.type)} field cannot be the primary key",
                f"set `target_field` to a unique field of type {allowed}, or remove `primary_key`"
                if f.type == "ref"
                else f"use one of: {allowed}",
            )
        if f.nullable:
            yield Finding(
                (*path, "nullable"), "a primary key cannot be nullable", "remove `nullable`"
            )
    if "default" in f.model_fields_set and f.default is not None:
        yield from _literal(path, "default", f.default, f)
    if f.backfill is not None:
        yield from _literal(path, "backfill", f.backfill, f)
    if f.server_default is not None:
        if f.server_default == "now":
            if f.type not in TEMPORAL:
                yield Finding(
                    (*path, "server_default"),
                    f"`server_default: now` does not suit {_a(f.type)} field",
                    "use it on date, datetime or time fields; here give a literal or remove it",
                )
        else:
            yield from _literal(path, "server_default", f.server_default, f)
    has_value = f.default is not None or f.server_default is not None or f.nullable
    if f.read_only and not f.primary_key and not has_value:
        yield Finding(
            (*path, "read_only"),
            "clients do not send a read-only field, so it needs a value of its own",
            "add `server_default` or `default`, or make it `nullable`",
        )
    if f.unique and f.index:
        yield Finding((*path, "index"), "`unique` already creates an index", "remove `index`")
    if f.filter:
        yield from _filter(path, f)


def _enum(path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    if not f.values:
        yield Finding(
            (*path, "values"),
            "an enum field needs `values`",
            "add e.g. `values: [draft, published]`, or write `enum:draft|published`",
        )
        return
    seen: set[str] = set()
    for index, value in enumerate(f.values):
        if not value:
            yield Finding((*path, "values", index), "an enum value is empty", "remove it")
        elif len(value) > 63:  # PostgreSQL's limit for an ENUM label, kept for either storage
            yield Finding(
                (*path, "values", index),
                f"enum value `{value[:20]}…` is {len(value)} characters; at most 63 fit",
                "shorten it",
            )
        elif value in seen:
            yield Finding(
                (*path, "values", index),
                f"enum value `{value}` is listed twice",
                "list each value once",
            )
        seen.add(value)


_NOT_HELD = ("ref", "many", "enum")  # field types a reference cannot hold (`target_field`)


def _ref(spec: Spec, resource_name: str, path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    if f.target is None:
        yield Finding(
            (*path, "target"),
            f"a {f.type} field needs a `target` resource",
            f"add e.g. `target: User`, or write `{f.type}:User`",
        )
        return
    target = spec.resources.get(f.target)
    if target is None:
        names = sorted(spec.resources)
        close = difflib.get_close_matches(f.target, names, n=1, cutoff=0.6)
        close += [n for n in names if n.lower() == f.target.lower()][:1]
        hint = f"did you mean `{close[-1]}`? " if close else ""
        yield Finding(
            (*path, "target"),
            f"no resource named `{f.target}`",
            f"{hint}resources: {', '.join(names)}",
        )
        return
    if f.target == resource_name and f.type == "ref" and not f.nullable:
        yield Finding(
            (*path, "nullable"),
            f"`{resource_name}` cannot require a reference to itself: no first row could exist",
            "add `nullable: true`",
        )
    if len(target.key_fields) > 1 and f.type == "many":
        yield Finding(
            (*path, "target"),
            f"`{f.target}` has a composite primary key, which a many field cannot link to yet",
            "add a resource with a reference to each side instead",
        )
    elif len(target.key_fields) > 1 and f.target_field is None:
        unique = [n for n, h in target.fields.items() if h.unique and h.type not in _NOT_HELD]
        yield Finding(
            (*path, "target"),
            f"`{f.target}` has a composite primary key; a reference holds one column, "
            f"so it needs a unique field of `{f.target}`",
            f"set `target_field` to one of: {', '.join(unique)}"
            if unique
            else f"add a unique field to `{f.target}` and set `target_field` to it",
        )
    if f.target_field is not None:
        held = target.fields.get(f.target_field)
        # An enum's type belongs to its own field; a reference would need a second one.
        sole_key = held is not None and held.primary_key and len(target.key_fields) == 1
        if held is None or not (held.unique or sole_key) or held.type in _NOT_HELD:
            candidates = [
                n for n, h in target.fields.items() if h.unique and h.type not in _NOT_HELD
            ]
            yield Finding(
                (*path, "target_field"),
                f"a reference holds a unique field of `{f.target}`; `{f.target_field}` is "
                + ("an enum, which it cannot hold" if held and held.type == "enum" else "not one"),
                f"use one of: {', '.join(candidates)}" if candidates else "leave it out: the key",
            )
    if f.on_delete == "set null" and not f.nullable:
        yield Finding(
            (*path, "on_delete"),
            "`on_delete: set null` needs a nullable reference",
            "add `nullable: true`, or use `cascade` or `restrict`",
        )
    reverse = f.reverse_name(resource_name)
    problem = naming.attribute_problem(reverse)
    if problem:
        yield Finding(
            (*path, "back_populates"),
            f"`{reverse}` cannot name the reverse collection: {problem[0]}",
            f"set `back_populates` to e.g. {problem[1]}",
        )


# Query parameters of every list route, next to the filters.
PAGING_PARAMETERS = {"limit", "offset", "sort", "after"}


def _filter(path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    name = str(path[-1])
    if f.type in ("json", "bytes"):
        yield Finding(
            (*path, "filter"), f"{_a(f.type)} field cannot be filtered on", "remove `filter`"
        )
    elif name in PAGING_PARAMETERS or "__" in name:
        yield Finding(
            (*path, "filter"),
            f"a filter on `{name}` would clash with the list route's query parameters",
            f"rename the field (lists take {', '.join(sorted(PAGING_PARAMETERS))} and "
            "`<field>__<operator>`)",
        )


_MANY_OPTIONS = {"type", "description", "target", "back_populates", "through", "renamed_from"}


def _many(resource_name: str, path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    """A many field is a link table, not a column: column options mean nothing for it."""
    if f.target == resource_name:
        yield Finding(
            (*path, "target"),
            f"`{resource_name}` cannot link to itself with a many field yet",
            f"add a resource with two references to `{resource_name}` (e.g. a follow or a "
            "membership) instead",
        )
    for option in sorted(f.model_fields_set - _MANY_OPTIONS - set(OPTION_TYPES)):
        yield Finding(
            (*path, option),
            f"`{option}` does not apply to a many field (a link table, not a column)",
            f"remove it; a many field takes: {', '.join(sorted(_MANY_OPTIONS - {'type'}))}",
            at_key=True,
        )
    table = f.association_table(resource_name, str(path[-1]))
    issue = naming.table_problem(table)
    if issue:
        at = (*path, "through") if f.through else path
        hint = f"use {issue[1]}" if f.through else f"set `through` to a shorter name, {issue[1]}"
        yield Finding(at, f"the link table `{table}`: {issue[0]}", hint, at_key=not f.through)


def _literal(path: SpecPath, option: str, value: Any, f: FieldSpec) -> Iterator[Finding]:
    allowed = _LITERAL_TYPES.get(f.type)
    at = (*path, option)
    if allowed is None:
        yield Finding(
            at,
            f"{_a(f.type)} field takes no literal `{option}`",
            "use `server_default: now` for times, or leave it out",
        )
        return
    if isinstance(value, bool) != (f.type == "bool") or not isinstance(value, allowed):
        yield Finding(
            at,
            f"the {option} of {_a(f.type)} field cannot be {describe(value)}",
            f"give {_a(f.type)} literal{_example(f)}",
        )
        return
    if f.type == "enum" and f.values and value not in f.values:
        yield Finding(
            at,
            f"the {option} `{value}` is not one of the enum values",
            f"use one of: {', '.join(f.values)}",
        )
    if f.type == "decimal" and isinstance(value, str) and not _is_decimal(value):
        yield Finding(at, f"the {option} `{value}` is not a decimal number", "write it like `9.99`")
    elif f.type == "decimal" and _too_wide(value, f):
        precision, scale = f.digits
        yield Finding(
            at,
            f"the {option} {value} does not fit in {precision} digits with {scale} after the point",
            f"use at most {precision - scale} digits before the point, or raise `precision`",
        )
    if isinstance(value, str) and f.max_length is not None and len(value) > f.max_length:
        yield Finding(
            at,
            f"the {option} is {len(value)} characters, longer than max_length {f.max_length}",
            "shorten it, or raise `max_length`",
        )
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and ((f.ge is not None and value < f.ge) or (f.le is not None and value > f.le)):
        yield Finding(
            at, f"the {option} {value} is outside the ge/le bounds", "pick a value inside them"
        )


def _is_decimal(text: str) -> bool:
    return re.fullmatch(r"-?\d+(\.\d+)?", text) is not None


def _too_wide(value: Any, f: FieldSpec) -> bool:
    """A decimal literal with more digits before the point than NUMERIC(p, s) holds."""
    precision, scale = f.digits
    number = Decimal(str(value))
    return number.is_finite() and number != 0 and number.adjusted() >= precision - scale


def _a(kind: str) -> str:
    """`an int`, `an enum`, `a str`, `a uuid`."""
    return f"an {kind}" if kind[0] in "aeio" else f"a {kind}"


def _example(f: FieldSpec) -> str:
    examples = {"bool": "true", "str": '"x"', "text": '"x"', "float": "1.5", "decimal": "9.99"}
    if f.type == "enum" and f.values:
        return f", e.g. `{f.values[0]}`"
    example = examples.get(f.type, "0")
    return f", e.g. `{example}`"


def _decimal(path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    precision = f.precision if f.precision is not None else DECIMAL_PRECISION
    scale = f.scale if f.scale is not None else DECIMAL_SCALE
    if scale <= precision:
        return
    if f.scale is None:
        yield Finding(
            (*path, "precision"),
            f"precision {precision} is below the default scale {DECIMAL_SCALE}",
            f"set `scale` to at most {precision}, or raise `precision`",
        )
        return
    given = "" if f.precision is not None else " (the default)"
    yield Finding(
        (*path, "scale"),
        f"scale {scale} exceeds precision {precision}{given}",
        f"lower `scale` to at most {precision}, or raise `precision`",
    )


def _reverse_relations(spec: Spec) -> Iterator[Finding]:
    """Each ref adds a collection to its target; that name must be free on the target."""
    claimed: dict[tuple[str, str], str] = {}  # (target, collection) -> "Source.field"
    for source, resource in spec.resources.items():
        for name, f in resource.fields.items():
            if f.type not in ("ref", "many") or f.target not in spec.resources:
                continue
            reverse = f.reverse_name(source)
            taken = _attributes(spec.resources[f.target])
            other = claimed.get((f.target, reverse))
            collection = f"`{f.target}.{reverse}`"
            if reverse in taken:
                message = f"`{source}.{name}` adds {collection}, which is also {taken[reverse]}"
            elif other is not None:
                message = f"`{other}` and `{source}.{name}` both add {collection}"
            else:
                claimed[(f.target, reverse)] = f"{source}.{name}"
                continue
            yield Finding(
                ("resources", source, "fields", name, "back_populates"),
                message,
                f"set `back_populates` on `{name}` to a free name, e.g. `{name}_{reverse}`",
            )


def _attributes(resource: ResourceSpec) -> dict[str, str]:
    """The attributes a resource's model defines itself, described for messages."""
    taken: dict[str, str] = {}
    if not resource.key_fields:
        taken["id"] = "the implicit primary key"
    for name, f in resource.fields.items():
        kind = {"ref": "reference", "many": "collection"}.get(f.type, "field")
        taken[name] = f"the {kind} `{name}`"
        if f.type == "ref":
            taken[f.attribute(name)] = f"the column of the reference `{name}`"
    return taken


def _class_names(spec: Spec) -> Iterator[Finding]:
    """Resources, their DTOs and their enums all become classes; no two may share a name."""
    owners: dict[str, list[tuple[str, SpecPath | None]]] = {}  # class -> (what, where)
    for name, resource in spec.resources.items():
        owners.setdefault(name, []).append((f"the resource `{name}`", ("resources", name)))
        for generated in naming.class_names(name)[1:]:
            owners.setdefault(generated, []).append((f"a class generated for `{name}`", None))
        for field_name, f in resource.fields.items():
            if f.type == "enum":
                owners.setdefault(naming.enum_class(name, field_name), []).append(
                    (
                        f"the enum of `{name}.{field_name}`",
                        ("resources", name, "fields", field_name),
                    )
                )
    for class_name, group in owners.items():
        if len(group) < 2:
            continue
        # Generated DTOs cannot be renamed; otherwise the first in the spec keeps the name.
        blamed = group[1:] if all(path for _, path in group) else group
        for what, path in blamed:
            if path is None:
                continue
            other = next(w for w, _ in group if w != what)
            yield Finding(
                path,
                f"the class `{class_name}` would be both {what} and {other}",
                f"rename the resource, e.g. to `{class_name}Item`"
                if len(path) == 2
                else "rename the field",
                at_key=True,
            )


def _reference_cycles(spec: Spec) -> Iterator[Finding]:
    """Tables are created referenced-first, so references between resources cannot loop yet."""
    edges = {
        name: [
            (field_name, f.target)
            for field_name, f in resource.fields.items()
            if f.type == "ref" and f.target in spec.resources and f.target != name
        ]
        for name, resource in spec.resources.items()
    }
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> Iterator[Finding]:
        for field_name, target in edges[name]:
            if target in trail:
                loop = " -> ".join([*trail[trail.index(target) :], target])
                yield Finding(
                    ("resources", name, "fields", field_name),
                    f"references form a cycle ({loop})",
                    "remove one of these references; cyclic references are not supported yet",
                    at_key=True,
                )
            elif target not in done:
                yield from visit(target, [*trail, target])
        done.add(name)

    for name in spec.resources:
        if name not in done:
            yield from visit(name, [name])
