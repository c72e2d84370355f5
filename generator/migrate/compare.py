"""Compare two schema snapshots: the operations that turn one into the other, in an order each
database accepts, and what a person should know about them.

Every table change runs through a `Batch`, so one revision works on PostgreSQL (plain ALTERs)
and SQLite (table rebuilt). Each operation holds what undoing it needs (a dropped table's
columns, a dropped foreign key's target), so the downgrade is the upgrade undone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from persistgen import naming
from persistgen.migrate import rolling
from persistgen.migrate.batch_operations import (
    AddColumn,
    AlterColumn,
    CreateCheck,
    CreateForeignKey,
    CreateIndex,
    CreateUnique,
    DropCheck,
    DropColumn,
    DropForeignKey,
    DropIndex,
    DropUnique,
    RenameColumn,
    RenameGenerated,
    ReplaceCheck,
    SetNotNull,
)
from persistgen.migrate.object_operations import object_changes
from persistgen.migrate.operations import (
    Backfill,
    Batch,
    BatchOperation,
    CreateEnumType,
    DropEnumType,
    Operation,
    SetTableComment,
    kept_generated,
)
from persistgen.migrate.renames import Renames
from persistgen.migrate.schema import DbColumn, DbIndex, DbTable, ForeignKeyModel, SchemaState
from persistgen.migrate.table_operations import (
    AddEnumValues,
    CreateCustomIndex,
    CreateSchemas,
    CreateSearchIndex,
    CreateTable,
    CreateTrigrams,
    DropCustomIndex,
    DropSearchIndex,
    DropTable,
    MoveTable,
    RebuildAutoincrement,
    RenameNativeEnum,
    RenameObject,
    RenamePrimaryKey,
    RenameTable,
    RetypeNativeEnum,
)
from persistgen.migrate.types import adds_values, rewrites, spelled, widens, zone_cast

Columns = set[tuple[str, str]]  # (table, column)
Checks = tuple[tuple[str, str], ...]  # (constraint name, SQL expression)


@dataclass
class Diff:
    """The operations of one direction, with what a person should know about them."""

    operations: list[Operation] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    # Changes that lose data: (`Resource.attribute` where the spec still has the field, the
    # change)
    destructive: list[tuple[str | None, str]] = field(default_factory=list)
    missing_backfill: list[str] = field(default_factory=list)  # `Resource.column`
    unsupported: list[str] = field(default_factory=list)
    # Type changes PostgreSQL makes by rewriting the table: (`Resource.attribute`, the change)
    rewrites: list[tuple[str, str]] = field(default_factory=list)
    types_dropped: list[str] = field(default_factory=list)  # after the columns using them
    # Native enum types there when a table or column using one is made: made again by none.
    types_present: set[str] = field(default_factory=set)


def compare(
    before: SchemaState,
    after: SchemaState,
    renames: Renames,
    backfills: dict[tuple[str, str], str],
) -> Diff:
    """Operations from `before` to `after`. `backfills`: what existing rows get, by (table,
    column), where a column becomes NOT NULL."""
    out = Diff()
    objects = object_changes(before, after, _altered(before, after))
    out.operations += objects.drops  # nothing they hold stands in the way of the tables' change
    renamed = _apply_renames(before.tables, renames, {t.name: t for t in after.tables}, out)
    old = {t.name: t for t in renamed}
    new = {t.name: t for t in after.tables}
    # A kept table's indexes over expressions or partial ones that change are dropped first
    # and made last: in between, each batch (a rebuild on SQLite) holds only those it keeps.
    # One renamed (see RenameObject) is renamed first, and is there throughout.
    renamed_indexes = {
        t.name: _renamed_indexes(old[t.name], t) for t in after.tables if t.name in old
    }
    present = {
        t.name: tuple(
            i
            for i in t.custom_indexes
            if i in old[t.name].custom_indexes or i in renamed_indexes[t.name].values()
        )
        for t in after.tables
        if t.name in old
    }
    kept = [
        (old[t.name], replace(t, custom_indexes=present[t.name]))
        for t in after.tables
        if t.name in old
    ]
    retyped = _retyped(kept)
    references = {table.name: _foreign_key_changes(was, table, retyped) for was, table in kept}
    relinked = {
        table.name: _renamed_foreign_keys(*references[table.name], retyped) for _, table in kept
    }
    _create_schemas(before, after, out)
    # First what other changes may depend on: tables in their schema, and no foreign key or
    # dropped table left holding a column or unique constraint that is about to go. What
    # they referenced is in its new schema by then, and is again when a downgrade restores them.
    for was, table in kept:
        _drop_custom_indexes(was, new[table.name], renamed_indexes[table.name], out)
    for was, table in kept:
        _move(was, table, out)
    _autoincrement(kept, out)
    for was, table in kept:
        if was.comment != table.comment:
            out.operations.append(
                SetTableComment(table.name, table.schema, table.comment, was.comment)
            )
            out.summary.append(f"set the comment of table {table.name}")
    where = {table.name: table.schema for table in after.tables}
    for _, table in kept:
        _unlink(table, [_in(where, fk) for fk in references[table.name][0]], out)
        for was_fk, fk in relinked[table.name]:
            was_fk, fk = _in(where, was_fk), _in(where, fk)
            other = (_batch(table, [DropForeignKey(was_fk), CreateForeignKey(fk)]),)
            names = (was_fk.constraint_name, fk.constraint_name)
            out.operations.append(RenameObject(table.name, table.schema, False, *names, other))
            out.summary.append(f"rename foreign key {names[0]} to {names[1]}")
    for was, table in kept:
        _drop_searches(was, table, out)
    going = [table for table in reversed(renamed) if table.name not in new]
    # A native enum type several columns share is made with the first, dropped after the last:
    # one a dropped table shares with a table kept, or made again before it, stays.
    used = _enum_types(after.tables)
    out.types_present = _enum_types(was for was, _ in kept) | (_enum_types(going) & used)
    there, kept_types = set(out.types_present), {}
    for table in reversed(going):  # as a downgrade makes them again
        kept_types[table.name] = frozenset(_enum_types([table]) & there)
        there |= _enum_types([table])
    gone: set[str] = set()
    for table in going:
        # A reference to a table dropped before this one (tables in a cycle of references):
        # its foreign key goes first, and in the downgrade comes back after both tables.
        early = [fk for fk in table.foreign_keys if fk.target_table in gone]
        _unlink(table, early, out)
        gone.add(table.name)
    gone = set()
    for table in going:
        foreign_keys = tuple(
            _in(where, fk) for fk in table.foreign_keys if fk.target_table not in gone
        )
        gone.add(table.name)
        _drop_table(replace(table, foreign_keys=foreign_keys), out, kept_types[table.name])
    # A new table's foreign key to a column or unique constraint this revision adds waits
    # until that exists.
    waiting: dict[str, list[BatchOperation]] = {}
    # A table in a cycle of references (spec/cycles.py) is created before one it refers to:
    # that foreign key waits too, until after the tables.
    created: set[str] = set()
    for table in after.tables:
        if table.name not in old:
            created.add(table.name)
            inline = tuple(
                fk
                for fk in table.foreign_keys
                if _holds(old, new, retyped, fk)
                and (fk.target_table in old or fk.target_table in created)
            )
            shared = frozenset(_enum_types([table]) & out.types_present)
            out.operations.append(CreateTable(table, inline, shared))
            out.types_present |= _enum_types([table])
            out.summary.append(f"create table {table.name}")
            waiting[table.name] = [
                CreateForeignKey(fk) for fk in table.foreign_keys if fk not in inline
            ]
    pending_not_null: list[tuple[DbTable, DbColumn]] = []
    late: dict[str, list[BatchOperation]] = {}
    for was, table in kept:
        pending_not_null += _alter_table(was, table, references[table.name][1], out, late)
    filled: Columns = set()  # by a renamed column's copy (rolling deploys)
    for was, table in kept:
        steps, summary, copied = rolling.expand(was, table)
        out.operations += steps
        out.summary += summary
        filled |= copied
    for table, column in pending_not_null:
        if (table.name, column.name) not in filled:
            _backfill(table, column, backfills, out)
    for table in after.tables:
        if operations := late.get(table.name, []) + waiting.get(table.name, []):
            indexes = present.get(table.name, table.custom_indexes)
            out.operations.append(_batch(replace(table, custom_indexes=indexes), operations))
    # Dropping a table or column leaves its PostgreSQL ENUM type behind; drop it too.
    retired = dict.fromkeys(name for name in out.types_dropped if name not in used)
    out.operations += [DropEnumType(name) for name in retired]
    for was, table in kept:  # once their columns are there
        _create_searches(was, table, out)
        _create_custom_indexes(was, new[table.name], renamed_indexes[table.name], out)
    if any(_makes_search_index(o) for o in out.operations):
        out.operations.insert(0, CreateTrigrams())
    out.operations += objects.creates  # once every table they may need is there
    out.summary += objects.summary
    return out


def _altered(before: SchemaState, after: SchemaState) -> set[str]:
    """The tables that differ between the snapshots: changed, new, dropped or renamed."""
    old = {t.name: t for t in before.tables}
    new = {t.name: t for t in after.tables}
    return {name for name in old.keys() | new.keys() if old.get(name) != new.get(name)}


def _apply_renames(
    tables: tuple[DbTable, ...], renames: Renames, after: dict[str, DbTable], out: Diff
) -> list[DbTable]:
    result = []
    for table in tables:
        name = renames.tables.get(table.name, table.name)
        columns = renames.columns.get(name, {})
        if name != table.name or columns:
            table = _drop_changed_checks(table, after.get(name), out)
        if name != table.name:
            out.operations.append(RenameTable(table.name, name, table.schema))
            out.summary.append(f"rename table {table.name} to {name}")
            # Other constraint names are renamed by _alter_table.
            table = _rename_checks(replace(table, name=name), table.name, out)
        if columns:
            checks = {c.name: c for c in table.columns if c.check}
            generated = {c.name: c for c in table.columns if c.generated is not None}
            operations: list[BatchOperation] = []
            for old, new in columns.items():
                if old in checks:
                    operations.append(_recheck(checks[old], new, checks[old].check))
                if old in generated:
                    was = generated[old]
                    operations.append(RenameGenerated(was, replace(was, name=new)))
                else:
                    operations.append(RenameColumn(old, new))
            # SQLite's rebuild makes its indexes over expressions or partial ones again, on
            # the columns' new names
            out.operations.append(_batch(_rename_columns(table, columns), operations))
            out.summary += [f"rename column {name}.{old} to {new}" for old, new in columns.items()]
            table = _rename_columns(table, columns)
        result.append(table)
    # References from other tables follow a renamed target.
    return [
        replace(
            t,
            foreign_keys=tuple(
                replace(fk, target_table=renames.tables.get(fk.target_table, fk.target_table))
                for fk in t.foreign_keys
            ),
        )
        for t in result
    ]


def _drop_changed_checks(table: DbTable, new: DbTable | None, out: Diff) -> DbTable:
    """The table's own CHECKs that do not stay as they are, dropped before its renames: their
    SQL may name a column by its old name, which SQLite's rebuild (and, in a downgrade, the
    CHECK made again) could not find once it is renamed. Added back after, by _alter_table."""
    after = new if new is not None else replace(table, checks=(), postgres_checks=())
    gone = [
        DropCheck(name, sql, only)
        for only, old_checks, new_checks in _check_kinds(table, after)
        for name, sql in old_checks
        if (name, sql) not in new_checks
    ]
    if not gone:
        return table
    drops: list[BatchOperation] = [*gone]
    out.operations.append(_batch(table, drops))
    out.summary += [f"drop check constraint {drop.name}" for drop in gone]
    dropped = {(drop.name, drop.sql) for drop in gone}
    return replace(
        table,
        checks=tuple(c for c in table.checks if c not in dropped),
        postgres_checks=tuple(c for c in table.postgres_checks if c not in dropped),
    )


def _rename_checks(table: DbTable, old_name: str, out: Diff) -> DbTable:
    """Enum CHECKs named after the table's new name, where a type change (of the enum's name)
    looks for them. PostgreSQL has them only for enums that are not `native`."""
    columns: list[DbColumn] = []
    operations: list[BatchOperation] = []
    for column in table.columns:
        if column.check:
            check = _renamed_check(
                column.check, table.resource, column.attribute, old_name, table.name
            )
            operations.append(
                _recheck(column, column.name, check, everywhere=not column.native_type)
            )
            column = replace(column, check=check)
        columns.append(column)
    if operations:
        out.operations.append(_batch(table, operations))
    return replace(table, columns=tuple(columns))


def _renamed_check(check: str, resource: str, attribute: str, old_table: str, table: str) -> str:
    """An enum's CHECK on a renamed table: `ck_<table>_<enum type>`, shortened as the naming
    convention does. The enum type comes from the resource and field; a state that named the
    CHECK otherwise (an older persistgen) keeps whatever followed the table's name."""
    enum = naming.enum_type(resource, attribute)
    if naming.constraint("ck", old_table, enum) != check:
        enum = check.removeprefix(f"ck_{old_table}_")
    return naming.constraint("ck", table, enum)


