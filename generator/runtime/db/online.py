"""Migrations that a live PostgreSQL database survives: no long lock, no queue behind one.

A revision changes a table through `batch(...)`. On SQLite that is Alembic's batch mode (the
table is rebuilt). On PostgreSQL every change is a step of its own, committed before the next
starts, so no lock outlives its statement:

- indexes, and the indexes behind unique constraints, are built `CONCURRENTLY`;
- foreign keys and CHECKs are added `NOT VALID`, then validated, which scans the table while
  reads and writes go on;
- `NOT NULL` comes from a validated CHECK, which spares PostgreSQL the scan under its lock;
- backfills update a bounded batch of rows at a time, each batch committed.

Every statement waits at most `DATABASE_MIGRATION_LOCK_TIMEOUT` seconds for its lock, so a
long transaction never makes the application's queries queue behind the migration; it is
tried again `DATABASE_MIGRATION_LOCK_RETRIES` times before the migration stops with a message
that says which table was busy. Each step first looks at the catalog for what it would make, so
a revision stopped halfway resumes where it stopped when it runs again.
"""

import logging
import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic import context, op
from alembic.operations import BatchOperations
from alembic.operations.schemaobj import SchemaObjects
from sqlalchemy.engine import Connection
from sqlalchemy.engine.interfaces import ReflectedColumn
from sqlalchemy.exc import DBAPIError

from persistgen.runtime.settings import get_settings

LOCK_NOT_AVAILABLE = "55P03"
T = TypeVar("T")
log = logging.getLogger("alembic.runtime.migration")


class LockNotTaken(RuntimeError):
    """A step could not take its lock in any of its tries."""


def run_migrations() -> None:
    """Alembic's `run_migrations`, in the migration's transaction. On PostgreSQL every statement
    waits for its lock no longer than the lock timeout, and the migrations run again from the
    revision that stopped (see the module's docstring) while a lock stays busy."""
    if context.get_context().dialect.name != "postgresql":
        _migrate()
    elif context.is_offline_mode():
        for setting in _session():
            context.execute(setting)
        _migrate()
    else:
        bind = context.get_bind()
        for setting in _session():  # for the session, the steps' transactions too
            bind.exec_driver_sql(setting)
        bind.commit()
        _retried("the database", _migrate)


def _migrate() -> None:
    with context.begin_transaction():
        context.run_migrations()


@contextmanager
def batch(
    table: str, schema: str | None = None, **kwargs: Any
) -> Iterator["BatchOperations | OnlineBatch"]:
    """Changes to `table`: Alembic's batch on SQLite (one rebuild), safe steps on PostgreSQL."""
    if _postgres():
        yield OnlineBatch(table, schema)
        return
    with op.batch_alter_table(table, schema=schema, **kwargs) as batch_op:
        yield batch_op


def backfill(
    table: str, column: "sa.ColumnClause[Any]", value: object, schema: str | None = None
) -> None:
    """`column`'s NULLs become `value`: on PostgreSQL a range of keys at a time, each range
    committed, so the rows updated so far stay updated if the migration stops."""
    target = sa.table(table, column, schema=schema)
    fill = target.update().where(column.is_(None)).values({column.name: value})
    if not _postgres() or _offline():
        op.execute(fill)
        return
    bind = op.get_bind()
    names = sa.inspect(bind).get_pk_constraint(table, schema)["constrained_columns"]
    columns: list[sa.ColumnClause[Any]] = [sa.column(name) for name in names]
    key = sa.tuple_(*columns)
    rows = get_settings().migration_batch_rows
    pending = sa.select(*columns).select_from(target).where(column.is_(None))
    pending = pending.order_by(*columns).limit(rows)
    page = pending
    while keys := _run(table, partial(_rows, bind, page)):
        first, last = (sa.tuple_(*map(sa.literal, row)) for row in (keys[0], keys[-1]))
        _run(table, partial(bind.execute, fill.where(key >= first, key <= last)))
        page = pending.where(key > last)


def copy_column(
    table: str,
    source: str,
    target: str,
    type_: "sa.types.TypeEngine[Any] | None" = None,
    schema: str | None = None,
) -> None:
    """`target`'s NULLs take `source`'s value, in batches as `backfill` makes them: a renamed
    column filled from the column it replaces (see `keep_equal`). `type_`: `target`'s, where
    the value is converted through its text (from one enum type to another)."""
    value: sa.ColumnElement[Any] = sa.column(source)
    if type_ is not None:
        value = sa.cast(sa.cast(value, sa.Text()), type_)
    backfill(table, sa.column(target), value, schema)


