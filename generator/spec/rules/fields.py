"""Rules on one field: which options its type takes, literals, enums, filters, many."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from persistgen import naming
from persistgen.spec.load import SpecPath, describe
from persistgen.spec.model import FieldSpec, Spec
from persistgen.spec.rules.finding import Finding, an
from persistgen.spec.rules.references import held_type, reference_findings
from persistgen.spec.rules.values import fits, lengths, room_findings

NUMERIC = {"int", "bigint", "smallint", "float", "real", "decimal"}


PRIMARY_KEY_TYPES = {"int", "bigint", "smallint", "str", "char", "uuid"}
# The keys the database can number; the options that say how.
NUMBERED_TYPES = {"smallint", "int", "bigint"}
KEY_NUMBERING = ("autoincrement", "identity", "sequence")
_SEQUENCE_BYTES = 63  # PostgreSQL's longest identifier


TEMPORAL = {"date", "datetime", "time"}


DECIMAL_PRECISION, DECIMAL_SCALE = 12, 2  # as typemap.py applies them


# Which options mean something for which types.
OPTION_TYPES: dict[str, set[str]] = {
    # a column length for str and char; a DTO bound for all three
    "max_length": {"str", "text", "char"},
    "unbounded": {"str"},
    "min_length": {"str", "text", "char"},
    "ge": NUMERIC,
    "le": NUMERIC,
    "precision": {"decimal"},
    "scale": {"decimal"},
    "timezone": {"datetime", "time"},
    "values": {"enum"},
    "native": {"enum"},
    "target": {"ref", "many"},
    "on_delete": {"ref"},
    "on_update": {"ref"},
    "deferrable": {"ref"},
    "foreign_key_name": {"ref"},
    "enum_name": {"enum"},
    "back_populates": {"ref", "many"},
    "through": {"many"},
    "link_columns": {"many"},
    "target_field": {"ref"},
    "column_type": {"ref"},
    "onupdate": {"datetime"},
    "search": {"str", "text"},
    "items": {"list"},
    "binary": {"json"},
    "shape": {"json", "jsonb"},
}


_LITERAL_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "bigint": (int,),
    "smallint": (int,),
    "float": (int, float),
    "real": (int, float),
    "char": (str,),
    "decimal": (int, float, str),
    "str": (str,),
    "text": (str,),
    "enum": (str,),
    "bool": (bool,),
}


def field_findings(
    spec: Spec, resource_name: str, path: SpecPath, f: FieldSpec
) -> Iterator[Finding]:
    for option in ("ge", "le", "default", "server_default", "backfill"):
        value = getattr(f, option)
        if isinstance(value, float) and not math.isfinite(value):
            yield Finding(
                (*path, option),
                f"`{option}` must be a finite number, not {value}",
                "write an ordinary number",
            )
        elif option in ("ge", "le") and value is not None:
            yield from fits((*path, option), option, value, f)
    yield from lengths(path, f)
    for option, types in OPTION_TYPES.items():
        if option in f.model_fields_set and f.type not in types:
            yield Finding(
                (*path, option),
                f"`{option}` does not apply to {an(f.type)} field",
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
        yield from reference_findings(spec, resource_name, path, f)
    if f.type == "many":
        yield from _many(resource_name, path, f)
    if f.type == "decimal":
        yield from _decimal(path, f)
    if f.type == "list":
        yield from _list(path, f)
    if f.type == "json" and f.binary is False:
        for option in ("unique", "index"):
            if getattr(f, option):
                yield Finding(
                    (*path, option),
                    f"PostgreSQL cannot compare plain JSON values, which `{option}` needs",
                    f"remove `{option}`, or `binary: false` (JSONB can)",
                )
    bounds = [(f.min_length, f.max_length, "min_length", "max_length"), (f.ge, f.le, "ge", "le")]
    for low, high, option, upper in bounds:
        if low is not None and high is not None and low > high:
            yield Finding(
                (*path, option),
                f"`{option}` ({low}) is above `{upper}` ({high})",
                f"swap the two bounds, or lower `{option}`",
            )
    if f.primary_key:
        key_type = held_type(spec, f) if f.type == "ref" else f.type
        if key_type is not None and key_type not in PRIMARY_KEY_TYPES:
            allowed = ", ".join(sorted(PRIMARY_KEY_TYPES))
            yield Finding(
                (*path, "primary_key"),
                f"a reference holding {an(key_type)} field cannot be part of the primary key"
                if f.type == "ref"
                else f"{an(f.type)} field cannot be the primary key",
                f"set `target_field` to a unique field of type {allowed}, or remove `primary_key`"
                if f.type == "ref"
                else f"use one of: {allowed}",
            )
        if f.nullable:
            yield Finding(
                (*path, "nullable"), "a primary key cannot be nullable", "remove `nullable`"
            )
    if f.generated is not None:
        yield from _generated(path, f)
    if f.model_fields_set.intersection(KEY_NUMBERING):
        yield from _key_numbering(spec, resource_name, path, f)
    if "default" in f.model_fields_set and f.default is not None:
        yield from _literal(path, "default", f.default, f)
    if f.backfill is not None:
        yield from _literal(path, "backfill", f.backfill, f)
    if f.server_default is not None:
        if f.server_default == "now":
            if f.type not in TEMPORAL:
                yield Finding(
                    (*path, "server_default"),
                    f"`server_default: now` does not suit {an(f.type)} field",
                    "use it on date, datetime or time fields; here give a literal or remove it",
                )
        elif f.type == "ref":
            yield from _reference_default(spec, path, f)
        else:
            yield from _literal(path, "server_default", f.server_default, f)
    if f.type == "ref" and f.column_type is not None:
        held = held_type(spec, f)
        if held is not None and held not in NUMBERED_TYPES:
            yield Finding(
                (*path, "column_type"),
                f"`column_type` retypes an integer reference; this one holds {an(held)} field",
                "remove `column_type` (the column takes the type of what it holds)",
            )
    if f.type == "ref" and "index" in f.model_fields_set and not f.index and f.unique:
        yield Finding(
            (*path, "index"),
            "`index: false` on a unique reference: its unique constraint is an index anyway",
            "remove `index: false`",
        )
    has_value = f.default is not None or f.server_default is not None or f.nullable
    if f.read_only and not f.primary_key and not has_value:
        yield Finding(
            (*path, "read_only"),
            "clients do not send a read-only field, so it needs a value of its own",
            "add `server_default` or `default`, or make it `nullable`",
        )
    if f.unique and f.index:
        yield Finding((*path, "index"), "`unique` already creates an index", "remove `index`")
    yield from _names_without_objects(spec, resource_name, path, f)
    if f.unique and f.primary_key:  # a second constraint the migrations would not keep
        yield Finding((*path, "unique"), "a primary key is already unique", "remove `unique`")
    yield from room_findings(path, f)
    if f.write_only:
        yield from _write_only(spec, resource_name, path, f)
    elif f.filter:
        searched = any(g.search for g in spec.resources[resource_name].fields.values())
        yield from _filter(path, f, searched=searched)


# What a generated column cannot be: the database computes it, on every write.
_NOT_GENERATED = {
    "primary_key": "clients set a key, or the database numbers it",
    "default": "the database computes its value",
    "server_default": "the database computes its value",
    "backfill": "the database computes its value for existing rows too",
    "onupdate": "the database computes it again on every update already",
    "write_only": "clients cannot send it, so nobody could read or write it",
}


def _generated(path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    """`generated`: an SQL expression for a column of its own (not a reference or a link),
    that nothing else fills."""
    at = (*path, "generated")
    if f.type in ("ref", "many"):
        yield Finding(
            at,
            f"{an(f.type)} field cannot be a generated column",
            "give the field its own type (e.g. `int`, `str`), or remove `generated`",
            at_key=True,
        )
        return
    if f.generated is not None and not f.generated.strip():
        yield Finding(
            at,
            "`generated` is empty: it is the SQL expression the database computes the column by",
            'write one over the row\'s other columns, e.g. `generated: "price * 2"`',
        )
    for option, why in _NOT_GENERATED.items():
        value = getattr(f, option)
        if option in f.model_fields_set and value is not None and value is not False:
            yield Finding(
                (*path, option),
                f"`{option}` does not suit a generated column: {why}",
                f"remove `{option}`, or `generated`",
                at_key=True,
            )


def _names_without_objects(
    spec: Spec, resource_name: str, path: SpecPath, f: FieldSpec
) -> Iterator[Finding]:
    """A name the spec gives must name something the field makes."""
    if f.unique_name is not None and not f.unique:
        yield Finding(
            (*path, "unique_name"),
            "`unique_name` names the field's unique constraint, and the field has none",
            "add `unique: true`, or remove `unique_name`",
            at_key=True,
        )
    keys = spec.resources[resource_name].key_fields
    leads_key = bool(keys) and keys[0] == path[-1]
    automatic = (
        f.type == "ref" and not f.unique and not leads_key and "index" not in f.model_fields_set
    )
    if f.index_name is not None and not (f.index or automatic):
        yield Finding(
            (*path, "index_name"),
            "`index_name` names the field's index, and the field has none",
            "add `index: true`, or remove `index_name`",
            at_key=True,
        )
    if f.enum_name is not None and f.type == "enum" and not f.native:
        yield Finding(
            (*path, "enum_name"),
            "`enum_name` names a PostgreSQL ENUM type, which only `native: true` makes",
            "add `native: true`, or remove `enum_name`",
            at_key=True,
        )


def _reference_default(spec: Spec, path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    """A reference's server default: a literal of the type of the column it holds."""
    held = f.column_type or held_type(spec, f)
    if held is None:
        return  # the target is reported elsewhere
    target = spec.resources[f.target or ""]
    like = target.fields.get(f.target_field or "") if f.target_field else None
    as_held = (like or FieldSpec(type=held)).model_copy(update={"type": held})  # type: ignore[arg-type]
    yield from _literal(path, "server_default", f.server_default, as_held)


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
        elif len(value.encode()) > 63:  # PostgreSQL's limit for an ENUM label, in bytes
            yield Finding(
                (*path, "values", index),
                f"enum value `{value[:20]}…` is {len(value.encode())} bytes in UTF-8; at most "
                "63 fit",
                "shorten it",
            )
        elif not value.isprintable():  # a control, a line break or an invisible character
            yield Finding(
                (*path, "values", index),
                f"enum value {value!r} holds a character that cannot be printed",
                "use letters, digits, punctuation and spaces",
            )
        elif value in seen:
            yield Finding(
                (*path, "values", index),
                f"enum value `{value}` is listed twice",
                "list each value once",
            )
        seen.add(value)


