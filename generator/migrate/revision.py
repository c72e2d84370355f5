"""Compare two schema states and write the Alembic operations that turn one into the other.

Every change runs through `batch_alter_table`, so one revision works on PostgreSQL (plain
ALTERs) and SQLite (table rebuilt). Renames are declared in the spec (`renamed_from`), never
guessed, so a renamed column keeps its data instead of being dropped and added again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from persistgen.migrate.state import SchemaState
from persistgen.render_model import DbColumn, DbTable, ForeignKeyModel, ProjectModel

Columns = set[tuple[str, str]]  # (table, column)
_ZERO = {
    "str": "''",
    "text": "''",
    "int": "0",
    "bigint": "0",
    "float": "0.0",
    "bool": "False",
    "decimal": "Decimal('0')",
}


@dataclass(frozen=True)
class Renames:
    tables: dict[str, str] = field(default_factory=dict)  # old table -> new table
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # new table -> old -> new

    def inverted(self) -> Renames:
        return Renames(
            {new: old for old, new in self.tables.items()},
            {
                self.inverse_table(table): {new: old for old, new in cols.items()}
                for table, cols in self.columns.items()
            },
        )

    def inverse_table(self, new_table: str) -> str:
        return next((old for old, new in self.tables.items() if new == new_table), new_table)


@dataclass
class Steps:
    """The operations of one direction, with what a person should know about them."""

    lines: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    destructive: list[str] = field(default_factory=list)
    missing_backfill: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    types_dropped: list[str] = field(default_factory=list)  # after the columns using them


def renames_for(project: ProjectModel, old: SchemaState) -> Renames:
    """The renames the spec declares that apply to the schema as it was last migrated."""
    by_resource = {t.resource: t for t in old.tables}
    old_names = {t.name for t in old.tables}
    tables: dict[str, str] = {}
    columns: dict[str, dict[str, str]] = {}
    claimed = {r.previous_name for r in project.resources if r.previous_name}
    for resource in project.resources:
        # A resource is its name: a new `table:` on the same resource renames its table (unless
        # another resource declares it was that resource).
        before = by_resource.get(resource.previous_name or "") or (
            None if resource.class_name in claimed else by_resource.get(resource.class_name)
        )
        if before is None:
            continue
        if resource.db.name not in old_names:
            tables[before.name] = resource.db.name
        old_columns = {c.name for c in before.columns}
        # A field keeps its attribute when only its `column` changes: that too is a rename.
        by_attribute = {c.attribute: c.name for c in before.columns if c.attribute}
        for column in resource.columns:
            previous = column.previous_name
            if previous not in old_columns:
                previous = by_attribute.get(column.name)
            if previous in old_columns and column.db.name not in old_columns:
                columns.setdefault(resource.db.name, {})[previous] = column.db.name
        for link in resource.links:
            # A link follows its owner, its field and its target: its columns are matched by
            # position in the key (owner, item), whatever renames changed their names.
            was = by_resource.get(link.previous or "") or by_resource.get(link.db.resource)
            if was is None:
                continue
            if link.db.name != was.name and link.db.name not in old_names:
                tables[was.name] = link.db.name
            moved = zip(was.primary_key, link.db.primary_key, strict=True)
            renamed = {old: new for old, new in moved if old != new}
            if renamed:
                columns[link.db.name] = renamed
    return Renames(tables, columns)


def backfills_for(project: ProjectModel) -> dict[tuple[str, str], str]:
    return {
        (r.db.name, c.db.name): c.backfill
        for r in project.resources
        for c in r.columns
        if c.backfill is not None
    }


def steps(
    before: SchemaState,
    after: SchemaState,
    renames: Renames,
    backfills: dict[tuple[str, str], str] | None = None,
) -> Steps:
    """Operations from `before` to `after`. Without `backfills` (a downgrade), columns that
    become NOT NULL are filled with their type's zero value where there is one."""
    out = Steps()
    renamed = _apply_renames(before.tables, renames, out)
    old = {t.name: t for t in renamed}
    new = {t.name: t for t in after.tables}
    kept = [(old[t.name], t) for t in after.tables if t.name in old]
    retyped = _retyped(kept)
    references = {table.name: _foreign_key_changes(was, table, retyped) for was, table in kept}
    _create_schemas(before, after, out)
    # First what other changes may depend on: tables in their schema, and no foreign key or
    # dropped table left holding a column or unique constraint that is about to go.
    for was, table in kept:
        _move_and_unlink(was, table, references[table.name][0], out)
    for table in reversed(renamed):
        if table.name not in new:
            _drop_table(table, out)
    # A new table's foreign key to a column or unique constraint this revision adds waits
    # until that exists.
    waiting: dict[str, list[str]] = {}
    for table in after.tables:
        if table.name not in old:
            inline = {fk for fk in table.foreign_keys if _holds(old, new, retyped, fk)}
            _create_table(table, inline, out)
            waiting[table.name] = [_create_fk(fk) for fk in table.foreign_keys if fk not in inline]
    pending_not_null: list[tuple[DbTable, DbColumn]] = []
    late: dict[str, list[str]] = {}
    for was, table in kept:
        pending_not_null += _alter_table(was, table, references[table.name][1], out, late)
    for table, column in pending_not_null:
        _backfill(table, column, backfills, out)
    for table in after.tables:
        if lines := late.get(table.name, []) + waiting.get(table.name, []):
            out.lines += _batch_lines(table, lines)
    # Dropping a table or column leaves its PostgreSQL ENUM type behind; drop it too.
    out.lines += [
        f"sa.Enum(name={name!r}).drop(op.get_bind(), checkfirst=True)" for name in out.types_dropped
    ]
    return out