def keep_equal(table: str, old: str, new: str, name: str, schema: str | None = None) -> None:
    """On PostgreSQL, a trigger (and its function, both called `name`) that keeps the columns
    `old` and `new` equal whichever one a writer sets, while the application version that
    knows only `old` runs beside the one that knows only `new`: an insert that sets `old`
    (which has no default) gives it to `new`, else `old` takes `new`; an update that changes
    `new` gives it to `old`, else `new` takes `old`. Nothing elsewhere: SQLite is not shared
    by two versions at once."""
    if not _postgres():
        return
    quote = op.get_context().dialect.identifier_preparer.quote
    was, now = f"NEW.{quote(old)}", f"NEW.{quote(new)}"
    function = _quoted(name, schema)
    body = (
        f"IF TG_OP = 'INSERT' AND {was} IS NOT NULL THEN {now} := {was}; "
        f"ELSIF TG_OP = 'INSERT' THEN {was} := {now}; "
        f"ELSIF {now} IS DISTINCT FROM OLD.{quote(new)} THEN {was} := {now}; "
        f"ELSE {now} := {was}; END IF; RETURN NEW;"
    )
    statements = (
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN {body} END $$",
        f"DROP TRIGGER IF EXISTS {quote(name)} ON {_quoted(table, schema)}",
        f"CREATE TRIGGER {quote(name)} BEFORE INSERT OR UPDATE ON {_quoted(table, schema)} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
    )
    _run(table, partial(_execute_all, statements))


def stop_keeping_equal(table: str, name: str, schema: str | None = None) -> None:
    """`keep_equal` undone: its trigger and function dropped (nothing if they are gone)."""
    if not _postgres():
        return
    quote = op.get_context().dialect.identifier_preparer.quote
    statements = (
        f"DROP TRIGGER IF EXISTS {quote(name)} ON {_quoted(table, schema)}",
        f"DROP FUNCTION IF EXISTS {_quoted(name, schema)}()",
    )
    _run(table, partial(_execute_all, statements))


def add_enum_value(
    type_name: str, value: str, *, before: str | None = None, after: str | None = None
) -> None:
    """`value` added to the native enum type, before or after one of its values, in a
    transaction of its own: PostgreSQL lets no statement use a new value until it is
    committed. It touches no table."""
    quote = op.get_context().dialect.identifier_preparer.quote
    place = (
        f" BEFORE {_literal(before)}" if before else f" AFTER {_literal(after)}" if after else ""
    )
    sql = f"ALTER TYPE {quote(type_name)} ADD VALUE IF NOT EXISTS {_literal(value)}{place}"
    if _offline():
        op.execute(sql)
        return
    _run(type_name, partial(op.execute, sql))


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _execute_all(statements: Sequence[str]) -> None:
    for statement in statements:
        op.execute(statement)


def rename_table(old_table_name: str, new_table_name: str, *, schema: str | None = None) -> None:
    """`op.rename_table`; on PostgreSQL under the lock timeout, and nothing if it is done."""
    if not _postgres():
        op.rename_table(old_table_name, new_table_name, schema=schema)
    elif _offline() or _catalog(_TABLE, table=_quoted(old_table_name, schema)):
        _run(old_table_name, lambda: op.rename_table(old_table_name, new_table_name, schema=schema))


def create_index(
    index_name: str,
    table_name: str,
    columns: "Sequence[str | sa.TextClause]",
    *,
    schema: str | None = None,
    **kw: Any,
) -> None:
    """`op.create_index`; on PostgreSQL built `CONCURRENTLY`, so writes go on meanwhile, in
    place of what a stopped concurrent build left (an index marked invalid)."""
    if not _postgres():
        op.create_index(index_name, table_name, columns, schema=schema, **kw)
        return

    def build() -> None:
        if _catalog(_INVALID_INDEX, index=_quoted(index_name, schema)):  # a build that stopped
            op.drop_index(index_name, schema=schema, postgresql_concurrently=True)
        op.create_index(
            index_name,
            table_name,
            columns,
            schema=schema,
            if_not_exists=True,
            postgresql_concurrently=True,
            **kw,
        )

    _run(table_name, build, concurrently=True)


def drop_index(index_name: str, table_name: str, *, schema: str | None = None) -> None:
    """`op.drop_index`; on PostgreSQL `CONCURRENTLY`, and nothing if it is gone already."""
    if not _postgres():
        op.drop_index(index_name, table_name=table_name, schema=schema)
        return
    _run(
        table_name,
        lambda: op.drop_index(
            index_name, schema=schema, if_exists=True, postgresql_concurrently=True
        ),
        concurrently=True,
    )


