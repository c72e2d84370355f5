"""What a reference points at: a resource's key, and the field a reference holds."""

from __future__ import annotations

from persistgen.spec.model import FieldSpec, ResourceSpec, Spec


def referenced(spec: Spec, field: FieldSpec) -> tuple[str, FieldSpec]:
    """The target field a ref holds, by attribute name: `target_field`, else the key."""
    assert field.target is not None  # check.py refuses a ref without one
    if field.target_field is not None:
        return field.target_field, spec.resources[field.target].fields[field.target_field]
    return pk_name(spec, field.target), pk_spec(spec, field.target)


def pk_name(spec: Spec, resource: str) -> str:
    """The key field of a resource with a one-field key (the only kind a reference holds)."""
    keys = spec.resources[resource].key_fields
    return keys[0] if keys else "id"


def pk_spec(spec: Spec, resource: str) -> FieldSpec:
    target = spec.resources[resource]
    if target.key_fields:
        return target.fields[target.key_fields[0]]
    return FieldSpec(type=target.id_type, primary_key=True)


def link_columns(spec: Spec, resource: str, name: str, field: FieldSpec) -> tuple[str, str]:
    """The columns of the many field `name`'s link table: the owner's, then the target's."""
    assert field.target is not None
    keys = tuple(pk_spec(spec, r).column_name(pk_name(spec, r)) for r in (resource, field.target))
    return field.link_column_names(resource, name, (keys[0], keys[1]))


def key_attributes(resource: ResourceSpec) -> list[str]:
    keys = resource.key_fields
    return [resource.fields[n].attribute(n) for n in keys] if keys else ["id"]


def attributes(resource: ResourceSpec, fields: list[str]) -> tuple[str, ...]:
    """Field names as model attributes: a reference `author` holds `author_id`."""
    return tuple(
        resource.fields[name].attribute(name) if name in resource.fields else name
        for name in fields
    )


def route(table: str) -> str:
    """A table's URL path segment, e.g. `blog-posts`."""
    return table.replace("_", "-")
