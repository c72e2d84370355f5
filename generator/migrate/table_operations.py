"""Operations on whole tables and schemas."""

from __future__ import annotations

from dataclasses import dataclass, replace

from persistgen.code_text import string_literal
from persistgen.migrate.batch_operations import RetypeColumn
from persistgen.migrate.operations import (
    AUTOINCREMENT,
    ONLINE,
    OP,
    SA,
    Batch,
    DropEnumType,
    IndexTarget,
    Operation,
    column_code,
    column_imports,
    create_index,
    drop_index,
    index_call,
    index_imports,
    kept_generated,
    listed,
    on_dialect,
    on_postgres,
    schema_arg,
    sequence_code,
    undo,
)
from persistgen.migrate.schema import DbColumn, DbIndex, DbTable, ForeignKeyModel
from persistgen.naming import always_quoted


@dataclass(frozen=True)
class CreateSchemas(Operation):
    """The PostgreSQL schemas tables go into (SQLite has one, unnamed)."""

    schemas: tuple[str, ...]

    def lines(self) -> list[str]:
        create = "op.execute(sa.schema.CreateSchema({!r}, if_not_exists=True))"
        return on_dialect([create.format(schema) for schema in self.schemas])

    @property
    def imports(self) -> frozenset[str]:
        return frozenset({OP, SA})

    def reverse(self) -> list[Operation]:
        return []  # a schema stays: it may hold more than this project's tables


@dataclass(frozen=True)
class RenameTable(Operation):
    old: str
    new: str
    schema: str | None

    def lines(self) -> list[str]:
        return [f"online.rename_table({self.old!r}, {self.new!r}{on_postgres(self.schema)})"]

    @property
    def imports(self) -> frozenset[str]:
        return frozenset({ONLINE})

    @property
    def uses_on_postgres(self) -> bool:
        return self.schema is not None

    def reverse(self) -> list[Operation]:
        return [RenameTable(self.new, self.old, self.schema)]


@dataclass(frozen=True)
class MoveTable(Operation):
    """`ALTER TABLE ... SET SCHEMA` on PostgreSQL; on SQLite every schema is the same one."""

    table: str
    schema: str | None  # where it is; None: the default one
    to: str | None  # where it goes

    def lines(self) -> list[str]:
        table = _qualified(self.table, self.schema)
        to = always_quoted(self.to or "public")
        return on_dialect([_execute(f"ALTER TABLE {table} SET SCHEMA {to}")])

    def reverse(self) -> list[Operation]:
        return [MoveTable(self.table, self.to, self.schema)]


@dataclass(frozen=True)
class RenamePrimaryKey(Operation):
    """SQLite keeps no separate primary key name worth renaming; PostgreSQL does."""

    table: str
    schema: str | None
    old: str
    new: str

    def lines(self) -> list[str]:
        table = _qualified(self.table, self.schema)
        return on_dialect(
            [
                _execute(
                    f"ALTER TABLE {table} RENAME CONSTRAINT "
                    f"{always_quoted(self.old)} TO {always_quoted(self.new)}"
                )
            ]
        )

    def reverse(self) -> list[Operation]:
        return [RenamePrimaryKey(self.table, self.schema, self.new, self.old)]


@dataclass(frozen=True)
class RenameObject(Operation):
    """A constraint or index the spec names anew: renamed in place on PostgreSQL, so rows,
    the index behind it and what depends on it (a foreign key on a unique constraint) stay;
    on SQLite, where a constraint's name lives in the table's SQL, made again under the new
    name (`other`)."""

    table: str
    schema: str | None
    index: bool  # an index (ALTER INDEX), else a constraint (ALTER TABLE ... CONSTRAINT)
    old: str
    new: str
    other: tuple[Operation, ...]

    def lines(self) -> list[str]:
        if self.index:
            index = _qualified(self.old, self.schema)
            sql = f"ALTER INDEX {index} RENAME TO {always_quoted(self.new)}"
        else:
            table = _qualified(self.table, self.schema)
            old, new = always_quoted(self.old), always_quoted(self.new)
            sql = f"ALTER TABLE {table} RENAME CONSTRAINT {old} TO {new}"
        other = [
            line
            for o in self.other
            for line in (o.sqlite_lines() if isinstance(o, Batch) else o.lines())
        ]
        return on_dialect([_execute(sql)], other)

    @property
    def imports(self) -> frozenset[str]:
        imports = (o.sqlite_imports if isinstance(o, Batch) else o.imports for o in self.other)
        return frozenset({OP}).union(*imports)

    @property
    def uses_on_postgres(self) -> bool:
        return any(o.uses_on_postgres for o in self.other)

    def reverse(self) -> list[Operation]:
        return [
            RenameObject(
                self.table, self.schema, self.index, self.new, self.old, tuple(undo(self.other))
            )
        ]


