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
class ObjectStep:
    """One object made (`create`) or removed."""

    item: DbObject
    create: bool

    @property
    def sql(self) -> str:
        return self.item.create if self.create else self.item.drop

    def reverse(self) -> ObjectStep:
        return ObjectStep(self.item, not self.create)


@dataclass(frozen=True)
class RunObjects(Operation):
    """Steps that run on the same databases, one after the other: under one test of the
    database (none when they run on both)."""

    steps: tuple[ObjectStep, ...]

    def lines(self) -> list[str]:
        dialects = self.steps[0].item.dialects
        if self.steps[0].item.everywhere:
            return [line for s in self.steps for line in _execute(s.sql, 8)]
        lines = [line for s in self.steps for line in _execute(s.sql, 12)]
        return on_dialect(lines) if "postgresql" in dialects else on_dialect(other=lines)

    def reverse(self) -> list[Operation]:
        return [RunObjects(tuple(s.reverse() for s in reversed(self.steps)))]


def _execute(sql: str, indent: int) -> list[str]:
    """`op.execute(sql)` at `indent`; SQL of several lines (a function's body) keeps them, one
    literal (or more, if long) a line."""
    lines = sql.split("\n")
    if len(lines) == 1:
        return [f"op.execute({string_literal(sql, indent, sole=True)})"]
    texts = [f"{line}\n" for line in lines[:-1]] + lines[-1:]
    parts = [string_literal(text, indent + 4, sole=True) for text in texts]
    return ["op.execute(", *(f"    {part}" for part in parts), ")"]


def _runs(steps: list[ObjectStep]) -> list[Operation]:
    """`steps` in order, each run of those on the same databases as one operation."""
    runs: list[list[ObjectStep]] = []
    for step in steps:
        if runs and runs[-1][0].item.dialects == step.item.dialects:
            runs[-1].append(step)
        else:
            runs.append([step])
    return [RunObjects(tuple(run)) for run in runs]


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
    drops = _runs([ObjectStep(o, create=False) for o in reversed(gone)])
    return ObjectChanges(drops, _runs([ObjectStep(o, create=True) for o in made]), summary)


def _label(item: DbObject) -> str:
    return f"{item.kind.replace('_', ' ')} {item.name}"
