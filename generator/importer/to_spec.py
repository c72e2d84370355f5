"""A Catalog as a spec document (plain dicts in spec order), with a note for everything the
spec does not express. Pure: no database (but an in-memory SQLite that tries each CHECK), no
YAML.

Names the spec would derive anyway (`uq_<table>_<column>`, `<table>_<column>_seq`, ...) are
left out; every other constraint, index, sequence and enum type name is written verbatim, so
the generated models name what the database names."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from persistgen import naming
from persistgen.importer import bounds, defaults
from persistgen.importer.catalog import (
    Catalog,
    Check,
    Column,
    ForeignKey,
    Index,
    Table,
)
from persistgen.importer.field_types import field_type, held_shape
from persistgen.importer.names import field_name, is_secret, reference_name, resource_name
from persistgen.plan import checks

Path = tuple[str, ...]
# Tables persistgen keeps for itself, never resources.
_OWN_TABLES = {"alembic_version", naming.IDEMPOTENCY_TABLE}
# Other tools' migration bookkeeping: left out unless --tables names them.
_BOOKKEEPING = {
    "schema_migrations",  # Rails, golang-migrate
    "ar_internal_metadata",  # Rails
    "_prisma_migrations",
    "django_migrations",
    "flyway_schema_history",
    "knex_migrations",
    "knex_migrations_lock",
    "__EFMigrationsHistory",
    "SequelizeMeta",
    "goose_db_version",
}
_KEY_KINDS = {"smallint", "int", "bigint"}
_ACTIONS = {"cascade", "set null", "restrict"}  # `no action` is the default: left out


@dataclass(frozen=True)
class Note:
    """Something the spec does not express, and where in the spec it belongs."""

    path: Path
    message: str


@dataclass
class Imported:
    document: dict[str, Any]
    notes: list[Note] = field(default_factory=list)

    def note(self, path: Path, message: str) -> None:
        self.notes.append(Note(path, message))


def project_name(database: str) -> str:
    """A usable project name for a database: `shop-db`, `db_2024` for `2024`."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", database).strip("_-") or "imported"
    return name if name[0].isalpha() else f"db_{name}"


def selected(names: Sequence[str], include: Sequence[str], exclude: Sequence[str]) -> list[str]:
    """The tables to import: those matching any `include` glob (all when none), minus those
    matching an `exclude` glob, minus persistgen's own, minus other migration tools' (unless
    `include` names them)."""
    return [
        n
        for n in names
        if n not in _OWN_TABLES
        and (n not in _BOOKKEEPING or n in include)
        and (not include or any(fnmatch.fnmatchcase(n, p) for p in include))
        and not any(fnmatch.fnmatchcase(n, p) for p in exclude)
    ]


def stand_in_key(table: Table) -> Table:
    """A table without a primary key, given one the spec can declare: the columns of its first
    unique constraint or plain unique index whose columns are all NOT NULL, else all its
    columns when every one is NOT NULL (Rails' join tables, log tables). Without either it is
    left as it is (and noted). Alembic does not compare primary keys, so the stamped database
    still checks clean."""
    if table.primary_key or not table.columns:
        return table
    # columns a key can hold: integers, strings, uuids (not text, times, JSON...)
    not_null = {
        c.name
        for c in table.columns
        if not c.nullable
        and c.type.kind in ("int", "bigint", "smallint", "varchar", "char", "uuid")
    }
    candidates = [u.columns for u in table.uniques] + [
        i.columns
        for i in table.indexes
        if i.unique and i.columns and not i.expressions and i.where is None and i.method is None
    ]
    chosen = next((c for c in candidates if c and set(c) <= not_null), None)
    if chosen is None and "id" in not_null:  # Lago's partitioned enriched_events: `id` uuid
        chosen = ("id",)
    if chosen is None and len(not_null) == len(table.columns):
        chosen = tuple(c.name for c in table.columns)
    if chosen is None:
        return table
    return replace(table, primary_key=tuple(chosen), key_stand_in=True)