def _recheck(
    column: DbColumn, name: str, check: str | None, *, everywhere: bool = False
) -> ReplaceCheck:
    """An enum column's CHECK, on its column's new `name` or as `check`."""
    assert column.check is not None and check is not None
    values = ", ".join("'" + value.replace("'", "''") + "'" for value in column.params)
    # quoted as SQLAlchemy quotes the CHECK of an Enum it creates: `"statusCol" IN (...)`
    old_sql = f"{naming.quoted(column.name)} IN ({values})"
    sql = f"{naming.quoted(name)} IN ({values})"
    return ReplaceCheck(column.check, old_sql, check, sql, everywhere)


def _rename_columns(table: DbTable, columns: dict[str, str]) -> DbTable:
    def new(name: str) -> str:
        return columns.get(name, name)

    return replace(
        table,
        columns=tuple(replace(c, name=new(c.name)) for c in table.columns),
        primary_key=tuple(map(new, table.primary_key)),
        uniques=tuple((n, tuple(map(new, on))) for n, on in table.uniques),
        indexes=tuple((n, tuple(map(new, on))) for n, on in table.indexes),
        foreign_keys=tuple(replace(fk, column=new(fk.column)) for fk in table.foreign_keys),
        searches=tuple((n, new(on)) for n, on in table.searches),
        custom_indexes=tuple(
            replace(i, columns=tuple(map(new, i.columns))) for i in table.custom_indexes
        ),
    )


