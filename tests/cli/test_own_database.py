"""A user's development database survives the generated tests: they run on a database of their
own, made beside it and dropped afterwards, and refuse to run on the app's own."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.cli.helpers import BLOG
from tests.golden_tree import generate_example
from tests.postgres import fresh_database

URL_VARIABLES = {"DATABASE_URL", "TEST_DATABASE_URL"}

# Three comments, each with its post and their authors, through the project's own code.
SEED = """
import asyncio
from blog.db.engine import engine
from blog.db.session import SessionFactory
from tests import factories

async def main() -> None:
    async with SessionFactory() as session:
        for _ in range(3):
            await factories.create_comment(session)
        await session.commit()
    await engine.dispose()

asyncio.run(main())
"""
# The rows of every table of the app's database, and the migration it is at.
ROWS = """
import asyncio, json
from sqlalchemy import func, select, text
from blog.db.engine import engine
from blog.models import Base

async def main() -> None:
    async with engine.connect() as connection:
        rows = {
            table.name: [list(row) for row in (await connection.execute(select(table)))]
            for table in Base.metadata.sorted_tables
        }
        rows["alembic_version"] = list(await connection.scalars(text(
            "SELECT version_num FROM alembic_version"
        )))
    await engine.dispose()
    print(json.dumps(rows, default=str, sort_keys=True))

asyncio.run(main())
"""


def python(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python <args>` in the project, as its user runs it: the database URL in the
    environment (when given in `env`) and in the project's `.env`."""
    environ = {k: v for k, v in os.environ.items() if k not in URL_VARIABLES}
    environ.update(PYTHONDONTWRITEBYTECODE="1", **env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=project,
        env=environ,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def development_project(parent: Path, url: str) -> tuple[Path, str]:
    """The blog, its database migrated and seeded, named in `.env` and the environment; the
    database's rows."""
    project = generate_example(BLOG, parent)
    (project / ".env").write_text(f"DATABASE_URL={url}\n", encoding="utf-8")
    ok(python(project, "-m", "alembic", "upgrade", "head", DATABASE_URL=url))
    ok(python(project, "-c", SEED, DATABASE_URL=url))
    rows = ok(python(project, "-c", ROWS, DATABASE_URL=url))
    seeded = json.loads(rows)
    assert all(seeded[table] for table in ("users", "posts", "comments", "alembic_version"))
    return project, rows


def run_suite(project: Path, url: str, **env: str) -> subprocess.CompletedProcess[str]:
    return python(project, "-m", "pytest", "-q", "-p", "no:cacheprovider", DATABASE_URL=url, **env)


def test_sqlite_development_rows_survive_the_generated_tests(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    url = f"sqlite+aiosqlite:///{tmp_path / 'dev.db'}"
    project, rows = development_project(tmp_path, url)

    output = ok(run_suite(project, url, TMPDIR=str(scratch)))
    assert " passed" in output and "failed" not in output and "error" not in output

    assert ok(python(project, "-c", ROWS, DATABASE_URL=url)) == rows
    assert list(scratch.iterdir()) == []  # the tests' own database file is gone


def test_sqlite_relative_url_in_env_file_only(tmp_path: Path) -> None:
    """The README's plain `pytest`: the URL only in `.env`, relative to the project."""
    project, rows = development_project(tmp_path, "sqlite+aiosqlite:///./dev.db")
    assert " passed" in ok(python(project, "-m", "pytest", "-q", "-p", "no:cacheprovider"))
    assert ok(python(project, "-c", ROWS)) == rows


@pytest.mark.parametrize(
    "same", ["sqlite+aiosqlite:///{dir}/dev.db", "sqlite:///{dir}/./dev.db"], ids=["as-is", "alias"]
)
def test_a_test_url_naming_the_development_database_is_refused(tmp_path: Path, same: str) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'dev.db'}"
    project, rows = development_project(tmp_path, url)

    done = run_suite(project, url, TEST_DATABASE_URL=same.format(dir=tmp_path))
    assert done.returncode == 4
    assert "ERROR: TEST_DATABASE_URL names the app's own database" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert ok(python(project, "-c", ROWS, DATABASE_URL=url)) == rows


def test_another_test_url_is_used_and_kept(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'dev.db'}"
    project, rows = development_project(tmp_path, url)
    ci = tmp_path / "ci.db"

    ok(run_suite(project, url, TEST_DATABASE_URL=f"sqlite+aiosqlite:///{ci}"))
    assert ci.exists()  # the tests' tables, emptied
    assert ok(python(project, "-c", ROWS, DATABASE_URL=url)) == rows


def databases_like(url: str, prefix: str) -> list[str]:
    async def names() -> list[str]:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(dsn)
        try:
            query = "SELECT datname FROM pg_database WHERE starts_with(datname, $1)"
            return sorted(row[0] for row in await connection.fetch(query, prefix))
        finally:
            await connection.close()

    return asyncio.run(names())


@pytest.mark.postgres
def test_postgres_development_rows_survive_the_generated_tests(tmp_path: Path) -> None:
    name = f"a_own_dev_{os.getpid()}"
    with fresh_database(name) as url:
        project, rows = development_project(tmp_path, url)

        output = ok(run_suite(project, url))
        assert " passed" in output and "deselected" not in output  # PostgreSQL's own tests ran

        assert ok(python(project, "-c", ROWS, DATABASE_URL=url)) == rows
        assert databases_like(url, f"{name}_test_") == []  # dropped after the run

        refused = run_suite(project, url, TEST_DATABASE_URL=url.replace("127.0.0.1", "localhost"))
        assert refused.returncode == 4 and "the app's own database" in refused.stderr
        assert ok(python(project, "-c", ROWS, DATABASE_URL=url)) == rows
