"""Every ordinary customisation has a place of its own, so regeneration never meets it as a
conflict: a dependency in pyproject.toml, an ignore line, CORS and an extra router and auth
through app_setup.py, a setting in app_settings.py, a validator with its test data in
tests/overrides.py. Replayed on a real git repository; the project stays lint-, type- and
test-clean, and a PostgreSQL database migrated before the change keeps its rows, upgrades, and
serves them through the customised app."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from persistgen.render import HEADER
from tests.cli.blog_changes import POSTS, add_subtitle, posts, seed_posts
from tests.cli.conftest import Invoke
from tests.cli.helpers import BLOG, edit, reported
from tests.generated.project import mypy_strict, run, run_script
from tests.postgres import columns, fresh_database

APP_SETUP = '''"""CORS for the web client, a greeting, and an audit header on the comments."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI, Response, params
from fastapi.middleware.cors import CORSMiddleware

from blog.app_settings import get_app_settings

extra = APIRouter()


@extra.get("/hello")
async def hello() -> dict[str, str]:
    return {"greeting": get_app_settings().greeting}


async def audited(response: Response) -> None:
    response.headers["X-Audited"] = "yes"


def configure(app: FastAPI) -> None:
    origins = get_app_settings().allowed_origins
    app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["*"])
    app.include_router(extra)


def dependencies(resource: str, route: str) -> Sequence[params.Depends]:
    return [Depends(audited)] if resource == "comment" else []


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.started = True
    yield
'''

SETTINGS = """
    allowed_origins: list[str] = ["https://example.com"]
    greeting: str = "hello"
"""

CAPITAL_TITLES = """

def _capitalised(title: str | None) -> str | None:
    if title is not None and not title[:1].isupper():
        raise ValueError("a title starts with a capital letter")
    return title


class PostCreate(PostCreateBase):
    capitalised = field_validator("title")(_capitalised)


class PostUpdate(PostUpdateBase):
    capitalised = field_validator("title")(_capitalised)
"""

OVERRIDES = '''"""Titles start with a capital letter."""

import itertools
from collections.abc import Callable
from typing import Any

_numbers = itertools.count(1)


def values(resource: str) -> dict[str, Any]:
    return {"title": f"Title {next(_numbers)}"} if resource == "post" else {}


def update_value(resource: str, field: str, value: Any) -> Any:
    return "Title changed" if (resource, field) == ("post", "title") else value


def dependency_overrides() -> dict[Callable[..., Any], Callable[..., Any]]:
    return {}
