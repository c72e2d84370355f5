"""A renamed resource takes your code along: its modules of yours move to the new module names,
and every Python file of yours refers to the new names.

When the spec renames a resource (`renamed_from: Old`), the generated modules of `Old` are
removed and those of the new name written. This step adds to that run's changes: your
`repositories/<old>.py` and `schemas/<old>.py` become `repositories/<new>.py` and
`schemas/<new>.py` (a write and a removal, in the same all-or-nothing journal as every other
change), and in each of your Python files the names that changed are rewritten with libcst:
the model class, its DTO and repository classes (`OldCreate`, `OldRepository`, ...), its enum
classes, and module paths (`pkg.models.old` -> `pkg.models.new`). Only names, attributes and
imports change; strings and comments are never touched. What cannot be carried safely (the new
module of yours exists already, a file that does not parse) stops the run before anything is
written, naming the files.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from persistgen import naming
from persistgen.errors import Problem, UserError
from persistgen.spec.model import Spec
from persistgen.write import Change, read_manifest

# The classes the generated modules name after a resource: the model itself, then its DTOs,
# query and sort types, and repositories (see templates/project/{package}/).
CLASS_SUFFIXES = (
    "",
    "Create",
    "CreateBase",
    "Update",
    "UpdateBase",
    "Read",
    "ReadBase",
    "Query",
    "Sort",
    "Detail",
    "Load",
    "Repository",
    "RepositoryBase",
)
# The packages that hold one module per resource.
PACKAGES = ("models", "schemas", "schemas.generated", "repositories", "repositories.generated")
PACKAGES_WITH_API = (*PACKAGES, "api")
# Your modules created once per resource, which move with it.
YOURS = ("repositories", "schemas")
# Directories that hold no code of the project's own.
_SKIPPED = {"__pycache__", "migrations", "node_modules", "build", "dist"}


@dataclass(frozen=True)
class ResourceRename:
    old: str  # the class name before, e.g. `Book`
    new: str
    enums: tuple[str, ...]  # the enum fields, whose classes are named after the resource

    @property
    def old_module(self) -> str:
        return naming.snake(self.old)

    @property
    def new_module(self) -> str:
        return naming.snake(self.new)

    def names(self) -> dict[str, str]:
        found = {self.old + suffix: self.new + suffix for suffix in CLASS_SUFFIXES}
        for field in self.enums:
            found[naming.enum_class(self.old, field)] = naming.enum_class(self.new, field)
        return found

    def modules(self, package: str) -> dict[str, str]:
        return {
            f"{package}.{where}.{self.old_module}": f"{package}.{where}.{self.new_module}"
            for where in PACKAGES_WITH_API
        }


def pending(spec: Spec, manifest: Mapping[str, str]) -> list[ResourceRename]:
    """The renames this run carries out: the old resource's model was generated last time (it
    is in the manifest) and the new one was not."""
    package = spec.project.python_package
    found = []
    for name, resource in spec.resources.items():
        old = resource.renamed_from
        if not old or old in spec.resources:
            continue
        before = f"{package}/models/{naming.snake(old)}.py"
        after = f"{package}/models/{naming.snake(name)}.py"
        if before in manifest and after not in manifest:
            enums = tuple(f for f, field in resource.fields.items() if field.type == "enum")
            found.append(ResourceRename(old, name, enums))
    return found


def carry_renames(root: Path, spec: Spec, changes: list[Change]) -> list[Change]:
    """`changes` with the renamed resources' modules of yours moved and your files rewritten;
    `changes` themselves when no rename is pending. Raises a UserError, before anything is
    written, for what cannot be carried."""
    manifest = read_manifest(root)
    renames = pending(spec, manifest)
    if not renames:
        return changes
    package = spec.project.python_package
    names: dict[str, str] = {}
    modules: dict[str, str] = {}
    for rename in renames:
        names.update(rename.names())
        modules.update(rename.modules(package))
    planned = {c.path: c for c in changes}
    generated = set(manifest) | {p for p, c in planned.items() if c.status != "kept"}
    moves = dict(_moves(root, package, renames))
    sources = _read_sources(
        root, [p for p in _your_python_files(root) if p not in generated or p in moves]
    )
    from persistgen.carry_code import rewrite  # libcst: imported only when a rename is carried

    rewritten = rewrite(root, sources, names, modules)
    carried = dict(planned)
    for old_path, new_path in moves.items():
        carried[new_path] = Change(new_path, "created", None, rewritten[old_path])
        carried[old_path] = Change(old_path, "removed", sources[old_path], None)
    for path, text in rewritten.items():
        if path not in moves and text != sources[path]:
            carried[path] = Change(path, "updated", sources[path], text)
    return sorted(carried.values(), key=lambda c: c.path)


def _read_sources(root: Path, paths: Iterable[str]) -> dict[str, str]:
    """Your Python files' text; one that is not UTF-8 stops the run before anything moves."""
    sources, problems = {}, []
    for path in paths:
        try:
            sources[path] = (root / path).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            problems.append(
                Problem(
                    "a renamed resource's names cannot be carried into it: it is not UTF-8",
                    "save it as UTF-8 (or move it out of the project), then run again",
                    path,
                )
            )
    if problems:
        raise UserError(problems)
    return sources


def _moves(
    root: Path, package: str, renames: Iterable[ResourceRename]
) -> Iterator[tuple[str, str]]:
    """Your modules of each renamed resource, old path -> new path; refuses to overwrite."""
    problems = []
    for rename in renames:
        for where in YOURS:
            old = f"{package}/{where}/{rename.old_module}.py"
            new = f"{package}/{where}/{rename.new_module}.py"
            if old == new or not (root / old).exists():
                continue
            if (root / new).exists():
                problems.append(
                    Problem(
                        f"`{rename.old}` is renamed `{rename.new}`, but both `{old}` and `{new}` "
                        "exist: persistgen cannot move your module onto another",
                        f"move what you need from `{old}` into `{new}` (the names `{rename.old}` "
                        f"become `{rename.new}`), delete `{old}`, then run again",
                        str(root / new),
                    )
                )
                continue
            yield old, new
    if problems:
        raise UserError(problems)


def _your_python_files(root: Path) -> Iterator[str]:
    """The project's Python files, relative and POSIX, outside virtual environments, hidden
    directories and the migration history."""
    for directory, subdirectories, files in os.walk(root):
        here = Path(directory)
        subdirectories[:] = sorted(
            d
            for d in subdirectories
            if not d.startswith(".")
            and d not in _SKIPPED
            and not (here / d / "pyvenv.cfg").exists()
        )
        for name in sorted(files):
            if name.endswith(".py"):
                yield (here / name).relative_to(root).as_posix()
