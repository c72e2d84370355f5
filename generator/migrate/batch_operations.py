"""Changes to one table's columns and constraints, run inside its `Batch`."""

from __future__ import annotations

from dataclasses import dataclass, replace

from persistgen.code_text import string_literal
from persistgen.migrate.operations import (
    OP,
    Backfill,
    BatchOperation,
    CreateEnumType,
    Operation,
    column_code,
    column_imports,
    listed,
    on_dialect,
    on_postgres,
)
from persistgen.migrate.schema import DbColumn, ForeignKeyModel
from persistgen.migrate.types import zero, zone_cast

Steps = list[Operation | BatchOperation]


@dataclass(frozen=True)
class RenameColumn(BatchOperation):
    old: str
    new: str

    def lines(self) -> list[str]:
        return [f"batch_op.alter_column({self.old!r}, new_column_name={self.new!r})"]

    @property
    def imports(self) -> frozenset[str]:
        return frozenset()

    def reverse(self, table: str, schema: str | None) -> Steps:
        return [RenameColumn(self.new, self.old)]


@dataclass(frozen=True)
class RenameGenerated(BatchOperation):
    """A generated column renamed: in place on PostgreSQL; elsewhere dropped and added under
    its new name (SQLite's rebuild cannot copy values into it, and the database computes them
    again)."""

    old: DbColumn
    new: DbColumn

    def lines(self) -> list[str]:
        rename = RenameColumn(self.old.name, self.new.name).lines()
        drop_add = [
            f"batch_op.drop_column({self.old.name!r})",
            f"batch_op.add_column({column_code(self.new, 20)})",
        ]
        return on_dialect(rename, drop_add)

    @property
    def imports(self) -> frozenset[str]:
        return frozenset({OP}) | column_imports(self.new)

    def reverse(self, table: str, schema: str | None) -> Steps:
        return [RenameGenerated(self.new, self.old)]


@dataclass(frozen=True)
class ReplaceCheck(BatchOperation):
    """An enum's CHECK again, under a new name or on its column's new name. SQLite's table
    rebuild would keep the old one; PostgreSQL follows a column rename itself, and has the
    CHECK only for enums that are not `native`."""

    old_name: str
    old_sql: str
    name: str
    sql: str
    everywhere: bool = False  # else on the databases other than PostgreSQL

    def lines(self) -> list[str]:
        lines = [
            f"batch_op.drop_constraint(op.f({self.old_name!r}), type_='check')",
            f"batch_op.create_check_constraint(op.f({self.name!r}), {_sql(self.sql)})",
        ]
        return lines if self.everywhere else on_dialect(other=lines)

    def reverse(self, table: str, schema: str | None) -> Steps:
        return [ReplaceCheck(self.name, self.sql, self.old_name, self.old_sql, self.everywhere)]


@dataclass(frozen=True)
class CreateUnique(BatchOperation):
    name: str
    columns: tuple[str, ...]

    def lines(self) -> list[str]:
        return [f"batch_op.create_unique_constraint(op.f({self.name!r}), [{listed(self.columns)}])"]

    def reverse(self, table: str, schema: str | None) -> Steps:
        return [DropUnique(self.name, self.columns)]


@dataclass(frozen=True)
class DropUnique(BatchOperation):
    name: str
    columns: tuple[str, ...]

    def lines(self) -> list[str]:
        return [_drop_constraint(self.name, "unique")]

    def reverse(self, table: str, schema: str | None) -> Steps:
        return [CreateUnique(self.name, self.columns)]


@dataclass(frozen=True)
class CreateIndex(BatchOperation):
    name: str
    columns: tuple[str, ...]

    def lines(self) -> list[str]:
        return [f"batch_op.create_index(op.f({self.name!r}), [{listed(self.columns)}])"]

    def reverse(self, table: str, schema: str | None) -> Steps:
        return [DropIndex(self.name, self.columns)]