# Query parameters of every list route, next to the filters.
PAGING_PARAMETERS = {"limit", "offset", "sort", "after"}
SEARCH_PARAMETER = "q"  # the text a list of a resource with `search` fields looks for


UNFILTERED = {"json", "jsonb", "bytes", "list"}


def _filter(path: SpecPath, f: FieldSpec, *, searched: bool) -> Iterator[Finding]:
    name = str(path[-1])
    if f.type in UNFILTERED:
        yield Finding(
            (*path, "filter"), f"{an(f.type)} field cannot be filtered on", "remove `filter`"
        )
    elif name in PAGING_PARAMETERS or "__" in name or (searched and name == SEARCH_PARAMETER):
        yield Finding(
            (*path, "filter"),
            f"a filter on `{name}` would clash with the list route's query parameters",
            f"rename the field (lists take {', '.join(sorted(PAGING_PARAMETERS))}, "
            f"`{SEARCH_PARAMETER}` with search fields, and `<field>__<operator>`)",
        )


def _list_parameter(path: SpecPath, name: str, what: str) -> Iterator[Finding]:
    """A many field is a list filter on both sides (`?tags=3`, `?posts=5`): its name and
    its reverse's must not be another query parameter of the list routes."""
    if name in PAGING_PARAMETERS | {SEARCH_PARAMETER} or "__" in name:
        yield Finding(
            path,
            f"{what} `{name}` would clash with the list route's query parameters",
            f"rename it (lists take {', '.join(sorted(PAGING_PARAMETERS))}, "
            f"`{SEARCH_PARAMETER}` and `<field>__<operator>`)",
            at_key=path[-1] != "back_populates",
        )