def _renamed_foreign_keys(
    dropped: list[ForeignKeyModel], created: list[ForeignKeyModel], retyped: Columns
) -> list[tuple[ForeignKeyModel, ForeignKeyModel]]:
    """The foreign keys that change only their name, taken out of `dropped` and `created`.
    One whose target changes type is made again, as the type change needs."""
    pairs = []
    for fk in list(created):
        if (fk.target_table, fk.target_column) in retyped:
            continue
        same = next(
            (
                d
                for d in dropped
                if d.constraint_name != fk.constraint_name
                and replace(d, constraint_name=fk.constraint_name) == fk
            ),
            None,
        )
        if same is not None:
            dropped.remove(same)
            created.remove(fk)
            pairs.append((same, fk))
    return pairs


def _renamed(old: DbTable, new: DbTable, out: Diff) -> dict[str, str]:
    """Unique constraints, indexes and CHECKs the same but for their name: renamed (see
    RenameObject). Returns the new name of each old one."""
    found: dict[str, str] = {}
    kinds: list[tuple[bool, str, list[tuple[str, object]], list[tuple[str, object]]]] = [
        (False, "unique constraint", list(old.uniques), list(new.uniques)),
        (True, "index", list(old.indexes), list(new.indexes)),
        (False, "check constraint", list(old.checks), list(new.checks)),
        (
            False,
            "PostgreSQL check constraint",
            list(old.postgres_checks),
            list(new.postgres_checks),
        ),
    ]
    for index, what, before, after in kinds:
        gone = [(n, on) for n, on in before if (n, on) not in after]
        for name, on in after:
            if (name, on) in before:
                continue
            was = next((n for n, o in gone if o == on and n not in found), None)
            if was is not None and name not in dict(before):
                found[was] = name
                other = _rebuilt(new, what, was, name, on)
                out.operations.append(RenameObject(new.name, new.schema, index, was, name, other))
                out.summary.append(f"rename {what} {was} to {name}")
    return found