@dataclass(frozen=True)
class DropIndex(BatchOperation):
    name: str
    columns: tuple[str, ...]

    def lines(self) -> list[str]:
        return [f"batch_op.drop_index(op.f({self.name!r}))"]

    def reverse(self, table: str, schema: str | None) -> Steps:
        return [CreateIndex(self.name, self.columns)]


@dataclass(frozen=True)
class CreateCheck(BatchOperation):
    name: str
    sql: str
    postgres_only: bool = False  # SQL of PostgreSQL's own: SQLite never has it

    def lines(self) -> list[str]:
        line = f"batch_op.create_check_constraint(op.f({self.name!r}), {_sql(self.sql)})"
        return on_dialect([line]) if self.postgres_only else [line]

    def reverse(self, table: str, schema: str | None) -> Steps:
        return [DropCheck(self.name, self.sql, self.postgres_only)]


@dataclass(frozen=True)
class DropCheck(BatchOperation):
    name: str
    sql: str
    postgres_only: bool = False

    def lines(self) -> list[str]:
        line = _drop_constraint(self.name, "check")
        return on_dialect([line]) if self.postgres_only else [line]

    def reverse(self, table: str, schema: str | None) -> Steps:
        return [CreateCheck(self.name, self.sql, self.postgres_only)]


@dataclass(frozen=True)
class CreateForeignKey(BatchOperation):
    fk: ForeignKeyModel

    def lines(self) -> list[str]:
        fk = self.fk
        on_delete = f", ondelete={fk.on_delete!r}" if fk.on_delete else ""
        on_update = f", onupdate={fk.on_update!r}" if fk.on_update else ""
        schema = on_postgres(fk.target_schema, "referent_schema")
        return [
            f"batch_op.create_foreign_key(op.f({fk.constraint_name!r}), {fk.target_table!r}, "
            f"[{fk.column!r}], [{fk.target_column!r}]{on_delete}{on_update}"
            f"{fk.deferrable_args}{schema})"
        ]

    @property
    def uses_on_postgres(self) -> bool:
        return self.fk.target_schema is not None

    def reverse(self, table: str, schema: str | None) -> Steps:
        return [DropForeignKey(self.fk)]


@dataclass(frozen=True)
class DropForeignKey(BatchOperation):
    fk: ForeignKeyModel

    def lines(self) -> list[str]:
        return [_drop_constraint(self.fk.constraint_name, "foreignkey")]

    def reverse(self, table: str, schema: str | None) -> Steps:
        return [CreateForeignKey(self.fk)]


@dataclass(frozen=True)
class AddColumn(BatchOperation):
    column: DbColumn
    nullable: bool | None = None  # NULL allowed for now, the rows are backfilled later

    def lines(self) -> list[str]:
        # Its arguments land at 16, or 20 under a dialect test.
        return [f"batch_op.add_column({column_code(self.column, 20, nullable=self.nullable)})"]

    @property
    def imports(self) -> frozenset[str]:
        return column_imports(self.column)

    def reverse(self, table: str, schema: str | None) -> Steps:
        return [DropColumn(self.column)]


@dataclass(frozen=True)
class DropColumn(BatchOperation):
    column: DbColumn

    def lines(self) -> list[str]:
        column, lines = self.column, []
        if column.check:  # SQLite's table rebuild would keep a CHECK on a missing column
            drop = [_drop_constraint(column.check, "check")]
            # On PostgreSQL a native ENUM type stands in for the CHECK.
            lines = on_dialect(other=drop) if column.native_type else drop
        return [*lines, f"batch_op.drop_column({column.name!r})"]

    @property
    def imports(self) -> frozenset[str]:
        return frozenset({OP} if self.column.check else ())  # `op` names the CHECK dropped

    def reverse(self, table: str, schema: str | None) -> Steps:
        """The column again, its rows filled with its type's zero value if it is NOT NULL (an
        enum's CHECK comes with its type)."""
        column = self.column
        waits = column.waits_for_rows
        steps: Steps = [CreateEnumType(column)] if column.native_type else []
        steps.append(AddColumn(column, nullable=waits or None))
        if waits:
            steps += _not_null(table, schema, column)
        return steps


