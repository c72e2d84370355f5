"""Seed data: rows from YAML or JSON fixtures, and fake rows for development.

    python -m <package>.seed data/seed.yaml [more files]   # insert or update the fixtures' rows
    python -m <package>.seed --fake 100                    # 100 more rows in every table

A fixture file maps resource names to lists of rows, each a mapping of field names to values:

    User:
      - {email: ada@example.org, display_name: Ada}
    Post:
      - {slug: hello, title: Hello, body: "...", author: ada@example.org}

Each row goes through its repository's `upsert`, matched on the row's natural key: the first
unique key of its resource (the primary key, a `unique` field, a `unique` constraint, in the
spec's order) that clients set and the row gives every field of. Loading a file twice leaves
the same rows. A reference names its row by the target's natural key: a mapping
(`author: {email: ada@example.org}`), or the plain value when that key is one field. Resources
load parents first, whatever the files' order; everything is one transaction, and an error
says the file, line and field, and nothing is written.

`--fake N` makes N rows of every resource from the values the generated tests use
(`<package>/fake.py`): each fits its field's type, length, bounds, decimals and the spec's
checks, and unique ones are distinct. Row i of a child references row i of each parent made in
the same run. The row numbers continue from the table's row count, so a second run adds N new
rows rather than colliding with the first run's.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from persistgen.runtime.repositories.base import Repository


@dataclass(frozen=True)
class Ref:
    """A many-to-one reference of a resource."""

    field: str  # as fixtures name it: the spec's field (`author`)
    column: str  # the attribute it sets (`author_id`)
    target: str  # the resource it references
    target_key: str  # the target's attribute the column holds
    fake: bool  # fake rows set it (not a self reference, one in a cycle, one a CHECK keeps empty)


@dataclass(frozen=True)
class Seedable:
    """A resource as seeding sees it; `<package>/seed.py` lists them, parents first."""

    name: str  # as fixtures name it: the spec's (`OrderLine`)
    module: str  # as the tests' `overrides.values` names it (`order_line`)
    repository: type[Repository[Any, Any, Any, Any, Any]]
    create: type[BaseModel]
    natural_keys: tuple[tuple[str, ...], ...]  # unique keys clients set, in the spec's order
    refs: tuple[Ref, ...]
    fake: Callable[[int], dict[str, Any]]  # valid values for row `n`, references left out


class SeedError(Exception):
    """A fixture or fake row refused: where, and why, in one line."""


@dataclass(frozen=True)
class Row:
    """One fixture row, with where it and each of its fields stand in the file."""

    resource: str
    values: dict[str, Any]
    where: str  # file:line:col of the row
    fields: dict[str, str] = field(default_factory=dict)  # file:line:col of each field

    def at(self, name: str) -> str:
        return self.fields.get(name, self.where)


def read_fixtures(path: Path, catalogue: Sequence[Seedable]) -> list[Row]:
    """The rows of a YAML or JSON fixture file (JSON is read as the YAML it also is)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SeedError(f"{path}: cannot read it: {error.strerror}") from None
    if path.suffix == ".json":
        text = text.expandtabs()  # JSON allows tabs between tokens, YAML not; strings have none
    try:
        document = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise SeedError(f"{path}: not YAML or JSON: {error}") from None
    if document is None:
        return []
    if not isinstance(document, yaml.MappingNode):
        raise SeedError(f"{_mark(path, document)}: a fixture file maps resource names to rows")
    names = [seedable.name for seedable in catalogue]
    loader = yaml.SafeLoader("")  # builds values from the nodes, which keep their lines
    rows: list[Row] = []
    for key, value in document.value:
        name = loader.construct_object(key, deep=True)
        if name not in names:
            close = difflib.get_close_matches(str(name), names, n=1)
            hint = f"did you mean {close[0]}?" if close else f"resources: {', '.join(names)}"
            raise SeedError(f"{_mark(path, key)}: no resource {name!r} takes rows; {hint}")
        if not isinstance(value, yaml.SequenceNode):
            raise SeedError(f"{_mark(path, value)}: {name}: a list of rows (`- field: value`)")
        rows.extend(_row(loader, path, name, node) for node in value.value)
    return rows


