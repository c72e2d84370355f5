"""Build the render model from a validated spec: all naming, typing and imports happen here."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from decimal import Decimal, localcontext

from persistgen import naming
from persistgen.migrate.schema import DbColumn, DbTable, ForeignKeyModel
from persistgen.render_model import (
    ColumnModel,
    EnumModel,
    FilterParam,
    LinkModel,
    PoolModel,
    ProjectModel,
    RefModel,
    RelationModel,
    ResourceModel,
    TimeoutModel,
)
from persistgen.spec.model import FieldSpec, ResourceSpec, Spec
from persistgen.typemap import BIGINT_KEY, TypeInfo, type_info

_INTEGER_BITS = {"int": 32, "bigint": 64}
KEY_SEGMENT = "^[^/]+$"  # what one URL path segment can hold
_COUNTER_DIGITS = 7  # room a readable text sample keeps for the test counter
# The database clocks of db/types.py, by the kind of field `now` fills.
CLOCKS = {
    "datetime": "utcnow",
    "naive datetime": "utcnow_naive",
    "date": "utctoday",
    "time": "utctime",
}
_ON_DELETE_SQL = {
    "cascade": "CASCADE",
    "set null": "SET NULL",
    "restrict": "RESTRICT",
    "no action": "NO ACTION",
}


def import_lines(specs: Iterable[str]) -> tuple[str, ...]:
    """`module:name` and `module as alias` specs -> sorted, merged import statements."""
    plain: set[str] = set()
    named: dict[str, set[str]] = {}
    for spec in specs:
        module, _, name = spec.partition(":")
        if name:
            named.setdefault(module, set()).add(name)
        else:
            plain.add(f"import {module}")
    lines = sorted(plain) + [
        f"from {module} import {', '.join(sorted(names))}"
        for module, names in sorted(named.items())
    ]
    return tuple(lines)


def build(spec: Spec) -> ProjectModel:
    package = spec.project.python_package
    ordered = _dependency_order(spec)
    resources = tuple(_resource(spec, package, name, spec.resources[name]) for name in ordered)
    enums = tuple(e for name in ordered for e in _enums(name, spec.resources[name]))
    pool = spec.project.pool
    factory_imports = {"sqlalchemy.ext.asyncio:AsyncSession", "typing:Any"}
    if any(r.uses_counter for r in resources):
        factory_imports.add("itertools")
    for r in resources:
        factory_imports |= {
            f"{package}.models.{r.module}:{r.class_name}",
            f"{package}.repositories.{r.module}:{r.class_name}Repository",
            f"{package}.schemas.{r.module}:{r.class_name}Create",
        }
        factory_imports.update(i for c in r.columns if c.in_create for i in c.sample_imports)
    return ProjectModel(
        name=spec.project.name,
        package=package,
        title=spec.project.name.replace("-", " ").replace("_", " ").title(),
        description=spec.project.description,
        database_url=spec.project.database_url or f"sqlite+aiosqlite:///./{package}.db",
        pool=PoolModel(**pool.model_dump()),
        schema=spec.project.schema_,
        timeouts=TimeoutModel(**spec.project.timeouts.model_dump()),
        resources=resources,
        enums=enums,
        factory_imports=import_lines(factory_imports),
        uses_counter=any(r.uses_counter for r in resources),
        uses_short_text=any("_short_text(" in c.sample for r in resources for c in r.columns),
        uses_soft_delete=any(r.soft_delete for r in resources),
        uses_versions=any(r.versioned for r in resources),
        uses_links=any(r.links for r in resources),
        uses_relations=any(r.relations for r in resources),
        uses_aware_time=any(
            f.type == "time" and f.timezone
            for r in spec.resources.values()
            for f in r.fields.values()
        ),
        uses_clocks=any(r.clock_columns for r in resources),
        detail_imports=_detail_imports(package, resources),
    )


def _detail_imports(package: str, resources: tuple[ResourceModel, ...]) -> tuple[str, ...]:
    modules = {r.class_name: r.module for r in resources}
    used = {
        name
        for r in resources
        if r.relations
        for name in (r.class_name, *(rel.target for rel in r.relations))
    }
    return import_lines(f"{package}.schemas.{modules[name]}:{name}Read" for name in used)


def _dependency_order(spec: Spec) -> list[str]:
    """Resources sorted so that referenced tables come first (stable: spec order otherwise)."""
    done: list[str] = []

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in done or name in trail:
            return
        for field in spec.resources[name].fields.values():
            if field.type == "ref" and field.target and field.target != name:
                visit(field.target, (*trail, name))
        done.append(name)

    for name in spec.resources:
        visit(name, ())
    return done


def _enums(resource_name: str, resource: ResourceSpec) -> list[EnumModel]:
    return [
        EnumModel(naming.enum_class(resource_name, name), tuple(_members(f.values or [])))
        for name, f in resource.fields.items()
        if f.type == "enum"
    ]


def _members(values: list[str]) -> list[tuple[str, str]]:
    members: list[tuple[str, str]] = []
    used: set[str] = set()
    for value in values:
        member = "".join(c if c.isalnum() else "_" for c in value.upper()).strip("_") or "VALUE"
        if not member.isidentifier() or not member.isascii():
            member = f"V_{member}" if member.isascii() else f"VALUE_{len(used)}"
        while member in used:
            member += "_"
        used.add(member)
        members.append((member, repr(value)))
    return members


def _resource(spec: Spec, package: str, name: str, resource: ResourceSpec) -> ResourceModel:
    table = resource.table_name(name)
    module = naming.snake(name)
    columns: list[ColumnModel] = []
    model_imports = {
        "sqlalchemy.orm:Mapped",
        "sqlalchemy.orm:mapped_column",
        f"{package}.db.base:Base",
    }
    schema_imports: set[str] = set()
    if not resource.key_fields:
        pk_spec = FieldSpec(type=resource.id_type, primary_key=True)
        columns.append(
            _column(spec, package, name, table, "id", pk_spec, model_imports, schema_imports)
        )
    for field_name, field in resource.fields.items():
        if field.type == "many":
            continue
        columns.append(
            _column(spec, package, name, table, field_name, field, model_imports, schema_imports)
        )
    key_columns = tuple(c for c in columns if c.primary_key)
    by_column = {c.name: c for c in columns}
    composite_uniques = [_attributes(resource, names) for names in resource.unique]
    composite_indexes = [_attributes(resource, names) for names in resource.index]
    unique_groups = [*((c.name,) for c in columns if c.unique), *composite_uniques]
    index_groups = [*((c.name,) for c in columns if c.index), *composite_indexes]
    unique_keys = tuple([tuple(c.name for c in key_columns), *unique_groups])
    if resource.checks:
        model_imports.add("sqlalchemy:CheckConstraint")
    if composite_uniques:
        model_imports.add("sqlalchemy:UniqueConstraint")
    if composite_indexes:
        model_imports.add("sqlalchemy:Index")
    filters = tuple(f for c in columns for f in c.filters)
    filter_tests = tuple(
        f
        for f in filters
        if f.operator in ("eq", "contains")
        and by_column[f.column].in_create
        # the test searches from a value's second character
        and not (f.operator == "contains" and resource.fields[f.column].length < 2)
    )
    if (
        resource.versioned
        or any("Field(" in f.decl for f in filters)
        or any(c.constrained and (c.in_create or c.in_update) for c in columns)
    ):
        schema_imports.add("pydantic:Field")
    if any("Annotated[" in f.decl for f in filters):
        schema_imports.add("typing:Annotated")
    links = tuple(_links(spec, name, resource, model_imports))
    relations, type_checking, refs = _relations(spec, package, name, resource, model_imports)
    enum_classes = {
        naming.enum_class(name, n) for n, f in resource.fields.items() if f.type == "enum"
    }
    model_imports |= {f"{package}.enums:{e}" for e in enum_classes}
    if enum_classes:
        model_imports.add(f"{package}.db.base:enum_values")
    schema_imports |= {f"{package}.enums:{e}" for e in enum_classes}
    updatable = [c for c in columns if c.in_update and c.foreign_key is None]
    update_column = updatable[0] if updatable else None
    sort_keys = tuple(c.name for c in columns if _sortable(c))
    key_python_imports = [i for c in key_columns for i in c.python_imports]
    clock_columns = tuple(  # the factories send the others
        n
        for n, f in resource.fields.items()
        if f.server_default == "now" and not by_column[n].in_create
    )
    return ResourceModel(
        class_name=name,
        module=module,
        collection=naming.plural(module),
        table=table,
        route=table.replace("_", "-"),
        label=naming.snake(name).replace("_", " "),
        description=resource.description or "",
        table_args=(
            # Constraints in `__table_args__` name their columns as the database does.
            *(
                f"UniqueConstraint({', '.join(map(repr, _db_names(by_column, key)))})"
                for key in composite_uniques
            ),
            *(
                f"Index({name!r}, {', '.join(map(repr, on))})"
                for name, on in _named(
                    "ix", table, [_db_names(by_column, key) for key in composite_indexes]
                )
            ),
            *(f"CheckConstraint({sql!r}, name={name!r})" for name, sql in resource.checks.items()),
            *([repr({"schema": spec.project.schema_})] if spec.project.schema_ else []),
        ),
        mapper_args=_mapper_args(resource),
        soft_delete=resource.soft_delete,
        base_repository="SoftDeleteRepository" if resource.soft_delete else "Repository",
        versioned=resource.versioned,
        key=key_columns,
        missing_key=_missing_resource_key(spec, resource),
        key_type=key_columns[0].python_type
        if len(key_columns) == 1
        else f"tuple[{', '.join(c.python_type for c in key_columns)}]",
        key_annotations=tuple(_key_annotation(c.db.kind, c.python_type) for c in key_columns),
        columns=tuple(columns),
        relations=relations,
        links=links,
        refs=refs,
        external_refs=tuple(ref for ref in refs if not ref.self_reference),
        db=DbTable(
            name=table,
            resource=name,
            columns=tuple(c.db for c in columns),
            primary_key=tuple(c.db.name for c in key_columns),
            pk_name=f"pk_{table}",
            uniques=_named("uq", table, [_db_names(by_column, key) for key in unique_groups]),
            indexes=_named("ix", table, [_db_names(by_column, key) for key in index_groups]),
            foreign_keys=tuple(c.foreign_key for c in columns if c.foreign_key),
            checks=tuple((f"ck_{table}_{name}", sql) for name, sql in resource.checks.items()),
            schema=spec.project.schema_,
        ),
        previous_name=resource.renamed_from,
        conflict_testable=any(
            all(by_column[name].in_create for name in key)
            for key in unique_keys
            if len(key) > 1 or not by_column[key[0]].primary_key
        ),
        filters=filters,
        filter_tests=filter_tests,
        bulk_filter=next((f for f in filter_tests if f.operator == "eq"), None),
        unique_keys=unique_keys,
        upsert_key=next(
            (key for key in unique_keys if all(by_column[n].in_create for n in key)), None
        ),
        sort_keys=sort_keys,
        sort_values=tuple(value for key in sort_keys for value in (key, f"-{key}")),
        keyset_sorts=tuple(
            value for key in sort_keys if not by_column[key].nullable for value in (key, f"-{key}")
        ),
        create_non_nullable=tuple(c.name for c in columns if c.in_create and not c.nullable),
        update_non_nullable=tuple(c.name for c in columns if c.in_update and not c.nullable),
        update_column=update_column,
        aware_column=_aware_in_create(columns, "datetime"),
        aware_time_column=_aware_in_create(columns, "time"),
        clock_columns=clock_columns,
        uses_counter=any(
            re.search(r"\bn\b", c.sample) for c in columns if c.in_create and not c.foreign_key
        ),
        model_imports=import_lines(model_imports),
        model_type_checking_imports=type_checking,
        schema_imports=import_lines(schema_imports),
        test_imports=import_lines(
            [*(update_column.sample_imports if update_column else ())]
            + ["uuid:uuid4" for link in links if link.missing_key == "uuid4()"]
            + (["tests.clocks:is_utc_now"] if clock_columns else [])
        ),
        repository_imports=import_lines(
            [
                f"{package}.models.{module}:{name}",
                *(f"{package}.models.{module}:{link.variable}" for link in links),
                *(f"{package}.models.{link.target_module}:{link.target_class}" for link in links),
                *(
                    f"{package}.models.{naming.snake(rel.target)}:{rel.target}"
                    for rel in relations
                    if rel.live
                ),
            ]
        ),
        key_imports=import_lines(
            [*key_python_imports, *(i for link in links for i in _link_key_imports(spec, link))]
            + (["collections.abc:Sequence"] if links else [])
        ),
        key_overflow=f"2**{_INTEGER_BITS[key_columns[0].db.kind] - 1}"
        if len(key_columns) == 1 and key_columns[0].db.kind in _INTEGER_BITS
        else None,
        api_imports=import_lines(
            [
                *key_python_imports,
                *(i for c in key_columns for i in _key_imports(c.db.kind, package)),
            ]
            + [i for link in links for i in _link_api_imports(spec, package, link)]
        ),
    )


def _db_names(by_column: dict[str, ColumnModel], attributes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(by_column[attribute].db.name for attribute in attributes)


def _attributes(resource: ResourceSpec, fields: list[str]) -> tuple[str, ...]:
    """Field names as model attributes: a reference `author` holds `author_id`."""
    return tuple(
        resource.fields[name].attribute(name) if name in resource.fields else name
        for name in fields
    )


def _named(
    kind: str, table: str, groups: Iterable[tuple[str, ...]]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Constraint or index names as the project's naming convention (db/base.py) makes them."""
    return tuple((f"{kind}_{table}_{'_'.join(columns)}", columns) for columns in groups)


