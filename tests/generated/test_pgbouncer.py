"""A project generated with `pool: {transaction_pooler: true}` works through a real PgBouncer in
transaction mode: its migrations, its whole test suite (time limits, faults and the deadlock
included), and a burst of concurrent transactions. The same burst fails without the switch, so
the switch is what makes it work."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from persistgen import pipeline
from tests.conftest import ROOT
from tests.generated.project import database_env, run
from tests.pgbouncer import through, transaction_pooler
from tests.postgres import fresh_database

pytestmark = pytest.mark.postgres

SWITCH = "  package: blog\n"

# 40 concurrent transactions of five statements each, over the client connections of one
# process, which PgBouncer multiplexes onto its few server connections.
BURST = """
import asyncio
from sqlalchemy import func, select
from blog.db.engine import engine
from blog.models import User

async def transaction(number: int) -> int:
    async with engine.begin() as connection:
        for offset in range(5):
            await connection.scalar(select(func.count()).where(User.id > number + offset))
        return number

async def main() -> None:
    try:
        done = await asyncio.gather(*(transaction(n) for n in range(40)))
    finally:
        await engine.dispose()
    print(len(done))

asyncio.run(main())
"""

# The app's routes, reads and writes, many at once: each a lone statement, which the routes run
# in autocommit on PostgreSQL, but not behind a transaction pooler.
ROUTES = """
import asyncio
from collections import Counter
from httpx import ASGITransport, AsyncClient
from blog.main import app

async def main() -> None:
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            user = {"email": "first@example.org", "display_name": "First"}
            key = (await client.post("/users", json=user)).json()["id"]

            async def read_and_write(number: int) -> tuple[int, int]:
                read = await client.get(f"/users/{key}")
                user = {"email": f"user-{number}@example.org", "display_name": "User"}
                written = await client.post("/users", json=user)
                return read.status_code, written.status_code

            print(Counter(await asyncio.gather(*(read_and_write(n) for n in range(100)))))

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = (ROOT / "examples" / "blog.yaml").read_text(encoding="utf-8")
    assert SWITCH in spec
    spec = spec.replace(SWITCH, SWITCH + "  pool: {transaction_pooler: true}\n")
    target = tmp_path_factory.mktemp("pooled") / "blog"
    pipeline.new_project(target, spec)
    return target


@contextmanager
def pooled_database(name: str, server_connections: int) -> Iterator[str]:
    """A fresh database on the test server, reached through PgBouncer."""
    with transaction_pooler(server_connections) as port, fresh_database(name) as url:
        yield through(url, port)


@pytest.fixture(scope="module")
def pooled_url() -> Iterator[str]:
    with pooled_database(f"pg_bouncer_{os.getpid()}", server_connections=2) as url:
        yield url


@pytest.fixture
def one_server_url(project: Path) -> Iterator[str]:
    """Every transaction on the same server connection: what one process prepares there, the
    next finds."""
    with pooled_database(f"pg_bouncer_one_{os.getpid()}", server_connections=1) as url:
        run(project, "alembic", "upgrade", "head", database_url=url)
        yield url


def test_the_switch_reaches_the_settings(project: Path) -> None:
    settings = (project / "blog" / "settings.py").read_text(encoding="utf-8")
    assert "transaction_pooler: bool = True" in settings


def test_migrations_and_the_whole_suite_pass_through_pgbouncer(
    project: Path, pooled_url: str
) -> None:
    run(project, "alembic", "upgrade", "head", database_url=pooled_url)
    output = run(project, "pytest", "-q", "-p", "no:cacheprovider", database_url=pooled_url)
    assert " passed" in output and "skipped" not in output and "deselected" not in output


def burst(project: Path, database_url: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = database_env(database_url, pool_size="8", **settings)
    return subprocess.run(
        [sys.executable, "-c", BURST], cwd=project, env=env, capture_output=True, text=True
    )


def test_bursts_from_two_processes_share_one_server_connection(
    project: Path, one_server_url: str
) -> None:
    for _ in range(2):
        result = burst(project, one_server_url)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "40"


def test_without_the_switch_time_limits_are_refused(project: Path, one_server_url: str) -> None:
    result = burst(project, one_server_url, transaction_pooler="false")
    assert result.returncode != 0
    assert "unsupported startup parameter: statement_timeout" in result.stderr


def test_without_the_switch_prepared_statements_collide(project: Path, one_server_url: str) -> None:
    no_limits = {"statement_timeout": "0", "idle_in_transaction_timeout": "0"}
    first = burst(project, one_server_url, transaction_pooler="false", **no_limits)
    second = burst(project, one_server_url, transaction_pooler="false", **no_limits)
    assert first.returncode == 0, first.stderr
    assert second.returncode != 0
    assert "prepared statement" in second.stderr and "already exists" in second.stderr


def test_the_routes_pass_through_with_no_time_limits(project: Path) -> None:
    """With both time limits 0 (set on the role instead, as the README suggests) no `begin`
    listener holds the routes' statements in transactions: the engine's mark of the pooler
    does. A lone statement in autocommit here was prepared on one server connection and run on
    another ("prepared statement ... does not exist")."""
    with pooled_database(f"pg_bouncer_routes_{os.getpid()}", server_connections=2) as url:
        run(project, "alembic", "upgrade", "head", database_url=url)
        no_limits = {"statement_timeout": "0", "idle_in_transaction_timeout": "0"}
        env = {**database_env(url, pool_size="8", **no_limits), "CURSOR_SECRET": "test"}
        result = subprocess.run(
            [sys.executable, "-c", ROUTES], cwd=project, env=env, capture_output=True, text=True
        )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "Counter({(200, 201): 100})"
