"""The whole pipeline: read spec -> validate -> plan -> render -> format -> compare with disk."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from persistgen import __version__, carry, merge_head, plan, up_to_date
from persistgen.errors import UserError, fail
from persistgen.format import format_files
from persistgen.layout import SNAPSHOTS, VERSIONS
from persistgen.migrate.history import History, Start, base_for, heads, read_history
from persistgen.migrate.next_revision import next_revision
from persistgen.migrate.revision_file import Revision, slug
from persistgen.migrate.schema import SchemaState
from persistgen.migrate.state import dump_state, snapshot_path
from persistgen.options import MigrationOptions as MigrationOptions  # re-exported
from persistgen.project_model import ProjectModel
from persistgen.render import RenderedFile, render_project
from persistgen.spec import SPEC_FILE as SPEC_FILE  # re-exported: pipeline.SPEC_FILE
from persistgen.spec.model import Spec, json_schema
from persistgen.spec.validate import located, read_spec, read_spec_text
from persistgen.write import (
    DIR_MODE,
    Base,
    Change,
    Record,
    apply,
    exclusive,
    finish_interrupted,
    manifest_after,
    plan_changes,
    read_record,
    resolve,
    writing,
)


@dataclass(frozen=True)
class Outcome:
    changes: list[Change]
    revision: Revision | None = None
    # Your files extending a generated base that this run removed: kept, but now broken.
    orphans: tuple[str, ...] = ()
    stopped: bool = False  # a conflict kept the run from writing anything
    notes: tuple[str, ...] = ()  # the other branch's hand edits a git merge could not carry
    checks: tuple[str, ...] = ()  # CHECK constraints the generated test data breaks: what to do
    baseline: Revision | None = None  # an imported project's first revision (see `baseline`)


@dataclass(frozen=True)
class Rendering:
    files: list[RenderedFile]
    revision: Revision | None = None
    checks: tuple[str, ...] = ()  # CHECK constraints the generated test data breaks
    baseline: Revision | None = None


def render_spec(
    spec: Spec,
    state: History | SchemaState | None = None,
    migration: MigrationOptions | None = None,
    spec_file: str = SPEC_FILE,
    recorded: Mapping[str, str] | None = None,
) -> Rendering:
    """Spec (and the migration history, or the schema last migrated) in, every project file out,
    formatted; no disk. `recorded`: the tables by resource that name it, default: `state`'s."""
    migration = migration or MigrationOptions()
    project = plan.build(spec, recorded_tables(state) if recorded is None else recorded)
    base = (
        base_for(state, project.tables, adopt=migration.adopt)
        if isinstance(state, History)
        else Start(state or SchemaState())
    )
    start, first = base.state, None
    if migration.enabled and migration.baseline and start.head is None and not start.parents:
        first, start = baseline_revision(project, start, spec_file)
    revision, after = (
        next_revision(
            project,
            start,
            message=migration.message or (OWN_TABLES if first is not None else None),
            allow_destructive=migration.allow_destructive,
            allow_rewrite=migration.allow_rewrite,
            spec_file=spec_file,
            contract=migration.contract,
        )
        if migration.enabled
        else (None, start)
    )
    made = [*([start] if first is not None else []), *([after] if revision is not None else [])]
    snapshots = [*(state.snapshots.values() if isinstance(state, History) else ()), *made]
    baseline = next((s.head for s in snapshots if _is_baseline(s)), None)
    if baseline is not None:
        project = replace(project, baseline=baseline)
    if retired := retired_columns(after):
        project = replace(project, retired_columns=retired)
    files = render_project(project, json_schema(), revision, *([first] if first else []))
    # Snapshots, like revisions, are written once and only added: git merges branches' cleanly.
    for record in (*base.records, *made):
        files.append(RenderedFile(snapshot_path(record.head or ""), dump_state(record), "user"))
    files = format_files(sorted(files, key=lambda f: f.path))
    return Rendering(files, revision, project.suite.check_notes, first)


BASELINE = "baseline: the database as imported"
OWN_TABLES = "persistgen's own tables, which the imported database lacks"


def _is_baseline(state: SchemaState) -> bool:
    """The first revision of an imported project (its file's name holds the message)."""
    return not state.parents and PurePosixPath(state.file or "").stem.endswith("_" + slug(BASELINE))


def baseline_revision(
    project: ProjectModel, start: SchemaState, spec_file: str
) -> tuple[Revision | None, SchemaState]:
    """An imported project's first revision: every table but persistgen's own (the idempotency
    keys'), and every `database_objects` entry, so that `alembic stamp` records it as applied on
    the database the spec was read from."""
    tables = tuple(t for t in project.tables if t.name != project.idempotency.name)
    return next_revision(project, start, message=BASELINE, spec_file=spec_file, tables=tables)


