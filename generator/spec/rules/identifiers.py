"""Rules on the names PostgreSQL creates for a spec: each fits its 63 bytes, and no two meet.

PostgreSQL silently keeps the first 63 bytes of a longer name, so a name the user chose (or one
derived from theirs, such as a reference's `<name>_id`) must fit, or it is refused with a
shorter suggestion. Constraint and index names are the naming convention's, shortened with a
hash past 63 bytes (naming.shortened); they are refused only when two would meet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from persistgen import naming
from persistgen.spec.load import SpecPath
from persistgen.spec.model import FieldSpec, ResourceSpec, Spec
from persistgen.spec.rules.finding import Finding


def findings(spec: Spec) -> Iterator[Finding]:
    for name, resource in spec.resources.items():
        table = list(_table(name, resource))
        # a derived table past 63 bytes comes of a module too long as well: one finding, which
        # asks for a shorter name too
        yield from table or _module(spec.project.python_package, name)
        for field_name, f in resource.fields.items():
            path: SpecPath = ("resources", name, "fields", field_name)
            if f.type == "enum":
                yield from _enum_class(name, path)
            yield from _attributes(path, f)
            if f.type == "many":
                yield from _link(spec, name, path, f)
            else:
                yield from _column(name, path, f)
        yield from _given(name, resource)
    yield from _meetings(spec)


def _given(name: str, resource: ResourceSpec) -> Iterator[Finding]:
    """The names of constraints, indexes and enum types the spec gives: PostgreSQL would cut
    one past 63 bytes, and the migrations would then look for a name it does not hold."""
    base: SpecPath = ("resources", name)
    given: list[tuple[str | None, str, SpecPath]] = [
        (resource.primary_key_name, "the primary key's name", (*base, "primary_key_name"))
    ]
    for field_name, f in resource.fields.items():
        path: SpecPath = (*base, "fields", field_name)
        given += [
            (f.unique_name, "the unique constraint's name", (*path, "unique_name")),
            (f.index_name, "the index's name", (*path, "index_name")),
            (f.foreign_key_name, "the foreign key's name", (*path, "foreign_key_name")),
        ]
    for option, what in (("unique", "the unique constraint's name"), ("index", "the index's name")):
        for number, item in enumerate(getattr(resource, option)):
            given.append((item.name, what, (*base, option, number, "name")))
    for check_name, check in resource.checks.items():
        given.append((check.name, "the check's name", (*base, "checks", check_name, "name")))
    for value, what, path in given:
        if value is not None:
            if not value.strip():
                yield Finding(path, f"{what} is empty", "give a name, or remove the option")
            else:
                yield from _too_long(value, what, path, USE)


def _too_long(
    name: str, what: str, path: SpecPath, hint: str, *, at_key: bool = False
) -> Iterator[Finding]:
    """A finding when PostgreSQL would cut `name`; `{}` in `hint` is a shorter name."""
    problem = naming.length_problem(name)
    if problem:
        message, suggestion = problem
        yield Finding(path, f"{what} `{name}`: {message}", hint.format(suggestion), at_key=at_key)


USE = "use {}"  # the hint for a name the user wrote

# A resource's modules are imported as `from <package>.repositories.generated.<module> import (`,
# a line ruff cannot split: it fits the project's 100 columns while the two names do.
MAX_PACKAGE_AND_MODULE = 62


def _module(package: str, name: str) -> Iterator[Finding]:
    module = naming.snake(name)
    size = len(package) + len(module)
    if size > MAX_PACKAGE_AND_MODULE:
        yield Finding(
            ("resources", name),
            f"the package `{package}` and the module `{module}` are {size} characters together; "
            f"at most {MAX_PACKAGE_AND_MODULE} fit in the generated imports' lines",
            "shorten the resource's name, or set a shorter `package` under `project`",
            at_key=True,
        )


# An enum field's class, `<Resource><Field>`, annotates it alone in the DTOs: ruff format breaks
# `<field>: <class>` after the colon only when the class then fits on a line at 8 columns.
MAX_ENUM_CLASS = 92


def _enum_class(resource: str, path: SpecPath) -> Iterator[Finding]:
    enum = naming.enum_class(resource, str(path[-1]))
    if len(enum) > MAX_ENUM_CLASS:
        yield Finding(
            path,
            f"the enum's class `{enum}` is {len(enum)} characters long; at most "
            f"{MAX_ENUM_CLASS} fit in the generated DTOs' lines",
            "shorten the field's or the resource's name: the class is `<Resource><Field>`",
            at_key=True,
        )


def _attributes(path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    """A field's name, and the name of the collection it adds to its target, hold to 63
    characters, as a column's does: the generated lines are laid out for no longer names. A
    field's column or link table, unless set apart, brings the field's name to those rules."""
    name = str(path[-1])
    named_apart = f.through if f.type == "many" else f.column
    if named_apart and len(name) > naming.MAX_IDENTIFIER:
        yield Finding(
            path,
            f"the field name `{name}` is {len(name)} characters long; at most 63 fit, as in a "
            "column's",
            f"rename the field, e.g. `{naming.fitted(name)}`",
            at_key=True,
        )
    if f.back_populates and len(f.back_populates) > naming.MAX_IDENTIFIER:
        yield Finding(
            (*path, "back_populates"),
            f"`{f.back_populates}` is {len(f.back_populates)} characters long; at most 63 fit, "
            "as in a field's name",
            f"use `{naming.fitted(f.back_populates)}`",
        )


def _table(name: str, resource: ResourceSpec) -> Iterator[Finding]:
    table = resource.table_name(name)
    if resource.table:
        yield from _too_long(table, "the table", ("resources", name, "table"), USE)
    else:
        what, hint = f"`{name}` would use the table", "set `table` to a shorter name, e.g. {}"
        yield from _too_long(table, what, ("resources", name), hint, at_key=True)


def _column(resource: str, path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    name = str(path[-1])
    column = f.column_name(name)
    if f.column:
        yield from _too_long(column, "the column", (*path, "column"), USE)
    elif f.type == "ref":
        hint = "set `column` to a shorter name, e.g. {}"
        what = f"the reference `{name}` holds the column"
        yield from _too_long(column, what, path, hint, at_key=True)
    else:
        hint = "rename the field, or set `column` to a shorter name, e.g. {}"
        yield from _too_long(column, "the column", path, hint, at_key=True)
    if f.type == "enum" and f.enum_name is not None:
        yield from _too_long(f.enum_name, "the enum type", (*path, "enum_name"), USE)
    elif f.type == "enum" and f.native:
        enum = naming.enum_type(resource, name)
        hint = (
            "shorten the field's or the resource's name: the type is named "
            "`<resource>_<field>` (or leave out `native`)"
        )
        yield from _too_long(enum, "the enum type", path, hint, at_key=True)


def _link(spec: Spec, resource: str, path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    """A many field's link table and its two columns, `<resource>_<key column>` each unless
    `link_columns` names them (checked with the field)."""
    table = f.association_table(resource, str(path[-1]))
    if f.through:
        yield from _too_long(table, "the link table", (*path, "through"), USE)
    else:
        hint = "set `through` to a shorter name, e.g. {}"
        yield from _too_long(table, "the link table", path, hint, at_key=True)
    columns = _link_columns(spec, resource, path, f)
    if f.link_columns or columns is None:
        return
    for column in columns:
        hint = (
            "the link table's column is `<resource>_<key>`: set `link_columns` to two "
            "shorter names, e.g. {}"
        )
        yield from _too_long(column, "the link table's column", path, hint, at_key=True)


def _link_columns(
    spec: Spec, resource: str, path: SpecPath, f: FieldSpec
) -> tuple[str, str] | None:
    """The columns of a link table (as plan/links.py names them); None when an end is missing
    or has a composite key (reported elsewhere)."""
    ends = (resource, f.target or "")
    if any(end not in spec.resources or len(spec.resources[end].key_fields) > 1 for end in ends):
        return None
    keys = []
    for end in ends:
        fields = spec.resources[end].key_fields
        keys.append(
            spec.resources[end].fields[fields[0]].column_name(fields[0]) if fields else "id"
        )
    return f.link_column_names(resource, str(path[-1]), (keys[0], keys[1]))


@dataclass(frozen=True)
class _Name:
    """A name PostgreSQL creates, what it names, and the spec node that brings it."""

    name: str
    what: str
    path: SpecPath
    at_key: bool = True
    values: tuple[str, ...] | None = None  # a native enum type's: fields may share the type


# PostgreSQL's namespaces: relations (tables, indexes, sequences) and types (each table's row
# type, native enums) per schema; constraints per table. A table is both a relation and a type.
_SPACES = {"table": ("relation", "type"), "relation": ("relation",), "type": ("type",)}


# The options that give a name verbatim.
_GIVEN = {"name", "unique_name", "index_name", "foreign_key_name", "enum_name"}


def _meetings(spec: Spec) -> Iterator[Finding]:
    """Two names that meet in one of PostgreSQL's namespaces. Two tables of one name are
    refused where tables are checked (rules/resources.py)."""
    spaces: dict[str, dict[str, tuple[str, _Name]]] = {"relation": {}, "type": {}}
    shared: SpecPath | None = None  # a table shared, and so every name it brings: skip them
    for name, resource in spec.resources.items():
        spaces["constraint"] = {}
        for kind, named in _names(spec, name, resource):
            if shared and named.path[: len(shared)] == shared:
                continue
            # (a sequence PostgreSQL names itself; tables and types are checked where named)
            # (a name the spec gives is checked where it is given)
            convention = (
                kind in ("relation", "constraint")
                and "sequence" not in named.what
                and named.path[-1] not in _GIVEN
            )
            if convention and naming.length_problem(named.name):
                yield _cut(named)
            for space in _SPACES.get(kind, (kind,)):
                other_kind, other = spaces[space].setdefault(named.name, (kind, named))
                if other is named:
                    continue
                if other_kind == kind == "table":
                    shared = named.path
                    break
                if named.values is not None and other.values is not None:
                    if named.values != other.values:  # one type, one list of values
                        yield Finding(
                            named.path,
                            f"`{named.name}` would be {named.what} ([{', '.join(named.values)}])"
                            f" and {other.what} ([{', '.join(other.values)}]): one type has "
                            "one list of values",
                            "give both fields the same values in the same order to share the "
                            "type, or another `enum_name`",
                            at_key=named.at_key,
                        )
                    continue
                yield Finding(
                    named.path,
                    f"{named.what} would be named `{named.name}`, as {other.what} is",
                    "PostgreSQL needs the two names to differ: rename one of them",
                    at_key=named.at_key,
                )


def _cut(named: _Name) -> Finding:
    """A name of non-ASCII letters still past 63 bytes once shortened: the naming convention
    cuts at 55 characters, as SQLAlchemy does, and PostgreSQL would cut the rest."""
    size = len(named.name.encode())
    return Finding(
        named.path,
        f"{named.what} would be named `{named.name}`, {size} bytes long even shortened; "
        "PostgreSQL keeps 63 bytes and cuts the rest",
        "shorten the table's or the column's name (letters past ASCII take 2 to 4 bytes each)",
        at_key=named.at_key,
    )


def _names(spec: Spec, name: str, resource: ResourceSpec) -> Iterator[tuple[str, _Name]]:
    """Every name the resource's table brings, by namespace: `table`, `relation`, `type`
    or `constraint` (names unique per table)."""
    base: SpecPath = ("resources", name)
    table = resource.table_name(name)
    at_table = (*base, "table") if resource.table else base
    yield "table", _Name(table, f"the table of `{name}`", at_table, at_key=not resource.table)
    pk = resource.primary_key_name or naming.constraint("pk", table)
    at_pk = (*base, "primary_key_name") if resource.primary_key_name else base
    yield "relation", _Name(pk, f"the primary key of `{name}`", at_pk)
    if not resource.key_fields and resource.id_type == "bigint":
        yield "relation", _Name(naming.sequence(table, "id"), f"the sequence of `{name}.id`", base)
    columns = {} if resource.key_fields else {"id": "id"}  # field -> column, for composites
    for field_name, f in resource.fields.items():
        path: SpecPath = (*base, "fields", field_name)
        if f.type == "many":
            yield from _link_names(spec, name, path, f)
        else:
            columns[field_name] = f.column_name(field_name)
            yield from _column_names(spec, name, table, path, f)
    for option, kind, what in (("unique", "uq", "unique constraint"), ("index", "ix", "index")):
        for number, item in enumerate(getattr(resource, option)):
            group = item.fields or []
            path = (*base, option, number)
            if item.name is not None:
                yield "relation", _Name(item.name, f"the {what} `{item.name}`", (*path, "name"))
            elif group and all(n in columns for n in group):
                index = naming.constraint(kind, table, *(columns[n] for n in group))
                named = _Name(index, f"the {what} on {', '.join(group)}", path)
                yield "relation", replace(named, at_key=False)
    for check_name, check in resource.checks.items():
        path = (*base, "checks", check_name)
        yield (
            "constraint",
            _Name(
                check.name or naming.constraint("ck", table, check_name),
                f"the check `{check_name}` of `{name}`",
                (*path, "name") if check.name else path,
            ),
        )


def _column_names(
    spec: Spec, resource: str, table: str, path: SpecPath, f: FieldSpec
) -> Iterator[tuple[str, _Name]]:
    """The names a column brings: its sequence, unique constraint, index, foreign key, and an
    enum's CHECK and type, as plan/columns.py and the naming convention make them."""
    field_name = str(path[-1])
    column = f.column_name(field_name)
    label = f"`{resource}.{field_name}`"
    keys = spec.resources[resource].key_fields
    if keys == [field_name] and f.type in ("int", "bigint", "smallint"):
        yield "relation", _Name(naming.sequence(table, column), f"the sequence of {label}", path)
    if f.unique:
        uq = f.unique_name or naming.constraint("uq", table, column)
        at = (*path, "unique_name") if f.unique_name else path
        yield "relation", _Name(uq, f"the unique constraint of {label}", at)
    leads_key = bool(keys) and keys[0] == field_name
    if f.index or (f.type == "ref" and not f.unique and not leads_key):
        ix = f.index_name or naming.constraint("ix", table, column)
        at = (*path, "index_name") if f.index_name else path
        yield "relation", _Name(ix, f"the index of {label}", at)
    if f.search:
        trgm = naming.search_index(table, column)
        yield "relation", _Name(trgm, f"the search index of {label}", path)
    if f.type == "ref" and f.target in spec.resources:
        target = spec.resources[f.target].table_name(f.target)
        fk = f.foreign_key_name or naming.constraint("fk", table, column, target)
        at = (*path, "foreign_key_name") if f.foreign_key_name else path
        yield "constraint", _Name(fk, f"the foreign key of {label}", at)
    if f.type == "enum":
        enum = f.enum_name or naming.enum_type(resource, field_name)
        check = naming.constraint("ck", table, enum)
        yield "constraint", _Name(check, f"the CHECK of the enum {label}", path)
        if f.native:
            at = (*path, "enum_name") if f.enum_name else path
            values = tuple(f.values or ())
            yield "type", _Name(enum, f"the enum type of {label}", at, values=values)


def _link_names(
    spec: Spec, resource: str, path: SpecPath, f: FieldSpec
) -> Iterator[tuple[str, _Name]]:
    """A link table, its key and its index (its foreign keys are named after it)."""
    columns = _link_columns(spec, resource, path, f)
    if columns is None:
        return
    table = f.association_table(resource, str(path[-1]))
    label = f"the link table of `{resource}.{path[-1]}`"
    yield "table", _Name(table, label, path)
    yield "relation", _Name(naming.constraint("pk", table), f"the primary key of {label}", path)
    index = naming.constraint("ix", table, columns[1])
    yield "relation", _Name(index, f"the index of {label}", path)