@dataclass(frozen=True)
class CreateTable(Operation):
    table: DbTable
    foreign_keys: tuple[ForeignKeyModel, ...]  # created with it; the others come later
    # Native enum types it shares with a table there before it: its downgrade leaves them.
    kept_types: frozenset[str] = frozenset()

    def lines(self) -> list[str]:
        table = self.table
        create = "op.execute(sa.schema.CreateSequence({}, if_not_exists=True))"
        lines = on_dialect(create.format(s) for s in _sequences(table))
        lines += ["op.create_table(", f"    {table.name!r},"]
        columns = [self._typed(c) for c in table.columns]
        lines += [f"    {column_code(c, 12, schema=table.schema)}," for c in columns]
        lines += [f"    {_fk_constraint(fk)}," for fk in self.foreign_keys]
        key = listed(table.primary_key)
        lines.append(f"    sa.PrimaryKeyConstraint({key}, name=op.f({table.pk_name!r})),")
        for name, on in table.uniques:
            lines.append(f"    sa.UniqueConstraint({listed(on)}, name=op.f({name!r})),")
        for name, sql in table.checks:
            lines.append(f"    sa.CheckConstraint({string_literal(sql, 12)}, name=op.f({name!r})),")
        for name, sql in table.postgres_checks:  # SQLite's CREATE TABLE leaves them out
            lines.append(
                f"    sa.CheckConstraint({string_literal(sql, 12)}, name=op.f({name!r}))"
                '.ddl_if(dialect="postgresql"),'
            )
        if table.autoincrement:
            lines.append("    sqlite_autoincrement=True,")
        if table.comment is not None:
            lines.append(f"    comment={string_literal(table.comment, 8, 'comment=')},")
        if table.schema:
            lines.append(f"    schema={table.schema!r},")
        # A revision stopped after an online step committed it runs again: see db/online.py.
        lines += ["    if_not_exists=True,", ")"]
        for name, on in table.indexes:
            lines.append(
                f"op.create_index(op.f({name!r}), {table.name!r}, [{listed(on)}]"
                f"{schema_arg(table.schema)}, if_not_exists=True)"
            )
        lines += [create_index(table.name, table.schema, i, 4, "new") for i in table.custom_indexes]
        searches = [CreateSearchIndex(table.name, table.schema, *s) for s in table.searches]
        return lines + on_dialect(line for s in searches for line in s.index_lines("new"))

    def _typed(self, column: DbColumn) -> DbColumn:
        """A column of a native enum type already there: PostgreSQL's `create_table` would
        make the type again (an error); its variant there names it only."""
        if column.native_type not in self.kept_types:
            return column
        named = f"postgresql.ENUM(name={column.native_type!r}, create_type=False)"
        return replace(column, type=f'{column.type}.with_variant({named}, "postgresql")')

    @property
    def imports(self) -> frozenset[str]:
        shared = any(c.native_type in self.kept_types for c in self.table.columns)
        return frozenset({OP, SA}).union(
            *(column_imports(c) for c in self.table.columns),
            *map(index_imports, self.table.custom_indexes),
            {"sqlalchemy.dialects:postgresql"} if shared else (),
        )

    def reverse(self) -> list[Operation]:
        types = [c.native_type for c in self.table.columns if c.native_type]
        owned = [t for t in dict.fromkeys(types) if t not in self.kept_types]
        return [DropTable(self.table), *map(DropEnumType, owned)]


@dataclass(frozen=True)
class CreateCustomIndex(Operation):
    """An index over expressions, partial or unique (see DbIndex): made outside any batch, as
    SQLite's rebuild could not carry it."""

    table: str
    schema: str | None
    index: DbIndex

    def lines(self) -> list[str]:
        return [create_index(self.table, self.schema, self.index, 4, "live")]

    @property
    def imports(self) -> frozenset[str]:
        return frozenset({OP, ONLINE}) | index_imports(self.index)

    def reverse(self) -> list[Operation]:
        return [DropCustomIndex(self.table, self.schema, self.index)]


@dataclass(frozen=True)
class DropCustomIndex(Operation):
    table: str
    schema: str | None
    index: DbIndex

    def lines(self) -> list[str]:
        return [drop_index(self.table, self.schema, self.index, live=True)]

    @property
    def imports(self) -> frozenset[str]:
        return frozenset({OP, ONLINE})

    def reverse(self) -> list[Operation]:
        return [CreateCustomIndex(self.table, self.schema, self.index)]