def _apply_renames(tables: tuple[DbTable, ...], renames: Renames, out: Steps) -> list[DbTable]:
    result = []
    for table in tables:
        name = renames.tables.get(table.name, table.name)
        if name != table.name:
            rename = f"op.rename_table({table.name!r}, {name!r}{_schema_here(table.schema)})"
            out.lines.append(rename)
            out.summary.append(f"rename table {table.name} to {name}")
            # Other constraint names are renamed by _alter_table.
            table = _rename_checks(replace(table, name=name), table.name, out)
        columns = renames.columns.get(name, {})
        if columns:
            checks = {c.name: c for c in table.columns if c.check}
            out.lines += _batch_lines(
                table,
                [
                    line
                    for old, new in columns.items()
                    for line in [
                        *(_recheck(checks[old], new, checks[old].check) if old in checks else []),
                        f"batch_op.alter_column({old!r}, new_column_name={new!r})",
                    ]
                ],
            )
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


def _rename_checks(table: DbTable, old_name: str, out: Steps) -> DbTable:
    """Enum CHECKs named after the table's new name, where a type change (of the enum's name)
    looks for them. PostgreSQL has them only for enums that are not `native`."""
    columns, lines = [], []
    for column in table.columns:
        if column.check:
            check = column.check.replace(f"ck_{old_name}_", f"ck_{table.name}_", 1)
            lines += _recheck(column, column.name, check, everywhere=not column.native_type)
            column = replace(column, check=check)
        columns.append(column)
    if lines:
        out.lines += _batch_lines(table, lines)
    return replace(table, columns=tuple(columns))


def _recheck(column: DbColumn, name: str, check: str | None, everywhere: bool = False) -> list[str]:
    """An enum's CHECK again, on its column's new `name` or as `check`. SQLite's table rebuild
    would keep the old one; PostgreSQL follows a column rename itself."""
    values = ", ".join("'" + value.replace("'", "''") + "'" for value in column.params)
    lines = [
        f"batch_op.drop_constraint(op.f({column.check!r}), type_='check')",
        f"batch_op.create_check_constraint(op.f({check!r}), {f'{name} IN ({values})'!r})",
    ]
    if everywhere:
        return lines
    return ['if op.get_bind().dialect.name != "postgresql":', *(f"    {line}" for line in lines)]


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
    )


