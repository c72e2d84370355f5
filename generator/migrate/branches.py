"""Branches of the migration history: the revisions a head descends from, and the three-way
merge of two heads' schemas over their common ancestor's, table by table and column by column."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from persistgen.migrate.schema import DbTable, SchemaState

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True)
class Conflict:
    """Something both branches changed since their common ancestor, each its own way."""

    what: str  # e.g. "column `posts.subtitle`"
    gone: bool = False  # one branch removed it (or renamed it away), the other changed it


def ancestors(snapshots: Mapping[str, SchemaState], revision: str) -> set[str]:
    """`revision` and every recorded revision it descends from."""
    seen: set[str] = set()
    todo = [revision]
    while todo:
        current = todo.pop()
        if current in seen or current not in snapshots:
            continue
        seen.add(current)
        todo.extend(snapshots[current].parents)
    return seen


def common_ancestor(snapshots: Mapping[str, SchemaState], heads: Sequence[str]) -> SchemaState:
    """The newest revision every head descends from (an empty schema if there is none)."""
    shared = set.intersection(*(ancestors(snapshots, head) for head in heads))
    # The newest: not an ancestor of another shared one; the number then the id break ties.
    newest = [r for r in shared if not any(r in ancestors(snapshots, o) - {o} for o in shared)]
    if not newest:
        return SchemaState()
    return snapshots[max(newest, key=lambda r: (snapshots[r].number, r))]


def merge_tables(
    base: Sequence[DbTable], ours: Sequence[DbTable], theirs: Sequence[DbTable]
) -> tuple[tuple[DbTable, ...], list[Conflict]]:
    """The schema with both sides' changes since `base`, and what both changed differently."""
    conflicts: list[Conflict] = []
    merged = _merge(
        {(t.schema, t.name): t for t in base},
        [((t.schema, t.name), t) for t in ours],
        [((t.schema, t.name), t) for t in theirs],
        lambda key, b, o, t: _merge_table(b, o, t, conflicts),
        lambda key, gone: conflicts.append(Conflict(f"table `{key[1]}`", gone)),
    )
    return tuple(merged), conflicts


def _merge_table(
    base: DbTable | None, ours: DbTable, theirs: DbTable, out: list[Conflict]
) -> DbTable:
    if base is None:  # both sides created it, differently
        out.append(Conflict(f"table `{ours.name}`"))
        return ours
    name = ours.name

    def keyed(
        items: Callable[[DbTable], Iterable[V]], key: Callable[[V], str], what: str
    ) -> tuple[V, ...]:
        return tuple(
            _merge(
                {key(i): i for i in items(base)},
                [(key(i), i) for i in items(ours)],
                [(key(i), i) for i in items(theirs)],
                None,
                lambda k, gone: out.append(Conflict(f"{what} `{name}.{k}`", gone)),
            )
        )

    def scalar(attribute: str, what: str) -> object:
        b, o, t = (getattr(x, attribute) for x in (base, ours, theirs))
        if o != t and o != b and t != b:
            out.append(Conflict(f"{what} of `{name}`"))
        return t if o == b else o

    return replace(
        ours,
        resource=str(scalar("resource", "the resource")),
        schema=scalar("schema", "the schema"),  # type: ignore[arg-type]
        primary_key=scalar("primary_key", "the primary key"),  # type: ignore[arg-type]
        pk_name=str(scalar("pk_name", "the primary key's name")),
        autoincrement=bool(scalar("autoincrement", "SQLite AUTOINCREMENT")),
        columns=keyed(lambda t: t.columns, lambda c: c.name, "column"),
        uniques=keyed(lambda t: t.uniques, lambda u: u[0], "unique constraint"),
        indexes=keyed(lambda t: t.indexes, lambda i: i[0], "index"),
        checks=keyed(lambda t: t.checks, lambda c: c[0], "check constraint"),
        postgres_checks=keyed(lambda t: t.postgres_checks, lambda c: c[0], "check constraint"),
        foreign_keys=keyed(lambda t: t.foreign_keys, lambda f: f.constraint_name, "foreign key"),
        searches=keyed(lambda t: t.searches, lambda s: s[0], "search index"),
        custom_indexes=keyed(lambda t: t.custom_indexes, lambda i: i.name, "index"),
    )


def _merge(
    base: Mapping[K, V],
    ours: Sequence[tuple[K, V]],
    theirs: Sequence[tuple[K, V]],
    both: Callable[[K, V | None, V, V], V] | None,
    conflict: Callable[[K, bool], None],  # the key, and whether one side removed it
) -> list[V]:
    """Ours in our order, then what only theirs has; each item as the side that changed it."""
    mine, other = dict(ours), dict(theirs)
    keys = [k for k, _ in ours] + [k for k, _ in theirs if k not in mine]
    merged: list[V] = []
    for key in keys:
        b, o, t = base.get(key), mine.get(key), other.get(key)
        if o == t or t == b:
            value = o
        elif o == b:
            value = t
        elif o is not None and t is not None and both is not None:
            value = both(key, b, o, t)
        else:
            conflict(key, o is None or t is None)
            value = o
        if value is not None:
            merged.append(value)
    return merged
