"""The revisions in migrations/versions, read as Alembic reads them but without importing them:
the module-level `revision` and `down_revision` assignments, found with `ast`."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from persistgen.errors import Problem, UserError
from persistgen.migrate.revision_file import VERSIONS


@dataclass(frozen=True)
class RevisionFile:
    path: str  # relative to the project, e.g. migrations/versions/0002_add_column_posts_x.py
    revision: str
    down: tuple[str, ...]  # what it revises: none, one, or several (a merge)


def scan_revisions(root: Path) -> dict[str, RevisionFile]:
    """Every revision file by its id; refuses files Alembic could not read and duplicate ids."""
    found: dict[str, RevisionFile] = {}
    problems: list[Problem] = []
    for path in sorted((root / VERSIONS).glob("*.py")):
        relative = path.relative_to(root).as_posix()
        try:
            revision = _read(relative, path.read_text(encoding="utf-8", errors="replace"))
        except ValueError as exc:
            problems.append(
                Problem(
                    f"{relative} is not a revision Alembic can read: {exc}",
                    "fix it, or move it out of migrations/versions",
                    relative,
                )
            )
            continue
        if revision.revision in found:
            other = found[revision.revision].path
            problems.append(
                Problem(
                    f"revision `{revision.revision}` is present more than once: {other} and "
                    f"{relative}",
                    "two branches wrote the same revision: keep one of the files (git log shows "
                    "which came from where) and run `persistgen generate`",
                    relative,
                )
            )
            continue
        found[revision.revision] = revision
    if problems:
        raise UserError(problems)
    return found


def _read(relative: str, text: str) -> RevisionFile:
    try:
        module = ast.parse(text)
    except SyntaxError as exc:
        raise ValueError(f"a syntax error on line {exc.lineno}") from None
    values: dict[str, ast.expr] = {}
    for node in module.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            values[target.id] = value
    if "revision" not in values:
        raise ValueError("no module-level `revision = ...`")
    try:
        revision = ast.literal_eval(values["revision"])
        down = ast.literal_eval(values["down_revision"]) if "down_revision" in values else None
    except ValueError:
        raise ValueError("`revision` and `down_revision` must be plain strings") from None
    if not isinstance(revision, str):
        raise ValueError("`revision` must be a string")
    downs = () if down is None else (down,) if isinstance(down, str) else down
    if not isinstance(downs, tuple | list) or not all(isinstance(d, str) for d in downs):
        raise ValueError("`down_revision` must be None, a string or a tuple of strings")
    return RevisionFile(relative, revision, tuple(downs))