def _create_schemas(before: SchemaState, after: SchemaState, out: Steps) -> None:
    """The PostgreSQL schema that tables go into must exist first (SQLite has just one)."""
    existing = {t.schema for t in before.tables}
    schemas = sorted({t.schema for t in after.tables if t.schema} - existing)
    if schemas:
        out.lines.append('if op.get_bind().dialect.name == "postgresql":')
    for schema in schemas:
        out.lines.append(f"    op.execute(sa.schema.CreateSchema({schema!r}, if_not_exists=True))")
        out.summary.append(f"create schema {schema}")


def _schema(table: DbTable) -> str:
    """The `schema=` argument of an operation on `table`, if it lives outside the default.
    SQLite's engine translates the name away (`schema_translate_map`)."""
    return f", schema={table.schema!r}" if table.schema else ""


def _schema_here(schema: str | None, keyword: str = "schema") -> str:
    """The same argument for operations that Alembic's SQLite side spells out itself (table
    renames, batch rebuilds, their foreign keys): named on PostgreSQL only."""
    return f", {keyword}=on_postgres({schema!r})" if schema else ""


def _qualified(table: DbTable) -> str:
    """`table`'s name in raw PostgreSQL SQL."""
    return f'"{table.schema}"."{table.name}"' if table.schema else f'"{table.name}"'


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


def _create_table(table: DbTable, foreign_keys: set[ForeignKeyModel], out: Steps) -> None:
    out.lines.append("op.create_table(")
    out.lines.append(f"    {table.name!r},")
    out.lines += [f"    {column_code(c)}," for c in table.columns]
    for fk in table.foreign_keys:
        if fk in foreign_keys:
            out.lines.append(f"    {_fk_constraint(fk)},")
    key = _listed(table.primary_key)
    out.lines.append(f"    sa.PrimaryKeyConstraint({key}, name=op.f({table.pk_name!r})),")
    for name, on in table.uniques:
        out.lines.append(f"    sa.UniqueConstraint({_listed(on)}, name=op.f({name!r})),")
    for name, sql in table.checks:
        out.lines.append(f"    sa.CheckConstraint({sql!r}, name=op.f({name!r})),")
    if table.schema:
        out.lines.append(f"    schema={table.schema!r},")
    out.lines.append(")")
    for name, on in table.indexes:
        out.lines.append(
            f"op.create_index(op.f({name!r}), {table.name!r}, [{_listed(on)}]{_schema(table)})"
        )
    out.summary.append(f"create table {table.name}")


def _move_and_unlink(old: DbTable, new: DbTable, dropped: list[str], out: Steps) -> None:
    if old.schema != new.schema:  # into the project's schema, or back out in a downgrade
        out.lines += _move_table(old, new.schema or "public")
        out.summary.append(f"move table {new.name} to schema {new.schema or 'public'}")
    if dropped:
        out.lines += _batch_lines(
            new, [f"batch_op.drop_constraint(op.f({n!r}), type_='foreignkey')" for n in dropped]
        )
        out.summary += [f"drop foreign key {name}" for name in dropped]


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
) -> tuple[list[str], list[ForeignKeyModel]]:
    """The names of the foreign keys to drop, and those to create: the ones that change, and
    the ones whose target changes type (PostgreSQL cannot compare the two sides in between)."""
    old_fks, new_fks = _foreign_keys(old), _foreign_keys(new)
    remade = {n for n, fk in new_fks.items() if (fk.target_table, fk.target_column) in retyped}
    dropped = [n for n, fk in old_fks.items() if new_fks.get(n) != fk or n in remade]
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


def _drop_table(table: DbTable, out: Steps) -> None:
    out.lines.append(f"op.drop_table({table.name!r}{_schema(table)})")
    out.types_dropped += [c.native_type for c in table.columns if c.native_type]
    out.summary.append(f"drop table {table.name}")
    out.destructive.append(f"drop table `{table.name}` and all its rows")


