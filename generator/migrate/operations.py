"""The operations a revision is made of: small frozen values that each spell their own Alembic
code, name the imports that code needs, and know the operations that undo them. A revision's
imports follow from what it does, and its downgrade is its upgrade undone, step by step, in
reverse order (`undo`).

`Operation`s run through `op` (here and in table_operations.py); `BatchOperation`s
(batch_operations.py) run inside a `Batch`, Alembic's `batch_alter_table`: plain ALTERs on
PostgreSQL, a table rebuild on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from persistgen.code_text import string_literal
from persistgen.migrate.schema import DbColumn, DbIndex, DbTable

SA = "sqlalchemy as sa"
OP = "alembic:op"
ONLINE = "{package}.db:online"  # steps a live PostgreSQL table survives (runtime db/online.py)


def on_dialect(postgres: Iterable[str] = (), other: Iterable[str] = ()) -> list[str]:
    """Lines that run on PostgreSQL only, on the other databases only, or one on each: the one
    place a revision tests its database."""
    postgres, other = indented(postgres), indented(other)
    test = 'if op.get_bind().dialect.name {} "postgresql":'
    if not postgres:
        return [test.format("!="), *other] if other else []
    return [test.format("=="), *postgres, *(["else:", *other] if other else [])]


def on_postgres(schema: str | None, keyword: str = "schema") -> str:
    """The `schema=` argument of an operation Alembic's SQLite side spells out itself (table
    renames, batch rebuilds, their foreign keys, raw tables): named on PostgreSQL only. The
    revision defines `on_postgres` when an operation's `uses_on_postgres` says so."""
    return f", {keyword}=on_postgres({schema!r})" if schema else ""


def schema_arg(schema: str | None) -> str:
    """The `schema=` argument of an operation SQLite's engine translates away itself."""
    return f", schema={schema!r}" if schema else ""


class Step:
    """What every operation tells its revision."""

    def lines(self) -> list[str]:
        raise NotImplementedError

    @property
    def imports(self) -> frozenset[str]:
        """What `lines` needs, as `module:name` or `module as alias` specs (`{package}`: the
        generated package)."""
        return frozenset({OP})

    @property
    def uses_on_postgres(self) -> bool:
        return False


class Operation(Step):
    """One step of `upgrade()` or `downgrade()`."""

    def reverse(self) -> Sequence[Operation]:
        """The operations that undo this one, in the order they run."""
        raise NotImplementedError


class BatchOperation(Step):
    """A step inside `batch_alter_table`, spelled on `batch_op`."""

    def reverse(self, table: str, schema: str | None) -> Sequence[Operation | BatchOperation]:
        """The steps that undo this one on `table`; some cannot run in its batch."""
        raise NotImplementedError


def undo(operations: Sequence[Operation]) -> list[Operation]:
    """The downgrade of `operations`."""
    return [step for o in reversed(operations) for step in o.reverse()]


# What SQLite's rebuild of an AUTOINCREMENT table (see DbTable.autoincrement) needs to keep it.
AUTOINCREMENT = 'table_kwargs={"sqlite_autoincrement": True}'
COUNTER_KEPT = "{package}.db.autoincrement:counter_kept"


@dataclass(frozen=True)
class Batch(Operation):
    """Changes to one table, applied together (one rebuild on SQLite)."""

    table: str
    schema: str | None
    operations: tuple[BatchOperation, ...]
    autoincrement: bool = False  # SQLite's rebuild keeps AUTOINCREMENT and its counter
    # The table's indexes over expressions or partial ones, which SQLite's rebuild would lose
    # (SQLAlchemy cannot read them back there): on SQLite, dropped before and made again after.
    sqlite_indexes: tuple[DbIndex, ...] = ()
    # The table's generated columns the operations leave alone: SQLite's rebuild would copy
    # their values into them, which it refuses; there they are dropped first and added again
    # last (the database computes them again).
    sqlite_generated: tuple[DbColumn, ...] = ()

    def lines(self) -> list[str]:
        if not self.sqlite_indexes and not self.sqlite_generated:
            return self._batch_lines(False)
        drops, creates = self._rebuilt_indexes()
        return [*on_dialect(other=drops), *self._batch_lines(False), *on_dialect(other=creates)]

    def sqlite_lines(self) -> list[str]:
        """The lines where the database is known not to be PostgreSQL."""
        drops, creates = self._rebuilt_indexes()
        return [*drops, *self._batch_lines(True), *creates]

    def _rebuilt_indexes(self) -> tuple[list[str], list[str]]:
        """The drops before SQLite's rebuild and the creates after it of `sqlite_indexes`."""
        drops = [drop_index(self.table, None, i) for i in self.sqlite_indexes]
        creates = [create_index(self.table, None, i, 8) for i in self.sqlite_indexes]
        return drops, creates

    def _batch_lines(self, sqlite: bool) -> list[str]:
        args = f"{self.table!r}{on_postgres(self.schema)}"
        # Where the database may be PostgreSQL, online.batch: safe steps there, batch mode else.
        batch = "op.batch_alter_table" if sqlite else "online.batch"
        head = f"{batch}({args}) as batch_op"
        if self.autoincrement:
            head = f"counter_kept({self.table!r}), {batch}({args}, {AUTOINCREMENT}) as batch_op"
        drops = [f"batch_op.drop_column({c.name!r})" for c in self.sqlite_generated]
        adds = [
            f"batch_op.add_column({column_code(c, 16 if sqlite else 20)})"
            for c in self.sqlite_generated
        ]
        if not sqlite:
            drops, adds = on_dialect(other=drops), on_dialect(other=adds)
        body = [*drops, *(line for o in self.operations for line in o.lines()), *adds]
        return [f"with {head}:", *indented(body)]

    @property
    def imports(self) -> frozenset[str]:
        return self._imports(sqlite=False)

    @property
    def sqlite_imports(self) -> frozenset[str]:
        """What `sqlite_lines` needs."""
        return self._imports(sqlite=True)

    def _imports(self, sqlite: bool) -> frozenset[str]:
        kept = {COUNTER_KEPT} if self.autoincrement else set()
        # `op.batch_alter_table` and the SQLite side's own steps; the operations name their own.
        if sqlite or self.sqlite_indexes or self.sqlite_generated:
            kept.add(OP)
        if not sqlite:
            kept.add(ONLINE)
        found = frozenset(kept).union(*(o.imports for o in self.operations))
        found = found.union(*map(column_imports, self.sqlite_generated))
        return found.union(*map(index_imports, self.sqlite_indexes))

    @property
    def uses_on_postgres(self) -> bool:
        return self.schema is not None or any(o.uses_on_postgres for o in self.operations)

    def reverse(self) -> list[Operation]:
        steps = [s for o in reversed(self.operations) for s in o.reverse(self.table, self.schema)]
        return batches(
            self.table,
            self.schema,
            steps,
            autoincrement=self.autoincrement,
            sqlite_indexes=self.sqlite_indexes,
            sqlite_generated=self.sqlite_generated,
        )