def _aware_in_create(columns: Sequence[ColumnModel], kind: str) -> ColumnModel | None:
    """A column of this kind with a time zone that clients send, for the tests of offsets."""
    return next((c for c in columns if c.aware and c.db.kind == kind and c.in_create), None)


def _mapper_args(resource: ResourceSpec) -> str:
    args = []
    if any(f.onupdate for f in resource.fields.values()):
        # Columns the database sets on UPDATE are read back at once, never lazily (async).
        args.append('"eager_defaults": True')
    if resource.versioned:
        args.append('"version_id_col": version')
    return "{" + ", ".join(args) + "}" if args else ""


def _key_annotation(kind: str, python_type: str) -> str:
    bits = _INTEGER_BITS.get(kind)
    if bits is None:
        return python_type
    return f"Annotated[int, Path(ge=INT{bits}_MIN, le=INT{bits}_MAX)]"


def _key_imports(kind: str, package: str) -> list[str]:
    bits = _INTEGER_BITS.get(kind)
    if bits is None:
        return []
    bounds = f"{package}.schemas.base:INT{bits}"
    return ["fastapi:Path", f"{bounds}_MIN", f"{bounds}_MAX"]


def _links(
    spec: Spec, name: str, resource: ResourceSpec, model_imports: set[str]
) -> Iterator[LinkModel]:
    """Many-to-many fields: one association table each, keyed by both references."""
    for field_name, field in resource.fields.items():
        if field.type != "many" or field.target is None:
            continue
        target = field.target
        table = field.association_table(name, field_name)
        ends = [_link_end(spec, table, name), _link_end(spec, table, target)]
        (owner, _, _), (item, item_info, _) = ends
        columns = ", ".join(_link_column(fk, info, index=fk is item) for fk, info, _ in ends)
        model_imports |= {"sqlalchemy:Column", "sqlalchemy:ForeignKey", "sqlalchemy:Table"}
        model_imports.update(i for _, info, _ in ends for i in info.orm_imports)
        target_pk = _pk_spec(spec, target)
        previous = f"{resource.renamed_from or name}.{field.renamed_from or field_name}"
        yield LinkModel(
            name=field_name,
            table=table,
            variable=f"{table}_table",
            owner_column=owner.column,
            item_column=item.column,
            table_code=f"Table({table!r}, Base.metadata, {columns}{_schema_arg(spec)})",
            target_class=target,
            target_module=naming.snake(target),
            target_route=item.target_table.replace("_", "-"),
            target_key=item.target_column,
            target_key_type=item_info.python,
            target_key_annotation=_key_annotation(target_pk.type, item_info.python),
            target_live=f"{target}.deleted_at.is_(None)"
            if spec.resources[target].soft_delete
            else None,
            missing_key=_missing_key(target_pk),
            previous=previous if previous != f"{name}.{field_name}" else None,
            db=DbTable(
                name=table,
                resource=f"{name}.{field_name}",
                columns=tuple(db for _, _, db in ends),
                primary_key=(owner.column, item.column),
                pk_name=f"pk_{table}",
                uniques=(),
                indexes=_named("ix", table, [(item.column,)]),
                foreign_keys=(owner, item),
                schema=spec.project.schema_,
            ),
        )


