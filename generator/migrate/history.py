"""The migration history as it stands on disk, checked before a revision is written: the revision
files (scan.py) against the snapshots persistgen recorded (state.py). It finds revisions persistgen
did not write, ones it wrote that are gone, and several heads (after a git merge), whose schemas it
merges three-way for the merge revision."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from persistgen.errors import Problem, UserError, fail
from persistgen.migrate.branches import common_ancestor, merge_tables
from persistgen.migrate.revision_file import VERSIONS
from persistgen.migrate.scan import RevisionFile, scan_revisions
from persistgen.migrate.schema import DbTable, SchemaState
from persistgen.migrate.state import read_snapshots, snapshot_path


@dataclass(frozen=True)
class History:
    snapshots: Mapping[str, SchemaState]  # what persistgen recorded, by revision
    files: Mapping[str, RevisionFile]  # what migrations/versions holds, by revision


@dataclass(frozen=True)
class Start:
    """What the next revision builds on, and the snapshots this run records besides its own."""

    state: SchemaState
    records: tuple[SchemaState, ...] = ()


def read_history(root: Path) -> History:
    return History(read_snapshots(root), scan_revisions(root))


def base_for(
    history: History, spec_tables: tuple[DbTable, ...], *, adopt: str | None = None
) -> Start:
    """The head's snapshot, or the merge of several heads; refuses a history that is not whole."""
    snapshots, records = _with_legacy(history)
    if adopt is not None:
        adopted = _adopt(history, snapshots, spec_tables, adopt)
        snapshots[adopted.head or ""] = adopted
        records.append(adopted)
    _check_files(history, snapshots)
    heads = _heads(snapshots)
    if not heads:
        return Start(SchemaState(), tuple(records))
    if len(heads) == 1:
        return Start(heads[0], tuple(records))
    tables = _merged(snapshots, heads)
    number = max(head.number for head in heads) + 1
    # Objects are not merged item by item: the first head's stand, and the next revision
    # brings them to the spec's.
    merge = SchemaState(
        None, tables, tuple(h.head or "" for h in heads), number, objects=heads[0].objects
    )
    return Start(merge, tuple(records))


def heads(history: History) -> list[SchemaState]:
    """The recorded revisions no other names as a parent: one, unless branches were merged."""
    return _heads(_with_legacy(history)[0])


def _heads(snapshots: Mapping[str, SchemaState]) -> list[SchemaState]:
    named = {parent for state in snapshots.values() for parent in state.parents}
    return sorted((s for s in snapshots.values() if s.head not in named), key=_order)


def _order(state: SchemaState) -> tuple[int, str]:
    return state.number, state.head or ""


def _with_legacy(history: History) -> tuple[dict[str, SchemaState], list[SchemaState]]:
    """A state.json head gains what its revision file says; its snapshot file is written."""
    snapshots = dict(history.snapshots)
    records = []
    for revision, state in history.snapshots.items():
        found = history.files.get(revision)
        if state.file is None and found is not None:
            snapshots[revision] = replace(state, parents=found.down, file=found.path)
            records.append(snapshots[revision])
    return snapshots, records


_AGREE_HINT = (
    "make the branches agree: change persistgen.yaml back on one of them and run "
    "`persistgen generate` there (a revision undoing its change), then merge again; "
    "or write the merge revision by hand (`alembic merge heads -m ...`) and record it "
    "with `persistgen migration adopt <file>`"
)
# A merge revision cannot help here: the other branch's revision names what is gone.
_GONE_HINT = (
    "if one branch's revision has run on no shared database, drop it in the merge (`git rm -f` "
    "its file and its .persistgen/revisions/<id>.json) and run `persistgen generate`: its "
    "change is written again after the other head; else make the branches agree (change "
    "persistgen.yaml back on one of them, `persistgen generate` there, merge again)"
)


def _merged(snapshots: Mapping[str, SchemaState], heads: list[SchemaState]) -> tuple[DbTable, ...]:
    base = common_ancestor(snapshots, [h.head or "" for h in heads])
    tables = heads[0].tables
    problems = []
    for head in heads[1:]:
        tables, conflicts = merge_tables(base.tables, tables, head.tables)
        problems += [
            Problem(
                f"the branches changed {conflict.what} differently since revision "
                f"`{base.head}`: `{heads[0].head}` ({heads[0].file}) and `{head.head}` "
                f"({head.file})" + (": one removed or renamed it" if conflict.gone else ""),
                _GONE_HINT if conflict.gone else _AGREE_HINT,
                PurePosixPath(head.file or "migrations/versions").as_posix(),
            )
            for conflict in conflicts
        ]
    if problems:
        raise UserError(problems)
    return tables


def _adopt(
    history: History,
    snapshots: Mapping[str, SchemaState],
    spec_tables: tuple[DbTable, ...],
    name: str,
) -> SchemaState:
    """A revision persistgen did not write, recorded as leaving the schema as it is."""
    wanted = PurePosixPath(name.replace("\\", "/")).name
    found = [f for f in history.files.values() if PurePosixPath(f.path).name == wanted]
    if not found:
        raise fail(
            f"there is no revision file `{wanted}` in migrations/versions",
            "give the file name of a revision in migrations/versions",
        )
    file = found[0]
    if file.revision in snapshots:
        raise fail(f"{file.path} is already a revision persistgen records", "", file=file.path)
    missing = [down for down in file.down if down not in snapshots]
    if missing:
        raise fail(
            f"{file.path} revises `{missing[0]}`, which persistgen does not record",
            "adopt the revisions it follows first, oldest first",
            file=file.path,
        )
    parents = [snapshots[down] for down in file.down]
    if not parents:
        tables = spec_tables
    elif len(parents) == 1:
        tables = parents[0].tables
    else:  # a merge written by hand: where the branches disagree, the spec says how it ends
        base = common_ancestor(snapshots, list(file.down))
        tables, conflicts = parents[0].tables, []
        for parent in parents[1:]:
            tables, more = merge_tables(base.tables, tables, parent.tables)
            conflicts += more
        tables = spec_tables if conflicts else tables
    number = max((p.number for p in parents), default=0) + 1
    objects = parents[0].objects if parents else ()
    return SchemaState(file.revision, tables, file.down, number, file.path, objects)


def _check_files(history: History, snapshots: Mapping[str, SchemaState]) -> None:
    problems = [
        Problem(
            f"revision `{revision}` ({state.file or 'its file'}) was written by persistgen and "
            "is gone from migrations/versions",
            f"restore it from version control (`git checkout -- {state.file or VERSIONS}`); if "
            "it is gone "
            f"on purpose, delete {snapshot_path(revision)} too and run `persistgen generate`",
            state.file or snapshot_path(revision),
        )
        for revision, state in sorted(snapshots.items())
        if revision not in history.files
    ]
    known: set[str] = set()
    todo = list(snapshots)
    while todo:  # what the recorded revisions descend from (older projects record only the head)
        revision = todo.pop()
        if revision in known or revision not in history.files:
            continue
        known.add(revision)
        todo.extend(history.files[revision].down)
    problems += [
        Problem(
            f"{file.path} (revision `{revision}`) was not written by persistgen",
            "if it leaves the schema persistgen.yaml describes as it is (data, grants, "
            f"functions), record it: `persistgen migration adopt {PurePosixPath(file.path).name}`"
            "; otherwise delete it, change persistgen.yaml instead, and write hand revisions "
            "with `persistgen migration -m`",
            file.path,
        )
        for revision, file in sorted(history.files.items())
        if revision not in known
    ]
    if problems:
        raise UserError(problems)