class OnlineBatch:
    """The `batch_op` of a revision on PostgreSQL: each call one committed, resumable step."""

    def __init__(self, table: str, schema: str | None) -> None:
        self.table, self.schema = table, schema
        self.preparer = op.get_context().dialect.identifier_preparer
        self.name = _quoted(table, schema)

    def add_column(self, column: "sa.Column[Any]") -> None:
        """The column with its comment; the CHECK its type brings (a non-native enum's) added
        apart, NOT VALID and validated, where `op.add_column` would scan under its lock."""
        impl = op.get_context().impl
        SchemaObjects(op.get_context()).table(self.table, column, schema=self.schema)

        def add() -> None:
            impl.add_column(self.table, column, schema=self.schema, if_not_exists=True)
            if column.comment is not None:
                impl.create_column_comment(column)

        self._step(add)
        for name, condition in self._type_checks(column.name, column.type):
            self.create_check_constraint(name, condition)

    def drop_column(self, column_name: str) -> None:
        self._step(
            lambda: op.drop_column(self.table, column_name, schema=self.schema, if_exists=True)
        )

    def alter_column(
        self,
        column_name: str,
        *,
        nullable: bool | None = None,
        new_column_name: str | None = None,
        **changes: Any,
    ) -> None:
        """A rename, a NOT NULL, or a change of type, default or comment."""
        column = self._column(column_name)
        if new_column_name is not None:
            if column is not None or _offline():  # not renamed yet
                self._step(
                    lambda: op.alter_column(
                        self.table, column_name, new_column_name=new_column_name, schema=self.schema
                    )
                )
            return
        if nullable is False and (column is None or column["nullable"]):
            self._not_null(column_name)
        old, new = changes.get("existing_type"), changes.get("type_")
        if new is not None:  # a CHECK the old type brings (a non-native enum's) goes first
            for name, _ in self._type_checks(column_name, old):
                self.drop_constraint(name, "check")
            dialect = op.get_context().dialect
            if old is not None and old.compile(dialect) == new.compile(dialect):  # CHECK only
                retype = ("type_", "postgresql_using")
                changes = {k: v for k, v in changes.items() if k not in retype}
        if nullable or any(not k.startswith("existing_") for k in changes):
            impl = op.get_context().impl
            self._step(
                lambda: impl.alter_column(
                    self.table,
                    column_name,
                    nullable=nullable or None,
                    schema=self.schema,
                    **changes,
                )
            )
        for name, condition in self._type_checks(column_name, new):
            self.create_check_constraint(name, condition)

    def create_index(self, index_name: str, columns: Sequence[str], **kw: Any) -> None:
        create_index(index_name, self.table, columns, schema=self.schema, **kw)

    def drop_index(self, index_name: str) -> None:
        drop_index(index_name, self.table, schema=self.schema)

    def create_unique_constraint(self, constraint_name: str, columns: Sequence[str]) -> None:
        """Its index built concurrently, then taken over by the constraint in a moment."""
        if self._has_constraint(constraint_name):
            return
        create_index(constraint_name, self.table, columns, schema=self.schema, unique=True)
        name = self.preparer.quote(constraint_name)
        self._execute(f"ALTER TABLE {self.name} ADD CONSTRAINT {name} UNIQUE USING INDEX {name}")

    def create_foreign_key(
        self,
        constraint_name: str,
        referent_table: str,
        local_cols: list[str],
        remote_cols: list[str],
        **kw: Any,
    ) -> None:
        if not self._has_constraint(constraint_name):
            self._step(
                lambda: op.create_foreign_key(
                    constraint_name,
                    self.table,
                    referent_table,
                    local_cols,
                    remote_cols,
                    source_schema=self.schema,
                    postgresql_not_valid=True,
                    **kw,
                )
            )
        self._validate(constraint_name)

    def create_check_constraint(self, constraint_name: str, condition: str) -> None:
        if not self._has_constraint(constraint_name):
            self._step(
                lambda: op.create_check_constraint(
                    constraint_name,
                    self.table,
                    condition,
                    schema=self.schema,
                    postgresql_not_valid=True,
                )
            )
        self._validate(constraint_name)

    def drop_constraint(self, constraint_name: str, type_: str | None = None) -> None:
        self._step(
            lambda: op.drop_constraint(
                constraint_name, self.table, type_, schema=self.schema, if_exists=True
            )
        )

    def _not_null(self, column_name: str) -> None:
        """NOT NULL through a CHECK validated without blocking writes: PostgreSQL then trusts
        it instead of scanning the table under an exclusive lock."""
        check = op.f(f"{self.table}_{column_name}_not_null"[:63])  # a name taken as it is
        quoted = self.preparer.quote(column_name)
        self.create_check_constraint(check, f"{quoted} IS NOT NULL")
        self._execute(f"ALTER TABLE {self.name} ALTER COLUMN {quoted} SET NOT NULL")
        self.drop_constraint(check, "check")

    def _validate(self, constraint_name: str) -> None:
        name = self.preparer.quote(constraint_name)
        self._execute(f"ALTER TABLE {self.name} VALIDATE CONSTRAINT {name}")

    def _execute(self, sql: str) -> None:
        self._step(lambda: op.execute(sql))

    def _step(self, work: Callable[[], None]) -> None:
        _run(self.table, work)

    def _column(self, name: str) -> "ReflectedColumn | None":
        """The column as the database has it now (None where it is not, or offline)."""
        if _offline():
            return None
        found = sa.inspect(op.get_bind()).get_columns(self.table, self.schema)
        return next((column for column in found if column["name"] == name), None)

    def _type_checks(
        self, column_name: str, type_: "sa.types.TypeEngine[Any] | None"
    ) -> list[tuple[str, str]]:
        """The name and SQL of each CHECK that `type_` brings on PostgreSQL (a non-native
        enum's; a boolean's is not made there), named as the models name it, found as Alembic
        finds them."""
        if type_ is None:
            return []
        column: sa.Column[Any] = sa.Column(column_name, type_)
        table = SchemaObjects(op.get_context()).table(self.table, column, schema=self.schema)
        compiler = op.get_context().dialect.statement_compiler(op.get_context().dialect, None)
        return [
            (check.name, _sql(check.sqltext))  # the name as final (`conv`): no convention again
            for check in table.constraints
            if isinstance(check, sa.CheckConstraint)
            and isinstance(check.name, str)
            and (check._create_rule is None or check._create_rule(compiler))
        ]

    def _has_constraint(self, name: str) -> bool:
        return _catalog(_CONSTRAINT, name=name, table=self.name)