def _schema_arg(spec: Spec) -> str:
    return f", schema={spec.project.schema_!r}" if spec.project.schema_ else ""


def _link_column(fk: ForeignKeyModel, info: TypeInfo, *, index: bool) -> str:
    reference = f"ForeignKey({fk.target!r}, ondelete={fk.on_delete!r})"
    # The key (owner, item) serves lookups by owner; the item side needs its own index.
    flags = "primary_key=True, index=True" if index else "primary_key=True"
    return f"Column({fk.column!r}, {info.orm}, {reference}, {flags})"


def _link_end(spec: Spec, table: str, resource: str) -> tuple[ForeignKeyModel, TypeInfo, DbColumn]:
    """One side of an association table: a cascading reference to `resource`'s key."""
    key = _pk_spec(spec, resource)
    key_name = key.column_name(_pk_name(spec, resource))
    info = type_info(key)
    column = f"{naming.snake(resource)}_{key_name}"
    target = spec.resources[resource]
    target_table = target.table_name(resource)
    fk = ForeignKeyModel(
        column,
        target_table,
        key_name,
        "CASCADE",
        f"fk_{table}_{column}_{target_table}",
        spec.project.schema_,
    )
    return fk, info, DbColumn(column, info.migration, key.type, _type_params(key), nullable=False)


