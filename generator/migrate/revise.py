"""Decide whether the spec needs a new Alembic revision, and describe it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from persistgen.errors import Problem, UserError
from persistgen.migrate.revision import backfills_for, renames_for, steps
from persistgen.migrate.state import SchemaState
from persistgen.plan import CLOCKS, import_lines
from persistgen.render_model import ProjectModel

VERSIONS = "migrations/versions"


@dataclass(frozen=True)
class Revision:
    id: str
    down_revision: str | None
    message: str
    path: str
    imports: tuple[str, ...]
    upgrade: tuple[str, ...]
    downgrade: tuple[str, ...]
    summary: tuple[str, ...]
    destructive: tuple[str, ...]
    schema_here: bool = False  # whether the revision needs its `on_postgres` helper


def revise(
    project: ProjectModel,
    old: SchemaState,
    *,
    message: str | None = None,
    allow_destructive: bool = False,
    spec_file: str = "persistgen.yaml",
) -> tuple[Revision | None, SchemaState]:
    """The revision from the last migrated schema to the spec's, and the state after it."""
    tables = project.tables
    if tables == old.tables and message is None:
        return None, old
    new = SchemaState(head=None, tables=tables)
    renames = renames_for(project, old)
    up = steps(old, new, renames, backfills_for(project))
    down = steps(new, old, renames.inverted())
    problems = [
        Problem(
            f"`{column}` becomes NOT NULL on a table that may hold rows",
            "add `backfill: <value>` (or a `default`) to the field for the existing rows",
            spec_file,
            spec_path=_field_path(column),
        )
        for column in up.missing_backfill
    ]
    problems += [
        Problem(
            f"the migration cannot be written: {change}",
            "undo that change, or write this revision by hand (`persistgen migration -m`)",
            spec_file,
        )
        for change in up.unsupported
    ]
    # Earlier revisions name the schema they were written for, and SQLite can only be told to
    # ignore the project's current one (db/engine.py).
    problems += [
        Problem(
            f"the migration cannot be written: the project's `schema` changed from `{schema}`",
            "set it back, or write this revision by hand (`persistgen migration -m`)",
            spec_file,
            spec_path="project.schema",
        )
        for schema in sorted({t.schema for t in old.tables if t.schema} - {project.schema})
    ]
    if not allow_destructive:
        problems += [
            Problem(
                f"refused, as it loses data: {change}",
                "if you mean it, run again with --allow-destructive",
                spec_file,
            )
            for change in up.destructive
        ]
    if problems:
        raise UserError(problems)
    number = f"{int(old.head or 0) + 1:04d}"
    text = _one_line(message or _title(old, up.summary))
    lines = up.lines + down.lines
    imports = {"alembic:op", "sqlalchemy as sa"} if lines else set()
    if any("postgresql." in line for line in lines):
        imports.add("sqlalchemy.dialects:postgresql")
    if any("Decimal(" in line for line in lines):
        imports.add("decimal:Decimal")
    schema_here = any("on_postgres(" in line for line in lines)
    for clock in CLOCKS.values():
        if any(f"{clock}()" in line for line in lines):
            imports.add(f"{project.package}.db.types:{clock}")
    revision = Revision(
        id=number,
        down_revision=old.head,
        message=text,
        path=f"{VERSIONS}/{number}_{_slug(text)}.py",
        imports=import_lines(imports),
        upgrade=tuple(up.lines),
        downgrade=tuple(down.lines),
        summary=tuple(up.summary),
        destructive=tuple(up.destructive),
        schema_here=schema_here,
    )
    return revision, SchemaState(head=number, tables=tables)


def _title(old: SchemaState, summary: list[str]) -> str:
    if old.head is None:
        return "initial schema"
    if not summary:
        return "no schema change"
    more = len(summary) - 1
    return summary[0] + (f" and {more} more change{'s' if more > 1 else ''}" if more else "")


def _one_line(text: str) -> str:
    """The message goes into a docstring: keep it one inert line."""
    return " ".join(text.replace("\\", "/").replace('"', "'").split())[:200]


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if len(slug) > 48:  # cut at a word boundary
        slug = slug[:49].rsplit("_", 1)[0]
    return slug or "revision"


def _field_path(column: str) -> str:
    resource, _, name = column.partition(".")
    if "." in name:  # a column of the association table of the many field `Owner.field`
        return f"resources.{resource}.fields.{name.partition('.')[0]}"
    return f"resources.{resource}.fields.{name.removesuffix('_id')}.backfill"
