"""The renames the spec declares (`renamed_from`, a new `table:` or `column:`), never guessed, so a
renamed table or column keeps its data instead of being dropped and added again."""

from __future__ import annotations

from dataclasses import dataclass, field

from persistgen.migrate.schema import SchemaState
from persistgen.project_model import ProjectModel


@dataclass(frozen=True)
class Renames:
    tables: dict[str, str] = field(default_factory=dict)  # old table -> new table
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # new table -> old -> new


def renames_for(project: ProjectModel, old: SchemaState) -> Renames:
    """The renames the spec declares that apply to the schema as it was last migrated."""
    by_resource = {t.resource: t for t in old.tables}
    old_names = {t.name for t in old.tables}
    tables: dict[str, str] = {}
    columns: dict[str, dict[str, str]] = {}
    claimed = {r.previous_name for r in project.resources if r.previous_name}
    for resource in project.resources:
        # A resource is its name: a new `table:` on the same resource renames its table (unless
        # another resource declares it was that resource).
        before = by_resource.get(resource.previous_name or "") or (
            None if resource.class_name in claimed else by_resource.get(resource.class_name)
        )
        if before is None:
            continue
        if resource.db.name not in old_names:
            tables[before.name] = resource.db.name
        # A column retired for rolling deploys (migrate/rolling.py) is renamed no more.
        live = [c for c in before.columns if not c.retired]
        old_columns = {c.name for c in live}
        # A field keeps its attribute when only its `column` changes: that too is a rename.
        by_attribute = {c.attribute: c.name for c in live if c.attribute}
        for column in resource.columns:
            previous = column.previous_name
            if previous not in old_columns:
                previous = by_attribute.get(column.name)
            if previous in old_columns and column.db.name not in old_columns:
                columns.setdefault(resource.db.name, {})[previous] = column.db.name
        for link in resource.links:
            # A link follows its owner, its field and its target: its columns are matched by
            # position in the key (owner, item), whatever renames changed their names.
            was = by_resource.get(link.previous or "") or by_resource.get(link.db.resource)
            if was is None:
                continue
            if link.db.name != was.name and link.db.name not in old_names:
                tables[was.name] = link.db.name
            moved = zip(was.primary_key, link.db.primary_key, strict=True)
            renamed = {old: new for old, new in moved if old != new}
            if renamed:
                columns[link.db.name] = renamed
    return Renames(tables, columns)


def backfills_for(project: ProjectModel) -> dict[tuple[str, str], str]:
    return {
        (r.db.name, c.db.name): c.backfill
        for r in project.resources
        for c in r.columns
        if c.backfill is not None
    }
