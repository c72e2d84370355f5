"""Your Python files with a renamed resource's names rewritten, syntax-aware (libcst), then
tidied with ruff as the project tidies them: the part of `carry.py` that only a rename needs,
kept apart so that every other run does without importing libcst."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

import libcst as cst
from libcst.helpers import get_full_name_for_node
from ruff.__main__ import find_ruff_bin

from persistgen.errors import Problem, UserError


def rewrite(
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
        rewritten[path] = tree.visit(Renamer(names, modules, _package_of(path))).code
    if problems:
        raise UserError(problems)
    changed = {p: t for p, t in rewritten.items() if t != sources[p]}
    return {**rewritten, **_tidy(root, {p: sources[p] for p in changed}, changed)}


def _package_of(path: str) -> str:
    """The dotted package a project file is in: `pkg/api/custom.py` -> `pkg.api`."""
    return ".".join(Path(path).parent.parts)


class Renamer(cst.CSTTransformer):
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
