"""The operations a revision is made of: small frozen values that each spell their own Alembic
code and name the imports that code needs, so a revision's imports follow from what it does.

Operations run through `op` (table_operations.py); `BatchOperation`s run inside a `Batch`,
Alembic's `batch_alter_table`: plain ALTERs on PostgreSQL, a table rebuild on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from persistgen.migrate.schema import DbColumn, ForeignKeyModel

SA = "sqlalchemy as sa"
OP = "alembic:op"


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


class Operation:
    """One step of `upgrade()` or `downgrade()`."""

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


class BatchOperation(Operation):
    """A step inside `batch_alter_table`, spelled on `batch_op`."""

    @property
    def imports(self) -> frozenset[str]:
        return frozenset()


@dataclass(frozen=True)
class Batch(Operation):
    """Changes to one table, applied together (one rebuild on SQLite)."""

    table: str
    schema: str | None
    operations: tuple[BatchOperation, ...]

    def lines(self) -> list[str]:
        head = f"with op.batch_alter_table({self.table!r}{on_postgres(self.schema)}) as batch_op:"
        return [head, *indented(line for o in self.operations for line in o.lines())]

    @property
    def imports(self) -> frozenset[str]:
        return frozenset({OP}).union(*(o.imports for o in self.operations))

    @property
    def uses_on_postgres(self) -> bool:
        return self.schema is not None or any(o.uses_on_postgres for o in self.operations)


@dataclass(frozen=True)
class RenameColumn(BatchOperation):
    old: str
    new: str

    def lines(self) -> list[str]:
        return [f"batch_op.alter_column({self.old!r}, new_column_name={self.new!r})"]


@dataclass(frozen=True)
class ReplaceCheck(BatchOperation):
    """An enum's CHECK again, under a new name or on its column's new name. SQLite's table
    rebuild would keep the old one; PostgreSQL follows a column rename itself, and has the
    CHECK only for enums that are not `native`."""

    old_name: str
    name: str
    sql: str
    everywhere: bool = False  # else on the databases other than PostgreSQL

    def lines(self) -> list[str]:
        lines = [
            f"batch_op.drop_constraint(op.f({self.old_name!r}), type_='check')",
            f"batch_op.create_check_constraint(op.f({self.name!r}), {self.sql!r})",
        ]
        return lines if self.everywhere else on_dialect(other=lines)


@dataclass(frozen=True)
class DropConstraint(BatchOperation):
    name: str
    type: str  # foreignkey, unique or check

    def lines(self) -> list[str]:
        return [f"batch_op.drop_constraint(op.f({self.name!r}), type_={self.type!r})"]


@dataclass(frozen=True)
class DropIndex(BatchOperation):
    name: str

    def lines(self) -> list[str]:
        return [f"batch_op.drop_index(op.f({self.name!r}))"]


@dataclass(frozen=True)
class CreateUnique(BatchOperation):
    name: str
    columns: tuple[str, ...]

    def lines(self) -> list[str]:
        return [f"batch_op.create_unique_constraint(op.f({self.name!r}), [{listed(self.columns)}])"]


@dataclass(frozen=True)
class CreateIndex(BatchOperation):
    name: str
    columns: tuple[str, ...]

    def lines(self) -> list[str]:
        return [f"batch_op.create_index(op.f({self.name!r}), [{listed(self.columns)}])"]


@dataclass(frozen=True)
class CreateCheck(BatchOperation):
    name: str
    sql: str

    def lines(self) -> list[str]:
        return [f"batch_op.create_check_constraint(op.f({self.name!r}), {self.sql!r})"]


@dataclass(frozen=True)
class CreateForeignKey(BatchOperation):
    fk: ForeignKeyModel

    def lines(self) -> list[str]:
        fk = self.fk
        on_delete = f", ondelete={fk.on_delete!r}" if fk.on_delete else ""
        schema = on_postgres(fk.target_schema, "referent_schema")
        return [
            f"batch_op.create_foreign_key(op.f({fk.constraint_name!r}), {fk.target_table!r}, "
            f"[{fk.column!r}], [{fk.target_column!r}]{on_delete}{schema})"
        ]

    @property
    def uses_on_postgres(self) -> bool:
        return self.fk.target_schema is not None


@dataclass(frozen=True)
class AddColumn(BatchOperation):
    column: DbColumn
    nullable: bool | None = None  # NULL allowed for now, the rows are backfilled later

    def lines(self) -> list[str]:
        return [f"batch_op.add_column({column_code(self.column, nullable=self.nullable)})"]

    @property
    def imports(self) -> frozenset[str]:
        return column_imports(self.column)


@dataclass(frozen=True)
class DropColumn(BatchOperation):
    column: DbColumn

    def lines(self) -> list[str]:
        column, lines = self.column, []
        if column.check:  # SQLite's table rebuild would keep a CHECK on a missing column
            drop = DropConstraint(column.check, "check").lines()
            # On PostgreSQL a native ENUM type stands in for the CHECK.
            lines = on_dialect(other=drop) if column.native_type else drop
        return [*lines, f"batch_op.drop_column({column.name!r})"]


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
            args.append(f"postgresql_using={self.using!r}")
        if self.default:
            args.append(f"server_default={new.server_default}")
        if self.comment:
            args.append(f"comment={new.comment!r}, existing_comment={old.comment!r}")
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


def column_code(column: DbColumn, *, nullable: bool | None = None) -> str:
    args = [repr(column.name), column.type]
    if column.identity:
        args.append("sa.Identity()")
    if column.server_default is not None:
        args.append(f"server_default={column.server_default}")
    args.append(f"nullable={column.nullable if nullable is None else nullable}")
    if column.comment is not None:
        args.append(f"comment={column.comment!r}")
    return f"sa.Column({', '.join(args)})"


def column_imports(column: DbColumn) -> frozenset[str]:
    return column.type_imports | column.default_imports


def listed(columns: tuple[str, ...]) -> str:
    return ", ".join(map(repr, columns))


def indented(lines: Iterable[str]) -> list[str]:
    return [f"    {line}" for line in lines]
