"""Reference cycles: resources whose references lead back to themselves (a store's manager is
staff, staff belong to a store). Their tables cannot be created one after the other with every
foreign key inline, so the foreign keys of the nullable references in a cycle are created after
the tables (SQLAlchemy's `use_alter`); rows are inserted with those left empty first. A cycle of
required (NOT NULL) references could never hold a first row, and is refused (rules/references.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from persistgen.spec.model import Spec

Edge = tuple[str, str, str]  # (resource, field, target)


def edges(spec: Spec, name: str) -> Iterator[Edge]:
    """The references of `name` to other resources (a reference to itself loops alone)."""
    for field_name, f in spec.resources[name].fields.items():
        if f.type == "ref" and f.target in spec.resources and f.target != name:
            yield name, field_name, f.target


def components(spec: Spec) -> dict[str, int]:
    """Each resource's strongly connected component over references (Tarjan's algorithm,
    without recursion: a chain of references may be thousands long). Two resources share a
    component when each leads to the other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    component: dict[str, int] = {}
    count = 0
    for root in spec.resources:
        if root in index:
            continue
        work = [(root, iter(list(edges(spec, root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            name, pending = work[-1]
            edge = next(pending, None)
            if edge is not None:
                target = edge[2]
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(list(edges(spec, target)))))
                elif target in on_stack:
                    low[name] = min(low[name], index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[name])
            if low[name] == index[name]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = count
                    if member == name:
                        break
                count += 1
    return component


_last: list[tuple[Spec, frozenset[tuple[str, str]]]] = []  # the last spec's answer


def deferred(spec: Spec) -> frozenset[tuple[str, str]]:
    """The (resource, field) references whose foreign key waits until after the tables: the
    nullable ones between two resources of one cycle. Empty for a spec without cycles, so that
    nothing changes for one. Asked for each column of a plan, answered once per spec."""
    if _last and _last[0][0] is spec:
        return _last[0][1]
    found = component_edges(spec)
    answer = frozenset((name, field) for name, field, _ in found if _nullable(spec, name, field))
    _last[:] = [(spec, answer)]
    return answer


def component_edges(spec: Spec) -> list[Edge]:
    """References inside a cycle: between two resources of one component."""
    component = components(spec)
    return [
        edge
        for name in spec.resources
        for edge in edges(spec, name)
        if component[edge[0]] == component[edge[2]]
    ]


def _nullable(spec: Spec, name: str, field: str) -> bool:
    return spec.resources[name].fields[field].nullable