def _alter_table(
    old: DbTable,
    new: DbTable,
    created: list[ForeignKeyModel],
    out: Steps,
    late: dict[str, list[str]],
) -> list[tuple[DbTable, DbColumn]]:
    """Changes that can happen at once go in `out`; NOT NULL, new constraints (`created`:
    the foreign keys) and dropped columns wait in `late`, after backfills. Returns the columns
    that need a backfill."""
    early: list[str] = []
    after: list[str] = []
    needs_backfill: list[tuple[DbTable, DbColumn]] = []
    for name, on in old.uniques:
        if (name, on) not in new.uniques:
            early.append(f"batch_op.drop_constraint(op.f({name!r}), type_='unique')")
            out.summary.append(f"drop unique constraint {name}")
    for name, on in old.indexes:
        if (name, on) not in new.indexes:
            early.append(f"batch_op.drop_index(op.f({name!r}))")
            out.summary.append(f"drop index {name}")
    for name, sql in old.checks:
        if (name, sql) not in new.checks:
            early.append(f"batch_op.drop_constraint(op.f({name!r}), type_='check')")
            out.summary.append(f"drop check constraint {name}")
    old_columns = {c.name: c for c in old.columns}
    new_names = {c.name for c in new.columns}
    for column in new.columns:
        before = old_columns.get(column.name)
        if before is None:
            if column.native_type:  # batch add_column does not create the type
                out.lines.append(f"{column.type}.create(op.get_bind(), checkfirst=True)")
            waits = not column.nullable and column.server_default is None
            early.append(f"batch_op.add_column({column_code(column, nullable=waits or None)})")
            out.summary.append(f"add column {new.name}.{column.name}")
            if waits:
                needs_backfill.append((new, column))
                after.append(_set_not_null(column))
            continue
        early_change, late_change = _column_changes(new, before, column, out)
        early += early_change
        after += late_change
        if late_change:
            needs_backfill.append((new, column))
    for column in old.columns:
        if column.name not in new_names:
            if column.check:  # SQLite's table rebuild would keep a CHECK on a missing column
                drop = f"batch_op.drop_constraint(op.f({column.check!r}), type_='check')"
                if column.native_type:  # on PostgreSQL the ENUM type stands in for the CHECK
                    after += ['if op.get_bind().dialect.name != "postgresql":', f"    {drop}"]
                else:
                    after.append(drop)
            after.append(f"batch_op.drop_column({column.name!r})")
            if column.native_type:
                out.types_dropped.append(column.native_type)
            out.summary.append(f"drop column {new.name}.{column.name}")
            out.destructive.append(f"drop column `{new.name}.{column.name}` and its data")
    for name, on in new.uniques:
        if (name, on) not in old.uniques:
            after.append(f"batch_op.create_unique_constraint(op.f({name!r}), [{_listed(on)}])")
            out.summary.append(f"add unique constraint {name}")
    for name, on in new.indexes:
        if (name, on) not in old.indexes:
            after.append(f"batch_op.create_index(op.f({name!r}), [{_listed(on)}])")
            out.summary.append(f"add index {name}")
    for fk in created:
        after.append(_create_fk(fk))
        out.summary.append(f"add foreign key {fk.constraint_name}")
    for name, sql in new.checks:
        if (name, sql) not in old.checks:
            after.append(f"batch_op.create_check_constraint(op.f({name!r}), {sql!r})")
            out.summary.append(f"add check constraint {name}")
    if old.primary_key != new.primary_key:  # rows would need new keys, and references too
        old_key, new_key = ", ".join(old.primary_key), ", ".join(new.primary_key)
        out.unsupported.append(
            f"the primary key of {new.name} changed from ({old_key}) to ({new_key})"
        )
    if old.pk_name != new.pk_name:
        out.lines.append(_rename_pk(new, old.pk_name, new.pk_name))
    if early:
        out.lines += _batch_lines(new, early)
    if after:
        late[new.name] = after
    return needs_backfill