def _rebuilt(table: DbTable, what: str, old: str, new: str, on: object) -> tuple[Operation, ...]:
    """The SQLite side of a rename: the object dropped and made again under its new name."""
    operations: list[BatchOperation]
    if what == "PostgreSQL check constraint":  # SQLite has none to rename
        return ()
    if what == "unique constraint":
        assert isinstance(on, tuple)
        operations = [DropUnique(old, on), CreateUnique(new, on)]
    elif what == "index":
        assert isinstance(on, tuple)
        operations = [DropIndex(old, on), CreateIndex(new, on)]
    else:
        assert isinstance(on, str)
        operations = [DropCheck(old, on), CreateCheck(new, on)]
    return (_batch(table, operations),)


def _renamed_indexes(old: DbTable, new: DbTable) -> dict[DbIndex, DbIndex]:
    """Indexes over expressions, partial or unique that change only their name: old -> new."""
    gone = [i for i in old.custom_indexes if i not in new.custom_indexes]
    found: dict[DbIndex, DbIndex] = {}
    for index in new.custom_indexes:
        if index in old.custom_indexes:
            continue
        was = next((i for i in gone if replace(i, name=index.name) == index), None)
        if was is not None and was not in found:
            found[was] = index
    return found


def _drop_custom_indexes(
    old: DbTable, new: DbTable, renamed: dict[DbIndex, DbIndex], out: Diff
) -> None:
    """Indexes over expressions, partial or unique that go or change, before any change to
    the table (on SQLite, a rebuild could not carry them); those that only change their name
    are renamed."""
    for index in old.custom_indexes:
        if index in renamed:
            to = renamed[index]
            other = (
                DropCustomIndex(old.name, old.schema, index),
                CreateCustomIndex(old.name, old.schema, to),
            )
            out.operations.append(
                RenameObject(old.name, old.schema, True, index.name, to.name, other)
            )
            out.summary.append(f"rename index {index.name} to {to.name}")
        elif index not in new.custom_indexes:
            out.operations.append(DropCustomIndex(old.name, old.schema, index))
            out.summary.append(f"drop index {index.name}")


