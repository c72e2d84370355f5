"""Decide whether the spec needs a new Alembic revision, refuse the ones that cannot be
written safely, and describe the rest."""

from __future__ import annotations

import hashlib
import json

from persistgen.errors import Problem, UserError
from persistgen.migrate.compare import Diff, compare
from persistgen.migrate.operations import undo
from persistgen.migrate.renames import backfills_for, renames_for
from persistgen.migrate.revision_file import Revision, revision_file
from persistgen.migrate.rolling import rolled
from persistgen.migrate.schema import DbObject, DbTable, SchemaState, state_to_json
from persistgen.project_model import ProjectModel


def next_revision(
    project: ProjectModel,
    old: SchemaState,
    *,
    message: str | None = None,
    allow_destructive: bool = False,
    allow_rewrite: bool = False,
    spec_file: str = "persistgen.yaml",
    tables: tuple[DbTable, ...] | None = None,
    contract: bool = False,
) -> tuple[Revision | None, SchemaState]:
    """The revision from the last migrated schema (one head's, or the merge of several) to the
    spec's (to `tables` instead of all the spec's, when given), and the snapshot after it.
    Columns retired for rolling deploys stay, unless `contract` drops them."""
    tables, objects = project.tables if tables is None else tables, project.objects
    tables, renames = rolled(
        old,
        tables,
        renames_for(project, old),
        rolling=project.rolling_deploys,
        contract=contract,
    )
    parents = (old.head,) if old.head is not None else old.parents
    same = tables == old.tables and objects == old.objects
    if same and message is None and len(parents) < 2:
        return None, old
    new = SchemaState(head=None, tables=tables, objects=objects)
    up = compare(old, new, renames, backfills_for(project))
    problems = _problems(
        project,
        old,
        up,
        spec_file,
        allow_destructive=allow_destructive,
        allow_rewrite=allow_rewrite,
    )
    if problems:
        raise UserError(problems)
    number = old.number + 1 if old.head is not None else old.number or 1
    title = _one_line(message or _title(parents, up.summary))
    revision_id = revision_id_for(parents, tables, title, objects)
    merges = [f"merges the heads {' and '.join(parents)}"] if len(parents) > 1 else []
    revision = revision_file(
        revision_id,
        number,
        parents,
        title,
        upgrade=up.operations,
        downgrade=undo(up.operations),
        summary=[*merges, *up.summary],
        destructive=[change for _, change in up.destructive],
        package=project.package,
        rewrites=[change for _, change in up.rewrites],
    )
    state = SchemaState(revision_id, tables, parents, number, revision.path, objects)
    return revision, state


def revision_id_for(
    parents: tuple[str, ...],
    tables: tuple[DbTable, ...],
    message: str,
    objects: tuple[DbObject, ...] = (),
) -> str:
    """A short hash of where the revision starts, the schema it ends at and its message: two
    branches get the same id only for the very same change (and then the very same file)."""
    ends_at = state_to_json(SchemaState(tables=tables, objects=objects))
    # The objects only where there are some: a project without them keeps its ids.
    held: list[object] = [ends_at["tables"], *([ends_at["objects"]] if objects else [])]
    content = json.dumps([list(parents), *held, message], sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()[:12]


def _problems(
    project: ProjectModel,
    old: SchemaState,
    up: Diff,
    spec_file: str,
    *,
    allow_destructive: bool,
    allow_rewrite: bool,
) -> list[Problem]:
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
                spec_path=_spec_path(field) if field else "",
            )
            for field, change in up.destructive
        ]
    if not allow_rewrite:
        problems += [_rewrite_problem(field, change, spec_file) for field, change in up.rewrites]
    return problems


def _rewrite_problem(field: str, change: str, spec_file: str) -> Problem:
    """A type change that would hold a table's ACCESS EXCLUSIVE lock while PostgreSQL rewrites
    every row: refused, with the way that keeps the table in use."""
    name = field.partition(".")[2]
    return Problem(
        f"refused, as PostgreSQL rewrites the whole table to change {change}, every read and "
        "write of it waiting until done",
        "on a busy table, change it in steps: with `project.rolling_deploys: true`, give the "
        f"field a new name with its new type and `renamed_from: {name}`; the new column is "
        "filled in batches and kept equal to the old one, which `generate --contract` drops "
        "later. On a small table, or in a maintenance window, run again with --allow-rewrite",
        spec_file,
        spec_path=_spec_path(field),
    )


def _spec_path(field: str) -> str:
    """`Resource.attribute` as its path in the spec."""
    resource, _, name = field.partition(".")
    return f"resources.{resource}.fields.{name}"


def _title(parents: tuple[str, ...], summary: list[str]) -> str:
    if not parents:
        return "initial schema"
    more = len(summary) - 1
    change = (
        summary[0] + (f" and {more} more change{'s' if more > 1 else ''}" if more else "")
        if summary
        else "no schema change"
    )
    if len(parents) > 1:
        merge = f"merge {' and '.join(parents)}"
        return f"{merge}: {change}" if summary else merge
    return change


def _one_line(text: str) -> str:
    """The message goes into a docstring: keep it one inert line."""
    return " ".join(text.replace("\\", "/").replace('"', "'").split())[:200]


def _field_path(column: str) -> str:
    resource, _, name = column.partition(".")
    if "." in name:  # a column of the association table of the many field `Owner.field`
        return f"resources.{resource}.fields.{name.partition('.')[0]}"
    return f"resources.{resource}.fields.{name.removesuffix('_id')}.backfill"