def _row(loader: yaml.SafeLoader, path: Path, resource: str, node: yaml.Node) -> Row:
    if not isinstance(node, yaml.MappingNode):
        raise SeedError(f"{_mark(path, node)}: {resource}: a row maps field names to values")
    values: dict[str, Any] = {}
    fields: dict[str, str] = {}
    for key, value in node.value:
        name = str(loader.construct_object(key, deep=True))
        values[name] = loader.construct_object(value, deep=True)
        fields[name] = _mark(path, key)
    return Row(resource, values, _mark(path, node), fields)


def _mark(path: Path, node: yaml.Node) -> str:
    return f"{path}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


async def load(
    session: AsyncSession, catalogue: Sequence[Seedable], rows: Sequence[Row]
) -> dict[str, int]:
    """Upsert each row by its natural key, parents first; the rows loaded per resource."""
    by_name = {seedable.name: seedable for seedable in catalogue}
    order = {seedable.name: i for i, seedable in enumerate(catalogue)}
    counts: dict[str, int] = {}
    for row in sorted(rows, key=lambda r: order[r.resource]):  # stable: file order within one
        seedable = by_name[row.resource]
        data = await _resolved(session, by_name, seedable, row)
        key = _natural_key(seedable, data, row)
        try:
            await seedable.repository(session).upsert(data, by=key)
        except DBAPIError as error:
            raise SeedError(f"{row.where}: {row.resource}: {_reason(error)}") from None
        counts[row.resource] = counts.get(row.resource, 0) + 1
    return counts


async def _resolved(
    session: AsyncSession, by_name: Mapping[str, Seedable], seedable: Seedable, row: Row
) -> BaseModel:
    """The row as its Create DTO, each reference replaced by the key of the row it names
    (errors at the field's line)."""
    values = dict(row.values)
    columns = {ref.column: ref.field for ref in seedable.refs}
    for ref in seedable.refs:
        if ref.field in values and ref.field != ref.column:
            named = values.pop(ref.field)
            target = by_name[ref.target]
            found = None if named is None else await _find(session, target, named, row, ref)
            values[ref.column] = None if found is None else getattr(found, ref.target_key)
    try:
        return seedable.create.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        name = columns.get(name, name)
        where = row.at(name) if name else row.where
        label = f"{seedable.name}.{name}" if name else seedable.name
        raise SeedError(f"{where}: {label}: {first['msg']}") from None


async def _find(session: AsyncSession, target: Seedable, named: Any, row: Row, ref: Ref) -> Any:
    """The `target` row a reference's value names by its natural key."""
    where = f"{row.at(ref.field)}: {row.resource}.{ref.field}"
    keys = ", ".join(f"({', '.join(key)})" for key in target.natural_keys)
    if not target.natural_keys:
        raise SeedError(f"{where}: {_no_natural_key(target)}")
    if not isinstance(named, Mapping):
        single = next((key for key in target.natural_keys if len(key) == 1), None)
        if single is None:
            raise SeedError(f"{where}: name the {target.name} by a mapping of one of {keys}")
        named = {single[0]: named}
    if not any(set(named) == set(key) for key in target.natural_keys):
        raise SeedError(f"{where}: a {target.name} is named by one of its unique keys: {keys}")
    fields = target.create.model_fields
    model = target.repository.model
    # As the DTO reads them: a UUID or a date written as text compares as one.
    matches = [
        getattr(model, name) == TypeAdapter[Any](fields[name].annotation or Any).validate_python(v)
        for name, v in named.items()
    ]
    found = (await session.scalars(select(model).where(*matches).limit(1))).first()
    if found is None:
        shown = ", ".join(f"{name}={value!r}" for name, value in named.items())
        raise SeedError(f"{where}: no {target.name} with {shown} (give it in the fixtures too)")
    return found