def _create_custom_indexes(
    old: DbTable, new: DbTable, renamed: dict[DbIndex, DbIndex], out: Diff
) -> None:
    for index in new.custom_indexes:
        if index not in old.custom_indexes and index not in renamed.values():
            out.operations.append(CreateCustomIndex(new.name, new.schema, index))
            out.summary.append(f"add index {index.name}")


def _drop_searches(old: DbTable, new: DbTable, out: Diff) -> None:
    """Search indexes that go, before any change to their columns."""
    for name, column in old.searches:
        if (name, column) not in new.searches:
            out.operations.append(DropSearchIndex(new.name, new.schema, name, column))
            out.summary.append(f"drop search index {name}")


def _create_searches(old: DbTable, new: DbTable, out: Diff) -> None:
    for name, column in new.searches:
        if (name, column) not in old.searches:
            out.operations.append(CreateSearchIndex(new.name, new.schema, name, column))
            out.summary.append(f"add search index {name}")


def _makes_search_index(operation: Operation) -> bool:
    """Whether `operation` needs pg_trgm: a search index, or a new table with one."""
    if isinstance(operation, CreateTable):
        return bool(operation.table.searches)
    return isinstance(operation, CreateSearchIndex)


def _create_schemas(before: SchemaState, after: SchemaState, out: Diff) -> None:
    """The PostgreSQL schema that tables go into must exist first (SQLite has just one)."""
    existing = {t.schema for t in before.tables}
    schemas = sorted({t.schema for t in after.tables if t.schema} - existing)
    if schemas:
        out.operations.append(CreateSchemas(tuple(schemas)))
    out.summary += [f"create schema {schema}" for schema in schemas]


def _holds(
    old: dict[str, DbTable], new: dict[str, DbTable], retyped: Columns, fk: ForeignKeyModel
) -> bool:
    """Whether `fk`'s target is there, unchanged, before this revision alters any table: a new
    table's, or an existing table's primary key or a unique constraint it keeps."""
    if fk.target_table not in old:
        return True
    if (fk.target_table, fk.target_column) in retyped:
        return False
    before, after = old[fk.target_table], new[fk.target_table]
    on = (fk.target_column,)
    return on == before.primary_key or any(
        key == on and (name, key) in after.uniques for name, key in before.uniques
    )


def _move(old: DbTable, new: DbTable, out: Diff) -> None:
    if old.schema != new.schema:  # into the project's schema
        out.operations.append(MoveTable(new.name, old.schema, new.schema))
        out.summary.append(f"move table {new.name} to schema {new.schema or 'public'}")