def retired_columns(state: SchemaState) -> tuple[str, ...]:
    """The columns retired for rolling deploys that the database holds after `state`, as
    `table.column`: the models leave them out, so must `alembic check`."""
    return tuple(f"{t.name}.{c.name}" for t in state.tables for c in t.columns if c.retired)


def recorded_tables(state: History | SchemaState | None) -> dict[str, str]:
    """Each resource's table as the history's heads (or the schema last migrated) record it."""
    states = heads(state) if isinstance(state, History) else [state] if state else []
    return {table.resource: table.name for s in states for table in s.tables}


def generate(
    project_dir: Path,
    *,
    force: bool = False,
    markers: bool = False,
    dry_run: bool = False,
    migration: MigrationOptions | None = None,
) -> Outcome:
    """Regenerate a project from its `persistgen.yaml`; writes nothing when `dry_run`.

    Hand edits to generated files are merged with the new output. A conflict (an edit that
    overlaps persistgen's change, or whose base is unknown) stops the whole run, so nothing is
    written, unless `markers` (the conflict is written with markers, everything else too) or
    `force` (persistgen's output replaces the edit)."""
    if dry_run:
        return _recorded(project_dir, force, markers, dry_run=True, migration=migration)
    with exclusive(project_dir):
        finish_interrupted(project_dir)
        return _recorded(project_dir, force, markers, dry_run=False, migration=migration)


def _recorded(
    project_dir: Path,
    force: bool,
    markers: bool,
    *,
    dry_run: bool,
    migration: MigrationOptions | None,
) -> Outcome:
    """`_regenerate`, then the proof that the next run has nothing to do (`up_to_date.py`)."""
    key = up_to_date.options_key(migration or MigrationOptions(), force=force, markers=markers)
    before = up_to_date.inputs(project_dir, key) if key is not None else None
    outcome, claim = _regenerate(project_dir, force, markers, dry_run=dry_run, migration=migration)
    if before is not None and claim is not None:
        up_to_date.record(project_dir, before, claim)
    return outcome


def _regenerate(
    project_dir: Path,
    force: bool,
    markers: bool,
    *,
    dry_run: bool,
    migration: MigrationOptions | None,
    spec: Spec | None = None,
) -> tuple[Outcome, up_to_date.Claim | None]:
    """The run's outcome, and what it proves when it leaves the project in step with the spec.
    `spec`: the project's spec, when the caller has already read it from the same text."""
    spec_path = project_dir / SPEC_FILE
    if not spec_path.exists():
        raise _no_spec(project_dir)
    spec = spec or read_spec(spec_path)
    spec_text = spec_path.read_text(encoding="utf-8")
    history = read_history(project_dir)
    try:
        rendering = render_spec(spec, history, migration, str(spec_path))
    except UserError as error:  # a refused migration, at the field it is about
        raise located(error, spec_path) from None
    rendered = rendering.files
    record = read_record(project_dir)
    base = functools.partial(_base, recorded=recorded_tables(history))
    changes = plan_changes(project_dir, rendered, lambda: base(record))
    changes = carry.carry_renames(project_dir, spec, changes)
    notes: tuple[str, ...] = ()
    other = merge_head.other_side(project_dir)  # a git merge in progress: its other branch
    if other is not None:
        changes, notes = merge_head.carry_edits(changes, other, base)
    changes = resolve(changes, force=force, markers=markers)
    revision = rendering.revision
    # Any conflict kept as it is stops the run: never a half-updated project. (With markers,
    # only a conflict that cannot hold them is kept, beside everything else.)
    stopped = not markers and any(c.status == "conflict" for c in changes)
    # A missing or stale manifest is rewritten even when every file is already up to date.
    manifest = manifest_after(project_dir, changes, rendered)
    writes = any(c.writes for c in changes) or record != Record(manifest, spec_text, __version__)
    if not dry_run and not stopped and writes:
        apply(project_dir, changes, rendered, spec=spec_text, version=__version__)
    outcome = Outcome(
        changes,
        revision,
        _orphans(project_dir, changes),
        stopped=stopped,
        notes=notes,
        checks=rendering.checks,
        baseline=rendering.baseline,
    )
    in_step = not stopped and not notes and not (dry_run and writes)
    claim = _claim(outcome, rendered, wrote=writes) if in_step else None
    return outcome, None if claim is None or carry.pending(spec, manifest) else claim


def _claim(
    outcome: Outcome, rendered: list[RenderedFile], *, wrote: bool
) -> up_to_date.Claim | None:
    """What the next run compares, once this one's changes are on disk; None when a conflict
    is left (kept, or written with its markers)."""
    if any(c.status == "conflict" or c.marked for c in outcome.changes):
        return None
    on_disk = {c.path: c.new for c in outcome.changes}
    history = (VERSIONS + "/", SNAPSHOTS + "/")
    files: dict[str, str | None] = {}
    own: dict[str, str] = {}
    for file in rendered:
        text = on_disk.get(file.path)
        if text is None:
            return None
        if file.path.startswith(history):  # rendered once: the revision this run wrote
            own[file.path] = up_to_date.digest(text)
        else:
            files[file.path] = None if file.owner == "user" else up_to_date.digest(text)
    kept = sum(digest is None for digest in files.values())
    counts = {"kept": kept, "unchanged": len(files) - kept}
    edited = tuple(c.path for c in outcome.changes if c.generated not in (None, c.new))
    report = up_to_date.Report({k: n for k, n in counts.items() if n}, edited, outcome.checks)
    return up_to_date.Claim(files, report, wrote, own if wrote else {})


