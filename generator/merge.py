"""Three-way merge of a hand-edited generated file with persistgen's new output.

base is what persistgen last wrote, yours is the file on disk, theirs is the new render. Your
edits that do not overlap persistgen's change survive; overlapping ones are conflicts, spelled
with git-style markers. Without a base every difference is a conflict.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import merge3

START = "<<<<<<< yours\n"
MIDDLE = "=======\n"
END = ">>>>>>> persistgen\n"


@dataclass(frozen=True)
class Merged:
    text: str  # the merge, with markers around each conflict
    conflicts: int
    # The merge with your side, then persistgen's side, at every conflict: their diff is the
    # conflicting hunks and nothing else.
    yours: str
    theirs: str


Group = tuple[str, Sequence[str], Sequence[str]]  # kind, your lines, persistgen's lines


def merge(base: str | None, yours: str, theirs: str) -> Merged:
    ours_lines = yours.splitlines(keepends=True)
    their_lines = theirs.splitlines(keepends=True)
    groups = (
        _two_way(ours_lines, their_lines)
        if base is None
        else _three_way(base.splitlines(keepends=True), ours_lines, their_lines)
    )
    text: list[str] = []
    mine: list[str] = []
    persistgen: list[str] = []
    conflicts = 0
    for kind, a, b in groups:
        if kind != "conflict":
            text.extend(a)
            mine.extend(a)
            persistgen.extend(a)
            continue
        conflicts += 1
        text.extend([START, *_closed(a), MIDDLE, *_closed(b), END])
        mine.extend(a)
        persistgen.extend(b)
    return Merged("".join(text), conflicts, "".join(mine), "".join(persistgen))


def has_markers(text: str) -> bool:
    """Whether `text` still holds markers a merge left (START and END lines)."""
    lines = set(text.splitlines(keepends=True))
    return START in lines and END in lines


def has_git_markers(text: str) -> bool:
    """Whether `text` holds the markers `git merge` leaves in a conflicting file."""
    lines = text.splitlines()
    return any(line.startswith("<<<<<<< ") for line in lines) and any(
        line.startswith(">>>>>>> ") for line in lines
    )


def _three_way(base: list[str], yours: list[str], theirs: list[str]) -> Iterator[Group]:
    for group in merge3.Merge3(base, yours, theirs).merge_groups():
        if group[0] == "conflict":
            yield "conflict", group[2], group[3]
        else:
            yield "clean", group[1], group[1]


def _two_way(yours: list[str], theirs: list[str]) -> Iterator[Group]:
    matcher = difflib.SequenceMatcher(None, yours, theirs, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            yield "clean", yours[i1:i2], yours[i1:i2]
        else:
            yield "conflict", yours[i1:i2], theirs[j1:j2]


def _closed(lines: Sequence[str]) -> list[str]:
    """A last line without its newline gets one, so the marker after it starts a line."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return list(lines)