def _missing_key(pk: FieldSpec) -> str:
    """A key no row has: identity keys start at 1, and a random UUID is never reused."""
    if pk.type in _INTEGER_BITS:
        return "0"
    if pk.type == "uuid":
        return "uuid4()"
    if pk.length <= _COUNTER_DIGITS:  # upper case: not a `_short_text` sample
        return repr("MISSING"[: pk.length])
    return repr("missing".ljust(pk.min_length or 0, "x")[: pk.length])


def _missing_resource_key(spec: Spec, resource: ResourceSpec) -> str:
    fields = [resource.fields[name] for name in resource.key_fields]
    held = [_referenced(spec, f)[1] if f.type == "ref" else f for f in fields]
    parts = [_missing_key(f) for f in held] or [_missing_key(FieldSpec(type=resource.id_type))]
    return parts[0] if len(parts) == 1 else f"({', '.join(parts)})"


def _link_key_imports(spec: Spec, link: LinkModel) -> list[str]:
    return [*type_info(_pk_spec(spec, link.target_class)).python_imports]


def _link_api_imports(spec: Spec, package: str, link: LinkModel) -> list[str]:
    return [
        *_link_key_imports(spec, link),
        *_key_imports(_pk_spec(spec, link.target_class).type, package),
        f"{package}.schemas.{link.target_module}:{link.target_class}Read",
    ]