def _no_spec(project_dir: Path) -> UserError:
    """Run outside the project's top directory: name the one above that holds a spec."""
    here = project_dir.resolve()
    above = next((d for d in here.parents if (d / SPEC_FILE).is_file()), None)
    hint = (
        f"run it in {above}, or pass --project {os.path.relpath(above, Path.cwd())}"
        if above
        else "run it in the project's top directory, or pass --project DIR"
    )
    return fail(f"no {SPEC_FILE} in {here}", hint)


def _base(record: Record, recorded: Mapping[str, str]) -> Base:
    """What persistgen last wrote, re-rendered in memory from the spec the manifest records
    (named as the history records its tables: the plurals it keeps)."""
    if record.spec is None:
        return Base(
            unknown="the manifest records no spec (written by persistgen 0.1.0, or rebuilt), "
            "so what persistgen last wrote is unknown"
        )
    try:
        spec = read_spec_text(record.spec, SPEC_FILE)
    except UserError:
        return Base(unknown="the spec the manifest records no longer validates")
    rendering = render_spec(spec, migration=MigrationOptions(enabled=False), recorded=recorded)
    if record.version != __version__:
        why = (
            f"persistgen {record.version} wrote it and this is {__version__}, so what it last "
            "wrote cannot be rendered again"
        )
    else:
        why = "it does not match what persistgen last wrote, as the manifest records it"
    return Base({f.path: f.content for f in rendering.files if f.owner == "generated"}, why)


def _orphans(project_dir: Path, changes: list[Change]) -> tuple[str, ...]:
    """`x/generated/m.py` removed while your `x/m.py` (which subclasses it) stays."""
    found = []
    removed = {c.path for c in changes if c.status == "removed"}
    for change in changes:
        path = PurePosixPath(change.path)
        if change.status == "removed" and path.parent.name == "generated":
            yours = path.parent.parent / path.name
            if (project_dir / yours).exists() and str(yours) not in removed:
                found.append(str(yours))
    return tuple(sorted(found))


# `new project` builds in `.<name><STAGING>XXXX` beside its target. A run killed before the
# move leaves it behind; the next `new project` in that directory removes it.
STAGING = ".persistgen-new-"
_EMPTY_STAGING_AGE = 60  # seconds: an empty one is older than any run's first step


def new_project(
    target: Path, spec_text: str, *, baseline: bool = False, spec: Spec | None = None
) -> Outcome:
    """Build a project in a sibling temporary directory, then move it into place at once.
    `spec`: `spec_text` already read (and validated), so that it is parsed once.

    The run holds the staging directory's lock (`exclusive`) from before it writes the spec
    into it until after the move, so another run tells a live staging directory from one a
    killed run left."""
    with writing():
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(target.parent)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}{STAGING}", dir=target.parent))
    try:
        with exclusive(staging, wait=True):  # a look from `_remove_stale_staging` is brief
            with writing():
                staging.chmod(DIR_MODE)
                (staging / SPEC_FILE).write_text(spec_text, encoding="utf-8", newline="")
            options = MigrationOptions(baseline=True) if baseline else None
            # Recorded for the options a `generate` run has by default: it finds nothing to do.
            key = up_to_date.options_key(MigrationOptions(), force=False, markers=False)
            before = up_to_date.inputs(staging, key or "")
            outcome, claim = _regenerate(
                staging, False, False, dry_run=False, migration=options, spec=spec
            )
            with writing():
                if target.exists():
                    target.rmdir()  # only an empty directory may be replaced
                os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if claim is not None:
        up_to_date.record(target, before, claim)
    return outcome


def _remove_stale_staging(parent: Path) -> None:
    """Remove the staging directories of `new project` runs that died: ones this module names,
    holding the spec it writes first (or still empty after a minute), and locked by no run."""
    if sys.platform == "win32":  # no locks there to tell a live run's directory from a dead one
        return
    for staging in parent.glob(f".*{STAGING}*"):
        if staging.is_symlink() or not staging.is_dir():
            continue
        with contextlib.suppress(UserError, OSError), exclusive(staging):
            if (staging / SPEC_FILE).is_file():
                shutil.rmtree(staging)
            elif not any(staging.iterdir()) and _age(staging) > _EMPTY_STAGING_AGE:
                staging.rmdir()


def _age(path: Path) -> float:
    return time.time() - path.stat().st_mtime
