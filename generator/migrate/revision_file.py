"""Operations in, the Alembic revision file out: its code, and the imports that code needs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from persistgen.layout import VERSIONS as VERSIONS
from persistgen.migrate.operations import OP, Operation
from persistgen.plan import import_lines


@dataclass(frozen=True)
class Revision:
    """What templates/revision.py.jinja lays out."""

    id: str
    down_revision: str | tuple[str, ...] | None  # several: a merge of the heads
    message: str
    path: str
    imports: tuple[str, ...]
    upgrade: tuple[str, ...]
    downgrade: tuple[str, ...]
    summary: tuple[str, ...]
    destructive: tuple[str, ...]
    rewrites: tuple[str, ...] = ()  # type changes that rewrite a table on PostgreSQL
    defines_on_postgres: bool = False  # whether an operation calls the `on_postgres` helper

    @property
    def revises(self) -> str:
        down = self.down_revision
        return ", ".join(down) if isinstance(down, tuple) else down or ""

    @property
    def origin(self) -> str:
        """The docstring's line on where the revision comes from."""
        if isinstance(self.down_revision, tuple):
            return "Written by persistgen to merge the heads" + (
                ", with the change to persistgen.yaml beyond them." if self.upgrade else "."
            )
        if not self.upgrade:
            return "Written by persistgen for your own code (data, grants, functions), empty."
        return "Written by persistgen from the change to persistgen.yaml."

    @property
    def text(self) -> str:
        """What its docstring says: the message, the changes, where it comes from."""
        lines = [self.message, ""]
        if self.summary:
            lines += [*(f"- {line}" for line in self.summary), ""]
        lines += [f"Revision ID: {self.id}", f"Revises: {self.revises}", self.origin]
        if self.destructive:
            lines += ["", "Destructive (accepted with --allow-destructive):"]
            lines += [f"- {change}" for change in self.destructive]
        if self.rewrites:
            lines += ["", "Rewrites a table on PostgreSQL (accepted with --allow-rewrite):"]
            lines += [f"- {change}" for change in self.rewrites]
        return "\n".join(lines)

    @property
    def down_revision_type(self) -> str:
        if isinstance(self.down_revision, tuple):
            return "str | Sequence[str] | None"
        return "str | None"


def revision_file(
    revision_id: str,
    number: int,
    parents: Sequence[str],
    message: str,
    *,
    upgrade: Sequence[Operation],
    downgrade: Sequence[Operation],
    summary: Sequence[str],
    destructive: Sequence[str],
    package: str,
    rewrites: Sequence[str] = (),
) -> Revision:
    operations = [*upgrade, *downgrade]
    on_postgres = any(o.uses_on_postgres for o in operations)  # a helper that calls `op`
    imports = {spec for o in operations for spec in o.imports} | ({OP} if on_postgres else set())
    return Revision(
        id=revision_id,
        down_revision=tuple(parents) if len(parents) > 1 else (parents[0] if parents else None),
        message=message,
        # Ordered by number, told apart by id: two branches' revisions never share a file name.
        path=f"{VERSIONS}/{number:04d}_{revision_id}_{slug(message)}.py",
        imports=import_lines(spec.format(package=package) for spec in imports),
        upgrade=tuple(line for o in upgrade for line in o.lines()),
        downgrade=tuple(line for o in downgrade for line in o.lines()),
        summary=tuple(summary),
        destructive=tuple(destructive),
        rewrites=tuple(rewrites),
        defines_on_postgres=on_postgres,
    )


def slug(text: str) -> str:
    """The file name's part after the number and the id."""
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if len(slug) > 48:  # cut at a word boundary
        slug = slug[:49].rsplit("_", 1)[0]
    return slug or "revision"
