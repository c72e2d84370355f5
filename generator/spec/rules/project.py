"""Rules on the `project` section: names, the package, the database URL, the schema."""

from __future__ import annotations

import keyword
import re
import sys
from collections.abc import Iterator

from persistgen import naming
from persistgen.spec.model import Spec
from persistgen.spec.rules.finding import Finding

_ASYNC_URL = re.compile(r"^(sqlite\+aiosqlite|postgresql\+asyncpg)://")


_DIST_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")


# The project's directory comes first on sys.path (`python -m`, uvicorn, alembic), so a package
# named like a standard library module replaces it for everything the project imports.
# Built-in modules load before any path entry and cannot be hidden.
_SHADOWED_STDLIB = sys.stdlib_module_names - set(sys.builtin_module_names)
_RESERVED_PACKAGES = {"tests", "migrations", "alembic", "sqlalchemy", "fastapi", "pydantic"}


def findings(spec: Spec) -> Iterator[Finding]:
    project = spec.project
    if not _DIST_NAME.match(project.name):
        yield Finding(
            ("project", "name"),
            f"`{project.name}` is not a valid project name",
            "use letters, digits, `-`, `_` or `.`, starting with a letter",
        )
    package = project.python_package
    issue = _package_problem(package)
    if issue and project.package is not None:
        yield Finding(
            ("project", "package"), f"the package `{package}` {issue[0]}", f"use `{issue[1]}`"
        )
    elif issue and _DIST_NAME.match(project.name):
        yield Finding(
            ("project", "name"),
            f"the package named after the project, `{package}`, {issue[0]}",
            f"add `package: {issue[1]}` under `project`",
        )
    if project.database_url is not None and not _ASYNC_URL.match(project.database_url):
        yield _database_url(project.database_url)
    schema_issue = project.schema_ and naming.schema_problem(project.schema_)
    if schema_issue:
        yield Finding(
            ("project", "schema"),
            f"`{project.schema_}`: {schema_issue[0]}",
            f"use {schema_issue[1]}",
        )


def _package_problem(package: str) -> tuple[str, str] | None:
    """Why `package` cannot be the generated Python package, and a fix; None if it can."""
    problem = naming.attribute_problem(package)
    if problem and problem[0].startswith("field names"):
        return "is not a lower snake_case identifier", problem[1].strip("`")
    if keyword.iskeyword(package):
        return "is a Python keyword", f"{package}_app"
    if package in _RESERVED_PACKAGES or problem:
        return "would clash with a module the project needs", f"{package}_app"
    if package in naming.DEVICE_NAMES:
        return "is a device name on Windows, not a directory", f"{package}_app"
    if package in _SHADOWED_STDLIB:
        return "would hide the standard library module of that name", f"{package}_app"
    return None


def _database_url(url: str) -> Finding:
    scheme = url.partition("://")[0] if "://" in url else ""
    if scheme.split("+")[0] == "sqlite":
        hint = f"write `sqlite+aiosqlite://` instead of `{scheme}://`"
    elif scheme.split("+")[0] in ("postgresql", "postgres"):
        hint = f"write `postgresql+asyncpg://` instead of `{scheme}://`"
    else:
        hint = "use `sqlite+aiosqlite:///./app.db` or `postgresql+asyncpg://user@host/db`"
    shown = f"`{scheme}://`" if scheme else "this database URL"
    return Finding(
        ("project", "database_url"),
        f"{shown} does not name an async driver (sqlite+aiosqlite or postgresql+asyncpg)",
        hint,
    )