def _column_changes(
    db_table: DbTable, old: DbColumn, new: DbColumn, out: Steps
) -> tuple[list[str], list[str]]:
    table = db_table.name
    early: list[str] = []
    late: list[str] = []
    args: list[str] = []
    if bool(old.native_type) != bool(new.native_type):
        out.unsupported.append(f"`native` of the enum column {table}.{new.name} changed")
    elif new.native_type and (old.type, old.params) != (new.type, new.params):
        out.lines += _retype_native_enum(db_table, old, new)
        out.summary.append(f"change type of {table}.{new.name}")
        if not _widens(old, new):
            out.destructive.append(
                f"change `{table}.{new.name}` from {old.type} to {new.type}, which can lose data"
            )
    elif (old.type, old.params) != (new.type, new.params):
        args.append(f"type_={new.type}")
        out.summary.append(f"change type of {table}.{new.name}")
        if using := _zone_cast(old, new):
            args.append(f"postgresql_using={using!r}")
        elif not _widens(old, new):
            out.destructive.append(
                f"change `{table}.{new.name}` from {old.type} to {new.type}, which can lose data"
            )
    if old.server_default != new.server_default:
        args.append(f"server_default={new.server_default}")
        out.summary.append(f"change server default of {table}.{new.name}")
    if old.comment != new.comment:
        args.append(f"comment={new.comment!r}, existing_comment={old.comment!r}")
    if old.nullable and not new.nullable:
        late.append(_set_not_null(new))
        out.summary.append(f"make {table}.{new.name} NOT NULL")
    elif new.nullable and not old.nullable:
        args.append("nullable=True")
        out.summary.append(f"make {table}.{new.name} nullable")
    if args:
        early.append(
            f"batch_op.alter_column({new.name!r}, existing_type={old.type}, "
            f"existing_nullable={old.nullable}, {', '.join(args)})"
        )
    return early, late


def _move_table(table: DbTable, schema: str) -> list[str]:
    """`ALTER TABLE ... SET SCHEMA` on PostgreSQL; on SQLite every schema is the same one."""
    move = _execute(f'ALTER TABLE {_qualified(table)} SET SCHEMA "{schema}"')
    return ['if op.get_bind().dialect.name == "postgresql":', f"    {move}"]


def _retype_native_enum(db_table: DbTable, old: DbColumn, new: DbColumn) -> list[str]:
    """A PostgreSQL ENUM cannot lose values in place: build the new type, move the column
    over (a removed value still in use fails the cast), drop the old one. SQLite, where the
    type is VARCHAR + CHECK, rebuilds the table as for any type change."""
    name, column, retired = new.native_type, new.name, f"{new.native_type}_old"
    on_column = f'ALTER TABLE {_qualified(db_table)} ALTER COLUMN "{column}"'
    postgres = [
        _execute(f'ALTER TYPE "{old.native_type}" RENAME TO "{retired}"'),
        f"{new.type}.create(op.get_bind())",
    ]
    if old.server_default:  # a default of the old type would block the cast
        postgres.append(_execute(f"{on_column} DROP DEFAULT"))
    postgres.append(_execute(f'{on_column} TYPE "{name}" USING "{column}"::text::"{name}"'))
    if new.server_default:
        postgres.append(
            f"op.alter_column({db_table.name!r}, {column!r}, "
            f"server_default={new.server_default}{_schema(db_table)})"
        )
    postgres.append(_execute(f'DROP TYPE "{retired}"'))
    change = f"batch_op.alter_column({column!r}, existing_type={old.type}, type_={new.type})"
    return [
        'if op.get_bind().dialect.name == "postgresql":',
        *(f"    {line}" for line in postgres),
        "else:",
        *(f"    {line}" for line in _batch_lines(db_table, [change])),
    ]


