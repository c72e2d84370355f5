"""One resource: its columns, keys, constraints, relations and links, and its test facts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from persistgen import naming
from persistgen.migrate.schema import DbIndex
from persistgen.plan import checks, imports, samples
from persistgen.plan.columns import column
from persistgen.plan.links import links
from persistgen.plan.relations import Pointing, refs, relations
from persistgen.plan.targets import attributes, pk_name, pk_spec, referenced, route
from persistgen.project_model import (
    ColumnModel,
    DbTable,
    Expr,
    FilterParam,
    OrmTable,
    RefModel,
    ResourceModel,
    Sample,
)
from persistgen.project_model.dto import LinkFilter
from persistgen.project_model.orm import LinkModel, RelationModel
from persistgen.spec.model import ROUTES, FieldSpec, ResourceSpec, Route, Spec
from persistgen.typemap import type_info

Columns = tuple[str, ...]
Named = tuple[tuple[str, Columns], ...]
Group = tuple[str | None, Columns]  # (the spec's name for it, if any; model attributes)
Searches = tuple[tuple[str, str], ...]  # (index name, column)
READ_ROUTES: tuple[Route, ...] = ("list", "get")  # all a view serves


def resource(
    spec: Spec, name: str, incoming: Pointing, *, collection: str | None = None
) -> ResourceModel:
    """`collection`: the plural its names for many rows take; default: its name's plural."""
    package = spec.project.python_package
    spec_resource = spec.resources[name]
    table = spec_resource.table_name(name)
    module = naming.snake(name)
    columns = tuple(_columns(spec, name, table))
    key = tuple(c for c in columns if c.primary_key)
    by_column = {c.name: c for c in columns}
    named_uniques: list[Group] = [
        (u.name, attributes(spec_resource, u.fields)) for u in spec_resource.unique
    ]
    uniques = [on for _, on in named_uniques]
    # `[a, b]` items; the others (named, partial, unique or over expressions) are named indexes
    named_indexes: list[Group] = [
        (i.name, attributes(spec_resource, i.fields or [])) for i in spec_resource.index if i.plain
    ]
    indexes = [on for name, on in named_indexes if name is None]
    unique_groups = [*((c.name,) for c in columns if c.unique), *uniques]
    column_uniques = [(c.orm.unique_name, (c.name,)) for c in columns if c.unique]
    column_indexes = [(c.orm.index_name, (c.name,)) for c in columns if c.index]
    unique_keys = (tuple(c.name for c in key), *unique_groups)
    columns, ref_models = _fitted(spec_resource, columns, refs(spec, name), unique_keys)
    by_column = {c.name: c for c in columns}
    rels = relations(spec, name, incoming)
    link_models = tuple(links(spec, name))
    routes, left_out = _routes(spec_resource, link_models)
    served_links = link_models if "links" in routes else ()
    update_column = _update_column(columns)
    clock_columns = tuple(  # the factories send the others
        n
        for n, f in spec_resource.fields.items()
        if f.server_default == "now" and not by_column[n].in_create
    )
    searches = _named_searches(table, columns)
    custom = _custom_indexes(spec_resource, table, by_column)
    orm = _orm_table(
        spec,
        name,
        columns,
        [
            (n, _db_names(by_column, g))
            for n, g in [*((n, g) for n, g in column_uniques if n), *named_uniques]
        ],
        [_db_names(by_column, g) for g in indexes],
        searches,
        (
            *(
                DbIndex(n, _db_names(by_column, g))
                for n, g in [*column_indexes, *named_indexes]
                if n is not None
            ),
            *custom,
        ),
    )
    link_filters = tuple(_link_filters(spec, rels))
    return ResourceModel(
        class_name=name,
        module=module,
        collection=collection or naming.plural(module),
        table=table,
        route=route(table),
        label=module.replace("_", " "),
        description=spec_resource.description or "",
        orm=orm,
        soft_delete=spec_resource.soft_delete,
        versioned=spec_resource.versioned,
        key=key,
        missing=_missing_key(spec, spec_resource),
        columns=columns,
        relations=rels,
        links=link_models,
        refs=ref_models,
        routes=routes,
        left_out=left_out,
        db=_db_table(
            spec,
            name,
            columns,
            [(n, _db_names(by_column, g)) for n, g in [*column_uniques, *named_uniques]],
            [(n, _db_names(by_column, g)) for n, g in [*column_indexes, *named_indexes]],
            searches,
            custom,
        ),
        previous_name=spec_resource.renamed_from,
        conflict_testable=any(
            all(by_column[n].in_create for n in unique)
            for unique in unique_keys
            if len(unique) > 1 or not by_column[unique[0]].primary_key
        ),
        filter_tests=_filter_tests(columns, spec_resource),
        link_filters=link_filters,
        search_test=_search_test(columns, spec_resource),
        unique_keys=unique_keys,
        upsert_key=next((k for k in unique_keys if all(by_column[n].in_create for n in k)), None),
        sort_keys=tuple(c.name for c in _sortable(columns)),
        keyset_sorts=tuple(
            value for c in _sortable(columns) if not c.nullable for value in (c.name, f"-{c.name}")
        ),
        update_column=update_column,
        aware_column=_aware_in_create(columns, "datetime"),
        aware_time_column=_aware_in_create(columns, "time"),
        clock_columns=clock_columns,
        model_imports=imports.model(package, columns, rels, link_models, orm),
        model_type_checking_imports=imports.type_checking(package, name, rels),
        schema_imports=imports.schema(
            package, columns, link_filters, versioned=spec_resource.versioned
        ),
        test_imports=imports.tests(package, update_column, link_models, clock_columns),
        key_imports=imports.keys(package, key, link_models),
        repository_imports=imports.repository(package, name, rels, link_models),
        api_imports=imports.api(
            package,
            module,
            name,
            key,
            served_links,
            relations=bool(rels),
        ),
        view=spec_resource.view,
    )


