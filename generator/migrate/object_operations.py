"""Objects the spec does not model (`database_objects`: views, functions, triggers...): their
SQL run verbatim with `op.execute`, and what changes between two snapshots.

An object is created after every table change of its revision, in the spec's order, and
dropped (in reverse order) before any: a view over a column, or a trigger on a table, must not
stand in the way of an ALTER. An object whose SQL changed is dropped and created again; so is
one whose `after` tables the revision alters. The downgrade is the upgrade undone.
"""

from __future__ import annotations

from dataclasses import dataclass

from persistgen.code_text import string_literal
from persistgen.migrate.operations import Operation, on_dialect
from persistgen.migrate.schema import DbObject, SchemaState


@dataclass(frozen=True)
class CreateObject(Operation):
    item: DbObject

    def lines(self) -> list[str]:
        return _run(self.item, self.item.create)

    def reverse(self) -> list[Operation]:
        return [DropObject(self.item)]


@dataclass(frozen=True)
class DropObject(Operation):
    item: DbObject

    def lines(self) -> list[str]:
        return _run(self.item, self.item.drop)

    def reverse(self) -> list[Operation]:
        return [CreateObject(self.item)]


def _run(item: DbObject, sql: str) -> list[str]:
    """`op.execute(sql)`, under a test of the database unless it runs on both."""
    if item.everywhere:
        return [f"op.execute({string_literal(sql, 8, sole=True)})"]
    line = f"op.execute({string_literal(sql, 12, sole=True)})"
    if "postgresql" in item.dialects:
        return on_dialect([line])
    return on_dialect(other=[line])


@dataclass
class ObjectChanges:
    """Objects to drop before the tables change, objects to create after, and what to say."""

    drops: list[Operation]
    creates: list[Operation]
    summary: list[str]


def object_changes(before: SchemaState, after: SchemaState, altered: set[str]) -> ObjectChanges:
    """From `before`'s objects to `after`'s; `altered`: the tables this revision changes,
    drops or renames (an object listing one in `after` is made again around the change)."""
    old = {o.name: o for o in before.objects}
    new = {o.name: o for o in after.objects}
    remade = {
        name
        for name, item in new.items()
        if name in old and old[name] == item and altered.intersection(item.after)
    }
    gone = [o for o in before.objects if new.get(o.name) != o or o.name in remade]
    made = [o for o in after.objects if old.get(o.name) != o or o.name in remade]
    summary = []
    for item in after.objects:
        if item.name in remade:
            summary.append(f"recreate {_label(item)} around its tables' change")
        elif item.name in old and old[item.name] != item:
            summary.append(f"replace {_label(item)}")
        elif item.name not in old:
            summary.append(f"create {_label(item)}")
    summary += [f"drop {_label(o)}" for o in before.objects if o.name not in new]
    return ObjectChanges(
        [DropObject(o) for o in reversed(gone)], [CreateObject(o) for o in made], summary
    )


def _label(item: DbObject) -> str:
    return f"{item.kind.replace('_', ' ')} {item.name}"