@dataclass(frozen=True)
class RebuildAutoincrement(Operation):
    """SQLite AUTOINCREMENT on tables made without it (or off again), which only a rebuild can
    change: the rows are copied with their keys, and the copy sets the counter to the largest.
    PostgreSQL's identity and serial keys are never reused: nothing to do there."""

    tables: tuple[str, ...]
    on: bool

    def lines(self) -> list[str]:
        kwargs = AUTOINCREMENT if self.on else 'table_kwargs={"sqlite_autoincrement": False}'
        rebuild = f'op.batch_alter_table(table, recreate="always", {kwargs})'
        tables = listed(self.tables) + ("," if len(self.tables) == 1 else "")
        return on_dialect(
            other=[f"for table in ({tables}):", f"    with {rebuild}:", "        pass"]
        )

    def reverse(self) -> list[Operation]:
        return [RebuildAutoincrement(self.tables[::-1], not self.on)]


@dataclass(frozen=True)
class DropTable(Operation):
    """Undone by the table again, empty, with all its references: what they point to is back
    by then."""

    table: DbTable
    # Native enum types still there when its downgrade makes it again (see CreateTable).
    kept_types: frozenset[str] = frozenset()

    def lines(self) -> list[str]:
        drop = "op.execute(sa.schema.DropSequence({}, if_exists=True))"
        return [
            f"op.drop_table({self.table.name!r}{schema_arg(self.table.schema)}, if_exists=True)",
            *on_dialect(drop.format(s) for s in _sequences(self.table)),
        ]

    @property
    def imports(self) -> frozenset[str]:
        return frozenset({OP, SA} if _sequences(self.table) else {OP})

    def reverse(self) -> list[Operation]:
        return [CreateTable(self.table, self.table.foreign_keys, self.kept_types)]


def _sequences(table: DbTable) -> list[str]:
    """The named sequences of the table's columns, as `sa.Sequence(...)`: the table's
    migration makes them (Alembic's `create_table` does not), and drops them with it."""
    return [sequence_code(c.sequence, table.schema) for c in table.columns if c.sequence]


@dataclass(frozen=True)
class RetypeNativeEnum(Operation):
    """A PostgreSQL ENUM cannot lose values in place: build the new type, move the column
    over (a removed value still in use fails the cast), drop the old one. SQLite, where the
    type is VARCHAR + CHECK, rebuilds the table as for any type change."""

    table: DbTable
    old: DbColumn
    new: DbColumn

    def lines(self) -> list[str]:
        old, new, table = self.old, self.new, self.table
        name, column, retired = new.native_type, new.name, f"{new.native_type}_old"
        assert name is not None and old.native_type is not None  # both native enums
        quoted_column, quoted_name = always_quoted(column), always_quoted(name)
        on_column = (
            f"ALTER TABLE {_qualified(table.name, table.schema)} ALTER COLUMN {quoted_column}"
        )
        postgres = [
            _execute(
                f"ALTER TYPE {always_quoted(old.native_type)} RENAME TO {always_quoted(retired)}"
            ),
            f"{new.type}.create(op.get_bind())",
        ]
        if old.server_default:  # a default of the old type would block the cast
            postgres.append(_execute(f"{on_column} DROP DEFAULT"))
        postgres.append(
            _execute(f"{on_column} TYPE {quoted_name} USING {quoted_column}::text::{quoted_name}")
        )
        if new.server_default:
            postgres.append(
                f"op.alter_column({table.name!r}, {column!r}, "
                f"server_default={new.server_default}{schema_arg(table.schema)})"
            )
        postgres.append(_execute(f"DROP TYPE {always_quoted(retired)}"))
        return on_dialect(postgres, self._batch.sqlite_lines())

    @property
    def _batch(self) -> Batch:
        retype = (RetypeColumn(self.old, self.new),)
        return Batch(
            self.table.name,
            self.table.schema,
            retype,
            self.table.autoincrement,
            self.table.custom_indexes,
            kept_generated(self.table, retype),
        )

    @property
    def imports(self) -> frozenset[str]:
        return self._batch.sqlite_imports | self.new.default_imports

    @property
    def uses_on_postgres(self) -> bool:
        return self._batch.uses_on_postgres

    def reverse(self) -> list[Operation]:
        return [RetypeNativeEnum(self.table, self.new, self.old)]