def _execute(sql: str) -> str:
    return f"op.execute({sql!r})"


def _zone_cast(old: DbColumn, new: DbColumn) -> str | None:
    """How PostgreSQL moves a datetime or time column into or out of time zone awareness
    without changing an instant: the naive side is UTC, as everywhere in a generated project.
    Its own cast would read naive values in the session's time zone. SQLite stores both alike."""
    if old.kind != new.kind or old.kind not in ("datetime", "time"):
        return None
    column = f'"{new.name}"'
    if old.kind == "datetime":
        return f"{column} AT TIME ZONE 'UTC'"  # each way: timestamptz <-> UTC wall clock
    if new.type == "sa.Time(timezone=True)":
        return f"({column}::text || '+00')::timetz"
    return f"({column} AT TIME ZONE 'UTC')::time"


def _widens(old: DbColumn, new: DbColumn) -> bool:
    """Whether every value of the old type fits the new one."""
    if (old.kind, new.kind) in {("str", "text"), ("int", "bigint")}:
        return True
    if old.kind != new.kind:
        return False
    if old.kind == "str":
        return int(new.params[0]) >= int(old.params[0])
    if old.kind == "decimal":
        (p0, s0), (p1, s1) = map(int, old.params), map(int, new.params)
        return s1 >= s0 and p1 - s1 >= p0 - s0
    if old.kind == "enum":
        return set(old.params) <= set(new.params)
    return old.type == new.type


def _backfill(
    table: DbTable,
    column: DbColumn,
    backfills: dict[tuple[str, str], str] | None,
    out: Steps,
) -> None:
    if backfills is not None:
        value = backfills.get((table.name, column.name))
    elif column.kind == "enum":
        value = repr(column.params[0])
    else:
        value = _ZERO.get(column.kind)
    if value is None:
        out.missing_backfill.append(f"{table.resource}.{column.name}")
        return
    # Not translated by SQLite's schema_translate_map, which only reads `Table`s.
    schema = _schema_here(table.schema)
    target = f"sa.table({table.name!r}, sa.column({column.name!r}, {column.type}){schema})"
    out.lines.append(
        f"op.execute({target}.update().where(sa.column({column.name!r}).is_(None))"
        f".values({{{column.name!r}: {value}}}))"
    )


def _batch_lines(table: DbTable, lines: list[str]) -> list[str]:
    return [
        f"with op.batch_alter_table({table.name!r}{_schema_here(table.schema)}) as batch_op:",
        *(f"    {ln}" for ln in lines),
    ]


def _set_not_null(column: DbColumn) -> str:
    return (
        f"batch_op.alter_column({column.name!r}, existing_type={column.type}, "
        "existing_nullable=True, nullable=False)"
    )


def _rename_pk(table: DbTable, old: str, new: str) -> str:
    # SQLite keeps no separate primary key name worth renaming; PostgreSQL does.
    rename = _execute(f'ALTER TABLE {_qualified(table)} RENAME CONSTRAINT "{old}" TO "{new}"')
    return f'if op.get_bind().dialect.name == "postgresql":\n    {rename}'


def _listed(columns: tuple[str, ...]) -> str:
    return ", ".join(map(repr, columns))


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


def _fk_constraint(fk: ForeignKeyModel) -> str:
    on_delete = f", ondelete={fk.on_delete!r}" if fk.on_delete else ""
    return (
        f"sa.ForeignKeyConstraint([{fk.column!r}], [{fk.target!r}], "
        f"name=op.f({fk.constraint_name!r}){on_delete})"
    )


def _create_fk(fk: ForeignKeyModel) -> str:
    on_delete = f", ondelete={fk.on_delete!r}" if fk.on_delete else ""
    schema = _schema_here(fk.target_schema, "referent_schema")
    return (
        f"batch_op.create_foreign_key(op.f({fk.constraint_name!r}), {fk.target_table!r}, "
        f"[{fk.column!r}], [{fk.target_column!r}]{on_delete}{schema})"
    )
