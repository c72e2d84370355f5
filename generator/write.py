"""Compare rendered files with the project on disk, then write all of them or none.

Generated files are recorded with their SHA-256 in `.persistgen/manifest.json`, beside the
spec they were generated from and persistgen's version. A generated file whose content no
longer matches its record was edited by hand: it is merged three-way with the new output, the
base re-rendered from the recorded spec (`merge.py`). Edits that overlap persistgen's change,
and edits whose base is unknown, are conflicts. User-owned files are created once and never
rewritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Literal

from persistgen.errors import fail
from persistgen.layout import JOURNAL as JOURNAL
from persistgen.layout import MANIFEST as MANIFEST
from persistgen.layout import PENDING as PENDING
from persistgen.merge import Merged, has_git_markers, has_markers, merge
from persistgen.render import RenderedFile
from persistgen.shared_files import merge_shared

if sys.platform != "win32":
    import fcntl

# Temporary files and directories are private (0600/0700); what we move into place should get
# the modes an editor would give it, so read the umask once (it can only be read by setting it).
_UMASK = os.umask(0o022)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK
DIR_MODE = 0o777 & ~_UMASK
Status = Literal["created", "updated", "merged", "unchanged", "conflict", "removed", "kept"]


@dataclass(frozen=True)
class Change:
    path: str
    status: Status
    old: str | None  # what is on disk
    new: str | None  # what persistgen would write (None: remove)
    # What persistgen rendered, when `new` is not it (a merge); the manifest records it, so
    # a hand edit stays visible as an edit and keeps being merged.
    generated: str | None = None
    merged: Merged | None = None  # a conflict's three-way merge (None: the base is unknown)
    why: str = ""  # a conflict's cause
    marked: bool = False  # a conflict written with its markers
    dropped: bool = False  # a hand edit overwritten or removed by --force

    @property
    def writes(self) -> bool:
        return self.status in ("created", "updated", "merged", "removed") or self.marked

    @property
    def recorded(self) -> str | None:
        """The text the manifest records for this file."""
        return self.new if self.generated is None else self.generated


@dataclass(frozen=True)
class Record:
    """What `.persistgen/manifest.json` holds."""

    files: dict[str, str]  # path -> SHA-256 of what persistgen wrote
    spec: str | None = None  # the spec those files were generated from
    version: str | None = None  # the persistgen that generated them


@dataclass(frozen=True)
class Base:
    """What persistgen last wrote, re-rendered, and why a file without one has none."""

    files: Mapping[str, str] = field(default_factory=dict)
    unknown: str = "what persistgen last wrote is not recorded"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_manifest(root: Path) -> dict[str, str]:
    return read_record(root).files


def read_record(root: Path) -> Record:
    path = root / MANIFEST
    if not path.exists():
        return Record({})
    raw = path.read_bytes()
    if has_git_markers(raw.decode("utf-8", errors="replace")):
        raise fail(
            f"{MANIFEST} holds git's conflict markers",
            f"take either side, as for the generated files: `git checkout --ours -- {MANIFEST}`,"
            " then run again (README: Working in a team)",
            file=str(path),
        )
    record = parse_record(raw)
    # Removal unlinks what the manifest names, so every entry must be a path inside the project.
    if record is None or not all(_inside(name) for name in record.files):
        raise fail(
            f"{MANIFEST} is damaged",
            "restore it from version control, or delete it and run with --force",
            file=str(path),
        )
    return record


def parse_record(text: str | bytes) -> Record | None:
    """A manifest's content, or None when the text is not a manifest."""
    try:
        document = json.loads(text)
        files = document["files"]
        spec, version = document.get("spec"), document.get("version")
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if not isinstance(files, dict):
        return None
    return Record(
        {str(k): str(v) for k, v in files.items()},
        spec if isinstance(spec, str) else None,
        version if isinstance(version, str) else None,
    )