@dataclass(frozen=True)
class RenameNativeEnum(RetypeNativeEnum):
    """A native enum's type renamed (`enum_name`), its values the same: renamed in place on
    PostgreSQL; on SQLite, its CHECK is named after it, so the table is rebuilt."""

    def lines(self) -> list[str]:
        assert self.old.native_type and self.new.native_type  # both native, by construction
        old, new = always_quoted(self.old.native_type), always_quoted(self.new.native_type)
        rename = f"ALTER TYPE {old} RENAME TO {new}"
        return on_dialect([_execute(rename)], self._batch.sqlite_lines())

    def reverse(self) -> list[Operation]:
        return [RenameNativeEnum(self.table, self.new, self.old)]


@dataclass(frozen=True)
class AddEnumValues(RetypeNativeEnum):
    """A native enum that only gains values, each in its place: added to its type on
    PostgreSQL, which touches no table (`online.add_enum_value`); on SQLite, where the type is
    VARCHAR + CHECK, the table is rebuilt. Undone by a new type without them."""

    def lines(self) -> list[str]:
        assert self.new.native_type is not None  # native, by construction
        name, values = self.new.native_type, self.new.params
        added = []
        for at, value in enumerate(values):
            if value not in self.old.params:
                place = f"after={values[at - 1]!r}" if at else f"before={values[1]!r}"
                added.append(f"online.add_enum_value({name!r}, {value!r}, {place})")
        return on_dialect(added, self._batch.sqlite_lines())

    @property
    def imports(self) -> frozenset[str]:
        return self._batch.sqlite_imports | {OP, ONLINE}


def _fk_constraint(fk: ForeignKeyModel) -> str:
    on_delete = f", ondelete={fk.on_delete!r}" if fk.on_delete else ""
    on_update = f", onupdate={fk.on_update!r}" if fk.on_update else ""
    return (
        f"sa.ForeignKeyConstraint([{fk.column!r}], [{fk.target!r}], "
        f"name=op.f({fk.constraint_name!r}){on_delete}{on_update}{fk.deferrable_args})"
    )


def _qualified(table: str, schema: str | None) -> str:
    """`table`'s name in raw PostgreSQL SQL."""
    table = always_quoted(table)
    return f"{always_quoted(schema)}.{table}" if schema else table


def _execute(sql: str) -> str:
    """`op.execute(...)`, in `upgrade` or under a dialect test: its SQL split at spaces to fit."""
    return f"op.execute({string_literal(sql, 12, sole=True)})"


# pg_trgm ships with PostgreSQL and is trusted (since 13): the database's owner may create it.
CREATE_TRIGRAMS = 'op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")'


@dataclass(frozen=True)
class CreateTrigrams(Operation):
    """The pg_trgm extension, which search indexes need, before the first of them. Undone by
    nothing: other tables, or other projects in the database, may use it."""

    def lines(self) -> list[str]:
        return on_dialect([CREATE_TRIGRAMS])

    def reverse(self) -> list[Operation]:
        return []


@dataclass(frozen=True)
class CreateSearchIndex(Operation):
    """A `search` field's GIN trigram index, which serves `ILIKE '%text%'`: PostgreSQL only
    (SQLite's searches scan the table)."""

    table: str
    schema: str | None
    name: str
    column: str

    def lines(self) -> list[str]:
        return on_dialect(self.index_lines("live"))

    @property
    def imports(self) -> frozenset[str]:
        return frozenset({OP, ONLINE})

    def index_lines(self, target: IndexTarget) -> list[str]:
        """Its statement, for a block that already tests the database."""
        module, last = index_call(target)
        ops = f"postgresql_ops={{{self.column!r}: 'gin_trgm_ops'}}"
        return [
            f"{module}.create_index(op.f({self.name!r}), {self.table!r}, [{self.column!r}], "
            f"postgresql_using='gin', {ops}{schema_arg(self.schema)}{last})"
        ]

    def reverse(self) -> list[Operation]:
        return [DropSearchIndex(self.table, self.schema, self.name, self.column)]


@dataclass(frozen=True)
class DropSearchIndex(Operation):
    table: str
    schema: str | None
    name: str
    column: str

    def lines(self) -> list[str]:
        return on_dialect(
            [
                f"online.drop_index(op.f({self.name!r}), table_name={self.table!r}"
                f"{schema_arg(self.schema)})"
            ]
        )

    @property
    def imports(self) -> frozenset[str]:
        return frozenset({OP, ONLINE})

    def reverse(self) -> list[Operation]:
        return [CreateSearchIndex(self.table, self.schema, self.name, self.column)]
