"""Rules on references between resources: targets, held columns, reverse sides, cycles."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterator

from persistgen import naming
from persistgen.spec.load import SpecPath
from persistgen.spec.model import FieldSpec, ResourceSpec, Spec
from persistgen.spec.rules.finding import Finding


def findings(spec: Spec) -> Iterator[Finding]:
    """Rules across resources: class names, the two sides of a relation, cycles."""
    yield from _class_names(spec)
    yield from _reverse_relations(spec)
    yield from _reference_cycles(spec)


def held_type(spec: Spec, f: FieldSpec) -> str | None:
    """The type of what a reference holds; None when the target is missing or has no one
    column to hold (both reported elsewhere)."""
    target = spec.resources.get(f.target or "")
    if target is None:
        return None
    if f.target_field is not None:
        held = target.fields.get(f.target_field)
        return held.type if held else None
    keys = target.key_fields
    if len(keys) > 1:
        return None
    return target.fields[keys[0]].type if keys else target.id_type


_NOT_HELD = ("ref", "many", "enum")  # field types a reference cannot hold (`target_field`)


def reference_findings(
    spec: Spec, resource_name: str, path: SpecPath, f: FieldSpec
) -> Iterator[Finding]:
    if f.target is None:
        yield Finding(
            (*path, "target"),
            f"a {f.type} field needs a `target` resource",
            f"add e.g. `target: User`, or write `{f.type}:User`",
        )
        return
    target = spec.resources.get(f.target)
    if target is None:
        names = sorted(spec.resources)
        close = difflib.get_close_matches(f.target, names, n=1, cutoff=0.6)
        close += [n for n in names if n.lower() == f.target.lower()][:1]
        hint = f"did you mean `{close[-1]}`? " if close else ""
        yield Finding(
            (*path, "target"),
            f"no resource named `{f.target}`",
            f"{hint}resources: {', '.join(names)}",
        )
        return
    if f.target == resource_name and f.type == "ref" and not f.nullable:
        yield Finding(
            (*path, "nullable"),
            f"`{resource_name}` cannot require a reference to itself: no first row could exist",
            "add `nullable: true`",
        )
    if len(target.key_fields) > 1 and f.type == "many":
        yield Finding(
            (*path, "target"),
            f"`{f.target}` has a composite primary key, which a many field cannot link to yet",
            "add a resource with a reference to each side instead",
        )
    elif len(target.key_fields) > 1 and f.target_field is None:
        unique = [n for n, h in target.fields.items() if h.unique and h.type not in _NOT_HELD]
        yield Finding(
            (*path, "target"),
            f"`{f.target}` has a composite primary key; a reference holds one column, "
            f"so it needs a unique field of `{f.target}`",
            f"set `target_field` to one of: {', '.join(unique)}"
            if unique
            else f"add a unique field to `{f.target}` and set `target_field` to it",
        )
    if f.target_field is not None:
        held = target.fields.get(f.target_field)
        # An enum's type belongs to its own field; a reference would need a second one.
        sole_key = held is not None and held.primary_key and len(target.key_fields) == 1
        if held is None or not (held.unique or sole_key) or held.type in _NOT_HELD:
            candidates = [
                n for n, h in target.fields.items() if h.unique and h.type not in _NOT_HELD
            ]
            yield Finding(
                (*path, "target_field"),
                f"a reference holds a unique field of `{f.target}`; `{f.target_field}` is "
                + ("an enum, which it cannot hold" if held and held.type == "enum" else "not one"),
                f"use one of: {', '.join(candidates)}" if candidates else "leave it out: the key",
            )
    if f.on_delete == "set null" and not f.nullable:
        yield Finding(
            (*path, "on_delete"),
            "`on_delete: set null` needs a nullable reference",
            "add `nullable: true`, or use `cascade` or `restrict`",
        )
    reverse = f.reverse_name(resource_name, str(path[-1]))
    problem = naming.attribute_problem(reverse)
    if problem:
        yield Finding(
            (*path, "back_populates"),
            f"`{reverse}` cannot name the reverse collection: {problem[0]}",
            f"set `back_populates` to e.g. {problem[1]}",
        )


def _reverse_relations(spec: Spec) -> Iterator[Finding]:
    """Each ref adds a collection to its target; that name must be free on the target."""
    claimed: dict[tuple[str, str], str] = {}  # (target, collection) -> "Source.field"
    attributes: dict[str, dict[str, str]] = {}
    for source, resource in spec.resources.items():
        for name, f in resource.fields.items():
            if f.type not in ("ref", "many") or f.target not in spec.resources:
                continue
            reverse = f.reverse_name(source, name)
            if f.target not in attributes:  # once per target, however many point at it
                attributes[f.target] = _attributes(spec.resources[f.target])
            taken = attributes[f.target]
            other = claimed.get((f.target, reverse))
            collection = f"`{f.target}.{reverse}`"
            if reverse in taken:
                message = f"`{source}.{name}` adds {collection}, which is also {taken[reverse]}"
            elif other is not None:
                message = f"`{other}` and `{source}.{name}` both add {collection}"
            else:
                claimed[(f.target, reverse)] = f"{source}.{name}"
                continue
            yield Finding(
                ("resources", source, "fields", name, "back_populates"),
                message,
                f"set `back_populates` on `{name}` to a free name, e.g. `{name}_{reverse}`",
            )


def _attributes(resource: ResourceSpec) -> dict[str, str]:
    """The attributes a resource's model defines itself, described for messages."""
    taken: dict[str, str] = {}
    if not resource.key_fields:
        taken["id"] = "the implicit primary key"
    for name, f in resource.fields.items():
        kind = {"ref": "reference", "many": "collection"}.get(f.type, "field")
        taken[name] = f"the {kind} `{name}`"
        if f.type == "ref":
            taken[f.attribute(name)] = f"the column of the reference `{name}`"
    return taken


