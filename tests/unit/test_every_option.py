"""tests/cases/good/every_option.yaml uses every field type and every option of the spec
language, as the spec model declares them: a type or option added later fails here until that
spec uses it, and so until tests/generated runs it through every gate on both databases."""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from ruamel.yaml import YAML

from persistgen.spec import compact as compact_form
from persistgen.spec.model import (
    MIXIN_FIELDS,
    CheckSpec,
    DatabaseObjectSpec,
    FieldSpec,
    IndexSpec,
    PoolSpec,
    ProjectSpec,
    ResourceSpec,
    Spec,
    TimeoutSpec,
    UniqueSpec,
)
from persistgen.spec.validate import read_spec
from persistgen.typemap import TYPES
from tests.conftest import ROOT

SPEC_FILE = ROOT / "tests" / "cases" / "good" / "every_option.yaml"
SPEC = read_spec(SPEC_FILE)


def written_fields(spec: Spec) -> Iterator[FieldSpec]:
    """The fields the spec writes, not those a mixin (`timestamps: true`) adds for it."""
    for resource in spec.resources.values():
        added = {n for mixin, f in MIXIN_FIELDS.items() if getattr(resource, mixin) for n in f}
        yield from (f for name, f in resource.fields.items() if name not in added)


def instances(spec: Spec) -> dict[type[BaseModel], list[BaseModel]]:
    """Every model of the spec, by its class."""
    project = spec.project
    return {
        ProjectSpec: [project],
        PoolSpec: [project.pool],
        TimeoutSpec: [project.timeouts],
        ResourceSpec: list(spec.resources.values()),
        FieldSpec: list(written_fields(spec)),
        UniqueSpec: [u for r in spec.resources.values() for u in r.unique],
        IndexSpec: [i for r in spec.resources.values() for i in r.index],
        CheckSpec: [c for r in spec.resources.values() for c in r.checks.values()],
        DatabaseObjectSpec: list(spec.database_objects),
    }


def literals(annotation: Any) -> set[Any]:
    """The values of every Literal inside an annotation (`Literal[...] | None`, `list[...]`)."""
    if get_origin(annotation) is Literal:
        return set(get_args(annotation))
    if get_origin(annotation) in (Union, types.UnionType, list, dict):
        return set().union(*(literals(arg) for arg in get_args(annotation)))
    return set()


def values_of(value: Any) -> set[Any]:
    return set(value) if isinstance(value, list) else {value}


def test_every_option_of_every_model_is_written() -> None:
    missing = [
        f"{model.__name__}.{option}"
        for model, found in instances(SPEC).items()
        for option in model.model_fields
        if not any(option in instance.model_fields_set for instance in found)
    ]
    assert not missing, f"add these options to {SPEC_FILE.name}: {missing}"


def test_every_switch_is_turned_away_from_its_default() -> None:
    """A boolean written as its default exercises nothing: each is set the other way once."""
    unturned = [
        f"{model.__name__}.{option}"
        for model, found in instances(SPEC).items()
        for option, info in model.model_fields.items()
        if info.annotation is bool
        and not any(getattr(instance, option) is not info.default for instance in found)
    ]
    assert not unturned, f"turn these on (or off) in {SPEC_FILE.name}: {unturned}"


def test_every_choice_of_every_option_is_used() -> None:
    """Each value of each Literal option: every field type, `on_delete`, route and key type."""
    unused = [
        f"{model.__name__}.{option}={choice!r}"
        for model, found in instances(SPEC).items()
        for option, info in model.model_fields.items()
        for choice in sorted(literals(info.annotation), key=str)
        if not any(choice in values_of(getattr(instance, option)) for instance in found)
    ]
    assert not unused, f"use these in {SPEC_FILE.name}: {unused}"


def test_every_type_of_the_type_table_is_used() -> None:
    used = {f.type for f in written_fields(SPEC)}
    assert set(TYPES) <= used


def test_the_compact_form_is_used_with_each_of_its_flags() -> None:
    document = YAML(typ="safe").load(SPEC_FILE.read_text(encoding="utf-8"))
    compact = [
        field
        for resource in document["resources"].values()
        for field in resource["fields"].values()
        if isinstance(field, str)
    ]
    flags = {flag for field in compact for flag in field.rstrip("?").split("=")[0].split(":")}
    assert set(compact_form._FLAGS) <= flags, compact
    assert any("?" in field for field in compact) and any("=" in field for field in compact)


def test_the_spec_has_twenty_resources_and_a_view() -> None:
    assert len(SPEC.resources) == 21
    assert [name for name, r in SPEC.resources.items() if r.view] == ["ProductStats"]