def kept_generated(table: DbTable, operations: Iterable[object]) -> tuple[DbColumn, ...]:
    """`table`'s generated columns that none of `operations` adds, drops or alters."""
    touched = {
        value.name
        for o in operations
        for value in (getattr(o, "column", None), getattr(o, "old", None), getattr(o, "new", None))
        if isinstance(value, DbColumn)
    }
    return tuple(c for c in table.columns if c.generated is not None and c.name not in touched)


def batches(
    table: str,
    schema: str | None,
    steps: Iterable[Operation | BatchOperation],
    *,
    autoincrement: bool = False,
    sqlite_indexes: tuple[DbIndex, ...] = (),
    sqlite_generated: tuple[DbColumn, ...] = (),
) -> list[Operation]:
    """`steps` with each run of batch operations in one `Batch`."""
    kept = (autoincrement, sqlite_indexes, sqlite_generated)
    result: list[Operation] = []
    run: list[BatchOperation] = []
    for step in steps:
        if isinstance(step, BatchOperation):
            run.append(step)
            continue
        if run:
            result.append(Batch(table, schema, tuple(run), *kept))
            run = []
        result.append(step)
    if run:
        result.append(Batch(table, schema, tuple(run), *kept))
    return result


@dataclass(frozen=True)
class CreateEnumType(Operation):
    """A native enum's type, which a batch `add_column` does not create."""

    column: DbColumn

    def lines(self) -> list[str]:
        return [f"{self.column.type}.create(op.get_bind(), checkfirst=True)"]

    @property
    def imports(self) -> frozenset[str]:
        return frozenset({OP, SA})

    def reverse(self) -> list[Operation]:
        assert self.column.native_type is not None
        return [DropEnumType(self.column.native_type)]


@dataclass(frozen=True)
class SetTableComment(Operation):
    """A table's comment set, changed or removed: on PostgreSQL (SQLite keeps none)."""

    table: str
    schema: str | None
    comment: str | None
    existing: str | None

    def lines(self) -> list[str]:
        existing = "" if self.existing is None else self.existing
        was = f"existing_comment={string_literal(existing, 12, 'existing_comment=')}"
        if self.comment is None:
            return on_dialect(
                ["op.drop_table_comment(", f"    {self.table!r},", f"    {was},"]
                + ([f"    schema={self.schema!r},"] if self.schema else [])
                + [")"]
            )
        text = string_literal(self.comment, 12)
        return on_dialect(
            ["op.create_table_comment(", f"    {self.table!r},", f"    {text},"]
            + ([f"    {was},"] if self.existing is not None else [])
            + ([f"    schema={self.schema!r},"] if self.schema else [])
            + [")"]
        )

    @property
    def imports(self) -> frozenset[str]:
        return frozenset({OP})

    def reverse(self) -> list[Operation]:
        return [SetTableComment(self.table, self.schema, self.existing, self.comment)]


@dataclass(frozen=True)
class DropEnumType(Operation):
    """The PostgreSQL ENUM type a dropped table or column leaves behind. Undone by nothing:
    the table or column that comes back brings its type."""

    name: str

    def lines(self) -> list[str]:
        return [f"sa.Enum(name={self.name!r}).drop(op.get_bind(), checkfirst=True)"]

    @property
    def imports(self) -> frozenset[str]:
        return frozenset({OP, SA})

    def reverse(self) -> list[Operation]:
        return []