def _autoincrement(kept: list[tuple[DbTable, DbTable]], out: Diff) -> None:
    """SQLite AUTOINCREMENT on or off: the tables rebuilt, before any other change to them,
    which then keep what this made (see `Batch`)."""
    for on in (True, False):
        tables = tuple(n.name for o, n in kept if n.autoincrement == on and o.autoincrement != on)
        if tables:
            out.operations.append(RebuildAutoincrement(tables, on))
            state = "with" if on else "without"
            out.summary += [
                f"rebuild table {name} on SQLite {state} AUTOINCREMENT" for name in tables
            ]


def _unlink(table: DbTable, dropped: list[ForeignKeyModel], out: Diff) -> None:
    if dropped:
        out.operations.append(_batch(table, [DropForeignKey(fk) for fk in dropped]))
        out.summary += [f"drop foreign key {fk.constraint_name}" for fk in dropped]


def _in(where: dict[str, str | None], fk: ForeignKeyModel) -> ForeignKeyModel:
    """`fk` to its target's schema after this revision (a dropped target stays where it is)."""
    return replace(fk, target_schema=where.get(fk.target_table, fk.target_schema))


def _retyped(kept: list[tuple[DbTable, DbTable]]) -> Columns:
    """The (table, column) pairs whose type changes."""
    changed: Columns = set()
    for old, new in kept:
        was = {c.name: (c.type, c.params) for c in old.columns}
        changed |= {
            (new.name, c.name)
            for c in new.columns
            if was.get(c.name, (c.type, c.params)) != (c.type, c.params)
        }
    return changed


def _foreign_key_changes(
    old: DbTable, new: DbTable, retyped: Columns
) -> tuple[list[ForeignKeyModel], list[ForeignKeyModel]]:
    """The foreign keys to drop, and those to create: the ones that change, and the ones whose
    target changes type (PostgreSQL cannot compare the two sides in between)."""
    old_fks, new_fks = _foreign_keys(old), _foreign_keys(new)
    remade = {n for n, fk in new_fks.items() if (fk.target_table, fk.target_column) in retyped}
    dropped = [
        fk
        for fk in old.foreign_keys
        if new_fks.get(name := fk.constraint_name) != old_fks[name] or name in remade
    ]
    created = [
        fk
        for fk in new.foreign_keys
        if old_fks.get(name := fk.constraint_name) != new_fks[name] or name in remade
    ]
    return dropped, created


def _foreign_keys(table: DbTable) -> dict[str, ForeignKeyModel]:
    """By constraint name. A reference's schema is the project's: moving every table keeps
    the constraints as they are."""
    return {fk.constraint_name: replace(fk, target_schema=None) for fk in table.foreign_keys}


def _enum_types(tables: Iterable[DbTable]) -> set[str]:
    """The native enum types the tables' columns use."""
    return {c.native_type for t in tables for c in t.columns if c.native_type}


def _drop_table(table: DbTable, out: Diff, kept_types: frozenset[str]) -> None:
    for column in table.columns:  # the functions of its triggers would outlive it
        if column.retired and column.sync is not None:
            out.operations += rolling.contract(table, column)[0]
    out.operations.append(DropTable(table, kept_types))
    out.types_dropped += [c.native_type for c in table.columns if c.native_type]
    out.summary.append(f"drop table {table.name}")
    out.destructive.append((None, f"drop table `{table.name}` and all its rows"))