def _sortable(column: ColumnModel) -> bool:
    return column.python_type not in ("dict[str, Any]", "bytes")


def _relations(
    spec: Spec, package: str, name: str, resource: ResourceSpec, model_imports: set[str]
) -> tuple[tuple[RelationModel, ...], tuple[str, ...], tuple[RefModel, ...]]:
    """Many-to-one relationships declared here and one-to-many ones pointing here."""
    relations: list[RelationModel] = []
    type_checking: set[str] = set()
    refs: list[RefModel] = []
    for field_name, field in resource.fields.items():
        if field.type != "ref" or field.target is None:
            continue
        target = field.target
        reverse = field.reverse_name(name)
        annotation = f"Mapped[{target}{' | None' if field.nullable else ''}]"
        attribute = field.attribute(field_name)
        held, _ = _referenced(spec, field)
        args = f'back_populates={reverse!r}, foreign_keys=[{attribute}], lazy="raise"'
        if target == name:
            args += f', remote_side="{name}.{held}"'
        relations.append(
            RelationModel(
                field_name,
                annotation,
                args,
                target,
                collection=False,
                column=attribute,
                target_key=held,
            )
        )
        target_table = spec.resources[target].table_name(target)
        refs.append(
            RefModel(
                attribute,
                naming.snake(target),
                held,
                target_table.replace("_", "-"),
                _on_target_delete(spec, field),
                target == name,
                tuple(_key_attributes(spec.resources[target])),
            )
        )
        if target != name:
            type_checking.add(f"{package}.models.{naming.snake(target)}:{target}")
    for source_name, source in spec.resources.items():
        for field_name, field in source.fields.items():
            if field.type != "ref" or field.target != name:
                continue
            reverse = field.reverse_name(source_name)
            fk = f'"{source_name}.{field.attribute(field_name)}"'
            args = f'back_populates={field_name!r}, foreign_keys={fk}, lazy="raise"'
            # The database enforces on_delete; the ORM must not null out or load children.
            args += ', passive_deletes="all"'
            # A unique reference is one-to-one: its reverse is one row or none.
            annotation = (
                f"Mapped[{source_name} | None]" if field.unique else f"Mapped[list[{source_name}]]"
            )
            relations.append(
                RelationModel(reverse, annotation, args, source_name, collection=not field.unique)
            )
            if source_name != name:
                type_checking.add(f"{package}.models.{naming.snake(source_name)}:{source_name}")
    for field_name, field in resource.fields.items():
        if field.type == "many" and field.target is not None:
            args = f"secondary={field.association_table(name, field_name)}_table, "
            reverse = field.reverse_name(name)
            relations.append(_many_relation(field_name, field.target, args, reverse))
            type_checking.add(f"{package}.models.{naming.snake(field.target)}:{field.target}")
    for source_name, source in spec.resources.items():
        for field_name, field in source.fields.items():
            if field.type == "many" and field.target == name:
                table = field.association_table(source_name, field_name)
                schema = spec.project.schema_
                qualified = f"{schema}.{table}" if schema else table
                args = f"secondary={qualified!r}, "
                reverse = field.reverse_name(source_name)
                relations.append(_many_relation(reverse, source_name, args, field_name))
                type_checking.add(f"{package}.models.{naming.snake(source_name)}:{source_name}")
    if relations:
        model_imports.add("sqlalchemy.orm:relationship")
    relations = [
        replace(rel, live=f"{rel.target}.deleted_at.is_(None)")
        if spec.resources[rel.target].soft_delete
        else rel
        for rel in relations
    ]
    return tuple(relations), import_lines(type_checking), tuple(refs)


def _on_target_delete(spec: Spec, field: FieldSpec) -> str:
    """What deleting the target through its API does to a referencing row."""
    if field.target and spec.resources[field.target].soft_delete:
        return "keep"  # the target row stays, only marked deleted
    return field.on_delete if field.on_delete in ("cascade", "set null") else "refuse"


def _many_relation(name: str, target: str, secondary: str, back_populates: str) -> RelationModel:
    # Deleting either side removes its links in the database (ON DELETE CASCADE), so the ORM
    # never loads a collection just to empty it.
    args = f'{secondary}back_populates={back_populates!r}, lazy="raise", passive_deletes=True'
    return RelationModel(name, f"Mapped[list[{target}]]", args, target, collection=True)


def _referenced(spec: Spec, field: FieldSpec) -> tuple[str, FieldSpec]:
    """The target field a ref holds, by attribute name: `target_field`, else the key."""
    assert field.target is not None  # check.py refuses a ref without one
    if field.target_field is not None:
        return field.target_field, spec.resources[field.target].fields[field.target_field]
    return _pk_name(spec, field.target), _pk_spec(spec, field.target)