def manifest_text(files: Mapping[str, str], spec: str | None, version: str) -> str:
    document = {
        "generator": "persistgen",
        "version": version,
        "spec": spec,
        "files": dict(sorted(files.items())),
    }
    return json.dumps(document, indent=2) + "\n"


def _inside(path: str) -> bool:
    posix = PurePosixPath(path)
    return (
        bool(posix.parts)
        and not posix.is_absolute()
        and ".." not in posix.parts
        and "\\" not in path
        and ":" not in path
    )


def plan_changes(
    root: Path,
    rendered: Iterable[RenderedFile],
    base: Callable[[], Base] = Base,
) -> list[Change]:
    """Compare each rendered file with the disk. `base` re-renders what persistgen last wrote;
    it is called only if a generated file was edited."""
    manifest = read_manifest(root)
    bases: list[Base] = []  # rendered at the first edited file

    def base_of(path: str, recorded: str | None) -> tuple[str | None, str]:
        """The file's base text, checked against its record; or None, and why."""
        if not bases:
            bases.append(base())
        text = bases[0].files.get(path)
        if text is None or sha256(text) != recorded:
            return None, bases[0].unknown
        return text, ""

    changes: list[Change] = []
    wanted: set[str] = set()
    for file in rendered:
        wanted.add(file.path)
        old = _read(root / file.path)
        recorded = manifest.get(file.path)
        edited = old not in (None, file.content) and sha256(old or "") != recorded
        text, unknown = (
            base_of(file.path, recorded) if edited and file.owner == "generated" else (None, "")
        )
        change = _compare(file, old, recorded, text)
        if change.status == "conflict" and not change.why:
            change = replace(change, why=unknown)
        changes.append(change)
    for path in sorted(set(manifest) - wanted):
        old = _read(root / path)
        if old is None:
            continue
        if sha256(old) != manifest[path]:
            why = (
                "persistgen no longer generates it (its resource left the spec, say), and "
                "removing it would lose your edit"
            )
            changes.append(Change(path, "conflict", old, None, why=why))
        else:
            changes.append(Change(path, "removed", old, None))
    return changes


def _compare(file: RenderedFile, old: str | None, recorded: str | None, base: str | None) -> Change:
    """One file's status; `base` is what persistgen last wrote there, when it is known."""
    if old is None:
        return Change(file.path, "created", None, file.content)
    if file.owner == "merged":  # shared with the user: never a conflict, never in the manifest
        new = merge_shared(file.path, old, file.content)
        return Change(file.path, "unchanged" if new == old else "updated", old, new)
    if file.owner == "user" or old == file.content:
        return Change(file.path, "kept" if file.owner == "user" else "unchanged", old, old)
    if recorded is not None and sha256(old) == recorded:
        return Change(file.path, "updated", old, file.content)
    if base is None:
        return Change(file.path, "conflict", old, file.content)
    if _UNREADABLE in old or has_markers(old):
        why = "it is not UTF-8 text" if _UNREADABLE in old else "it still holds conflict markers"
        return Change(file.path, "conflict", old, file.content, why=why)
    if has_git_markers(old):
        why = (
            "it holds git's conflict markers: take the side you take of the manifest"
            f" (`git checkout --ours -- {file.path}`)"
        )
        return Change(file.path, "conflict", old, file.content, why=why)
    merged = merge(base, old, file.content)
    if merged.conflicts:
        why = "your edit overlaps persistgen's change"
        return Change(file.path, "conflict", old, file.content, merged=merged, why=why)
    # Your edit survives; the manifest records persistgen's text, so it stays an edit.
    status: Status = "unchanged" if merged.text == old else "merged"
    return Change(file.path, status, old, merged.text, generated=file.content)