def _update_column(columns: Sequence[ColumnModel]) -> ColumnModel | None:
    """The column the update tests change; they read the change back, so not a write-only
    one."""
    return next((c for c in columns if c.in_update and c.in_read and not c.foreign_key), None)


def _fitted(
    resource: ResourceSpec,
    columns: tuple[ColumnModel, ...],
    ref_models: tuple[RefModel, ...],
    unique_keys: Sequence[Columns],
) -> tuple[tuple[ColumnModel, ...], tuple[RefModel, ...]]:
    """The columns and references, with the samples the checks want (plan/checks.py): another
    spelling of a text, or none at all, the factories leaving a nullable field or reference
    empty. Not empty where another test sets or reads a value: a key or a unique key's
    column (the conflict tests), the updated one, the aware one the offset tests send; no
    other sample for a filtered or searched one."""
    update = _update_column(columns)
    aware = (_aware_in_create(columns, "datetime"), _aware_in_create(columns, "time"))
    taken = {n for k in unique_keys for n in k} | {c.name for c in (update, *aware) if c}
    choices = {
        c.name: (
            *((samples.EMPTY,) if c.nullable and c.name not in taken else ()),
            *_alternatives(resource, c),
        )
        for c in columns
        if c.in_create and not (c.primary_key or c.filters or c.search)
    }
    sql = [(n, check.sql) for n, check in resource.checks.items()]
    chosen = checks.fitted(columns, ref_models, update, sql, choices)
    return (
        tuple(replace(c, test=chosen[c.name]) if c.name in chosen else c for c in columns),
        tuple(replace(ref, emptied=True) if ref.column in chosen else ref for ref in ref_models),
    )


def _alternatives(resource: ResourceSpec, c: ColumnModel) -> tuple[Sample, ...]:
    field = resource.fields.get(c.name)
    if field is None or c.foreign_key:
        return ()
    return samples.alternatives(field, c.type, c.name)