def _key_attributes(resource: ResourceSpec) -> list[str]:
    keys = resource.key_fields
    return [resource.fields[n].attribute(n) for n in keys] if keys else ["id"]


def _pk_name(spec: Spec, resource: str) -> str:
    """The key field of a resource with a one-field key (the only kind a reference holds)."""
    keys = spec.resources[resource].key_fields
    return keys[0] if keys else "id"


def _pk_spec(spec: Spec, resource: str) -> FieldSpec:
    target = spec.resources[resource]
    if target.key_fields:
        return target.fields[target.key_fields[0]]
    return FieldSpec(type=target.id_type, primary_key=True)


def _column(
    spec: Spec,
    package: str,
    resource: str,
    table: str,
    name: str,
    field: FieldSpec,
    model_imports: set[str],
    schema_imports: set[str],
) -> ColumnModel:
    column = field.attribute(name)
    db_name = field.column_name(name)
    key_fields = spec.resources[resource].key_fields
    # The database numbers a one-column integer key (or the model draws a uuid); clients set
    # every field of a composite key.
    generated_key = (
        field.primary_key and len(key_fields) <= 1 and field.type in ("int", "bigint", "uuid")
    )
    foreign_key = None
    if field.type == "ref" and field.target:
        held, held_spec = _referenced(spec, field)
        info = type_info(held_spec)
        target_table = spec.resources[field.target].table_name(field.target)
        on_delete = _ON_DELETE_SQL[field.on_delete] if field.on_delete else None
        foreign_key = ForeignKeyModel(
            db_name,
            target_table,
            held_spec.column_name(held),
            on_delete,
            f"fk_{table}_{db_name}_{target_table}",
            spec.project.schema_,
        )
        model_imports.add("sqlalchemy:ForeignKey")
    elif generated_key and field.type == "bigint":
        info = BIGINT_KEY
    else:
        info = type_info(
            field,
            enum_class=naming.enum_class(resource, name),
            enum_name=f"{naming.snake(resource)}_{name}",
        )
    model_imports.update(i.format(package=package) for i in info.orm_imports)
    model_imports.update(info.python_imports)
    schema_imports.update(info.python_imports)
    read_only = field.read_only or generated_key
    if not read_only or field.filter:
        schema_imports.update(i.format(package=package) for i in info.dto_imports)
    # A reference gets an index for joins, unless the key's own index leads with it.
    leads_key = bool(key_fields) and key_fields[0] == name
    index = field.index or (foreign_key is not None and not field.unique and not leads_key)
    nullable_type = f"{info.python} | None" if field.nullable else info.python
    orm_imports: set[str] = set()  # specs may name `{package}`
    orm_args = _orm_args(field, info, foreign_key, index, orm_imports, generated_key)
    if db_name != column:
        orm_args.insert(0, repr(db_name))
    model_imports.update(i.format(package=package) for i in orm_imports)
    if generated_key and field.type == "uuid":
        model_imports.add("uuid:uuid4")
        orm_args.append("default=uuid4")
    kind = _referenced(spec, field)[1].type if field.type == "ref" and field.target else field.type
    constraints = _dto_constraints(field)
    create_type, create_default = _create_signature(field, info)
    return ColumnModel(
        name=column,
        python_type=info.python,
        column_args=", ".join(orm_args),
        db=DbColumn(
            name=db_name,
            attribute=column,
            type=info.migration,
            kind=kind,
            params=_type_params(field),
            nullable=field.nullable and not field.primary_key,
            identity=generated_key and field.type == "bigint",
            server_default=_migration_server_default(field),
            comment=field.description,
            check=f"ck_{table}_{naming.snake(resource)}_{name}" if field.type == "enum" else None,
            native_type=f"{naming.snake(resource)}_{name}" if field.native else None,
        ),
        backfill=_backfill_literal(field),
        previous_name=None if field.renamed_from is None else field.column_name(field.renamed_from),
        primary_key=field.primary_key,
        nullable=field.nullable,
        unique=field.unique,
        index=index,
        in_create=not read_only,
        in_update=not read_only and not field.primary_key,
        create_decl=_decl(column, create_type, constraints, create_default),
        constrained=bool(constraints),
        update_decl=_decl(column, f"{info.dto_type} | None", constraints, "None"),
        read_decl=f"{column}: {nullable_type}",
        sample=_sample(field, info, column),
        update_sample=_sample(field, info, column, update=True),
        update_compare="is" if field.type == "bool" else "==",
        aware=info.dto in ("AwareDatetime", "OffsetTime"),
        sample_imports=_sample_imports(field, info, package),
        python_imports=info.python_imports,
        filters=tuple(_filters(column, field, info, kind)) if field.filter else (),
        foreign_key=foreign_key,
    )


MAX_FILTER_VALUES = 100
_RANGED = {"int", "bigint", "float", "decimal", "date", "datetime", "time"}