def _alter_table(
    old: DbTable,
    new: DbTable,
    created: list[ForeignKeyModel],
    out: Diff,
    late: dict[str, list[BatchOperation]],
) -> list[tuple[DbTable, DbColumn]]:
    """Changes that can happen at once go in `out`; NOT NULL, new constraints (`created`:
    the foreign keys) and dropped columns wait in `late`, after backfills. Returns the columns
    that need a backfill."""
    early: list[BatchOperation] = []
    after: list[BatchOperation] = []
    needs_backfill: list[tuple[DbTable, DbColumn]] = []
    renamed = _renamed(old, new, out)
    for name, on in old.uniques:
        if (name, on) not in new.uniques and name not in renamed:
            early.append(DropUnique(name, on))
            out.summary.append(f"drop unique constraint {name}")
    for name, on in old.indexes:
        if (name, on) not in new.indexes and name not in renamed:
            early.append(DropIndex(name, on))
            out.summary.append(f"drop index {name}")
    for only, old_checks, new_checks in _check_kinds(old, new):
        for name, sql in old_checks:
            if (name, sql) not in new_checks and name not in renamed:
                early.append(DropCheck(name, sql, only))
                out.summary.append(f"drop check constraint {name}")
    old_columns = {c.name: c for c in old.columns}
    new_names = {c.name for c in new.columns}
    for column in new.columns:
        before = old_columns.get(column.name)
        if before is not None and before.generated != column.generated:
            _regenerate(new, before, column, early, out)
            before = None
        if before is None:
            if column.native_type and column.native_type not in out.types_present:
                out.operations.append(CreateEnumType(column))  # batch add_column does not
                out.types_present.add(column.native_type)
            waits = column.waits_for_rows
            early.append(AddColumn(column, nullable=waits or None))
            if column.name not in old_columns:
                out.summary.append(f"add column {new.name}.{column.name}")
            if waits:
                needs_backfill.append((new, column))
                after.append(SetNotNull(column))
            continue
        change = _column_change(new, before, column, out)
        if change is not None:
            early.append(change)
        if before.nullable and not column.nullable:
            after.append(SetNotNull(column))
            out.summary.append(f"make {new.name}.{column.name} NOT NULL")
            needs_backfill.append((new, column))
    for column in old.columns:
        if column.name not in new_names:
            after.append(DropColumn(column))
            if column.native_type:
                out.types_dropped.append(column.native_type)
            if column.retired:  # the spec let it go earlier: contracting is no loss
                operations, line = rolling.contract(new, column)
                out.operations += operations
                out.summary.append(line)
                continue
            out.summary.append(f"drop column {new.name}.{column.name}")
            out.destructive.append((None, f"drop column `{new.name}.{column.name}` and its data"))
    for name, on in new.uniques:
        if (name, on) not in old.uniques and name not in renamed.values():
            after.append(CreateUnique(name, on))
            out.summary.append(f"add unique constraint {name}")
    for name, on in new.indexes:
        if (name, on) not in old.indexes and name not in renamed.values():
            after.append(CreateIndex(name, on))
            out.summary.append(f"add index {name}")
    for fk in created:
        after.append(CreateForeignKey(fk))
        out.summary.append(f"add foreign key {fk.constraint_name}")
    for only, old_checks, new_checks in _check_kinds(old, new):
        for name, sql in new_checks:
            if (name, sql) not in old_checks and name not in renamed.values():
                after.append(CreateCheck(name, sql, only))
                out.summary.append(f"add check constraint {name}")
    if old.primary_key != new.primary_key:  # rows would need new keys, and references too
        old_key, new_key = ", ".join(old.primary_key), ", ".join(new.primary_key)
        out.unsupported.append(
            f"the primary key of {new.name} changed from ({old_key}) to ({new_key})"
        )
    if old.pk_name != new.pk_name:
        out.operations.append(RenamePrimaryKey(new.name, new.schema, old.pk_name, new.pk_name))
    if early:
        out.operations.append(_batch(new, early))
    if after:
        late[new.name] = after
    return needs_backfill


def _check_kinds(
    old: DbTable, new: DbTable
) -> tuple[tuple[bool, Checks, Checks], tuple[bool, Checks, Checks]]:
    """The CHECKs on both databases, then those on PostgreSQL alone: (PostgreSQL alone, the
    old table's, the new one's). One that moves between the two is dropped and made again."""
    return (False, old.checks, new.checks), (True, old.postgres_checks, new.postgres_checks)


def _regenerate(
    table: DbTable, old: DbColumn, new: DbColumn, early: list[BatchOperation], out: Diff
) -> None:
    """A column whose generated expression changes, or that becomes (or stops being)
    generated, is dropped and added again: neither database alters an expression in place.
    Computed values are the database's to compute again; stored ones are lost."""
    name = f"{table.name}.{new.name}"
    early.append(DropColumn(old))
    if old.generated is not None and new.generated is not None:
        out.summary.append(f"recompute the generated column {name} (dropped and added again)")
    elif new.generated is not None:
        out.summary.append(f"make {name} a generated column (dropped and added again)")
        out.destructive.append(
            (_field(table, new), f"replace the values of `{name}` by its generated expression")
        )
    else:
        out.summary.append(f"make {name} a plain column (dropped and added again)")
        out.destructive.append(
            (_field(table, new), f"drop the computed values of `{name}` for a plain column")
        )