def database_objects(
    catalog: Catalog, tables: Sequence[Table], foreign_keys: Sequence[tuple[str, ForeignKey]] = ()
) -> list[dict[str, Any]]:
    """What to_spec carries verbatim beside importer/objects.py's (PostgreSQL): partial and
    expression indexes in PostgreSQL's own SQL, and foreign keys no `ref` holds."""
    if catalog.dialect != "postgresql":
        return []
    objects: list[dict[str, Any]] = []
    for table in tables:
        for index in table.indexes:
            if (
                index.definition
                and index.name
                and not index.method
                and _carried_index(table, index)
            ):
                objects.append(
                    {
                        "name": index.name,
                        "kind": "index",
                        "create": index.definition,
                        "drop": f"DROP INDEX IF EXISTS {_qualified(catalog, index.name)}",
                        "after": [table.name],
                    }
                )
        for fk in (fk for owner, fk in foreign_keys if owner == table.name):
            if fk.name:
                qualified = _qualified(catalog, table.name)
                objects.append(
                    {
                        "name": fk.name,
                        "kind": "sql",
                        "create": f"ALTER TABLE {qualified} ADD CONSTRAINT "
                        f"{naming.quoted(fk.name)} {_fk_sql(fk, catalog)}",
                        "drop": f"ALTER TABLE {qualified} DROP CONSTRAINT IF EXISTS "
                        f"{naming.quoted(fk.name)}",
                        "after": sorted({table.name, fk.target_table}),
                    }
                )
    return objects


def _bookkeeping(catalog: Catalog, table: Table) -> dict[str, Any]:
    """Another migration tool's table (Rails' schema_migrations), carried as its columns and
    key: the rebuilt database has it, and `alembic check` does not see it as one to drop."""
    columns = [
        f"{naming.quoted(c.name)} {c.type.sql}{'' if c.nullable else ' NOT NULL'}"
        for c in table.columns
    ]
    if table.primary_key:
        columns.append(f"PRIMARY KEY ({', '.join(naming.quoted(c) for c in table.primary_key)})")
    qualified = _qualified(catalog, table.name)
    return {
        "name": table.name,
        "kind": "sql",
        "create": f"CREATE TABLE IF NOT EXISTS {qualified} ({', '.join(columns)})",
        "drop": f"DROP TABLE IF EXISTS {qualified}",
    }


def _qualified(catalog: Catalog, name: str) -> str:
    return f"{naming.quoted(catalog.schema or 'public')}.{naming.quoted(name)}"


