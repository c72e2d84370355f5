"""The proof that `generate` has nothing to do, checked before the generator is imported.

A run that leaves a project in step with its spec (it wrote every change, or found none) records
a stamp in the user's cache (`user_cache.py`): a digest of everything the output depends on (the
spec's bytes, every file of the migration history, the manifest, persistgen's own files, the
installed distributions and Python, the run's options) and the SHA-256 of every file the next
run would compare. A later run whose inputs all match and whose files all hash as recorded
would render the same files, find each one unchanged and write nothing: it reports the project
up to date instead, without reading the spec or rendering. Anything else (an edited generated
file, a spec change, a revision file added, a different persistgen, dependency or option, a run
interrupted, a git merge in progress) takes the full path, which records a new stamp.

A stamp recorded by a run that wrote trusts what the golden and CLI tests check on the full
path: a run right after one that wrote finds nothing to do.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from persistgen import git, user_cache
from persistgen.layout import JOURNAL, LEGACY_STATE, MANIFEST, PENDING, SNAPSHOTS, VERSIONS
from persistgen.options import MigrationOptions
from persistgen.spec import SPEC_FILE

_FORMAT = 1  # of a stamp's content: a stamp of another format is not read


@dataclass(frozen=True)
class Inputs:
    """What the files persistgen renders depend on, each as a digest."""

    spec: str | None  # of persistgen.yaml's bytes; None: there is none
    manifest: str | None  # of .persistgen/manifest.json's bytes
    history: dict[str, str]  # each revision and snapshot file: path -> digest of its bytes
    generator: str  # persistgen's own files, the installed distributions, Python
    options: str


@dataclass(frozen=True)
class Report:
    """What a full run that found nothing to do reports."""

    counts: dict[str, int]  # "unchanged" and "kept" files
    edited: tuple[str, ...] = ()  # generated files with hand edits, merged in on every run
    checks: tuple[str, ...] = ()  # CHECK constraints the generated test data breaks


@dataclass(frozen=True)
class Claim:
    """What a run that leaves the project in step found: the files the next run compares (path
    -> digest of the text on disk; None: yours, it only has to exist), the history files it
    wrote itself, and whether it wrote anything."""

    files: dict[str, str | None]
    report: Report
    wrote: bool
    history: dict[str, str] = field(default_factory=dict)


def options_key(options: MigrationOptions, *, force: bool, markers: bool) -> str | None:
    """The run's options as part of its inputs; None for a run that writes whatever the disk
    holds (a revision with a message, or adopted), which nothing can prove a no-op."""
    if options.message is not None or options.adopt is not None or options.baseline:
        return None
    chosen = {**asdict(options), "force": force, "markers": markers}
    return json.dumps(chosen, sort_keys=True)


def inputs(root: Path, options: str) -> Inputs:
    return Inputs(
        _digest_of(root / SPEC_FILE),
        _digest_of(root / MANIFEST),
        history(root),
        user_cache.installation(),
        options,
    )


def history(root: Path) -> dict[str, str]:
    """Every file `migrate/history.py` reads (revisions, snapshots, a legacy state.json), by
    path: read as bytes and hashed, not parsed."""
    found = {}
    for folder, suffix in ((VERSIONS, ".py"), (SNAPSHOTS, ".json")):
        try:
            names = os.listdir(root / folder)
        except OSError:
            continue
        for name in names:
            if name.endswith(suffix):
                digest = _digest_of(root / folder / name)
                if digest is not None:
                    found[f"{folder}/{name}"] = digest
    legacy = _digest_of(root / LEGACY_STATE)
    if legacy is not None:
        found[LEGACY_STATE] = legacy
    return found


def proven(root: Path, current: Inputs) -> Report | None:
    """The report of a run that would find nothing to do, when the stamp proves it; else None."""
    if (root / JOURNAL).exists() or (root / PENDING).exists():
        return None  # an interrupted run, which the full path finishes or discards
    stamp = _load(root)
    if stamp is None or stamp[0] != current:
        return None
    files, report = stamp[1], stamp[2]
    top = str(root)
    for path, expected in files.items():
        on_disk = os.path.join(top, path)
        if expected is None:
            if not os.path.isfile(on_disk):
                return None
        elif _digest_of(Path(on_disk)) != expected:
            return None
    if git.merging(root):  # the other branch's hand edits are carried in on the full path
        return None
    return report


def record(root: Path, before: Inputs, claim: Claim) -> None:
    """Record `claim` for `root`, once its inputs are checked against those the run started
    from: nothing but the run's own writes may have changed them in between (an edit made
    while it ran belongs to no run yet)."""
    after = inputs(root, before.options)
    if claim.wrote:
        expected = {**before.history, **claim.history}
        if (after.spec, after.history) != (before.spec, expected) or after.manifest is None:
            return
    elif after != before:
        return
    document = {
        "format": _FORMAT,
        "inputs": asdict(after),
        "files": claim.files,
        "report": asdict(claim.report),
    }
    user_cache.write(_name(root), json.dumps(document).encode("utf-8"))


def digest(text: str) -> str:
    """The digest of a file that holds `text`, as `_digest_of` reads it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digest_of(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def _name(root: Path) -> str:
    where = str(root.resolve())
    return f"up-to-date/{hashlib.sha256(where.encode()).hexdigest()[:32]}.json"


def _load(root: Path) -> tuple[Inputs, Mapping[str, str | None], Report] | None:
    raw = user_cache.read(_name(root))
    if raw is None:
        return None
    try:
        document = json.loads(raw)
        if document["format"] != _FORMAT:
            return None
        report = document["report"]
        return (
            Inputs(**document["inputs"]),
            document["files"],
            Report(report["counts"], tuple(report["edited"]), tuple(report["checks"])),
        )
    except (ValueError, KeyError, TypeError):
        return None  # damaged, or of another format: the full path records a new one
