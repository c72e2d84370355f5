"""Rows in every table of a served project, made through its own HTTP API, and the keys of the
rows it holds now, for the property-based API tests to aim their requests at.

The payloads come from the project's own test factories (`tests/factories.py`, through
`tests/cases.py`), so they are the valid, distinct values the project's tests use; references
are filled with keys of rows made before them, and many-to-many links are made with PUT."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.generated.project import run_script

# Rows of each resource in one generation; a new generation is made whenever a table falls
# below `LEAST` listed rows (the tests delete rows, and deletes cascade).
ROWS = 3
LEAST = 2
# Payloads drawn from the factories up front: enough for many generations and for the few that
# collide with a unique value a generated request took first.
PAYLOADS = 300

# Run inside the generated project: its resources as its own tests see them, as JSON.
_CATALOGUE = """
import json
from tests.cases import CASES

print(json.dumps([
    {
        "route": case.route,
        "key": list(case.key),
        "refs": [[ref.name, ref.target.route, ref.target_key] for ref in case.refs],
        "links": [[link.name, link.route, link.target_key] for link in case.links],
        # A reference takes a placeholder here (a key no row has), and a real key when seeding.
        "rows": [
            case.data(**{ref.name: ref.target.missing for ref in case.refs}).model_dump(mode="json")
            for _ in range(%d)
        ],
    }
    for case in CASES
]))
"""

_PARAMETER = re.compile(r"^\{(\w+)\}$")


@dataclass(frozen=True)
class Ref:
    column: str
    route: str  # the resource it points at
    target_key: str  # the attribute of that resource the column holds


@dataclass(frozen=True)
class Link:
    name: str
    route: str
    target_key: str


@dataclass
class Resource:
    route: str
    key: tuple[str, ...]
    refs: tuple[Ref, ...]
    links: tuple[Link, ...]
    payloads: Iterator[dict[str, Any]]


def catalogue(project: Path, database_url: str) -> list[Resource]:
    """The project's resources, parents before children, each with fresh factory payloads."""
    (line,) = run_script(project, _CATALOGUE % PAYLOADS, database_url=database_url)
    resources = [
        Resource(
            route=entry["route"],
            key=tuple(entry["key"]),
            refs=tuple(Ref(*ref) for ref in entry["refs"]),
            links=tuple(Link(*link) for link in entry["links"]),
            payloads=iter(entry["rows"]),
        )
        for entry in json.loads(line)
    ]
    return _parents_first(resources)


def _parents_first(resources: list[Resource]) -> list[Resource]:
    ordered: list[Resource] = []
    pending = list(resources)
    while pending:
        done = {resource.route for resource in ordered}
        ready = [r for r in pending if all(ref.route in done for ref in r.refs)]
        assert ready, f"references form a cycle: {[r.route for r in pending]}"
        ordered += ready
        pending = [r for r in pending if r not in ready]
    return ordered


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/")


@dataclass
class Seeds:
    """The rows of a served project: made through its API, and listed again on demand."""

    client: httpx.Client
    resources: list[Resource]
    paths: dict[str, list[str]]  # the OpenAPI document's paths, with their methods
    live: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    generations: int = 0

    @property
    def by_route(self) -> dict[str, Resource]:
        return {resource.route: resource for resource in self.resources}

    def refresh(self) -> None:
        """List every table again; make a new generation of rows if one is nearly empty."""
        self._list()
        if any(len(self.live[r.route]) < LEAST for r in self.resources):
            self.populate()
            self._list()

    def populate(self) -> None:
        """One new row set: `ROWS` rows of every resource, each child pointing at rows of this
        generation (so one-to-one references and composite keys stay distinct), and links."""
        made: dict[str, list[dict[str, Any]]] = {}
        for resource in self.resources:
            made[resource.route] = [self._create(resource, made, n) for n in range(ROWS)]
        for resource in self.resources:
            for link in resource.links:
                for owner, target in zip(made[resource.route], made[link.route], strict=True):
                    self._link(resource, link, owner, target)
        self.generations += 1

    def _create(
        self, resource: Resource, made: dict[str, list[dict[str, Any]]], n: int
    ) -> dict[str, Any]:
        # A unique value a generated request took first answers 409: take the next payload.
        for payload in itertools.islice(resource.payloads, 20):
            for ref in resource.refs:
                payload[ref.column] = made[ref.route][n][ref.target_key]
            response = self.client.post(f"/{resource.route}", json=payload)
            if response.status_code == 201:
                row: dict[str, Any] = response.json()
                return row
            assert response.status_code == 409, _unexpected("seeding", response)
        raise AssertionError(f"no factory payload for /{resource.route} could be created")

    def _link(
        self, resource: Resource, link: Link, owner: dict[str, Any], target: dict[str, Any]
    ) -> None:
        template = self._link_path(resource, link)
        values = [*(owner[name] for name in resource.key), target[link.target_key]]
        path = template
        for value in values:
            path = re.sub(r"\{\w+\}", str(value), path, count=1)
        response = self.client.put(path)
        assert response.is_success, _unexpected("linking", response)

    def _link_path(self, resource: Resource, link: Link) -> str:
        for path, methods in self.paths.items():
            segments = _segments(path)
            names = [s.replace("-", "_") for s in segments]
            if "put" in methods and segments[0] == resource.route and link.name in names:
                return path
        raise AssertionError(f"no PUT path links {resource.route} to {link.name}")

    def _list(self) -> None:
        for resource in self.resources:
            response = self.client.get(f"/{resource.route}", params={"limit": 100})
            assert response.status_code == 200, _unexpected("listing", response)
            self.live[resource.route] = response.json()["items"]

    def path_choices(self, template: str) -> list[dict[str, str]]:
        """Path parameters naming rows that exist now, for an operation's path template:
        `/{route}/{key...}[/{link}/{item}]` or `/{route}/{key...}/<action>`."""
        segments = _segments(template)
        resource = self.by_route.get(segments[0])
        if resource is None or len(segments) == 1:
            return []
        key_names = [_parameter(s) for s in segments[1 : 1 + len(resource.key)]]
        if None in key_names:
            return []
        rest = segments[1 + len(resource.key) :]
        choices = [
            {str(name): str(row[attr]) for name, attr in zip(key_names, resource.key, strict=True)}
            for row in self.live.get(resource.route, [])
        ]
        if len(rest) == 2 and (item := _parameter(rest[1])) is not None:
            link = next((k for k in resource.links if k.name == rest[0].replace("-", "_")), None)
            if link is None:
                return []
            targets = [str(row[link.target_key]) for row in self.live.get(link.route, [])]
            return [{**c, item: t} for c in choices for t in targets]
        return choices

    def ref_choices(self, route: str) -> dict[str, list[Any]]:
        """For each reference column of the resource at `route`: the keys it may hold now."""
        resource = self.by_route.get(route)
        if resource is None:
            return {}
        return {
            ref.column: [row[ref.target_key] for row in self.live.get(ref.route, [])]
            for ref in resource.refs
        }


def _parameter(segment: str) -> str | None:
    match = _PARAMETER.match(segment)
    return match.group(1) if match else None


def _unexpected(doing: str, response: httpx.Response) -> str:
    request = response.request
    return (
        f"{doing}: {request.method} {request.url} -> {response.status_code}\n"
        f"{request.content.decode(errors='replace')}\n{response.text[:2000]}"
    )
