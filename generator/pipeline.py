"""The whole pipeline: read spec -> validate -> plan -> render -> format -> compare with disk."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from persistgen import plan
from persistgen.format import format_files
from persistgen.migrate.history import History, Start, base_for, read_history
from persistgen.migrate.next_revision import next_revision
from persistgen.migrate.revision_file import Revision
from persistgen.migrate.schema import SchemaState
from persistgen.migrate.state import dump_state, snapshot_path
from persistgen.render import RenderedFile, render_project
from persistgen.spec.model import Spec, json_schema
from persistgen.spec.validate import read_spec
from persistgen.write import (
    DIR_MODE,
    Change,
    apply,
    exclusive,
    finish_interrupted,
    manifest_after,
    plan_changes,
    read_manifest,
    writing,
)

SPEC_FILE = "persistgen.yaml"


@dataclass(frozen=True)
class MigrationOptions:
    enabled: bool = True  # False: `--no-migration`; the schema change waits for the next run
    message: str | None = None  # set: write a revision even if nothing changed
    allow_destructive: bool = False
    adopt: str | None = None  # a revision file persistgen did not write, to record as its own


@dataclass(frozen=True)
class Outcome:
    changes: list[Change]
    revision: Revision | None = None
    # Your files extending a generated base that this run removed: kept, but now broken.
    orphans: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rendering:
    files: list[RenderedFile]
    revision: Revision | None = None


def render_spec(
    spec: Spec,
    state: History | SchemaState | None = None,
    migration: MigrationOptions | None = None,
    spec_file: str = SPEC_FILE,
) -> Rendering:
    """Spec (and the migration history, or the schema last migrated) in, every project file out,
    formatted; no disk."""
    migration = migration or MigrationOptions()
    project = plan.build(spec)
    base = (
        base_for(state, project.tables, adopt=migration.adopt)
        if isinstance(state, History)
        else Start(state or SchemaState())
    )
    revision, after = (
        next_revision(
            project,
            base.state,
            message=migration.message,
            allow_destructive=migration.allow_destructive,
            spec_file=spec_file,
        )
        if migration.enabled
        else (None, base.state)
    )
    files = render_project(project, json_schema(), revision)
    # Snapshots, like revisions, are written once and only added: git merges branches' cleanly.
    for record in (*base.records, *([after] if revision is not None else [])):
        files.append(RenderedFile(snapshot_path(record.head or ""), dump_state(record), "user"))
    return Rendering(format_files(sorted(files, key=lambda f: f.path)), revision)


def generate(
    project_dir: Path,
    *,
    force: bool = False,
    dry_run: bool = False,
    migration: MigrationOptions | None = None,
) -> Outcome:
    """Regenerate a project from its `persistgen.yaml`; writes nothing when `dry_run`."""
    if dry_run:
        return _regenerate(project_dir, force=force, dry_run=True, migration=migration)
    with exclusive(project_dir):
        finish_interrupted(project_dir)
        return _regenerate(project_dir, force=force, dry_run=False, migration=migration)


def _regenerate(
    project_dir: Path, *, force: bool, dry_run: bool, migration: MigrationOptions | None
) -> Outcome:
    spec_path = project_dir / SPEC_FILE
    spec = read_spec(spec_path)
    rendering = render_spec(spec, read_history(project_dir), migration, str(spec_path))
    rendered = rendering.files
    changes = plan_changes(project_dir, rendered, force=force)
    revision = rendering.revision
    # A missing or stale manifest is rewritten even when every file is already up to date.
    if not dry_run and (
        any(change.writes for change in changes)
        or read_manifest(project_dir) != manifest_after(project_dir, changes, rendered)
    ):
        apply(project_dir, changes, rendered)
    return Outcome(changes, revision, _orphans(project_dir, changes))


def _orphans(project_dir: Path, changes: list[Change]) -> tuple[str, ...]:
    """`x/generated/m.py` removed while your `x/m.py` (which subclasses it) stays."""
    found = []
    for change in changes:
        path = PurePosixPath(change.path)
        if change.status == "removed" and path.parent.name == "generated":
            yours = path.parent.parent / path.name
            if (project_dir / yours).exists():
                found.append(str(yours))
    return tuple(sorted(found))


def new_project(target: Path, spec_text: str) -> Outcome:
    """Build a project in a sibling temporary directory, then move it into place at once."""
    with writing():
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        with writing():
            staging.chmod(DIR_MODE)
            (staging / SPEC_FILE).write_text(spec_text, encoding="utf-8")
        outcome = generate(staging)
        with writing():
            if target.exists():
                target.rmdir()  # only an empty directory may be replaced
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return outcome