def resolve(changes: list[Change], *, force: bool, markers: bool) -> list[Change]:
    """Conflicts as the user chose: kept (the default), written with markers, or overwritten."""
    resolved = []
    for change in changes:
        if change.status != "conflict":
            resolved.append(change)
        elif force and change.new is None:
            resolved.append(replace(change, status="removed", dropped=True))
        elif force:
            # persistgen's side wins each conflict; the edits that merged cleanly stay.
            kept = change.new if change.merged is None else change.merged.theirs
            status: Status = "updated" if kept == change.new else "merged"
            forced = replace(
                change, status=status, new=kept, generated=change.recorded, dropped=True
            )
            resolved.append(forced)
        elif markers:
            resolved.append(_marked(change))
        else:
            resolved.append(change)
    return resolved


def _marked(change: Change) -> Change:
    """A conflict with its markers written in; a removal, an unreadable file or one that
    still holds markers (new ones would nest in them) stays kept."""
    if change.new is None or change.old is None or _UNREADABLE in change.old:
        return change
    if has_markers(change.old) or has_git_markers(change.old):
        return change
    merged = change.merged or merge(None, change.old, change.new)
    generated = change.recorded
    return replace(change, new=merged.text, generated=generated, merged=merged, marked=True)


_UNREADABLE = "\ufffd"  # what reading replaced bytes that are not UTF-8 with


def _read(path: Path) -> str | None:
    try:
        # A file that is not UTF-8 cannot be ours: it reads as edited (a conflict).
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None


def manifest_after(
    root: Path, changes: Iterable[Change], rendered: Iterable[RenderedFile]
) -> dict[str, str]:
    """The manifest once `changes` are applied: conflicts kept as they are keep their record."""
    old = read_manifest(root)
    owners = {f.path: f.owner for f in rendered}
    manifest: dict[str, str] = {}
    for change in changes:
        if change.status == "conflict" and not change.marked:
            if change.path in old:
                manifest[change.path] = old[change.path]
        elif change.recorded is not None and owners.get(change.path) == "generated":
            manifest[change.path] = sha256(change.recorded)
    return manifest


def apply(
    root: Path,
    changes: list[Change],
    rendered: Iterable[RenderedFile],
    *,
    spec: str | None = None,
    version: str = "",
) -> None:
    """Write every change, the manifest last, all or nothing.

    Each new file is first written next to its target (same directory, so the move is an
    atomic rename). A journal listing the targets goes first: until the whole journal is
    committed (renamed to `journal.json`), an interruption (an error, a full disk, a read-only
    directory, Ctrl-C, kill -9, a power cut) leaves the project as it was, and the next run
    deletes the staged files; once committed, the next run finishes the moves. Everything
    staged reaches the disk in one sync before the commit, and the commit in one more: two
    syncs a run, not one per file. The caller
    holds `exclusive` and has finished any interrupted run (`finish_interrupted`) first.
    The manifest records `spec`, the text the files were generated from, and `version`."""
    _refuse_links_out(root, changes)
    manifest = manifest_after(root, changes, rendered)
    writes = [(c.path, c.new) for c in changes if c.writes and c.new is not None]
    writes.append((MANIFEST, manifest_text(manifest, spec, version)))
    journal = {
        "write": [path for path, _ in writes],
        "remove": [c.path for c in changes if c.status == "removed"],
    }
    pending = root / PENDING
    try:
        with writing():
            _stage(pending, json.dumps(journal))
            for path, text in writes:
                _stage(_staged(root / path), text)
            _sync_all()
            os.replace(pending, root / JOURNAL)  # the commit point
            _sync_directory(pending.parent)
    except BaseException:
        _discard(root)
        raise
    finish_interrupted(root)


def finish_interrupted(root: Path) -> bool:
    """Finish the moves of a committed journal (each is skipped once done: its staged file is
    gone), or discard what an uncommitted one staged. Whether there was a journal to finish."""
    if not (root / JOURNAL).exists():
        _discard(root)
        return False
    journal = _read_journal(root / JOURNAL)
    *files, manifest = [root / path for path in journal["write"]]
    with writing():
        for target in files:
            _move_staged(target)
        for path in journal["remove"]:
            (root / path).unlink(missing_ok=True)
            _prune(root, (root / path).parent)
        _move_staged(manifest)
        (root / JOURNAL).unlink()
    return True


