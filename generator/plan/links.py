"""Many-to-many fields: one association table each, keyed by both references."""

from __future__ import annotations

from collections.abc import Iterator

from persistgen import naming
from persistgen.plan import samples
from persistgen.plan.targets import link_columns, pk_name, pk_spec, route
from persistgen.project_model import DbColumn, DbTable, ForeignKeyModel, LinkModel, TypeInfo
from persistgen.spec.model import Spec
from persistgen.typemap import type_info


def links(spec: Spec, name: str) -> Iterator[LinkModel]:
    resource = spec.resources[name]
    for field_name, field in resource.fields.items():
        if field.type != "many" or field.target is None:
            continue
        target = field.target
        table = field.association_table(name, field_name)
        owner_column, item_column = link_columns(spec, name, field_name, field)
        (owner, owner_info, owner_db), (item, item_info, item_db) = (
            _end(spec, table, name, owner_column),
            _end(spec, table, target, item_column),
        )
        previous = f"{resource.renamed_from or name}.{field.renamed_from or field_name}"
        yield LinkModel(
            name=field_name,
            path=naming.kebab(field_name),
            table=table,
            variable=naming.table_variable(table),
            owner_column=owner.column,
            item_column=item.column,
            column_types=(owner_info, item_info),
            target_class=target,
            target_module=naming.snake(target),
            target_route=route(item.target_table),
            target_key=item.target_column,
            target_type=item_info,
            target_live=f"{target}.deleted_at.is_(None)"
            if spec.resources[target].soft_delete
            else None,
            missing=samples.missing_key(pk_spec(spec, target), item_info),
            previous=previous if previous != f"{name}.{field_name}" else None,
            db=DbTable(
                name=table,
                resource=f"{name}.{field_name}",
                columns=(owner_db, item_db),
                primary_key=(owner.column, item.column),
                pk_name=naming.constraint("pk", table),
                uniques=(),
                indexes=((naming.constraint("ix", table, item.column), (item.column,)),),
                foreign_keys=(owner, item),
                schema=spec.project.schema_,
            ),
        )


def _end(
    spec: Spec, table: str, resource: str, column: str
) -> tuple[ForeignKeyModel, TypeInfo, DbColumn]:
    """One side of an association table: `column`, a cascading reference to `resource`'s key."""
    key = pk_spec(spec, resource)
    key_name = key.column_name(pk_name(spec, resource))
    info = type_info(key)
    target_table = spec.resources[resource].table_name(resource)
    fk = ForeignKeyModel(
        column,
        target_table,
        key_name,
        "CASCADE",
        naming.constraint("fk", table, column, target_table),
        spec.project.schema_,
    )
    return fk, info, DbColumn(column, info.migration, key.type, info.params, nullable=False)