def _routes(
    resource: ResourceSpec, link_models: Sequence[LinkModel]
) -> tuple[tuple[Route, ...], tuple[Route, ...]]:
    """The routes the resource serves and those the spec leaves out, of those it could serve
    (`restore` with soft delete, `links` with a many-to-many field), in `ROUTES` order."""
    offered = [
        r
        for r in ROUTES
        if (r != "restore" or resource.soft_delete) and (r != "links" or link_models)
    ]
    default = READ_ROUTES if resource.view else offered
    listed = default if resource.routes is None else resource.routes
    return (
        tuple(r for r in offered if r in listed),
        tuple(r for r in offered if r not in listed),
    )


def _orm_table(
    spec: Spec,
    name: str,
    columns: Sequence[ColumnModel],
    uniques: list[Group],
    indexes: list[Columns],
    searches: Searches,
    named_indexes: tuple[DbIndex, ...],
) -> OrmTable:
    """The composite constraints, the constraints and indexes the spec names, and search
    indexes; `__table_args__` name columns as the database does."""
    resource = spec.resources[name]
    return OrmTable(
        uniques=tuple(uniques),
        indexes=_named("ix", resource.table_name(name), [(None, on) for on in indexes]),
        checks=tuple((n, c.sql) for n, c in resource.checks.items()),
        named_indexes=named_indexes,
        check_names=tuple((n, c.name) for n, c in resource.checks.items() if c.name),
        postgres_checks=tuple(n for n, c in resource.checks.items() if c.postgres_only),
        pk_name=resource.primary_key_name,
        primary_key=tuple(c.db.name for c in columns if c.primary_key),
        schema=spec.project.schema_,
        # Columns the database sets on UPDATE (a clock, a generated column) are read back at
        # once, never lazily (async).
        eager_defaults=any(f.onupdate or f.generated for f in resource.fields.values()),
        versioned=resource.versioned,
        sqlite_autoincrement=_autoincrement(columns),
        searches=searches,
        comment=resource.table_comment,
    )


def _db_table(
    spec: Spec,
    name: str,
    columns: Sequence[ColumnModel],
    uniques: list[Group],
    indexes: list[Group],
    searches: Searches,
    custom_indexes: tuple[DbIndex, ...],
) -> DbTable:
    """The table as migrations see it; single-column constraints included."""
    resource = spec.resources[name]
    table = resource.table_name(name)
    key = [c for c in columns if c.primary_key]
    return DbTable(
        name=table,
        resource=name,
        columns=tuple(c.db for c in columns),
        primary_key=tuple(c.db.name for c in key),
        pk_name=resource.primary_key_name or naming.constraint("pk", table),
        uniques=_named("uq", table, uniques),
        indexes=_named("ix", table, indexes),
        foreign_keys=tuple(c.foreign_key for c in columns if c.foreign_key),
        checks=_db_checks(table, resource, postgres_only=False),
        postgres_checks=_db_checks(table, resource, postgres_only=True),
        custom_indexes=custom_indexes,
        schema=spec.project.schema_,
        autoincrement=_autoincrement(columns),
        searches=searches,
        comment=resource.table_comment,
    )


def _db_checks(
    table: str, resource: ResourceSpec, *, postgres_only: bool
) -> tuple[tuple[str, str], ...]:
    """The CHECKs made on both databases, or (`postgres_only`) on PostgreSQL alone, by name."""
    return tuple(
        (c.name or naming.constraint("ck", table, n), c.sql)
        for n, c in resource.checks.items()
        if c.postgres_only == postgres_only
    )


def _autoincrement(columns: Sequence[ColumnModel]) -> bool:
    """SQLite would number a new row past the largest key left, handing out a deleted one
    again: AUTOINCREMENT numbers past the largest it ever gave."""
    return any(c.numbered_key for c in columns)


def _named_searches(table: str, columns: Sequence[ColumnModel]) -> Searches:
    """The trigram index of each `search` column: (index name, column)."""
    return tuple((naming.search_index(table, c.db.name), c.db.name) for c in columns if c.search)


