"""Plurals an older persistgen named tables by (`persons`), kept for the projects whose migration
history records them: regenerating renames no table and moves no route."""

from __future__ import annotations

from collections.abc import Mapping

from persistgen import naming
from persistgen.spec.model import FieldSpec, ResourceSpec, Spec


def kept(spec: Spec, recorded: Mapping[str, str]) -> dict[str, str]:
    """The resources whose `recorded` table (by resource) is the legacy plural of their name
    where today's plural differs, and the spec names no `table`: name -> that plural."""
    found = {}
    for name, resource in spec.resources.items():
        word = naming.snake(name)
        legacy = naming.legacy_plural(word)
        if resource.table is None and recorded.get(name) == legacy != naming.plural(word):
            found[name] = legacy
    return found


def with_plurals(spec: Spec, plurals: Mapping[str, str]) -> Spec:
    """The spec as if it named those plurals itself: each such resource's `table`, and the
    `back_populates` of its references and links (their reverses are named after it)."""
    if not plurals:
        return spec
    resources = {
        name: _named(resource, plurals[name]) if name in plurals else resource
        for name, resource in spec.resources.items()
    }
    return spec.model_copy(update={"resources": resources})


def _named(resource: ResourceSpec, plural: str) -> ResourceSpec:
    named = {"back_populates": plural}
    fields = {
        name: field.model_copy(update=named) if _plural_reverse(field) else field
        for name, field in resource.fields.items()
    }
    return resource.model_copy(update={"table": plural, "fields": fields})


def _plural_reverse(field: FieldSpec) -> bool:
    """Whether the field's reverse on its target is named by its resource's plural."""
    return field.type in ("ref", "many") and not field.back_populates and not field.unique