def _move_staged(target: Path) -> None:
    if _staged(target).exists():
        os.replace(_staged(target), target)


def _read_journal(path: Path) -> dict[str, list[str]]:
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
        if all(_inside(p) for key in ("write", "remove") for p in journal[key]):
            return {key: [str(p) for p in journal[key]] for key in ("write", "remove")}
    except (ValueError, KeyError, TypeError):
        pass
    raise fail(
        f"{JOURNAL}, left by an interrupted run, is damaged",
        "delete it and every `.*.persistgen-tmp` file, then run with --force",
        file=str(path),
    )


def _discard(root: Path) -> None:
    """Delete what an uncommitted journal staged, then the journal itself."""
    pending = root / PENDING
    if not pending.exists():
        return
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        for path in json.loads(pending.read_text(encoding="utf-8"))["write"]:
            if _inside(str(path)):
                _staged(root / str(path)).unlink(missing_ok=True)
    pending.unlink(missing_ok=True)


def _staged(target: Path) -> Path:
    return target.with_name(f".{target.name}.persistgen-tmp")


@contextlib.contextmanager
def exclusive(root: Path, *, wait: bool = False) -> Iterator[None]:
    """One writing run per project at a time: a second would take the first one's staged files
    for the leftovers of an interrupted run. The lock is on the project directory itself, so
    no lock file is left behind, and the OS releases it when a run dies however it dies.
    `wait`: for a directory only another run's brief look can hold (a new staging directory)."""
    if sys.platform == "win32" or not root.is_dir():  # no flock(); nothing to write into yet
        yield
        return
    descriptor = os.open(root, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise fail(
                "another persistgen run is writing this project",
                "wait for it to finish, then run again",
                file=str(root),
            ) from None
        yield
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """An OSError met while writing (a full disk, a read-only directory) becomes a one-screen
    error that names the file."""
    try:
        yield
    except OSError as exc:
        raise fail(
            f"cannot write: {exc.strerror or exc}",
            "free some space or make the directory writable, then run again",
            file=str(exc.filename or "."),
        ) from None


def _refuse_links_out(root: Path, changes: Iterable[Change]) -> None:
    """A directory in the project that links outside it must not receive generated files."""
    inside = root.resolve()
    checked: set[str] = set()  # each directory resolved once: a few for a thousand files
    for change in changes:
        folder = PurePosixPath(change.path).parent.as_posix()
        if not change.writes or folder in checked:
            continue
        directory = root / folder
        if not directory.resolve().is_relative_to(inside):
            raise fail(
                f"`{change.path}` would be written outside the project: a directory on its "
                f"path links to {directory.resolve()}",
                "replace the link with a real directory, then run again",
                file=str(root / change.path),
            )
        checked.add(folder)


def _stage(path: Path, text: str) -> None:
    """Write `text` to `path`; `_sync_all` flushes it to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        if sys.platform == "win32":  # no sync(): each file is flushed on its own
            handle.flush()
            os.fsync(handle.fileno())


def _sync_all() -> None:
    """Every staged file and the pending journal on disk, in one call: one `fsync` per file
    cost a disk flush each (1,272 of them for 200 resources)."""
    if sys.platform != "win32":
        os.sync()


def _sync_directory(directory: Path) -> None:
    """The rename that commits the journal on disk."""
    if sys.platform == "win32":  # a directory cannot be opened there
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _prune(root: Path, directory: Path) -> None:
    """Remove directories a removed resource left empty."""
    while directory != root and directory.is_dir() and not any(directory.iterdir()):
        with contextlib.suppress(OSError):
            directory.rmdir()
        directory = directory.parent