def _field(table: DbTable, column: DbColumn) -> str:
    """The spec's name of `column`: `Resource.attribute`."""
    return f"{table.resource}.{column.attribute or column.name}"


def _column_change(table: DbTable, old: DbColumn, new: DbColumn, out: Diff) -> AlterColumn | None:
    """What changes at once in a kept column; a native enum's new type goes in `out` itself.
    Its NOT NULL waits for the backfill."""
    name = f"{table.name}.{new.name}"
    retype, using = False, None
    if _numbering(old) != _numbering(new) and old.type == new.type:
        out.unsupported.append(
            f"the key {name} changed from {_numbering(old)} to {_numbering(new)}, which "
            "takes the database's own statements (and the sequence's next value kept)"
        )
    if bool(old.native_type) != bool(new.native_type):
        out.unsupported.append(f"`native` of the enum column {name} changed")
    elif _renamed_type(old, new):
        out.summary.append(f"rename enum type {old.native_type} to {new.native_type}")
        out.operations.append(RenameNativeEnum(table, old, new))
    elif (old.type, old.params) != (new.type, new.params):
        out.summary.append(f"change type of {name}")
        if adds_values(old, new):
            out.operations.append(AddEnumValues(table, old, new))
        elif new.native_type:
            out.operations.append(RetypeNativeEnum(table, old, new))
        else:
            retype, using = True, zone_cast(old, new)
        if not using and not widens(old, new):
            loss = f"change `{name}` from {spelled(old)} to {spelled(new)}, which can lose data"
            out.destructive.append((_field(table, new), loss))
        if rewrites(old, new, indexed=_indexed(table, new.name)):
            out.rewrites.append(
                (_field(table, new), f"`{name}` from {spelled(old)} to {spelled(new)}")
            )
    change = AlterColumn(
        old,
        new,
        retype=retype,
        using=using,
        default=old.server_default != new.server_default,
        comment=old.comment != new.comment,
        make_nullable=new.nullable and not old.nullable,
    )
    if change.default:
        out.summary.append(f"change server default of {name}")
    if change.make_nullable:
        out.summary.append(f"make {name} nullable")
    if retype or change.default or change.comment or change.make_nullable:
        return change
    return None


def _indexed(table: DbTable, column: str) -> bool:
    """Whether an index covers the column: its key's, a unique constraint's, or its own."""
    groups = [table.primary_key, *(c for _, c in table.uniques), *(c for _, c in table.indexes)]
    groups += [index.columns for index in table.custom_indexes]
    return any(column in group for group in groups)


def _renamed_type(old: DbColumn, new: DbColumn) -> bool:
    """A native enum whose type only changes its name (`enum_name`)."""
    if not (old.native_type and new.native_type) or old.native_type == new.native_type:
        return False
    spelled = old.type.replace(f"name={old.native_type!r}", f"name={new.native_type!r}")
    return old.params == new.params and spelled == new.type


def _numbering(column: DbColumn) -> str:
    """How the database numbers a key column, as a person reads it."""
    if column.sequence is not None:
        return f"the sequence `{column.sequence}`"
    if column.identity:
        return "an identity"
    return "serial" if column.autoincrement else "keys clients supply"


def _backfill(
    table: DbTable,
    column: DbColumn,
    backfills: dict[tuple[str, str], str],
    out: Diff,
) -> None:
    value = backfills.get((table.name, column.name))
    if value is None:
        out.missing_backfill.append(f"{table.resource}.{column.name}")
        return
    out.operations.append(Backfill(table.name, table.schema, column, value))


def _batch(table: DbTable, operations: list[BatchOperation]) -> Batch:
    """`table`'s changes; its indexes over expressions or partial ones (as they are once the
    changes are made) are made again after SQLite's rebuild."""
    return Batch(
        table.name,
        table.schema,
        tuple(operations),
        table.autoincrement,
        table.custom_indexes,
        kept_generated(table, operations),
    )
