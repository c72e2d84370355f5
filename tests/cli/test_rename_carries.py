"""A renamed resource takes the user's code along: in a real git repository, a project with a
custom repository method, a custom route and a test of its own renames `Book` to `Volume`;
`persistgen generate` moves and rewrites the user's modules, and the project passes ruff,
mypy --strict and its tests, while the migration keeps the rows (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from persistgen import pipeline
from persistgen.errors import UserError
from tests.generated.project import mypy_strict, run
from tests.postgres import fresh_database

SCRIPT = Path(sys.executable).parent / "persistgen"
SPEC = """\
version: 1
project: {name: library}
resources:
  Book:
    fields:
      title: str:200
      status: {type: enum, values: [draft, out]}
"""
RENAMED = SPEC.replace("  Book:\n", "  Volume:\n    renamed_from: Book\n")
REPOSITORY = '''\
"""Data access for book resources."""

from sqlalchemy import select

from library.enums import BookStatus
from library.models.book import Book
from library.repositories.generated.book import BookRepositoryBase
from library.schemas.book import BookRead


class BookRepository(BookRepositoryBase):
    async def titled(self, title: str) -> list[BookRead]:
        """Books titled exactly `title`, drafts left out (a "Book" in a string stays)."""
        statement = select(Book).where(Book.title == title, Book.status != BookStatus.DRAFT)
        rows = await self.session.scalars(statement)
        return [BookRead.model_validate(row) for row in rows]
'''
CUSTOM = '''\
"""Your own routes."""

from fastapi import APIRouter

from library.db.session import SessionDep
from library.repositories.book import BookRepository
from library.schemas.book import BookRead

router = APIRouter()


# BookRepository serves this route: the comment keeps its words.
@router.get("/titled/{title}")
async def titled(title: str, session: SessionDep) -> list[BookRead]:
    return await BookRepository(session).titled(title)
'''
TEST = """\
import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from library import models
from library.enums import BookStatus
from library.repositories.book import BookRepository
from library.schemas.book import BookCreate

pytestmark = pytest.mark.anyio


async def test_titled(client: AsyncClient, session: AsyncSession) -> None:
    repository = BookRepository(session)
    await repository.create(BookCreate(title="Dune", status=BookStatus.OUT))
    await repository.create(BookCreate(title="Dune", status=BookStatus.DRAFT))
    await session.commit()
    response = await client.get("/titled/Dune")
    assert response.status_code == 200
    assert [item["status"] for item in response.json()] == ["out"]
    assert models.Book is BookRepository.model
    assert "Book" in (BookRepository.titled.__doc__ or "")  # a string: renames never touch it
"""


def git(project: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    done = subprocess.run(
        ["git", *args], cwd=project, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def persistgen(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [str(SCRIPT), *args], cwd=project, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A committed project with the user's code around `Book`, and a spec renaming it."""
    pipeline.new_project(tmp_path / "library", SPEC)
    root = tmp_path / "library"
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "generated")
    (root / "library/repositories/book.py").write_text(REPOSITORY, encoding="utf-8")
    (root / "library/api/custom.py").write_text(CUSTOM, encoding="utf-8")
    (root / "tests/test_custom.py").write_text(TEST, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "custom code")
    return root


def rename(root: Path) -> None:
    (root / "persistgen.yaml").write_text(RENAMED, encoding="utf-8")


def seed_sqlite(root: Path, database: Path) -> str:
    url = f"sqlite+aiosqlite:///{database}"
    run(root, "alembic", "upgrade", "head", database_url=url)
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO books (title, status) VALUES ('Dune', 'out'), ('Emma', 'draft')")
    return url


def test_the_users_code_follows_the_renamed_resource(project: Path, tmp_path: Path) -> None:
    url = seed_sqlite(project, tmp_path / "dev.db")
    rename(project)

    done = persistgen(project, "generate")

    assert done.returncode == 0, done.stdout + done.stderr
    status = git(project, "status", "--porcelain")
    for module in ("repositories", "schemas"):
        assert f" D library/{module}/book.py" in status
        assert not (project / f"library/{module}/book.py").exists()
    repository = (project / "library/repositories/volume.py").read_text(encoding="utf-8")
    assert "class VolumeRepository(VolumeRepositoryBase):" in repository
    assert "from library.models.volume import Volume\n" in repository
    assert "select(Volume).where(Volume.title == title, Volume.status != VolumeStatus.DRAFT)" in (
        repository
    )
    assert 'drafts left out (a "Book" in a string stays)' in repository
    schemas = (project / "library/schemas/volume.py").read_text(encoding="utf-8")
    assert "class VolumeCreate(VolumeCreateBase): ..." in schemas
    custom = (project / "library/api/custom.py").read_text(encoding="utf-8")
    assert "from library.repositories.volume import VolumeRepository\n" in custom
    assert "# BookRepository serves this route: the comment keeps its words." in custom
    assert "-> list[VolumeRead]:" in custom
    test = (project / "tests/test_custom.py").read_text(encoding="utf-8")
    assert "models.Volume is VolumeRepository.model" in test and "VolumeCreate(title=" in test

    run(project, "ruff", "check", "--no-cache", ".")
    run(project, "ruff", "format", "--no-cache", "--check", ".")
    output = mypy_strict(project, "library", "tests")
    assert "Success: no issues found" in output
    tests = run(
        project,
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-k",
        "not postgres",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'tests.db'}",
    )
    assert " passed" in tests and " failed" not in tests
    run(project, "alembic", "upgrade", "head", database_url=url)
    with sqlite3.connect(tmp_path / "dev.db") as db:
        assert db.execute("SELECT title, status FROM volumes ORDER BY id").fetchall() == [
            ("Dune", "out"),
            ("Emma", "draft"),
        ]
    assert persistgen(project, "generate", "--check").returncode == 0


