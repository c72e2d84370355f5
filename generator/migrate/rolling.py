"""Expand and contract for rolling deploys (`project.rolling_deploys`): while application
instances are updated one by one, the version before and the version after run side by side
against one database, so a revision must not take away what the version before still uses.

Expand: a column the spec removes is kept, retired (nullable if the version after could not
insert without it); a renamed column is added beside the old one, which is retired and, on
PostgreSQL, kept equal to it by a trigger (`online.keep_equal`) while the rows are copied.
Contract (`persistgen generate --contract`, once no instance of the version before runs): the
retired columns dropped, their triggers first. In between, revisions leave them alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from persistgen import naming
from persistgen.migrate.operations import ONLINE, Operation, on_postgres, schema_arg
from persistgen.migrate.renames import Renames
from persistgen.migrate.schema import DbColumn, DbTable, SchemaState

Columns = set[tuple[str, str]]  # (table, column)


def rolled(
    old: SchemaState,
    tables: tuple[DbTable, ...],
    renames: Renames,
    *,
    rolling: bool,
    contract: bool,
) -> tuple[tuple[DbTable, ...], Renames]:
    """The spec's `tables` with the retired columns the database keeps: those `old` retired
    (none with `contract`) and, with `rolling`, those the spec removes or renames now; and the
    renames still made in place (a renamed key column is, for its references)."""
    plain = _plain_renames(old, renames) if rolling else renames
    before = {renames.tables.get(t.name, t.name): t for t in old.tables}
    result = []
    for table in tables:
        was = before.get(table.name)
        if was is None:
            result.append(table)
            continue
        in_place = plain.columns.get(table.name, {})
        copied = renames.columns.get(table.name, {})
        names = {c.name for c in table.columns}
        kept = []
        for column in was.columns:
            if column.name in names or column.name in in_place:
                continue
            if column.retired and not contract:
                kept.append(column)
            elif rolling and not column.retired:
                kept.append(_retire(table.name, column, copied.get(column.name)))
        result.append(replace(table, columns=(*table.columns, *kept)) if kept else table)
    return tuple(result), plain


def _plain_renames(old: SchemaState, renames: Renames) -> Renames:
    """The column renames made in place with rolling deploys: key and generated columns'."""
    before = {renames.tables.get(t.name, t.name): t for t in old.tables}
    columns = {}
    for table, renamed in renames.columns.items():
        was = before[table]
        generated = {c.name for c in was.columns if c.generated is not None}
        in_place = {
            old_name: new
            for old_name, new in renamed.items()
            if old_name in was.primary_key or old_name in generated
        }
        if in_place:
            columns[table] = in_place
    return Renames(renames.tables, columns)


def _retire(table: str, column: DbColumn, renamed_to: str | None) -> DbColumn:
    """`column` as the version after leaves it: NULL where it inserts a row. A renamed one has
    no default either, so that an insert which sets it is known to come from the version
    before (see `online.keep_equal`)."""
    if renamed_to is None:
        return replace(column, retired=True, nullable=column.nullable or column.waits_for_rows)
    sync = (naming.constraint("sync", table, column.name, renamed_to), renamed_to)
    return replace(column, retired=True, nullable=True, server_default=None, sync=sync)


def expand(old: DbTable, new: DbTable) -> tuple[list[Operation], list[str], Columns]:
    """The columns of `new` that this revision retires: the operations that keep a renamed
    one equal to its successor and copy it there, what to say of them, and the columns such a
    copy fills in every row (from a NOT NULL column: they need no backfill)."""
    before = {c.name: c for c in old.columns}
    operations: list[Operation] = []
    summary: list[str] = []
    filled: Columns = set()
    for column in new.columns:
        was = before.get(column.name)
        if not column.retired or was is None or was.retired:
            continue
        summary.append(f"retire column {new.name}.{column.name} (until `--contract` drops it)")
        if column.sync is None:
            continue
        name, target = column.sync
        successor = _column(new, target)
        operations += [
            KeepEqual(new.name, new.schema, column, successor, name),
            CopyColumn(new.name, new.schema, column, successor),
        ]
        summary.append(
            f"keep {new.name}.{column.name} and {target} equal (a trigger on PostgreSQL) and "
            f"copy {column.name} into {target}"
        )
        if not was.nullable:
            filled.add((new.name, target))
    return operations, summary, filled


def contract(table: DbTable, column: DbColumn) -> tuple[list[Operation], str]:
    """A retired column that goes: its trigger first; not destructive, the spec let it go."""
    operations: list[Operation] = []
    if column.sync is not None:
        name, target = column.sync
        successor = _column(table, target)
        operations.append(StopKeepingEqual(table.name, table.schema, column, successor, name))
    return operations, f"drop retired column {table.name}.{column.name}"


def _column(table: DbTable, name: str) -> DbColumn:
    return next(c for c in table.columns if c.name == name)


@dataclass(frozen=True)
class KeepEqual(Operation):
    """On PostgreSQL, a trigger that keeps a retired column and its successor equal."""

    table: str
    schema: str | None
    old: DbColumn
    new: DbColumn
    name: str  # the trigger's and its function's

    def lines(self) -> list[str]:
        args = f"{self.table!r}, {self.old.name!r}, {self.new.name!r}, {self.name!r}"
        return [f"online.keep_equal({args}{schema_arg(self.schema)})"]

    @property
    def imports(self) -> frozenset[str]:
        return frozenset({ONLINE})

    def reverse(self) -> list[Operation]:
        return [StopKeepingEqual(self.table, self.schema, self.old, self.new, self.name)]


@dataclass(frozen=True)
class StopKeepingEqual(Operation):
    """`KeepEqual` undone: its trigger and function dropped."""

    table: str
    schema: str | None
    old: DbColumn
    new: DbColumn
    name: str

    def lines(self) -> list[str]:
        args = f"{self.table!r}, {self.name!r}"
        return [f"online.stop_keeping_equal({args}{schema_arg(self.schema)})"]

    @property
    def imports(self) -> frozenset[str]:
        return frozenset({ONLINE})

    def reverse(self) -> list[Operation]:
        """The trigger again, and the retired column (added back empty) filled."""
        return [
            KeepEqual(self.table, self.schema, self.old, self.new, self.name),
            CopyColumn(self.table, self.schema, self.new, self.old),
        ]


@dataclass(frozen=True)
class CopyColumn(Operation):
    """A column's NULLs filled from another in committed batches (see `online.backfill`),
    converted to its type where the two differ (a native enum's type follows the field's name).
    Undone by nothing: the values are as good as any."""

    table: str
    schema: str | None
    source: DbColumn
    target: DbColumn

    def lines(self) -> list[str]:
        args = f"{self.table!r}, {self.source.name!r}, {self.target.name!r}"
        retype = f", {self.target.type}" if self._converts else ""
        # The schema is not translated by SQLite's schema_translate_map, which reads `Table`s.
        return [f"online.copy_column({args}{retype}{on_postgres(self.schema)})"]

    @property
    def _converts(self) -> bool:
        return self.source.type != self.target.type

    @property
    def imports(self) -> frozenset[str]:
        return frozenset({ONLINE}) | (self.target.type_imports if self._converts else frozenset())

    @property
    def uses_on_postgres(self) -> bool:
        return self.schema is not None

    def reverse(self) -> list[Operation]:
        return []