def _link_filters(spec: Spec, relations: Sequence[RelationModel]) -> Iterator[LinkFilter]:
    """Each many-to-many relationship, on its owner's side or on its target's."""
    for rel in relations:
        if rel.link_variable or rel.link_table:
            key = pk_spec(spec, rel.target)
            info = type_info(key)
            yield LinkFilter(
                name=rel.name,
                target=rel.target,
                target_module=naming.snake(rel.target),
                target_key=pk_name(spec, rel.target),
                key_type=info,
                live=rel.live,
                missing=samples.missing_key(key, info),
            )


def _search_test(columns: Sequence[ColumnModel], resource: ResourceSpec) -> ColumnModel | None:
    """A searched column the generated tests can fill with their own text (`a%b`, `Été`, ...):
    one clients set, not a key, that takes 4 characters."""
    for c in columns:
        field = resource.fields.get(c.name)
        if not c.search or not c.in_create or c.primary_key or field is None:
            continue
        if (field.min_length or 0) <= 4 and (field.max_length or 4) >= 4:
            return c
    return None


def _sortable(columns: Sequence[ColumnModel]) -> list[ColumnModel]:
    """A write-only column is no sort: the order, and a cursor's position, would show it."""
    return [c for c in columns if c.type.sortable and c.in_read]


def _columns(spec: Spec, name: str, table: str) -> Iterable[ColumnModel]:
    resource = spec.resources[name]
    if not resource.key_fields:
        yield column(spec, name, table, "id", FieldSpec(type=resource.id_type, primary_key=True))
    slots = samples.moment_slots(resource)
    for field_name, field in resource.fields.items():
        if field.type != "many":
            yield column(spec, name, table, field_name, field, slots.get(field_name))


def _db_names(by_column: dict[str, ColumnModel], names: Columns) -> Columns:
    return tuple(by_column[attribute].db.name for attribute in names)


def _named(kind: str, table: str, groups: Iterable[Group]) -> Named:
    """Constraint or index names: the spec's, else as the project's naming convention
    (db/base.py) makes them."""
    return tuple((name or naming.constraint(kind, table, *on), on) for name, on in groups)


def _custom_indexes(
    resource: ResourceSpec, table: str, by_column: dict[str, ColumnModel]
) -> tuple[DbIndex, ...]:
    """The `index` items a list of fields cannot say: over expressions, partial or unique.
    One over fields the spec leaves unnamed is named by the convention."""
    found = []
    for item in resource.index:
        if item.plain:
            continue
        on = _db_names(by_column, attributes(resource, item.fields or []))
        found.append(
            DbIndex(
                item.name or naming.constraint("ix", table, *on),
                on,
                tuple(item.expressions or ()),
                item.where,
                item.unique,
            )
        )
    return tuple(found)


def _filter_tests(
    columns: Sequence[ColumnModel], resource: ResourceSpec
) -> tuple[FilterParam, ...]:
    """Filters the generated tests try on factory rows: equality, and `contains` from a
    value's second character; not on a reference in a cycle, which the factories leave empty."""
    by_column = {c.name: c for c in columns}
    return tuple(
        f
        for c in columns
        for f in c.filters
        if f.operator in ("eq", "contains")
        and by_column[f.column].in_create
        and not by_column[f.column].orm.use_alter
        and not (f.operator == "contains" and resource.fields[f.column].length < 2)
    )


def _aware_in_create(columns: Sequence[ColumnModel], kind: str) -> ColumnModel | None:
    """A column of this kind with a time zone that clients send and read back, for the tests
    of offsets."""
    return next(
        (c for c in columns if c.aware and c.db.kind == kind and c.in_create and c.in_read), None
    )


def _missing_key(spec: Spec, resource: ResourceSpec) -> Expr:
    """A key no row has, as the repository takes it: one value, or a tuple."""
    fields = [resource.fields[name] for name in resource.key_fields]
    held = [referenced(spec, f)[1] if f.type == "ref" else f for f in fields]
    keys = held or [FieldSpec(type=resource.id_type)]
    parts = [samples.missing_key(key, type_info(key)) for key in keys]
    if len(parts) == 1:
        return parts[0]
    code = f"({', '.join(part.code for part in parts)})"
    return Expr(code, tuple(i for part in parts for i in part.imports))