def _write_only(spec: Spec, resource_name: str, path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    """A write-only value is never answered: nothing may read it back, nor tell it apart."""
    at = (*path, "write_only")
    if f.read_only:
        yield Finding(
            at,
            "a field cannot be both write-only (clients send it) and read-only (clients only "
            "read it)",
            "keep one of `write_only` and `read_only`",
        )
    if f.primary_key:
        yield Finding(at, "a primary key is answered: it addresses the row", "remove `write_only`")
    if f.type == "ref":
        yield Finding(
            at,
            "a reference is answered: its key, and the row it includes",
            "remove `write_only`",
        )
    for option, why in (
        ("filter", "a filter would tell its values apart"),
        ("search", "a search would tell its values apart"),
        ("unique", "a duplicate is a 409 that tells a client another row holds the value"),
        ("onupdate", "the database would overwrite what clients send, and none could read it"),
    ):
        if getattr(f, option):
            yield Finding(
                (*path, option),
                f"`{option}` does not suit a write-only field: {why}",
                f"remove `{option}`, or `write_only`",
            )
    name = str(path[-1])
    for number, group in enumerate(spec.resources[resource_name].unique):
        if name in group.fields:
            yield Finding(
                ("resources", resource_name, "unique", number),
                f"the write-only field `{name}` cannot be part of a unique constraint: a "
                "duplicate is a 409 that tells a client another row holds the value",
                f"remove `{name}` from it, or `write_only` from the field",
            )


_MANY_OPTIONS = {
    "type",
    "description",
    "target",
    "back_populates",
    "through",
    "link_columns",
    "renamed_from",
}


def _many(resource_name: str, path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    """A many field is a link table, not a column: column options mean nothing for it."""
    yield from _link_columns(path, f)
    for option in sorted(f.model_fields_set - _MANY_OPTIONS - set(OPTION_TYPES)):
        yield Finding(
            (*path, option),
            f"`{option}` does not apply to a many field (a link table, not a column)",
            f"remove it; a many field takes: {', '.join(sorted(_MANY_OPTIONS - {'type'}))}",
            at_key=True,
        )
    yield from _list_parameter(path, str(path[-1]), "a many field")
    if f.back_populates:
        yield from _list_parameter((*path, "back_populates"), f.back_populates, "the reverse")
    table = f.association_table(resource_name, str(path[-1]))
    issue = naming.table_problem(table)
    if issue:
        at = (*path, "through") if f.through else path
        hint = f"use {issue[1]}" if f.through else f"set `through` to a shorter name, {issue[1]}"
        yield Finding(at, f"the link table `{table}`: {issue[0]}", hint, at_key=not f.through)


def _link_columns(path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    """`link_columns`: two names PostgreSQL takes, distinct even to SQLite."""
    if f.link_columns is None:
        return
    at = (*path, "link_columns")
    if len(f.link_columns) != 2:
        yield Finding(
            at,
            f"`link_columns` lists {len(f.link_columns)} names; it takes two: the owner's "
            "column, then the target's",
            "write e.g. `link_columns: [follower_id, followed_id]`",
        )
        return
    for number, column in enumerate(f.link_columns):
        if issue := naming.table_problem(column) or naming.length_problem(column):
            yield Finding((*at, number), f"`{column}`: {issue[0]}", f"use {issue[1]}")
    first, second = f.link_columns
    if naming.folded(first) == naming.folded(second):
        yield Finding(
            (*at, 1),
            f"the link table's two columns would both be `{second}`",
            "name them apart, e.g. `[follower_id, followed_id]`",
        )


def _literal(path: SpecPath, option: str, value: Any, f: FieldSpec) -> Iterator[Finding]:
    allowed = _LITERAL_TYPES.get(f.type)
    at = (*path, option)
    if allowed is None:
        yield Finding(
            at,
            f"{an(f.type)} field takes no literal `{option}`",
            "use `server_default: now` for times, or leave it out",
        )
        return
    if isinstance(value, bool) != (f.type == "bool") or not isinstance(value, allowed):
        yield Finding(
            at,
            f"the {option} of {an(f.type)} field cannot be {describe(value)}",
            f"give {an(f.type)} literal{_example(f)}",
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
    else:
        yield from fits(at, option, value, f)
    longest = f.column_length or f.max_length  # text, unbounded str: the DTO bound, if any
    if isinstance(value, str) and longest is not None and len(value) > longest:
        bound = f"max_length {longest}" if f.max_length else f"the column's {longest} (the default)"
        yield Finding(
            at,
            f"the {option} is {len(value)} characters, longer than {bound}",
            "shorten it, or raise `max_length`",
        )
    elif isinstance(value, str) and f.min_length is not None and len(value) < f.min_length:
        yield Finding(
            at,
            f"the {option} is {len(value)} characters, shorter than min_length {f.min_length}",
            "lengthen it, or lower `min_length`",
        )
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and ((f.ge is not None and value < f.ge) or (f.le is not None and value > f.le)):
        yield Finding(
            at, f"the {option} {value} is outside the ge/le bounds", "pick a value inside them"
        )


def _is_decimal(text: str) -> bool:
    return re.fullmatch(r"-?\d+(\.\d+)?", text) is not None


def _example(f: FieldSpec) -> str:
    examples = {"bool": "true", "str": '"x"', "text": '"x"', "float": "1.5", "decimal": "9.99"}
    if f.type == "enum" and f.values:
        return f", e.g. `{f.values[0]}`"
    example = examples.get(f.type, "0")
    return f", e.g. `{example}`"


def _list(path: SpecPath, f: FieldSpec) -> Iterator[Finding]:
    """A list is an ARRAY (JSON on SQLite): its items need a type, and no two rows or values
    compare as a unique constraint or an index scan would need."""
    if f.items is None:
        yield Finding(
            (*path, "type"),
            "a list field needs `items`, the type of its items",
            "add e.g. `items: str`, or write `list:str`",
        )
    for option in ("unique", "search", "primary_key"):
        if getattr(f, option):
            yield Finding(
                (*path, option),
                f"`{option}` does not suit a list field: its values are whole arrays",
                f"remove `{option}`, or keep the items in a resource of their own",
            )


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


def _key_numbering(
    spec: Spec, resource_name: str, path: SpecPath, f: FieldSpec
) -> Iterator[Finding]:
    """`autoincrement`, `identity`, `sequence`: how a one-field integer key is numbered, so
    only there, and one way at a time."""
    given = [o for o in KEY_NUMBERING if o in f.model_fields_set]
    one_key = spec.resources[resource_name].key_fields == [path[-1]]
    if not (f.primary_key and one_key and f.type in NUMBERED_TYPES):
        composite = f.primary_key and not one_key
        what = (
            f"{an(f.type)} field"
            if f.type not in NUMBERED_TYPES
            else "a field that is not the whole primary key"
        )
        yield Finding(
            (*path, given[0]),
            f"`{given[0]}` says how the database numbers a key, and does not apply to {what}",
            "clients set every field of a composite key already: remove it"
            if composite
            else "use it on a one-field int or bigint primary key (`primary_key: true`), or "
            "remove it",
            at_key=True,
        )
        return
    if not f.autoincrement and (f.identity or f.sequence is not None):
        other = "identity" if f.identity else "sequence"
        yield Finding(
            (*path, other),
            f"`autoincrement: false` has clients supply the key; `{other}` has the database "
            "number it",
            f"remove `{other}`, or `autoincrement: false`",
            at_key=True,
        )
    elif f.identity and f.sequence is not None:
        yield Finding(
            (*path, "sequence"),
            "an identity column numbers rows from a sequence of its own, not a named one",
            "remove `identity: true` to keep the sequence (serial-style), or remove `sequence`",
            at_key=True,
        )
    if f.sequence is not None and not 0 < len(f.sequence.encode()) <= _SEQUENCE_BYTES:
        yield Finding(
            (*path, "sequence"),
            "a sequence name is empty"
            if not f.sequence
            else f"the sequence name `{f.sequence}` is longer than PostgreSQL's 63 bytes",
            "write the sequence's name as the database has it",
        )
