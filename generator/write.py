"""Compare rendered files with the project on disk, then write all of them or none.

Generated files are recorded with their SHA-256 in `.persistgen/manifest.json`. A generated
file whose content no longer matches its record was edited by hand: it is a conflict, kept as
it is unless forced. User-owned files are created once and never rewritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from persistgen.errors import fail
from persistgen.render import RenderedFile

MANIFEST = ".persistgen/manifest.json"
# Temporary files and directories are private (0600/0700); what we move into place should get
# the modes an editor would give it, so read the umask once (it can only be read by setting it).
_UMASK = os.umask(0o022)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK
DIR_MODE = 0o777 & ~_UMASK
Status = Literal["created", "updated", "unchanged", "conflict", "removed", "kept"]


@dataclass(frozen=True)
class Change:
    path: str
    status: Status
    old: str | None  # what is on disk
    new: str | None  # what persistgen would write (None: remove)

    @property
    def writes(self) -> bool:
        return self.status in ("created", "updated", "removed")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_manifest(root: Path) -> dict[str, str]:
    path = root / MANIFEST
    if not path.exists():
        return {}
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError, TypeError):
        files = None
    # Removal unlinks what the manifest names, so every entry must be a path inside the project.
    if not isinstance(files, dict) or not all(_inside(str(k)) for k in files):
        raise fail(
            f"{MANIFEST} is damaged",
            "restore it from version control, or delete it and run with --force",
            file=str(path),
        )
    return {str(k): str(v) for k, v in files.items()}


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
    root: Path, rendered: Iterable[RenderedFile], *, force: bool = False
) -> list[Change]:
    manifest = read_manifest(root)
    changes: list[Change] = []
    wanted: set[str] = set()
    for file in rendered:
        wanted.add(file.path)
        old = _read(root / file.path)
        changes.append(_compare(file, old, manifest.get(file.path), force))
    for path in sorted(set(manifest) - wanted):
        old = _read(root / path)
        if old is None:
            continue
        edited = sha256(old) != manifest[path] and not force
        changes.append(Change(path, "conflict" if edited else "removed", old, None))
    return changes


def _compare(file: RenderedFile, old: str | None, recorded: str | None, force: bool) -> Change:
    if old is None:
        return Change(file.path, "created", None, file.content)
    if file.owner == "user" or old == file.content:
        return Change(file.path, "kept" if file.owner == "user" else "unchanged", old, old)
    if force or (recorded is not None and sha256(old) == recorded):
        return Change(file.path, "updated", old, file.content)
    return Change(file.path, "conflict", old, file.content)


def _read(path: Path) -> str | None:
    try:
        # A file that is not UTF-8 cannot be ours: it reads as edited (a conflict).
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None


def manifest_after(
    root: Path, changes: Iterable[Change], rendered: Iterable[RenderedFile]
) -> dict[str, str]:
    """The manifest once `changes` are applied: conflicts keep their old record."""
    old = read_manifest(root)
    owners = {f.path: f.owner for f in rendered}
    manifest: dict[str, str] = {}
    for change in changes:
        if change.status == "conflict":
            if change.path in old:
                manifest[change.path] = old[change.path]
        elif change.new is not None and owners.get(change.path) == "generated":
            manifest[change.path] = sha256(change.new)
    return manifest


def apply(root: Path, changes: list[Change], rendered: Iterable[RenderedFile]) -> None:
    """Write every change, then the manifest last; on any failure leave the old files intact."""
    manifest = manifest_after(root, changes, rendered)
    staged: list[tuple[Path, Path]] = []
    try:
        for change in changes:
            if change.writes and change.new is not None:
                staged.append((_stage(root / change.path, change.new), root / change.path))
        document = {"generator": "persistgen", "files": dict(sorted(manifest.items()))}
        manifest_text = json.dumps(document, indent=2) + "\n"
        staged.append((_stage(root / MANIFEST, manifest_text), root / MANIFEST))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in staged[:-1]:
        os.replace(temporary, target)
    for change in changes:
        if change.status == "removed":
            (root / change.path).unlink(missing_ok=True)
            _prune(root, (root / change.path).parent)
    os.replace(*staged[-1])


def _stage(target: Path, text: str) -> Path:
    """Write `text` next to `target` under a temporary name, flushed to disk."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.chmod(name, _FILE_MODE)  # mkstemp creates 0600; generated files are ordinary files
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(name)


def _prune(root: Path, directory: Path) -> None:
    """Remove directories a removed resource left empty."""
    while directory != root and directory.is_dir() and not any(directory.iterdir()):
        with contextlib.suppress(OSError):
            directory.rmdir()
        directory = directory.parent