@pytest.mark.postgres
def test_the_renamed_table_keeps_its_rows_on_postgres(project: Path) -> None:
    with fresh_database("persistgen_rename_carries") as url:
        run(project, "alembic", "upgrade", "head", database_url=url)
        rows = "INSERT INTO books (title, status) VALUES ('Dune', 'out'), ('Emma', 'draft')"
        _execute(url, rows)
        rename(project)
        assert persistgen(project, "generate").returncode == 0

        run(project, "alembic", "upgrade", "head", database_url=url)

        selected = "SELECT title, status FROM volumes ORDER BY id"
        assert _execute(url, selected) == [("Dune", "out"), ("Emma", "draft")]


def _execute(url: str, statement: str) -> list[tuple[object, ...]]:
    """Run `statement` on the database at `url`, committed; its rows, if any."""

    async def main() -> list[tuple[object, ...]]:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                result = await connection.execute(sa.text(statement))
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            await engine.dispose()

    return asyncio.run(main())


def test_a_module_of_yours_in_the_way_stops_the_run(project: Path) -> None:
    (project / "library/repositories/volume.py").write_text("X = 1\n", encoding="utf-8")
    rename(project)
    before = git(project, "status", "--porcelain")

    with pytest.raises(UserError) as info:
        pipeline.generate(project)

    problem = info.value.problems[0]
    assert "both `library/repositories/book.py` and `library/repositories/volume.py`" in (
        problem.message
    )
    assert "delete `library/repositories/book.py`, then run again" in problem.hint
    assert git(project, "status", "--porcelain") == before  # nothing written


def test_a_file_that_does_not_parse_stops_the_run(project: Path) -> None:
    (project / "library/api/broken.py").write_text("def f(:\n", encoding="utf-8")
    rename(project)
    before = git(project, "status", "--porcelain")

    done = persistgen(project, "generate")

    assert done.returncode != 0
    assert "library/api/broken.py:1" in done.stderr + done.stdout
    assert "does not parse" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    assert git(project, "status", "--porcelain") == before


def test_a_file_that_is_not_utf8_stops_the_run(project: Path) -> None:
    (project / "library/api/legacy.py").write_bytes(b"NAME = '\xe9t\xe9'\n")  # Latin-1
    rename(project)
    before = git(project, "status", "--porcelain")

    done = persistgen(project, "generate")

    assert done.returncode == 2
    assert "library/api/legacy.py" in done.stderr
    assert "it is not UTF-8" in done.stderr
    assert "Traceback" not in done.stderr
    assert git(project, "status", "--porcelain") == before


def test_diff_previews_the_moves_without_writing(project: Path) -> None:
    rename(project)
    before = git(project, "status", "--porcelain")

    outcome = pipeline.generate(project, dry_run=True)

    moved = {c.path: c.status for c in outcome.changes if "book" in c.path or "custom" in c.path}
    assert moved["library/repositories/book.py"] == "removed"
    assert moved["library/api/custom.py"] == "updated"
    assert not outcome.orphans
    assert git(project, "status", "--porcelain") == before


def test_a_stale_resource_name_in_app_setup_fails_the_type_check(project: Path) -> None:
    """Strings are never rewritten, but `resource` is typed `ResourceName`, the `Literal` of the
    resources' module names: after the rename, mypy --strict points at the comparison with the
    old name, which would otherwise drop the auth without a word."""
    app_setup = project / "library/app_setup.py"
    text = app_setup.read_text(encoding="utf-8")
    stale = '    return [Depends(audited)] if resource == "book" else []\n'
    text = text.replace(
        "from fastapi import FastAPI, params", "from fastapi import Depends, FastAPI, params"
    )
    text = text.replace("    return []\n", stale, 1)
    text += "\n\nasync def audited() -> None:\n    pass\n"
    app_setup.write_text(text, encoding="utf-8")
    assert "Success" in mypy_strict(project, "library", "tests")
    rename(project)

    assert persistgen(project, "generate").returncode == 0

    assert stale in app_setup.read_text(encoding="utf-8")
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "library", "tests"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 1
    assert checked.stdout.splitlines()[:-1] == [
        f"library/app_setup.py:{_line_of(app_setup, stale)}: error: Non-overlapping equality check"
        " (left operand type: \"Literal['volume']\", right operand type: \"Literal['book']\")"
        "  [comparison-overlap]"
    ]


def _line_of(path: Path, line: str) -> int:
    return path.read_text(encoding="utf-8").splitlines(keepends=True).index(line) + 1