def _filters(column: str, field: FieldSpec, info: TypeInfo, kind: str) -> Iterator[FilterParam]:
    """What a filterable field offers: equality and `in` always (booleans: equality only),
    ranges for numbers and times, case-insensitive `contains` for strings, null checks."""
    value = info.dto_type
    if field.type == "str" or (field.type == "text" and field.max_length is not None):
        value = f"Annotated[{value}, Field(max_length={field.length})]"
    operators = ["eq"] + ([] if field.type == "bool" else ["in"])
    if kind in _RANGED:
        operators += ["gte", "lte"]
    if field.type in ("str", "text"):
        operators.append("contains")
    if field.nullable:
        operators.append("null")
    for operator in operators:
        name = column if operator == "eq" else f"{column}__{operator}"
        annotation = {
            "in": f"list[{value}] | None = Field(None, max_length={MAX_FILTER_VALUES})",
            "contains": f"{value} | None = Field(None, min_length=1)",
            "null": "bool | None = None",
        }.get(operator, f"{value} | None = None")
        yield FilterParam(name, column, operator, f"{name}: {annotation}")


def _create_signature(field: FieldSpec, info: TypeInfo) -> tuple[str, str | None]:
    """The Create DTO's annotation and default; a server default is applied by leaving it unset."""
    if field.nullable or (field.server_default is not None and field.default is None):
        return f"{info.dto_type} | None", _default_literal(field, info)
    if field.default is not None:
        return info.dto_type, _default_literal(field, info)
    return info.dto_type, None


def _orm_args(
    field: FieldSpec,
    info: TypeInfo,
    foreign_key: ForeignKeyModel | None,
    index: bool,
    model_imports: set[str],
    generated_key: bool,
) -> list[str]:
    orm = [info.orm]
    if foreign_key:
        on_delete = f", ondelete={foreign_key.on_delete!r}" if foreign_key.on_delete else ""
        orm.append(f"ForeignKey({foreign_key.target!r}{on_delete})")
    if field.primary_key:
        if generated_key and field.type == "bigint":
            model_imports.add("sqlalchemy:Identity")
            orm.append("Identity()")
        orm.append("primary_key=True")
    for flag, value in (("unique", field.unique), ("index", index)):
        if value:
            orm.append(f"{flag}=True")
    if field.default is not None:
        orm.append(f"default={_default_literal(field, info)}")
    if field.server_default is not None:
        orm.append(f"server_default={_server_default(field, model_imports)}")
    if field.onupdate == "now":
        orm.append(f"onupdate={_clock(field, model_imports)}")
    if field.description:
        orm.append(f"comment={field.description!r}")
    return orm


def _type_params(field: FieldSpec) -> tuple[str, ...]:
    if field.type == "str":
        return (str(field.length),)
    if field.type == "decimal":
        return tuple(str(digit) for digit in field.digits)
    if field.type == "enum":
        return tuple(field.values or ())
    return ()


def _backfill_literal(field: FieldSpec) -> str | None:
    """What existing rows get when the column becomes NOT NULL: `backfill`, else `default`."""
    value = field.backfill if field.backfill is not None else field.default
    if value is None:
        return None
    if field.type == "decimal":
        return f"Decimal({str(Decimal(str(value)))!r})"
    return repr(value)


def _clock(field: FieldSpec, model_imports: set[str]) -> str:
    """The database clock (db/types.py) for `now` in a field of this type: UTC on every database."""
    naive = field.type == "datetime" and field.timezone is False
    clock = CLOCKS["naive datetime" if naive else field.type]
    model_imports.add(f"{{package}}.db.types:{clock}")
    return f"{clock}()"


def _server_default(field: FieldSpec, model_imports: set[str]) -> str:
    value = field.server_default
    if value == "now":
        return _clock(field, model_imports)
    if isinstance(value, bool):
        model_imports.add(f"sqlalchemy:{str(value).lower()}")
        return f"{str(value).lower()}()"
    return repr(str(value))


def _migration_server_default(field: FieldSpec) -> str | None:
    if field.server_default is None:
        return None
    if field.server_default == "now":  # the project's own clock (db/types.py)
        return _clock(field, set())
    expression = _server_default(field, set())
    if expression.endswith("()"):  # true(), false()
        return "sa." + expression
    return expression


def _default_literal(field: FieldSpec, info: TypeInfo) -> str:
    value = field.default if field.default is not None else None
    if value is None:
        return "None"
    if field.type == "decimal":
        precision, scale = field.digits
        with localcontext(prec=precision + 1):  # the default 28 digits may be too few
            fixed = Decimal(str(value)).quantize(Decimal(1).scaleb(-scale))
        return f"Decimal({str(fixed)!r})"
    if field.type == "enum":
        members = dict((v, m) for m, v in _members(field.values or []))
        return f"{info.python}.{members[repr(value)]}"
    return repr(value)


