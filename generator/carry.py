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
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
from libcst.helpers import get_full_name_for_node
from ruff.__main__ import find_ruff_bin

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
    rewritten = _rewrite(root, sources, names, modules)
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


def _rewrite(
    root: Path, sources: Mapping[str, str], names: Mapping[str, str], modules: Mapping[str, str]
) -> dict[str, str]:
    """Each source with the renamed names, imports sorted as ruff sorts them (and formatted,
    when it was formatted before). Files that do not parse stop the run."""
    rewritten: dict[str, str] = {}
    problems = []
    for path, text in sources.items():
        try:
            tree = cst.parse_module(text)
        except cst.ParserSyntaxError as exc:
            problems.append(
                Problem(
                    f"cannot carry the renamed names into `{path}`: it does not parse "
                    f"({exc.message})",
                    "fix the file (or rename its names by hand), then run again",
                    str(root / path),
                    exc.raw_line,
                    exc.raw_column + 1,
                )
            )
            continue
        rewritten[path] = tree.visit(_Renamer(names, modules, _package_of(path))).code
    if problems:
        raise UserError(problems)
    changed = {p: t for p, t in rewritten.items() if t != sources[p]}
    return {**rewritten, **_tidy(root, {p: sources[p] for p in changed}, changed)}


def _package_of(path: str) -> str:
    """The dotted package a project file is in: `pkg/api/custom.py` -> `pkg.api`."""
    return ".".join(Path(path).parent.parts)


class _Renamer(cst.CSTTransformer):
    """Renames names and attributes that are old class names, and dotted module paths (in
    imports and attribute chains) that are old modules."""

    def __init__(
        self, names: Mapping[str, str], modules: Mapping[str, str], package: str = ""
    ) -> None:
        super().__init__()
        self._names = names
        self._modules = modules
        self._package = package  # the file's package, for relative imports

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self._names.get(updated_node.value)
        return updated_node.with_changes(value=new) if new else updated_node

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        new = self._modules.get(get_full_name_for_node(original_node) or "")
        return _dotted(new) if new else updated_node

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        """A relative import of an old module names the new one; `from pkg.models import old`
        imports the module: it becomes `new as old`, so the file's uses of the name `old`
        (which may be any local name too) stay as they are."""
        absolute, names = self._absolute(original_node), updated_node.names
        if absolute is None or isinstance(names, cst.ImportStar):
            return updated_node
        moved = self._modules.get(absolute)
        if moved and original_node.relative and isinstance(updated_node.module, cst.Name):
            updated_node = updated_node.with_changes(module=cst.Name(_last(moved)))
        elif moved and original_node.relative and isinstance(updated_node.module, cst.Attribute):
            module = updated_node.module.with_changes(attr=cst.Name(_last(moved)))
            updated_node = updated_node.with_changes(module=module)
        aliases = []
        for alias in names:
            name = get_full_name_for_node(alias.name) or ""
            new = self._modules.get(f"{absolute}.{name}" if absolute else name)
            if new:
                alias = alias.with_changes(
                    name=cst.Name(_last(new)), asname=alias.asname or cst.AsName(cst.Name(name))
                )
            aliases.append(alias)
        return updated_node.with_changes(names=aliases)

    def _absolute(self, node: cst.ImportFrom) -> str | None:
        """The module an import names, relative ones resolved from the file's package."""
        module = get_full_name_for_node(node.module) if node.module else ""
        if not node.relative:
            return module
        parts = self._package.split(".") if self._package else []
        up = len(node.relative) - 1
        if up > len(parts):
            return None
        return ".".join([*parts[: len(parts) - up], *([module] if module else [])])


def _last(dotted: str) -> str:
    return dotted.rpartition(".")[2]


def _dotted(name: str) -> cst.Attribute | cst.Name:
    head, _, last = name.rpartition(".")
    return cst.Attribute(_dotted(head), cst.Name(last)) if head else cst.Name(last)


def _tidy(root: Path, before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, str]:
    """`after` with imports sorted (a renamed module moves in its import block), and formatted
    where `before` was already formatted, all with the project's own ruff settings."""
    if not after:
        return {}
    ruff = find_ruff_bin()
    with tempfile.TemporaryDirectory(prefix="persistgen-") as tmp:
        work = Path(tmp)
        if (root / "pyproject.toml").exists():
            (work / "pyproject.toml").write_text(
                (root / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8"
            )
        formatted = {p for p, text in before.items() if _formats_to(ruff, work, p, text) == text}
        tidy = {}
        for path, text in after.items():
            target = work / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            _ruff(ruff, work, "check", "--select", "I", "--fix", path)
            if path in formatted:
                _ruff(ruff, work, "format", path)
            tidy[path] = target.read_text(encoding="utf-8")
    return tidy


def _formats_to(ruff: str, work: Path, path: str, text: str) -> str:
    target = work / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    _ruff(ruff, work, "format", path)
    return target.read_text(encoding="utf-8")


def _ruff(ruff: str, work: Path, command: str, *args: str) -> None:
    # A file ruff cannot fix or format keeps its text: the rename itself is still right.
    subprocess.run(
        [ruff, command, "--no-cache", "--quiet", *args], cwd=work, capture_output=True, check=False
    )
