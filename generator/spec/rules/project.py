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
# named like a standard library module replaces it for everything the project imports; one
# named like a built-in module cannot be imported at all. The generated project runs on any
# Python from 3.11: the running Python's names, and those only other supported versions have
# (removed in 3.12 and 3.13, added in 3.12 to 3.14), so the verdict is the same on each.
_OTHER_VERSIONS_STDLIB = (
    "_android_support _bootsubprocess _colorize _crypt _interpchannels _interpqueues"
    " _interpreters _ios_support _msi _opcode_metadata _pydatetime _pylong _pyrepl _sha2 _sha256"
    " _sha512 _suggestions _sysconfig _wmi _zstd aifc annotationlib asynchat asyncore audioop cgi"
    " cgitb chunk compression crypt distutils imghdr imp lib2to3 mailcap msilib nis nntplib"
    " ossaudiodev pipes smtpd sndhdr spwd sunau telnetlib uu xdrlib"
)
_STDLIB = sys.stdlib_module_names | set(_OTHER_VERSIONS_STDLIB.split())
# The project's own top-level directories, and what it imports, with what those import.
_PROJECT_MODULES = (
    "tests migrations fastapi starlette pydantic pydantic_core pydantic_settings dotenv"
    " annotated_types annotated_doc typing_extensions typing_inspection sqlalchemy greenlet"
    " alembic mako markupsafe aiosqlite asyncpg uvicorn click h11 anyio sniffio idna httpx"
    " httpcore certifi pytest _pytest pluggy iniconfig packaging mypy mypy_extensions ruff pygments"
)
_RESERVED_PACKAGES = frozenset(_PROJECT_MODULES.split())


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
    yield from _unmanaged(spec)


def _unmanaged(spec: Spec) -> Iterator[Finding]:
    """`unmanaged_tables`: each named once, none a table the spec makes."""
    made = {r.table_name(name): name for name, r in spec.resources.items()}
    seen: set[str] = set()
    for number, table in enumerate(spec.project.unmanaged_tables):
        at = ("project", "unmanaged_tables", number)
        if not table.strip():
            yield Finding(at, "an unmanaged table needs a name", "remove the empty entry")
        elif table in seen:
            yield Finding(at, f"`{table}` is listed twice", "remove one of them")
        elif table in made:
            yield Finding(
                at,
                f"`{table}` is the table of the resource `{made[table]}`, which the spec manages",
                f"remove `{table}` from `unmanaged_tables`, or the resource",
            )
        elif table in (naming.IDEMPOTENCY_TABLE, "alembic_version"):
            yield Finding(at, f"`{table}` is persistgen's own table", f"remove `{table}`")
        seen.add(table)


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
    if package in sys.builtin_module_names:
        return "is a module built into Python, which would hide the project's own", f"{package}_app"
    if package in _STDLIB:
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
