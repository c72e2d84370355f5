"""Operations in, the Alembic revision file out: its code, and the imports that code needs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from persistgen.migrate.operations import Operation
from persistgen.plan import import_lines

VERSIONS = "migrations/versions"


@dataclass(frozen=True)
class Revision:
    """What templates/revision.py.jinja lays out."""

    id: str
    down_revision: str | None
    message: str
    path: str
    imports: tuple[str, ...]
    upgrade: tuple[str, ...]
    downgrade: tuple[str, ...]
    summary: tuple[str, ...]
    destructive: tuple[str, ...]
    defines_on_postgres: bool = False  # whether an operation calls the `on_postgres` helper


def revision_file(
    number: str,
    down_revision: str | None,
    message: str,
    *,
    upgrade: Sequence[Operation],
    downgrade: Sequence[Operation],
    summary: Sequence[str],
    destructive: Sequence[str],
    package: str,
) -> Revision:
    operations = [*upgrade, *downgrade]
    imports = {spec for o in operations for spec in o.imports}
    return Revision(
        id=number,
        down_revision=down_revision,
        message=message,
        path=f"{VERSIONS}/{number}_{slug(message)}.py",
        imports=import_lines(spec.format(package=package) for spec in imports),
        upgrade=tuple(line for o in upgrade for line in o.lines()),
        downgrade=tuple(line for o in downgrade for line in o.lines()),
        summary=tuple(summary),
        destructive=tuple(destructive),
        defines_on_postgres=any(o.uses_on_postgres for o in operations),
    )


def slug(text: str) -> str:
    """The file name's part after the number."""
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if len(slug) > 48:  # cut at a word boundary
        slug = slug[:49].rsplit("_", 1)[0]
    return slug or "revision"