@dataclass(frozen=True)
class AlterColumn(BatchOperation):
    """A column's type, server default, comment, or NULLs now allowed, changed at once."""

    old: DbColumn
    new: DbColumn
    retype: bool = False
    using: str | None = None  # how PostgreSQL casts the old values
    default: bool = False
    comment: bool = False
    make_nullable: bool = False

    def lines(self) -> list[str]:
        old, new = self.old, self.new
        args = [f"existing_type={old.type}", f"existing_nullable={old.nullable}"]
        if self.retype:
            args.append(f"type_={new.type}")
        if self.using:
            args.append(f"postgresql_using={string_literal(self.using, 16, 'postgresql_using=')}")
        if self.default:
            args.append(f"server_default={new.server_default}")
        if self.comment:
            args.append(f"comment={_comment(new.comment)}")
            args.append(f"existing_comment={_comment(old.comment)}")
        if self.make_nullable:
            args.append("nullable=True")
        return [f"batch_op.alter_column({new.name!r}, {', '.join(args)})"]

    @property
    def imports(self) -> frozenset[str]:
        imports = set(self.old.type_imports)
        if self.retype:
            imports |= self.new.type_imports
        if self.default:
            imports |= self.new.default_imports
        return frozenset(imports)

    def reverse(self, table: str, schema: str | None) -> Steps:
        """The old type, default and comment; NOT NULL again after a backfill."""
        old, new = self.old, self.new
        steps: Steps = []
        if self.retype or self.default or self.comment:
            using = zone_cast(new, old) if self.retype else None
            steps.append(AlterColumn(new, old, self.retype, using, self.default, self.comment))
        if self.make_nullable:
            steps += _not_null(table, schema, old)
        return steps


@dataclass(frozen=True)
class RetypeColumn(BatchOperation):
    """A type change alone, as SQLite rebuilds a native enum's column."""

    old: DbColumn
    new: DbColumn

    def lines(self) -> list[str]:
        old, new = self.old, self.new
        return [f"batch_op.alter_column({new.name!r}, existing_type={old.type}, type_={new.type})"]

    @property
    def imports(self) -> frozenset[str]:
        return self.old.type_imports | self.new.type_imports

    def reverse(self, table: str, schema: str | None) -> Steps:
        return [RetypeColumn(self.new, self.old)]


@dataclass(frozen=True)
class SetNotNull(BatchOperation):
    column: DbColumn

    def lines(self) -> list[str]:
        column = self.column
        return [
            f"batch_op.alter_column({column.name!r}, existing_type={column.type}, "
            "existing_nullable=True, nullable=False)"
        ]

    @property
    def imports(self) -> frozenset[str]:
        return self.column.type_imports

    def reverse(self, table: str, schema: str | None) -> Steps:
        column = self.column
        was, allowed = replace(column, nullable=False), replace(column, nullable=True)
        return [AlterColumn(was, allowed, make_nullable=True)]


def _not_null(table: str, schema: str | None, column: DbColumn) -> Steps:
    """`column` NOT NULL (again, in a downgrade): its NULLs become its type's zero value, where
    it has one (the spec's `backfill` is for upgrades)."""
    value = zero(column)
    fill: Steps = [] if value is None else [Backfill(table, schema, column, value)]
    return [*fill, SetNotNull(column)]


def _drop_constraint(name: str, kind: str) -> str:
    return f"batch_op.drop_constraint(op.f({name!r}), type_={kind!r})"


def _sql(sql: str) -> str:
    """A CHECK's SQL as a `batch_op` call's argument: at 12, or 16 under a dialect test."""
    return string_literal(sql, 16)


def _comment(comment: str | None) -> str:
    """A column comment as `batch_op.alter_column(...)`'s argument, at 12 (16 under a test)."""
    return "None" if comment is None else string_literal(comment, 16, "existing_comment=")