def _dto_constraints(field: FieldSpec) -> list[str]:
    args: list[str] = []
    if field.type == "str" or field.max_length is not None:
        args.append(f"max_length={field.length}")
    if field.primary_key and field.type == "str":  # a key a client sets is a path segment
        args.append(f"pattern={KEY_SEGMENT!r}")
    if field.min_length is not None:
        args.append(f"min_length={field.min_length!r}")
    for option in ("ge", "le"):
        value = getattr(field, option)
        if value is not None:
            args.append(f"{option}={value!r}")
    if field.type == "decimal":
        precision, scale = field.digits
        args.append(f"max_digits={precision}")
        args.append(f"decimal_places={scale}")
    if field.description:
        args.append(f"description={field.description!r}")
    return args


def _decl(name: str, annotation: str, constraints: list[str], default: str | None) -> str:
    if not constraints:
        return f"{name}: {annotation}" + (f" = {default}" if default is not None else "")
    args = ([f"default={default}"] if default is not None else []) + constraints
    return f"{name}: {annotation} = Field({', '.join(args)})"


def _sample(field: FieldSpec, info: TypeInfo, column: str, *, update: bool = False) -> str:
    """A valid value for tests: an expression of the test's counter `n`, or with `update`, a
    constant that differs from it."""
    t = field.type
    if t in ("str", "text"):
        return _text_sample(field, column, update)
    if t in ("int", "bigint", "float", "decimal"):
        number = _number_sample(field, update)
        if t == "float":  # a literal with a point or an exponent is a float already
            return number if "." in number or "e" in number else f"float({number})"
        return f"Decimal({number})" if t == "decimal" else number
    if t == "enum":
        members = _members(field.values or [])
        return f"{info.python}.{members[-1 if update else 0][0]}"
    if t in ("date", "datetime", "time"):
        return _moment_sample(field, update)
    return {
        "bool": "False" if update else "True",
        "uuid": "uuid4()",
        "json": '{"updated": True}' if update else '{"n": n}',
        "bytes": 'b"updated"' if update else "str(n).encode()",
        "ref": "None",  # tests pass references explicitly
    }[t]


def _text_sample(field: FieldSpec, column: str, update: bool) -> str:
    """`name-12` where seven digits fit after a stem of the column's name; in a shorter field
    (a country code), the counter in base 36, counting round (`_short_text` in the factories).
    Update samples are upper case there, out of that alphabet: no other row holds them."""
    limit, least = field.length, field.min_length or 0
    if limit <= _COUNTER_DIGITS:
        if update:
            return repr("UPDATED"[:limit])
        least = max(least, min(limit, 2))  # a second character for the `contains` test
        return f"_short_text(n, {limit}, {least})"
    stem = (column.replace("_", "-") + "-")[: limit - _COUNTER_DIGITS]
    if update:
        value = (stem + "updated")[:limit]
        pad = least - len(value)
        return f"{value!r} + 'x' * {pad}" if pad > 0 else repr(value)
    digits = least - len(stem)  # zero-padded up to `min_length`
    return f'f"{stem}{{n:0{digits}}}"' if digits > 1 else f'f"{stem}{{n}}"'


def _moment_sample(field: FieldSpec, update: bool) -> str:
    """A date or time; distinct per `n` when unique, counting back from it, so that the later
    update sample is never reached."""
    t = field.type
    aware = field.timezone if field.timezone is not None else t == "datetime"
    zone = ", tzinfo=dt.UTC" if aware else ""
    value = {
        "date": f"dt.date(2025, 6, {2 if update else 1})",
        "datetime": f"dt.datetime(2025, 6, {2 if update else 1}, 12{zone})",
        "time": f"dt.time(18, 45{zone})" if update else f"dt.time(12, 30{zone})",
    }[t]
    if update or not field.unique:
        return value
    if t == "time":  # a time of day takes no timedelta: step back on a day's clock
        return f"(dt.datetime(2025, 6, 1, 12, 30{zone}) - dt.timedelta(seconds=n)).timetz()"
    step = "days" if t == "date" else "minutes"
    return f"{value} - dt.timedelta({step}=n)"


def _number_sample(field: FieldSpec, update: bool) -> str:
    """Within ge/le; distinct per `n` when the column is unique (or part of a key) or unbounded."""
    low, high = field.ge, field.le
    if not update:
        if low is None and high is None:
            return "n"
        if field.unique or field.primary_key:
            return f"{low!r} + n" if low is not None else f"{high!r} - n"
        return repr(low if low is not None else high)
    if low is not None and high is not None:
        return repr(high if high != low else low)
    if low is not None:
        return repr(low + 1)
    return repr(high - 1) if high is not None else "7"


def _sample_imports(field: FieldSpec, info: TypeInfo, package: str) -> tuple[str, ...]:
    if field.type == "enum":
        return (f"{package}.enums:{info.python}",)
    return {
        "decimal": ("decimal:Decimal",),
        "date": ("datetime as dt",),
        "datetime": ("datetime as dt",),
        "time": ("datetime as dt",),
        "uuid": ("uuid:uuid4",),
    }.get(field.type, ())
