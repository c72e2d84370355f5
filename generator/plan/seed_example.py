"""The README's seed example: fixture rows of the project's own resources.

A resource with a natural key whose rows need no other row (the parent), and, when one has a
reference to it, a resource whose required references all name it (the child), its row naming
the parent's by that key. Each row gives its natural key and its required fields, with row 1's
values of the generated tests (`checks.sample_value`), which fit every bound and check. A
resource whose test data breaks a check, or whose values YAML cannot spell plainly (a random
UUID, bytes, a duration), takes no part; with no parent, there is no example.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import yaml

from persistgen.plan import checks
from persistgen.project_model import ColumnModel, RefModel, ResourceModel, SeedExample, SeedRow
from persistgen.project_model.suite import SuiteModel

ROW = 1  # the row number whose test values the example shows
Fields = tuple[tuple[str, str], ...]


def seed_example(resources: tuple[ResourceModel, ...], suite: SuiteModel) -> SeedExample | None:
    broken = {c.resource.module for c in suite.cases if c.unmet_checks}
    usable = [r for r in resources if not r.view and r.module not in broken]
    parents = [
        (r, key, named)
        for r in usable
        if not _required_refs(r)
        for key in _keys(r, None)[:1]
        if (named := _fields(r, key, None, "")) is not None
    ]
    for parent, key, named in parents:  # a parent with a child to show the reference
        for child in usable:
            pair = _child(parent, key, named, child)
            if pair is not None:
                return SeedExample(
                    (SeedRow(parent.class_name, named), SeedRow(child.class_name, pair[1])),
                    (pair[0].field, _named_key(named, key)),
                )
    if not parents:
        return None
    parent, _, named = parents[0]
    return SeedExample((SeedRow(parent.class_name, named),))


def _child(
    parent: ResourceModel, key: tuple[str, ...], named: Fields, child: ResourceModel
) -> tuple[RefModel, Fields] | None:
    """The reference to `parent` of `child`, and `child`'s row naming `named`, if it can take
    one: its other required references name the parent too."""
    ref = next((f for f in child.refs if f.target_module == parent.module), None)
    if child is parent or ref is None or ref.emptied:
        return None
    if any(r.target_module != parent.module for r in _required_refs(child)):
        return None
    value = _reference(parent, key, named)
    for child_key in _keys(child, parent)[:1]:
        fields = _fields(child, child_key, ref, value)
        if fields is not None:
            return ref, fields
    return None


def _named_key(named: Fields, key: tuple[str, ...]) -> Fields:
    """The parent's natural key fields of its row, as a reference's mapping gives them."""
    return tuple((name, value) for name, value in named if name in key)


def _required(c: ColumnModel) -> bool:
    return c.in_create and c.dto.create_default is None


def _required_refs(r: ResourceModel) -> list[RefModel]:
    required = {c.name for c in r.columns if _required(c)}
    return [ref for ref in r.refs if ref.column in required]


def _keys(r: ResourceModel, parent: ResourceModel | None) -> list[tuple[str, ...]]:
    """Its natural keys whose references (if any) name `parent`."""
    refs = {ref.column: ref.target_module for ref in r.refs}
    allowed = {parent.module} if parent else set()
    return [key for key in r.natural_keys if all(refs.get(n) in allowed | {None} for n in key)]


def _fields(
    r: ResourceModel, key: tuple[str, ...], ref: RefModel | None, named: str
) -> Fields | None:
    """The row: the key's and the required fields, in the spec's order; `ref` set to `named`."""
    found: list[tuple[str, str]] = []
    for c in r.columns:
        if ref is not None and c.name == ref.column:
            found.append((ref.field, named))
        elif c.name in key or _required(c):
            if c.foreign_key:
                return None  # a reference the row cannot fill
            value = _plain(checks.sample_value(c, c.test.value, ROW))
            if value is None:
                return None
            found.append((c.name, _yaml(value)))
    return tuple(found)


def _reference(parent: ResourceModel, key: tuple[str, ...], named: Fields) -> str:
    """How a child's row names the parent's: the plain value when the key is the first of one
    field (the one the seed command reads a plain value by), else a mapping."""
    single = next((k for k in parent.natural_keys if len(k) == 1), None)
    pairs = _named_key(named, key)
    if key == single:
        return pairs[0][1]
    return "{" + ", ".join(f"{name}: {value}" for name, value in pairs) + "}"


def _plain(value: Any) -> Any:
    """The value as YAML holds it plainly (text for decimals and moments, which the DTOs read
    back); None if it has no plain spelling."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.time):  # a datetime is a date
        return value.isoformat()
    if isinstance(value, list):
        items = [_plain(item) for item in value]
        return None if None in items else items
    if isinstance(value, dict):
        pairs = {name: _plain(item) for name, item in value.items()}
        return None if None in pairs.values() else pairs
    return None


def _yaml(value: Any) -> str:
    """One value in YAML's flow style, on one line, quoted where a plain scalar would read as
    another type (`"12"`, `'2025-06-01'`)."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10**6, allow_unicode=True)
    return text.removesuffix("\n").removesuffix("\n...")