_TABLE = "SELECT to_regclass(:table)"
_CONSTRAINT = "SELECT 1 FROM pg_constraint WHERE conname = :name AND conrelid = to_regclass(:table)"
_INVALID_INDEX = "SELECT 1 FROM pg_index WHERE indexrelid = to_regclass(:index) AND NOT indisvalid"


def _catalog(sql: str, **values: str) -> bool:
    """Whether the catalog has a row for `sql`; in offline mode (SQL written for later), nothing
    is known yet."""
    if _offline():
        return False
    return op.get_bind().scalar(sa.text(sql), values) is not None


def _quoted(name: str, schema: str | None) -> str:
    preparer = op.get_context().dialect.identifier_preparer
    quoted = preparer.quote(name)
    return f"{preparer.quote_schema(schema)}.{quoted}" if schema else quoted


def _sql(element: sa.ColumnElement[Any]) -> str:
    """An expression as PostgreSQL is told it."""
    dialect = op.get_context().dialect
    options = {"literal_binds": True, "include_table": False}
    return str(element.compile(dialect=dialect, compile_kwargs=options))


def _rows(bind: Connection, query: sa.Select[Any]) -> Sequence[sa.Row[Any]]:
    return bind.execute(query).all()


def _run(table: str, work: Callable[[], T], *, concurrently: bool = False) -> T:
    """`work` in a transaction of its own (outside any, `concurrently`), under the lock
    timeout, tried again while another transaction holds the lock it needs."""

    def step() -> T:
        with op.get_context().autocommit_block():
            for setting in _session():  # whoever configured the migration
                op.execute(setting)
            if concurrently:
                return work()
            op.execute("BEGIN")
            try:
                result = work()
            except BaseException:
                op.execute("ROLLBACK")
                raise
            op.execute("COMMIT")
            return result

    return _retried(table, step)


def _retried(table: str, work: Callable[[], T]) -> T:
    """`work` under the lock timeout, again while it fails for want of a lock."""
    settings = get_settings()
    tries = settings.migration_lock_retries + 1
    for attempt in range(1, tries + 1):
        try:
            return work()
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
        if attempt < tries:
            wait = min(0.2 * 2**attempt, 10.0) * random.uniform(0.5, 1.5)
            log.warning(
                "%s is busy; trying again in %.1f s (%d of %d)", table, wait, attempt, tries
            )
            time.sleep(wait)
    raise LockNotTaken(
        f"could not lock {table} within {settings.migration_lock_timeout:g} s in {tries} tries: "
        "a long transaction holds it (see pg_stat_activity). Run the migration again when it "
        "has ended; it resumes where it stopped. DATABASE_MIGRATION_LOCK_TIMEOUT and "
        "DATABASE_MIGRATION_LOCK_RETRIES set the wait."
    )


def _session() -> tuple[str, ...]:
    """The migration session's settings. In UTC, a datetime column moves into or out of time
    zone awareness keeping each instant (naive values are UTC in a generated project), and
    PostgreSQL changes only the catalog for it; in another zone it would rewrite the table and
    shift each naive value by the zone's offset."""
    timeout = round(get_settings().migration_lock_timeout * 1000)
    return f"SET lock_timeout = '{timeout}ms'", "SET TIME ZONE 'UTC'"


def _postgres() -> bool:
    return op.get_context().dialect.name == "postgresql"


def _offline() -> bool:
    """Whether the revision writes SQL for later (`alembic upgrade --sql`): no database to ask."""
    return op.get_context().as_sql
