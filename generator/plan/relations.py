"""Relationships: references declared here, their reverses, and many-to-many links both ways."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from persistgen import naming
from persistgen.plan.targets import key_attributes, link_columns, referenced, route
from persistgen.project_model import RefModel, RelationModel
from persistgen.spec import cycles
from persistgen.spec.model import FieldSpec, Spec

Source = tuple[str, str, FieldSpec]  # a `ref` or `many` field: its resource, name, spec
Pointing = dict[str, list[Source]]  # by the resource each names


def pointing(spec: Spec) -> Pointing:
    """Every reference by its target, built once per plan: looking up a resource's reverses
    then costs what they are, not a scan of the whole spec (quadratic in the resources)."""
    found: Pointing = {}
    for source_name, resource in spec.resources.items():
        for field_name, field in resource.fields.items():
            if field.type in ("ref", "many") and field.target is not None:
                found.setdefault(field.target, []).append((source_name, field_name, field))
    return found


def relations(spec: Spec, name: str, incoming: Pointing) -> tuple[RelationModel, ...]:
    """Many-to-one relationships declared here, one-to-many ones pointing here, then links;
    a relationship to a soft-deleting resource loads only its live rows."""
    here = incoming.get(name, [])
    found = [*_references(spec, name), *_reverses(name, here), *_links(spec, name, here)]
    return tuple(
        replace(rel, live=f"{rel.target}.deleted_at.is_(None)")
        if spec.resources[rel.target].soft_delete
        else rel
        for rel in found
    )


def type_checking_imports(name: str, relations: Iterable[RelationModel]) -> set[str]:
    """The related models a model names in annotations only (imports would be circular)."""
    return {
        f"{{package}}.models.{naming.snake(rel.target)}:{rel.target}"
        for rel in relations
        if rel.target != name
    }


def refs(spec: Spec, name: str) -> tuple[RefModel, ...]:
    """The many-to-one references, as the test factories and tests need them."""
    found = []
    for field_name, field in _fields(spec, name, "ref"):
        assert field.target is not None
        target = spec.resources[field.target]
        found.append(
            RefModel(
                field.attribute(field_name),
                naming.snake(field.target),
                referenced(spec, field)[0],
                route(target.table_name(field.target)),
                _on_target_delete(spec, field),
                field.target == name,
                tuple(key_attributes(target)),
                field_name,
                cyclic=(name, field_name) in cycles.deferred(spec),
            )
        )
    return tuple(found)


def _fields(spec: Spec, name: str, kind: str) -> Iterator[tuple[str, FieldSpec]]:
    for field_name, field in spec.resources[name].fields.items():
        if field.type == kind and field.target is not None:
            yield field_name, field


def _references(spec: Spec, name: str) -> Iterator[RelationModel]:
    for field_name, field in _fields(spec, name, "ref"):
        assert field.target is not None
        held, _ = referenced(spec, field)
        yield RelationModel(
            field_name,
            field.target,
            collection=False,
            back_populates=field.reverse_name(name, field_name),
            optional=field.nullable,
            column=field.attribute(field_name),
            target_key=held,
            remote_side=f"{name}.{held}" if field.target == name else None,
        )


def _reverses(name: str, here: list[Source]) -> Iterator[RelationModel]:
    """A unique reference is one-to-one: its reverse is one row or none."""
    for source_name, field_name, field in here:
        if field.type != "ref":
            continue
        yield RelationModel(
            field.reverse_name(source_name, field_name),
            source_name,
            collection=not field.unique,
            back_populates=field_name,
            optional=True,
            referenced_by=f"{source_name}.{field.attribute(field_name)}",
        )


def _links(spec: Spec, name: str, here: list[Source]) -> Iterator[RelationModel]:
    for field_name, field in _fields(spec, name, "many"):
        assert field.target is not None
        variable = naming.table_variable(field.association_table(name, field_name))
        yield RelationModel(
            field_name,
            field.target,
            collection=True,
            back_populates=field.reverse_name(name, field_name),
            link_variable=variable,
            joins=_self_joins(spec, name, field_name, field, variable),
        )
    schema = spec.project.schema_
    for source_name, field_name, field in here:
        if field.type != "many":
            continue
        table = field.association_table(source_name, field_name)
        if source_name == name:  # a link to its own resource: both sides in this module
            variable = naming.table_variable(table)
            owner_join, item_join = _self_joins(spec, name, field_name, field, variable) or ("", "")
            yield RelationModel(
                field.reverse_name(source_name, field_name),
                source_name,
                collection=True,
                back_populates=field_name,
                link_variable=variable,
                joins=(item_join, owner_join),
            )
            continue
        yield RelationModel(
            field.reverse_name(source_name, field_name),
            source_name,
            collection=True,
            back_populates=field_name,
            link_table=f"{schema}.{table}" if schema else table,
        )


def _self_joins(
    spec: Spec, name: str, field_name: str, field: FieldSpec, variable: str
) -> tuple[str, str] | None:
    """A link to its own resource refers to it twice: the relationship says which column
    leads from the owner (primaryjoin) and which to the linked rows (secondaryjoin)."""
    if field.target != name:
        return None
    key = key_attributes(spec.resources[name])[0]
    owner, item = link_columns(spec, name, field_name, field)
    return (
        f"lambda: {name}.{key} == {naming.column_access(variable, owner)}",
        f"lambda: {name}.{key} == {naming.column_access(variable, item)}",
    )


def _on_target_delete(spec: Spec, field: FieldSpec) -> str:
    """What deleting the target through its API does to a referencing row."""
    if field.target and spec.resources[field.target].soft_delete:
        return "keep"  # the target row stays, only marked deleted
    return field.on_delete if field.on_delete in ("cascade", "set null") else "refuse"