def to_spec(
    catalog: Catalog,
    database_url: str,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> Imported:
    """The spec for `catalog`'s selected tables."""
    name = project_name(catalog.database)
    project: dict[str, Any] = {"name": name, "package": naming.package_name(name)}
    if catalog.schema and catalog.schema != "public":
        project["schema"] = catalog.schema
    project["database_url"] = database_url
    catalog = replace(catalog, tables=tuple(stand_in_key(t) for t in catalog.tables))
    imported = Imported({"version": 1, "project": project, "resources": {}})
    chosen = selected([t.name for t in catalog.tables], include, exclude)
    partitions = [t for t in catalog.tables if any(w == "partition" for w, _ in t.extras)]
    tables = [t for t in catalog.tables if t.name in chosen and t not in partitions]
    keyless = [t for t in tables if not t.primary_key]
    for table in keyless:
        if catalog.dialect == "postgresql":  # OpenStreetMap's gps_points: no `id` to invent
            imported.note(
                (),
                f"table `{table.name}` has no primary key, and no NOT NULL columns that could be "
                "one: not a resource; carried in database_objects (its columns and types)",
            )
        else:
            imported.note(
                (), f"table `{table.name}` not imported: no primary key: add one, then import it"
            )
    tables = [t for t in tables if t not in keyless]
    for partition in partitions:
        bound = next(sql for what, sql in partition.extras if what == "partition")
        imported.note((), f"partition `{partition.name}` not imported: {bound}")
    unchosen = [t.name for t in catalog.tables if t.name not in chosen]
    bookkeeping = [n for n in unchosen if n in _BOOKKEEPING and n not in exclude]
    left_out = [n for n in unchosen if n not in _OWN_TABLES and n not in bookkeeping]
    if bookkeeping:
        imported.note(
            (),
            "another migration tool's tables left out (give them to --tables to import them): "
            + ", ".join(bookkeeping)
            + (
                "; carried in database_objects, so `alembic check` leaves them alone"
                if catalog.dialect == "postgresql"
                else ""
            ),
        )
    if left_out:
        imported.note((), "tables left out by --tables/--exclude: " + ", ".join(left_out))
    mapper = _Mapper(catalog, tables, imported)
    mapper.run()
    objects = database_objects(catalog, tables, mapper.carried_fks)
    carried: set[str] = set()
    if catalog.dialect == "postgresql":
        objects += [_bookkeeping(catalog, t) for t in catalog.tables if t.name in bookkeeping]
        objects += [_bookkeeping(catalog, t) for t in keyless]
        carried = set(bookkeeping) | {t.name for t in keyless}
    if objects:  # importer/objects.py's attach() puts its own first
        imported.document["database_objects"] = objects
    # Every other table of the database the spec does not model: migrations and `alembic
    # check` leave them alone.
    modelled = {t.name for t in tables} | carried | set(_OWN_TABLES)
    unmanaged = [t.name for t in catalog.tables if t.name not in modelled]
    if unmanaged:
        project["unmanaged_tables"] = unmanaged
    for view in catalog.views:
        kind = "materialized view" if view.materialized else "view"
        imported.note((), f"{kind} `{view.name}` not imported: {_one_line(view.definition)}")
    for kind, object_name, detail in catalog.others:
        imported.note(
            (), f"{kind} `{object_name}` not imported" + (f": {detail}" if detail else "")
        )
    return imported


def _one_line(sql: str, limit: int = 300) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Mapper:
    def __init__(self, catalog: Catalog, tables: list[Table], imported: Imported) -> None:
        self.catalog = catalog
        self.tables = {t.name: t for t in tables}
        self.imported = imported
        self.resources: dict[str, dict[str, Any]] = imported.document["resources"]
        used: set[str] = set()
        self.names: dict[str, str] = {}  # table -> resource
        for table in tables:
            base = candidate = resource_name(table.name)
            number = 2
            while candidate in used:
                candidate, number = f"{base}{number}", number + 1
            used.add(candidate)
            self.names[table.name] = candidate
        # table -> column -> field name, once every table's scalar fields are named
        self.fields: dict[str, dict[str, str]] = {}
        self.links: set[str] = set()
        # Foreign keys no `ref` holds, between imported tables: database_objects carries them.
        self.carried_fks: list[tuple[str, ForeignKey]] = []
        # native enum type -> resource -> the field of it that holds the type
        self.enum_users: dict[str, dict[str, str]] = {}
        for table in tables:
            ends = self._link_ends(table)
            if ends is None:
                continue
            mismatches = self._link_mismatches(table, ends)
            if not mismatches:
                self.links.add(table.name)
                continue
            imported.note(
                ("resources", self.names[table.name]),
                f"`{table.name}` links two tables, but a `many` field would build it otherwise "
                f"({'; '.join(mismatches)}): kept as a resource with a reference to each",
            )

    # -- the whole run ---------------------------------------------------------------------

    def run(self) -> None:
        for table in self.tables.values():
            if table.name not in self.links:
                self.fields[table.name] = self._field_names(table)
        for table in self.tables.values():
            if table.name not in self.links:
                self.resources[self.names[table.name]] = self._resource(table)
        for table in self.tables.values():
            if table.name in self.links:
                self._many(table)
        self._reverse_names()

    def _note(self, path: Path, message: str) -> None:
        self.imported.note(path, message)

    # -- names -----------------------------------------------------------------------------

    def _references(self, table: Table) -> dict[str, ForeignKey]:
        """The single-column foreign keys that become `ref` fields, by column."""
        found: dict[str, ForeignKey] = {}
        for fk in table.foreign_keys:
            if len(fk.columns) == 1 and fk.columns[0] not in found and self._target_ok(fk):
                found[fk.columns[0]] = fk
        return found

    def _target_ok(self, fk: ForeignKey) -> bool:
        target = self.tables.get(fk.target_table)
        if fk.target_schema is not None or target is None or target.name in self.links:
            return False
        if len(fk.target_columns) != 1:
            return False
        column = fk.target_columns[0]
        # A column unique only by an index is no `target_field` (the spec's unique is a
        # constraint): Danbooru's user_events.login_session_id -> login_sessions.login_id.
        return target.primary_key == (column,) or _unique_constraint(target, column)

    def _field_names(self, table: Table) -> dict[str, str]:
        references = self._references(table)
        names: dict[str, str] = {}
        taken: set[str] = set()
        # References first: `author_id` must become `author` even if a column `author` exists,
        # which then yields (it gets `author_`).
        ordered = sorted(table.columns, key=lambda c: c.name not in references)
        for column in ordered:
            fk = references.get(column.name)
            base = (
                reference_name(column.name, fk.target_columns[0]) if fk else field_name(column.name)
            )
            candidate, number = base, 2
            while candidate in taken or _shadows(candidate, taken):
                candidate, number = f"{base}_{number}", number + 1
            taken.add(candidate)
            if fk:
                taken.add(f"{candidate}_{self._attribute_suffix(fk)}")
            names[column.name] = candidate
        return names

    def _attribute_suffix(self, fk: ForeignKey) -> str:
        target = self.tables[fk.target_table]
        column = fk.target_columns[0]
        if target.primary_key == (column,):
            return "id"
        return self.fields.get(target.name, {}).get(column) or field_name(column)

    # -- one resource ----------------------------------------------------------------------

    def _resource(self, table: Table) -> dict[str, Any]:
        resource = self.names[table.name]
        path: Path = ("resources", resource)
        spec: dict[str, Any] = {}
        if table.comment:  # the table's comment too, so that it round-trips
            spec["description"] = table.comment
            spec["comment"] = True
        if table.name != naming.plural(naming.snake(resource)):
            spec["table"] = table.name
        if table.primary_key_name and table.primary_key_name != naming.constraint("pk", table.name):
            spec["primary_key_name"] = table.primary_key_name
        if table.key_stand_in:
            self._note(
                path,
                f"table `{table.name}` has no primary key; its NOT NULL columns "
                f"({', '.join(table.primary_key)}) are the spec's key (one that identifies a row "
                "through the API); a database built from the spec has a PRIMARY KEY on them",
            )
        fields: dict[str, Any] = {}
        spec["fields"] = fields
        names = self.fields[table.name]
        references = self._references(table)
        for column in table.columns:
            field_path = (*path, "fields", names[column.name])
            fk = references.get(column.name)
            made = (
                self._reference(table, column, fk, field_path)
                if fk
                else self._scalar(table, column, field_path)
            )
            if made is not None:
                fields[names[column.name]] = made
        for fk in table.foreign_keys:
            if fk.columns[0] in references and references[fk.columns[0]] is fk:
                continue
            if self.catalog.dialect == "postgresql" and _carried_fk(fk, self.tables):
                self.carried_fks.append((table.name, fk))
                continue  # under database_objects
            self._note(path, _fk_not_expressed(fk, self.tables))
        self._groups(table, spec, names, path)
        self._checks(table, spec, path)
        for what, sql in table.extras:
            self._note(path, f"{what} not expressed: {_one_line(sql)}")
        return spec

    def _scalar(self, table: Table, column: Column, path: Path) -> dict[str, Any] | None:
        typed, problem = field_type(column.type, self.catalog.dialect)
        if typed is None:
            required = not column.nullable and column.default is None and column.generated is None
            self._note(
                path[:2],
                f"column `{column.name}` ({column.type.sql}) left out: {problem}"
                + (
                    "; it is NOT NULL without a default, so inserts through the API fail"
                    if required
                    else ""
                ),
            )
            return None
        if problem:
            self._note(path, problem)
        if column.type.domain:
            self._note(
                path,
                f"declared with the domain `{column.type.domain}`, imported as "
                "its base type (the domain's checks are not expressed)",
            )
        spec = dict(typed)
        held_shape(column, spec)
        name = path[-1]
        users = self.enum_users.setdefault(spec.get("enum_name") or "", {})
        shared = users.get(str(path[1])) if spec.get("native") else None
        if shared:
            # Fields of other resources share a type (OpenStreetMap's `format_enum`); two of
            # one resource cannot yet: their CHECKs on SQLite would have one name
            self._note(
                path,
                f"the enum type `{spec['enum_name']}` is {shared}'s too, in the same resource, "
                "which cannot share it: imported as a checked enum (`alembic check` sees the "
                "type change)",
            )
            del spec["native"], spec["enum_name"]
        elif spec.get("native"):
            users[str(path[1])] = ".".join(path[1::2])
        if spec.get("enum_name") == naming.enum_type(path[1], name):
            del spec["enum_name"]  # the name the spec gives it anyway
        if column.name != name:
            spec["column"] = column.name
        self._key(table, column, spec, path)
        self._common(table, column, spec, path)
        if column.generated is not None:
            spec["generated"] = column.generated
        elif column.default is not None and not _numbered_key(table, column):
            self._default(column, spec, path)
        if is_secret(name.rstrip("_")):
            if spec.get("unique") or spec.get("primary_key") or column.generated:
                self._note(
                    path,
                    "named like a secret, but unique or a key: left readable, so "
                    "every read answers it; hide it by hand if it is one",
                )
            else:
                spec["write_only"] = True
        return spec

    def _key(self, table: Table, column: Column, spec: dict[str, Any], path: Path) -> None:
        if column.name not in table.primary_key:
            return
        spec["primary_key"] = True
        if spec.get("type") == "text" and column.type.kind == "varchar":
            # OpenStreetMap's `*_tags.k`, `languages.code`: a key cannot be text
            spec["type"], spec["max_length"] = "str", 255
            self._note(path, "a key cannot be text: imported as str (255)")
        if len(table.primary_key) != 1 or column.type.kind not in _KEY_KINDS:
            return  # a key the client sets: its default, if any, is a server_default
        if column.identity:
            spec["identity"] = True
            if column.identity_always:
                self._note(path, "GENERATED ALWAYS AS IDENTITY: the spec's identity is BY DEFAULT")
            return
        sequence = defaults.sequence_of(column.default)
        if sequence is not None:
            if sequence != naming.sequence(table.name, column.name):
                spec["sequence"] = sequence
        elif column.default is not None:
            self._note(path, f"key default `{column.default}` not expressed")
        elif self.catalog.dialect == "postgresql":
            spec["autoincrement"] = False  # SQLite's INTEGER PRIMARY KEY numbers rows anyway

    def _common(self, table: Table, column: Column, spec: dict[str, Any], path: Path) -> None:
        """Nullability, description, single-column unique constraint and index."""
        if column.nullable and column.name not in table.primary_key:
            spec["nullable"] = True
        if column.comment:
            spec["description"] = column.comment
        unique = _unique_name(table, column.name)
        if unique is not False and (column.name,) != table.primary_key:
            spec["unique"] = True
            if unique and unique != naming.constraint("uq", table.name, column.name):
                spec["unique_name"] = unique
        elif spec["type"] == "ref" and (index := _index_on(table, column.name, unique=True)):
            # Danbooru's `index_artist_commentaries_on_post_id`: the database stays as it is
            self._note(
                path,
                f"unique through the index `{index.name}`, kept as that index: the reverse is "
                "a list of at most one row; `unique: true` would make it one-to-one, with a "
                "unique constraint in the index's place",
            )
        index = _index_on(table, column.name, unique=False)
        if index is not None and not spec.get("unique"):
            # a reference is indexed anyway, unless it leads the key
            if spec["type"] != "ref" or table.primary_key[:1] == (column.name,):
                spec["index"] = True
            if index.name and index.name != naming.constraint("ix", table.name, column.name):
                spec["index_name"] = index.name

    def _default(
        self, column: Column, spec: dict[str, Any], path: Path, held: str | None = None
    ) -> None:
        """`held`: a reference's, the type of the column it holds."""
        value = defaults.server_default(column.default or "", held or spec["type"])
        if value is None:
            self._note(path, f"server default `{column.default}` not expressed")
        else:
            spec["server_default"] = value

    def _reference(
        self, table: Table, column: Column, fk: ForeignKey, path: Path
    ) -> dict[str, Any]:
        target = self.tables[fk.target_table]
        spec: dict[str, Any] = {"type": "ref", "target": self.names[target.name]}
        target_column = fk.target_columns[0]
        if target.primary_key != (target_column,):
            spec["target_field"] = self.fields[target.name][target_column]
        attribute = f"{path[-1]}_{spec.get('target_field', 'id')}"
        if column.name != attribute:
            spec["column"] = column.name
        if column.name in table.primary_key:
            spec["primary_key"] = True
            if table.primary_key == (column.name,):
                self._note(
                    path,
                    "one reference alone is the key: the spec asks for a unique "
                    "reference with a key of its own",
                )
        self._common(table, column, spec, path)
        if fk.on_delete in _ACTIONS:
            spec["on_delete"] = fk.on_delete
        elif fk.on_delete == "set default":
            self._note(path, "ON DELETE SET DEFAULT not expressed")
        if fk.on_update and fk.on_update != "no action":
            if fk.on_update in _ACTIONS:
                spec["on_update"] = fk.on_update
            else:
                self._note(path, f"ON UPDATE {fk.on_update.upper()} not expressed")
        if fk.name and fk.name != naming.constraint("fk", table.name, column.name, target.name):
            spec["foreign_key_name"] = fk.name
        if fk.deferrable:  # Danbooru's: every foreign key
            spec["deferrable"] = "deferred" if "DEFERRED" in fk.deferrable.upper() else "immediate"
        held = next((c for c in target.columns if c.name == target_column), None)
        held_kind = held and field_type(held.type, self.catalog.dialect)[0]
        if (
            held is not None
            and column.type.kind in _KEY_KINDS
            and held.type.kind in _KEY_KINDS
            and column.type.kind != held.type.kind
        ):
            spec["column_type"] = column.type.kind  # an int column holding a bigint key
            held_kind = {"type": column.type.kind}
        elif held is not None and (column.type.kind, column.type.sql) != (
            held.type.kind,
            held.type.sql,
        ):
            self._note(
                path,
                f"the column is {column.type.sql} and `{target.name}.{target_column}` "
                f"{held.type.sql}: a reference takes its target's type, which `alembic check` "
                "sees as a type change",
            )
        if column.default is not None:
            self._default(column, spec, path, held_kind["type"] if held_kind else None)
        first_key = table.primary_key[:1] == (column.name,)
        if (
            not spec.get("unique")
            and not first_key
            and _index_on(table, column.name, unique=False) is None
        ):
            spec["index"] = False  # the database has no index of its own on it
        return spec

    # -- resource-level groups -------------------------------------------------------------

    def _groups(
        self, table: Table, spec: dict[str, Any], names: dict[str, str], path: Path
    ) -> None:
        uniques: list[Any] = []
        for unique in table.uniques:
            if len(unique.columns) < 2:
                continue
            fields = [names[c] for c in unique.columns]
            default = naming.constraint("uq", table.name, *unique.columns)
            if unique.name and unique.name != default:
                uniques.append({"fields": fields, "name": unique.name})
            else:
                uniques.append(fields)
        if uniques:
            spec["unique"] = uniques
        indexes: list[Any] = []
        for index in table.indexes:
            if _is_field_index(table, index):
                continue
            if index.method:
                self._note(path, f"index `{index.name}` uses {index.method}, not expressed")
                continue
            if self.catalog.dialect == "postgresql" and _carried_index(table, index):
                continue  # PostgreSQL's own SQL: under database_objects
            item: dict[str, Any] = {}
            if index.columns:
                item["fields"] = [names.get(c, c) for c in index.columns]
            else:
                item["expressions"] = list(index.expressions)
            default = naming.constraint("ix", table.name, *index.columns)
            if index.name and (index.name != default or not index.columns):
                item["name"] = index.name
            if index.where:
                item["where"] = index.where
            if index.unique:
                item["unique"] = True
            indexes.append(item["fields"] if list(item) == ["fields"] else item)
        if indexes:
            spec["index"] = indexes

    def _checks(self, table: Table, spec: dict[str, Any], path: Path) -> None:
        found: dict[str, Any] = {}
        prefix = f"ck_{table.name}_"
        for number, check in enumerate(table.checks, start=1):
            value: dict[str, Any] = {"sql": check.sql}
            if (
                check.name
                and check.name.startswith(prefix)
                and check.name
                == naming.constraint("ck", table.name, check.name.removeprefix(prefix))
            ):
                key = check.name.removeprefix(prefix)
            elif check.name:
                key = field_name(check.name)
                value["name"] = check.name
            else:
                key = f"check_{number}"
            if self.catalog.dialect == "postgresql" and not _sqlite_reads(table, [check.sql]):
                # PostgreSQL's own SQL: a database built from the spec on SQLite (the
                # generated tests' default) leaves it out rather than fail to make the table
                value["dialects"] = ["postgresql"]
            while key in found:
                key += "_"
            found[key] = value["sql"] if list(value) == ["sql"] else value
            self._bounds(table, spec, check)
        if found:
            spec["checks"] = found

    def _bounds(self, table: Table, spec: dict[str, Any], check: Check) -> None:
        """The bounds the check puts on single columns, as their fields' options too (the
        check stays): `x >= 0` is `ge: 0` (importer/bounds.py)."""
        names = self.fields[table.name]
        for bound in bounds.bounds(check.sql):
            field = spec["fields"].get(names.get(bound.column, ""))
            if field is not None:
                bounds.apply(field, bound)

    # -- many-to-many ----------------------------------------------------------------------

    def _link_ends(self, table: Table) -> tuple[ForeignKey, ForeignKey] | None:
        """A pure link table: two columns, the key, each a reference to another table's key,
        nothing else (no comment, check or unique of its own)."""
        if len(table.columns) != 2 or set(table.primary_key) != {c.name for c in table.columns}:
            return None
        if table.checks or table.uniques or table.comment or table.extras:
            return None
        ends = []
        for column in table.columns:
            fks = [fk for fk in table.foreign_keys if fk.columns == (column.name,)]
            if len(fks) != 1 or fks[0].target_schema is not None:
                return None
            target = self.tables.get(fks[0].target_table)
            if target is None or target.primary_key != fks[0].target_columns:
                return None
            if _link_ends_of(target):  # a link to a link: keep both as resources
                return None
            ends.append(fks[0])
        return ends[0], ends[1]

    def _many(self, table: Table) -> None:
        ends = self._link_ends(table)
        assert ends is not None
        owner_fk, target_fk = ends
        owner = self.names[owner_fk.target_table]
        target = self.names[target_fk.target_table]
        fields = self.resources[owner]["fields"]
        base = naming.plural(reference_name(target_fk.columns[0], target_fk.target_columns[0]))
        candidate, number = base, 2
        while candidate in fields or _shadows(candidate, set(fields)):
            candidate, number = f"{base}_{number}", number + 1
        spec: dict[str, Any] = {"type": "many", "target": target}
        if table.name != f"{naming.snake(owner)}_{candidate}":
            spec["through"] = table.name
        default_columns = [
            f"{naming.snake(owner)}_{owner_fk.target_columns[0]}",
            f"{naming.snake(target)}_{target_fk.target_columns[0]}",
        ]
        columns = [owner_fk.columns[0], target_fk.columns[0]]
        if columns != default_columns:
            spec["link_columns"] = columns
        if owner == target:  # users follow users: the other side is named by its column
            other_side = naming.plural(reference_name(columns[0], owner_fk.target_columns[0]))
            if other_side != candidate and other_side not in fields:
                spec["back_populates"] = other_side
        fields[candidate] = spec

    def _link_mismatches(self, table: Table, ends: tuple[ForeignKey, ForeignKey]) -> list[str]:
        """Why a `many` field would not build this link table as it is (its rows cascade, its
        constraints and its one index carry persistgen's names)."""
        found = []
        for fk in ends:
            if fk.on_delete != "cascade":
                action = (fk.on_delete or "no action").upper()
                found.append(f"`{fk.columns[0]}` is ON DELETE {action}, a link's rows cascade")
            default = naming.constraint("fk", table.name, fk.columns[0], fk.target_table)
            if fk.name and fk.name != default:
                found.append(f"its foreign key is named `{fk.name}`, a link's `{default}`")
        if table.primary_key_name and table.primary_key_name != naming.constraint("pk", table.name):
            found.append(f"its key is named `{table.primary_key_name}`")
        second = ends[1].columns[0]
        reverse = _index_on(table, second, unique=False)
        expected = naming.constraint("ix", table.name, second)
        if reverse is None:
            found.append(f"`{second}` has no index, a link's has one")
        elif reverse.name and reverse.name != expected:
            found.append(f"its index is named `{reverse.name}`, a link's `{expected}`")
        found += [f"it has index `{i.name}`" for i in table.indexes if i is not reverse]
        return found

    # -- the names of the reverse sides ----------------------------------------------------

    def _reverse_names(self) -> None:
        """Set `back_populates` where two relationships would add the same collection to a
        target, or one would shadow a field of it."""
        claims: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
        for source, resource in self.resources.items():
            for name, spec in resource["fields"].items():
                if spec.get("type") in ("ref", "many"):
                    claims.setdefault(spec["target"], []).append((source, name, spec))
        for target, relations in claims.items():
            taken = set(self.resources[target]["fields"])
            taken |= {
                f"{n}_id"
                for n, s in self.resources[target]["fields"].items()
                if s.get("type") == "ref"
            }
            counts: dict[str, int] = {}
            for source, _, spec in relations:
                reverse = _default_reverse(source, spec)
                counts[reverse] = counts.get(reverse, 0) + 1
            for source, name, spec in relations:
                if "back_populates" in spec:
                    taken.add(spec["back_populates"])
                    continue
                reverse = _default_reverse(source, spec)
                if counts[reverse] == 1 and reverse not in taken and reverse != name:
                    taken.add(reverse)
                    continue
                candidate = base = f"{name}_{reverse}"
                number = 2
                while candidate in taken:
                    candidate, number = f"{base}_{number}", number + 1
                spec["back_populates"] = candidate
                taken.add(candidate)


def _numbered_key(table: Table, column: Column) -> bool:
    """The one-column integer key, which the database numbers (its default is the sequence)."""
    return table.primary_key == (column.name,) and column.type.kind in _KEY_KINDS


def _default_reverse(source: str, spec: dict[str, Any]) -> str:
    snake = naming.snake(source)
    return snake if spec.get("unique") else naming.plural(snake)


def _shadows(name: str, taken: set[str]) -> bool:
    """A field `author_id` beside a reference `author` (whose attribute it is)."""
    return any(name == f"{t}_id" for t in taken)


def _unique_constraint(table: Table, column: str) -> bool:
    return any(u.columns == (column,) for u in table.uniques)


def _unique_name(table: Table, column: str) -> str | bool | None:
    """The name of the column's own unique constraint; None when it has no name; False when
    it has none (a unique index stays an index: `unique: true` would make a constraint)."""
    for unique in table.uniques:
        if unique.columns == (column,):
            return unique.name
    return False


def _index_on(table: Table, column: str, *, unique: bool) -> Index | None:
    """The column's own index, unique or not, as a field or group says one: over the column
    alone, with no condition, method or ordering."""
    return next(
        (
            i
            for i in table.indexes
            if i.columns == (column,)
            and i.unique == unique
            and not (i.where or i.method or i.verbatim_only)
        ),
        None,
    )


def _is_field_index(table: Table, index: Index) -> bool:
    """Indexes a field's `index` (or a reference's own index) says; a unique one is a group
    of the resource's, as `unique: true` would make a constraint."""
    return (
        len(index.columns) == 1
        and not index.unique
        and _index_on(table, index.columns[0], unique=False) is index
    )


def _link_ends_of(table: Table) -> bool:
    return (
        len(table.columns) == 2
        and set(table.primary_key) == {c.name for c in table.columns}
        and len(table.foreign_keys) == 2
        and not table.uniques
        and not table.checks
    )


# SQL of PostgreSQL's own in an index's predicate or expressions (as pg_get_indexdef writes
# them: casts, ANY (ARRAY[...]), regular expressions, JSON and array operators): SQLite, where
# the generated project's tests run, cannot make such an index from the spec.
_POSTGRES_SQL = re.compile(
    r"::|\bANY\s*\(|\bARRAY\[|~|\bregexp_|tsvector|tsquery|@>|<@|->>|\bjsonb?_|\barray_\w+\("
)


# Functions SQLite has as PostgreSQL does: an index calling only these is portable.
_PORTABLE_FUNCTIONS = frozenset({"lower", "upper", "coalesce", "abs", "length", "trim"})


def _carried_index(table: Table, index: Index) -> bool:
    """A partial or expression index in PostgreSQL's own SQL (Danbooru's
    `WHERE status = ANY (ARRAY[100, 200])`, `set_masklen(ip_addr, ...)`), carried verbatim
    under `database_objects`. Portable SQL calls only functions both databases have alike, and
    SQLite evaluates it over the table's columns (`code ILIKE 'a%'` passes the first test)."""
    sql = " ".join([index.where or "", *index.expressions])
    called = {name.lower() for name in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(", sql)}
    called -= {"and", "or", "not", "in", "is"}  # `x IN (...)`, `NOT (...)`: no calls
    portable = (
        called <= _PORTABLE_FUNCTIONS
        and not _POSTGRES_SQL.search(sql)
        and not index.verbatim_only
        and _sqlite_reads(table, [index.where or "TRUE", *index.expressions])
    )
    return bool(index.definition) and not portable


def _sqlite_reads(table: Table, expressions: Sequence[str]) -> bool:
    """Whether an in-memory SQLite evaluates each SQL expression over the table's columns
    (plan/checks.py): PostgreSQL's own syntax, a function SQLite lacks or a column the table
    lacks fails there."""
    return all(checks.sqlite_reads(sql, [c.name for c in table.columns]) for sql in expressions)


def _carried_fk(fk: ForeignKey, tables: Collection[str]) -> bool:
    """A foreign key no `ref` holds (over several columns, OpenStreetMap's `(node_id, version)
    -> nodes`, or to a column unique by an index only) between imported tables:
    `database_objects` carries it."""
    return fk.name is not None and fk.target_schema is None and fk.target_table in tables


def _fk_sql(fk: ForeignKey, catalog: Catalog) -> str:
    sql = (
        f"FOREIGN KEY ({', '.join(naming.quoted(c) for c in fk.columns)}) REFERENCES "
        f"{_qualified(catalog, fk.target_table)} "
        f"({', '.join(naming.quoted(c) for c in fk.target_columns)})"
    )
    for action, value in (("DELETE", fk.on_delete), ("UPDATE", fk.on_update)):
        if value and value != "no action":
            sql += f" ON {action} {value.upper()}"
    return sql + (f" {fk.deferrable}" if fk.deferrable else "")


def _fk_not_expressed(fk: ForeignKey, tables: dict[str, Table]) -> str:
    columns = ", ".join(fk.columns)
    target = f"{fk.target_schema + '.' if fk.target_schema else ''}{fk.target_table}"
    if fk.target_schema is not None or fk.target_table not in tables:
        why = "its table is not imported"
    elif len(fk.columns) > 1:
        why = "a reference holds one column"
    else:
        why = "it points at neither the key nor a unique column"
    name = f" `{fk.name}`" if fk.name else ""
    return (
        f"foreign key{name} ({columns}) -> {target}({', '.join(fk.target_columns)}) kept as "
        f"plain columns: {why}"
    )