@dataclass(frozen=True)
class Backfill(Operation):
    """Existing rows' NULLs get `value` before the column becomes NOT NULL. Undone by nothing:
    NULL is allowed again, and the values are as good as any."""

    table: str
    schema: str | None
    column: DbColumn
    value: str  # a Python literal

    def lines(self) -> list[str]:
        name, column = self.column.name, self.column
        # The schema is not translated by SQLite's schema_translate_map, which reads `Table`s.
        return [
            f"online.backfill({self.table!r}, sa.column({name!r}, {column.type}), {self.value}"
            f"{on_postgres(self.schema)})"
        ]

    @property
    def imports(self) -> frozenset[str]:
        decimal = {"decimal:Decimal"} if self.column.kind == "decimal" else set()
        return frozenset({ONLINE, SA, *decimal}) | self.column.type_imports

    @property
    def uses_on_postgres(self) -> bool:
        return self.schema is not None

    def reverse(self) -> list[Operation]:
        return []


def column_code(
    column: DbColumn, indent: int, *, nullable: bool | None = None, schema: str | None = None
) -> str:
    """`sa.Column(...)` whose arguments, split one a line, start at `indent`; `schema`: the
    table's, where a named sequence lives too."""
    args = [repr(column.name), column.type]
    if column.identity:
        args.append("sa.Identity()")
    if column.generated is not None:
        expression = string_literal(column.generated, indent, "sa.Computed(")
        args.append(f"sa.Computed({expression}, persisted=True)")
    if column.sequence is not None:
        args.append(sequence_code(column.sequence, schema))
    if not column.autoincrement:
        args.append("autoincrement=False")
    if column.server_default is not None:
        args.append(f"server_default={column.server_default}")
    elif column.sequence is not None:
        args.append(f"server_default=next_value({sequence_code(column.sequence, schema)})")
    args.append(f"nullable={column.nullable if nullable is None else nullable}")
    if column.comment is not None:
        args.append(f"comment={string_literal(column.comment, indent, 'comment=')}")
    return f"sa.Column({', '.join(args)})"


def column_imports(column: DbColumn) -> frozenset[str]:
    sequence = {SA, NEXT_VALUE} if column.sequence is not None else set()
    return column.type_imports | column.default_imports | sequence


# A named sequence's default: `nextval(...)` on PostgreSQL, and on SQLite (no sequences) the
# NULL an INTEGER PRIMARY KEY numbers.
NEXT_VALUE = "{package}.db.sequences:next_value"


def sequence_code(name: str, schema: str | None) -> str:
    return f"sa.Sequence({name!r}{schema_arg(schema)})"


# Where an index is made, which decides how: on a table SQLite's batch has just rebuilt (`op`),
# on one the revision creates (`op`, IF NOT EXISTS: a resumed revision passes it), or on one
# that may have rows (`online`: built concurrently on PostgreSQL).
IndexTarget = Literal["rebuilt", "new", "live"]


def index_call(target: IndexTarget) -> tuple[str, str]:
    """The module whose `create_index` makes an index on `target`, and its last arguments."""
    if target == "live":
        return "online", ""
    return "op", ", if_not_exists=True" if target == "new" else ""


def create_index(
    table: str, schema: str | None, index: DbIndex, indent: int, target: IndexTarget = "rebuilt"
) -> str:
    """`create_index(...)` of an index over expressions, partial or unique (a DbIndex)."""
    module, last = index_call(target)
    return (
        f"{module}.create_index(op.f({index.name!r}), {table!r}, {index_args(index, indent)}"
        f"{schema_arg(schema)}{last})"
    )


def drop_index(table: str, schema: str | None, index: DbIndex, *, live: bool = False) -> str:
    module = "online" if live else "op"
    return f"{module}.drop_index(op.f({index.name!r}), table_name={table!r}{schema_arg(schema)})"


def index_args(index: DbIndex, indent: int) -> str:
    """What follows an index's name and table in `create_index`: its columns or expressions,
    and what makes it unique or partial, alike on PostgreSQL and SQLite."""
    elements = [*map(repr, index.columns)]
    # each literal is sa.text's sole argument: split, it needs no parentheses of its own
    elements += [
        f"sa.text({string_literal(sql, indent + 12, sole=True)})" for sql in index.expressions
    ]
    args = [f"[{', '.join(elements)}]"]
    if index.unique:
        args.append("unique=True")
    if index.where is not None:
        for dialect in ("postgresql", "sqlite"):
            where = string_literal(index.where, indent + 8, sole=True)
            args.append(f"{dialect}_where=sa.text({where})")
    return ", ".join(args)


def index_imports(index: DbIndex) -> frozenset[str]:
    return frozenset({SA} if index.expressions or index.where is not None else ())


def listed(columns: tuple[str, ...]) -> str:
    return ", ".join(map(repr, columns))


def indented(lines: Iterable[str]) -> list[str]:
    return [f"    {line}" for line in lines]