'''

CHECK_APP = """
import json
from fastapi.testclient import TestClient
from blog.main import app
with TestClient(app) as client:
    hello = client.get("/hello", headers={"Origin": "https://example.com"})
    print(hello.json()["greeting"], hello.headers["access-control-allow-origin"])
    print(client.get("/comments").headers.get("x-audited"))
    listed = client.get("/posts")
    print(listed.headers.get("x-audited"), app.state.started)
    print(json.dumps([[post["title"], post["subtitle"]] for post in listed.json()["items"]]))
"""


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _own_tests(root: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"],
        cwd=root,
        env={**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'tests.db'}"},
        capture_output=True,
        text=True,
        check=False,
    )


def _customise(root: Path) -> None:
    """What a user does in the first days, each edit in the place made for it."""
    edit(
        root / "pyproject.toml",
        '    "uvicorn>=0.30",\n',
        '    "uvicorn>=0.30",\n    "stripe>=9",  # payments\n',
    )
    with (root / "pyproject.toml").open("a", encoding="utf-8") as file:
        file.write("\n[tool.coverage.run]\nbranch = true\n")
    with (root / ".gitignore").open("a", encoding="utf-8") as file:
        file.write("# local data\n/data/\n")
    (root / "blog/app_setup.py").write_text(APP_SETUP, encoding="utf-8")
    edit(root / "blog/app_settings.py", 'extra="ignore")\n', 'extra="ignore")\n' + SETTINGS)


@pytest.fixture
def database() -> Iterator[str]:
    with fresh_database(f"owned_places_{os.getpid()}") as url:
        yield url


@pytest.mark.postgres
def test_customisations_survive_regeneration_without_a_conflict(
    cli: Invoke, tmp_path: Path, database: str
) -> None:
    assert cli("new", "project", "blog", "--spec", str(BLOG)).exit_code == 0
    root = tmp_path / "blog"
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "generated")
    run(root, "alembic", "upgrade", "head", database_url=database)
    seeded = seed_posts(database)
    _customise(root)

    # A validator in the user's schemas makes the generated tests' data invalid ...
    schemas = root / "blog/schemas/post.py"
    text = schemas.read_text(encoding="utf-8")
    text = text.replace("\n\nclass PostCreate(PostCreateBase): ...\n", "")
    text = text.replace("\n\nclass PostUpdate(PostUpdateBase): ...\n", CAPITAL_TITLES)
    text = text.replace("from blog", "from pydantic import field_validator\n\nfrom blog")
    schemas.write_text(text, encoding="utf-8")
    failing = _own_tests(root, tmp_path)
    assert failing.returncode == 1 and "a title starts with a capital letter" in failing.stdout
    # ... until tests/overrides.py says how to build a valid title.
    (root / "tests/overrides.py").write_text(OVERRIDES, encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "customised")
    customised = {
        path: (root / path).read_text(encoding="utf-8")
        for path in _git(root, "diff", "--name-only", "HEAD~1", "HEAD").split()
    }
    assert set(customised) == {
        "pyproject.toml",
        ".gitignore",
        "blog/app_setup.py",
        "blog/app_settings.py",
        "blog/schemas/post.py",
        "tests/overrides.py",
    }

    add_subtitle(root)
    result = cli("generate", "--project", "blog")

    assert result.exit_code == 0, result.output
    rows = reported(result.stdout)
    assert "conflict" not in rows.values() and "blog/models/post.py" in rows
    assert not set(customised) & set(rows), "a customised file was rewritten"
    for path, text in customised.items():
        assert (root / path).read_text(encoding="utf-8") == text, path
    assert cli("generate", "--project", "blog", "--check").exit_code == 0

    run(root, "ruff", "check", "--no-cache", ".")
    run(root, "ruff", "format", "--no-cache", "--check", ".")
    assert "Success" in mypy_strict(root, "blog", "tests")
    passing = _own_tests(root, tmp_path)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    run(root, "alembic", "upgrade", "head", database_url=database)
    run(root, "alembic", "check", database_url=database)
    assert posts(database) == seeded
    assert "subtitle" in columns(database, "posts")
    served = run_script(root, CHECK_APP, database_url=database)
    assert served[:3] == ["hello https://example.com", "yes", "None True"]
    assert json.loads(served[3]) == [[title, None] for title, _ in POSTS]


def test_a_project_of_an_older_release_keeps_the_user_s_dependency(
    cli: Invoke, tmp_path: Path
) -> None:
    """pyproject.toml with the old "do not edit" header and a user's edit: merged, no conflict."""
    assert cli("new", "project", "blog", "--spec", str(BLOG)).exit_code == 0
    root = tmp_path / "blog"
    pyproject = root / "pyproject.toml"
    old = f"# {HEADER}\n"
    pyproject.write_text(
        old
        + pyproject.read_text(encoding="utf-8").replace(
            '    "asyncpg>=0.29",\n', '    "stripe>=9",\n'
        ),
        encoding="utf-8",
    )

    result = cli("generate", "--project", "blog")

    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == {"pyproject.toml": "updated"}
    text = pyproject.read_text(encoding="utf-8")
    assert not text.startswith("#") and '"stripe>=9"' in text and '"asyncpg>=0.29"' in text
    assert cli("generate", "--project", "blog", "--check").exit_code == 0


AUTH = '''"""A token on every new post."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Header, HTTPException, params, status

from blog.names import ResourceName, RouteName


async def require_token(authorization: Annotated[str | None, Header()] = None) -> None:
    if authorization != "Bearer secret":
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "a token, please")


def configure(app: FastAPI) -> None:
    pass


def dependencies(resource: ResourceName, route: RouteName) -> Sequence[params.Depends]:
    return [Depends(require_token)] if (resource, route) == ("post", "create") else []


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
'''

STAND_IN = '''

async def no_token() -> None:
    """The tests' stand-in for `require_token`."""


def dependency_overrides() -> dict[Callable[..., Any], Callable[..., Any]]:
    return {require_token: no_token}
'''


def test_the_generated_tests_pass_auth_with_the_user_s_stand_in(
    cli: Invoke, tmp_path: Path
) -> None:
    """A token required on one resource's create route makes its generated tests fail with 401,
    until `tests/overrides.py` gives a stand-in, which the `client` fixture puts into FastAPI's
    `app.dependency_overrides` for each test (and takes out after it)."""
    assert cli("new", "project", "blog", "--spec", str(BLOG)).exit_code == 0
    root = tmp_path / "blog"
    (root / "blog/app_setup.py").write_text(AUTH, encoding="utf-8")

    failing = _own_tests(root, tmp_path)

    assert failing.returncode == 1
    assert "assert 401 == 201" in failing.stdout, failing.stdout
    overrides = root / "tests/overrides.py"
    text = overrides.read_text(encoding="utf-8").replace(
        "from blog.names import ResourceName\n",
        "from blog.app_setup import require_token\nfrom blog.names import ResourceName\n",
    )
    text = text[: text.index("\n\ndef dependency_overrides()")] + STAND_IN
    overrides.write_text(text, encoding="utf-8")
    run(root, "ruff", "check", "--no-cache", ".")
    assert "Success" in mypy_strict(root, "blog", "tests")
    passing = _own_tests(root, tmp_path)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    served = subprocess.run(
        [sys.executable, "-c", CHECK_AUTH],
        cwd=root,
        env={**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert served.split() == ["401", "{}"]


CHECK_AUTH = """
from fastapi.testclient import TestClient
from blog.main import app
with TestClient(app) as client:
    print(client.post("/posts", json={}).status_code, app.dependency_overrides)
"""
