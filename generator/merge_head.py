"""During a git merge, the other branch's hand edits in generated files are carried too.

The documented way through a merge takes one side of every generated file and of the manifest,
so the other side's hand edits would be lost. While `MERGE_HEAD` exists, the other side's
manifest (its file hashes and recorded spec) says which of its generated files were edited by
hand; each such edit is merged three-way into what this run writes: base = the other side's
render (re-rendered from its recorded spec), yours = the other side's file, theirs = this run's
result. An overlap is a conflict, as for an edit of this side. Where the other side's render
cannot be rebuilt, its edit is named in a note instead.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from persistgen import git
from persistgen.merge import merge
from persistgen.write import MANIFEST, Base, Change, Record, Status, parse_record, sha256

_CARRIED = ("created", "updated", "merged", "unchanged")  # changes an edit can be merged into


@dataclass(frozen=True)
class OtherSide:
    """The branch being merged in: its manifest, and its files' text."""

    record: Record  # its manifest
    text: Mapping[str, str]  # path -> the other side's file, for each generated file it has


def other_side(project_dir: Path) -> OtherSide | None:
    """The other side of a git merge in progress in `project_dir`, or None (no merge, no git,
    not a repository, or no manifest on the other side)."""
    if not git.merging(project_dir):
        return None
    prefix = (git.output(project_dir, "rev-parse", "--show-prefix") or "").strip()
    record = parse_record(git.output(project_dir, "show", f"MERGE_HEAD:{prefix}{MANIFEST}") or "")
    if record is None:
        return None
    files = list(record.files)
    return OtherSide(
        record, _blobs(project_dir, [f"MERGE_HEAD:{prefix}{path}" for path in files], files)
    )


def carry_edits(
    changes: list[Change], other: OtherSide, base: Callable[[Record], Base]
) -> tuple[list[Change], tuple[str, ...]]:
    """`changes` with the other side's hand edits merged in, and a note for each edit that
    could not be. `base` re-renders the other side's generated files from its manifest."""
    recorded = other.record.files
    edited = {path for path, text in other.text.items() if sha256(text) != recorded[path]}
    if not edited:
        return changes, ()
    rendered = base(other.record)
    carried: list[Change] = []
    notes: list[str] = []
    for change in changes:
        if change.path not in edited:
            carried.append(change)
            continue
        edited.discard(change.path)
        their_base = rendered.files.get(change.path)
        if their_base is None or sha256(their_base) != recorded[change.path]:
            notes.append(_lost(change.path, rendered.unknown))
            carried.append(change)
        elif change.status == "conflict":
            notes.append(_lost(change.path, "resolve this branch's conflict there first"))
            carried.append(change)
        elif change.status not in _CARRIED or change.new is None:
            notes.append(_lost(change.path, "persistgen no longer generates it"))
            carried.append(change)
        else:
            carried.append(_merged(change, their_base, other.text[change.path]))
    notes.extend(_lost(path, "persistgen no longer generates it") for path in sorted(edited))
    return carried, tuple(notes)


def _merged(change: Change, their_base: str, their_file: str) -> Change:
    assert change.new is not None
    merged = merge(their_base, their_file, change.new)
    if merged.conflicts:
        why = (
            "the other branch's hand edit here overlaps this run's output "
            f"(`git diff HEAD...MERGE_HEAD -- {change.path}` shows it)"
        )
        return replace(change, status="conflict", merged=merged, why=why)
    if merged.text == change.new:
        return change  # the edit is already there
    status: Status = "unchanged" if merged.text == change.old else "merged"
    return replace(change, status=status, new=merged.text, generated=change.recorded)


def _lost(path: str, why: str) -> str:
    return (
        f"{path}: the other branch edited it by hand, and its edit was not merged ({why}); "
        f"`git diff HEAD...MERGE_HEAD -- {path}` shows what it changed there, to copy by hand"
    )


def _blobs(cwd: Path, names: list[str], paths: list[str]) -> dict[str, str]:
    """The text of each object in `names` (keyed by `paths`), read by one `git cat-file`;
    objects that are missing (or not UTF-8 text) are left out."""
    if not names:
        return {}
    try:
        result = subprocess.run(
            ["git", "cat-file", "--batch"],
            cwd=cwd,
            input="".join(f"{name}\n" for name in names).encode("utf-8"),
            capture_output=True,
            check=False,
        )
    except OSError:
        return {}
    out, at, found = result.stdout, 0, {}
    for path in paths:
        end = out.find(b"\n", at)
        if end < 0:
            break
        header = out[at:end].split()
        at = end + 1
        # "<name> missing" names the object as asked, and a path may hold spaces.
        if header[-1:] == [b"missing"] or len(header) != 3:
            continue
        size = int(header[2])
        body = out[at : at + size]
        at += size + 1  # the newline after each object
        if header[1] == b"blob":
            try:
                found[path] = body.decode("utf-8")
            except UnicodeDecodeError:
                continue
    return found