def _natural_key(seedable: Seedable, data: BaseModel, row: Row) -> tuple[str, ...]:
    given = data.model_fields_set
    key = next((k for k in seedable.natural_keys if given.issuperset(k)), None)
    if key is None:
        if not seedable.natural_keys:
            raise SeedError(f"{row.where}: {_no_natural_key(seedable)}")
        keys = " or ".join(f"({', '.join(k)})" for k in seedable.natural_keys)
        raise SeedError(f"{row.where}: a {seedable.name} row gives its natural key: {keys}")
    return key


def _no_natural_key(seedable: Seedable) -> str:
    return (
        f"{seedable.name} has no natural key to match fixture rows on: give one of its fields "
        "`unique: true` in the spec (or a `unique` constraint), one clients set"
    )


def _reason(error: DBAPIError) -> str:
    """The database's own message, its first line: which constraint a row breaks."""
    return str(error.orig).strip().splitlines()[0] if error.orig else str(error)


async def fake(session: AsyncSession, catalogue: Sequence[Seedable], count: int) -> dict[str, int]:
    """`count` new rows of every resource, parents first; the rows made per resource."""
    made: dict[str, Sequence[Any]] = {}
    for seedable in catalogue:
        model = seedable.repository.model
        start = await session.scalar(select(func.count()).select_from(model)) or 0
        items = []
        for i in range(count):
            values = seedable.fake(start + i + 1)
            # The k-th reference to one resource takes row i + k: two references to the same
            # table (a pair of users) then name different rows, still distinct per i.
            seen: dict[str, int] = {}
            for ref in seedable.refs:
                if ref.fake:
                    parents = made[ref.target]
                    shift = seen[ref.target] = seen.get(ref.target, -1) + 1
                    values[ref.column] = getattr(parents[(i + shift) % count], ref.target_key)
            items.append(seedable.create.model_validate(values))
        try:
            made[seedable.name] = await seedable.repository(session).create_many(items)
        except DBAPIError as error:
            raise SeedError(f"fake {seedable.name} rows: {_reason(error)}") from None
    return {name: len(rows) for name, rows in made.items()}


async def _seed(catalogue: Sequence[Seedable], rows: Sequence[Row], count: int) -> list[str]:
    # Here, not above: importing this module needs no engine (the tests pass their session).
    from persistgen.runtime.db.engine import engine
    from persistgen.runtime.db.session import SessionFactory

    try:
        async with SessionFactory() as session, session.begin():
            loaded = await load(session, catalogue, rows)
            faked = await fake(session, catalogue, count) if count else {}
    finally:
        await engine.dispose()
    return [f"{name}: {n} loaded" for name, n in loaded.items()] + [
        f"{name}: {n} fake rows" for name, n in faked.items()
    ]


def main(catalogue: Sequence[Seedable], program: str, argv: Sequence[str] | None = None) -> int:
    """The command; its exit status."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {program}",
        description="Load fixture rows (an upsert by natural key), and/or add fake rows.",
        epilog=f"examples: python -m {program} data/seed.yaml | python -m {program} --fake 100",
    )
    parser.add_argument("files", nargs="*", type=Path, help="YAML or JSON fixture files")
    parser.add_argument(
        "--fake", type=int, default=0, metavar="N", help="add N fake rows to every table"
    )
    args = parser.parse_args(argv)
    if not args.files and not args.fake:
        parser.error("name fixture files, or --fake N")
    if args.fake < 0:
        parser.error("--fake takes a count of rows, 0 or more")
    try:
        rows = [row for path in args.files for row in read_fixtures(path, catalogue)]
        lines = asyncio.run(_seed(catalogue, rows, args.fake))
    except SeedError as error:
        print(f"error: {error}\nNothing was written.", file=sys.stderr)
        return 1
    print("\n".join(lines) or "No rows.")
    return 0