def _class_names(spec: Spec) -> Iterator[Finding]:
    """Resources, their DTOs and their enums all become classes; no two may share a name."""
    owners: dict[str, list[tuple[str, SpecPath | None]]] = {}  # class -> (what, where)
    for name, resource in spec.resources.items():
        owners.setdefault(name, []).append((f"the resource `{name}`", ("resources", name)))
        for generated in naming.class_names(name)[1:]:
            owners.setdefault(generated, []).append((f"a class generated for `{name}`", None))
        for field_name, f in resource.fields.items():
            if f.type == "enum":
                owners.setdefault(naming.enum_class(name, field_name), []).append(
                    (
                        f"the enum of `{name}.{field_name}`",
                        ("resources", name, "fields", field_name),
                    )
                )
    for class_name, group in owners.items():
        if len(group) < 2:
            continue
        # Generated DTOs cannot be renamed; otherwise the first in the spec keeps the name.
        blamed = group[1:] if all(path for _, path in group) else group
        for what, path in blamed:
            if path is None:
                continue
            other = next(w for w, _ in group if w != what)
            yield Finding(
                path,
                f"the class `{class_name}` would be both {what} and {other}",
                f"rename the resource, e.g. to `{class_name}Item`"
                if len(path) == 2
                else "rename the field",
                at_key=True,
            )


def _reference_cycles(spec: Spec) -> Iterator[Finding]:
    """A cycle of references is allowed when one of them may be empty (its foreign key is then
    created after the tables, spec/cycles.py); a cycle of required ones could hold no first row."""
    edges = {
        name: [
            (field_name, f.target)
            for field_name, f in resource.fields.items()
            if f.type == "ref" and f.target in spec.resources and f.target != name
            if not f.nullable
        ]
        for name, resource in spec.resources.items()
    }
    done: set[str] = set()
    for root in spec.resources:
        if root in done:
            continue
        # Depth first without recursion (a chain of references may be thousands long):
        # the path from the root, each name with the references it has yet to follow, and
        # the field that led to it.
        trail = {root: iter(edges[root])}
        entered: dict[str, str] = {}
        while trail:
            name, pending = next(reversed(trail.items()))
            edge = next(pending, None)
            if edge is None:
                del trail[name]
                done.add(name)
                continue
            field_name, target = edge
            if target in trail:
                path = list(trail)
                members = path[path.index(target) :]
                loop = " -> ".join([*members, target])
                fields = [f"`{m}.{entered[n]}`" for m, n in itertools.pairwise(members)]
                fields.append(f"`{name}.{field_name}`")
                yield Finding(
                    ("resources", name, "fields", field_name),
                    f"required references form a cycle ({loop}): no first row could be "
                    "inserted, as each needs another to exist",
                    f"add `nullable: true` to one of {', '.join(fields)}: its foreign key is "
                    "then created after the tables, and rows are inserted with it empty first",
                    at_key=True,
                )
            elif target not in done:
                entered[target] = field_name
                trail[target] = iter(edges[target])
