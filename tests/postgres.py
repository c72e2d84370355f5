"""Throw-away PostgreSQL databases for the generated projects' tests.

The server comes from PERSISTGEN_TEST_POSTGRES_URL (default: the local one). Without a server
the tests are skipped locally, but fail under CI=true: CI must never skip them silently. Tests
that restart the server get a private one instead, from the local PostgreSQL binaries.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL


def _admin_dsn() -> str:
    return make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(hide_password=False)


async def _execute(*statements: str) -> None:
    connection = await asyncpg.connect(_admin_dsn(), timeout=5)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def _require_server() -> None:
    try:
        asyncio.run(_execute("SELECT 1"))
    except (OSError, asyncpg.PostgresError) as exc:
        message = f"PostgreSQL at {POSTGRES_URL} is not reachable: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def fresh_database(name: str) -> Iterator[str]:
    """Create an empty database `name` (dropping any leftover) and yield its SQLAlchemy URL.
    PERSISTGEN_TEST_DB_PREFIX, if set, goes before every name: runs sharing a server keep to
    databases of their own."""
    _require_server()
    name = (os.environ.get("PERSISTGEN_TEST_DB_PREFIX", "") + name).replace("-", "_").lower()
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    # A zone far from UTC, with an odd offset: code that leans on the server's time zone
    # instead of UTC fails here, as it would on a server configured abroad.
    zone = f"ALTER DATABASE \"{name}\" SET timezone = 'Asia/Kathmandu'"
    asyncio.run(_execute(drop, f'CREATE DATABASE "{name}"', zone))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_execute(drop))


@dataclass(frozen=True)
class PrivateServer:
    """A PostgreSQL server of the tests' own, which they may stop and restart at will."""

    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        command = ["pg_ctl", "-D", str(self.directory / "data"), "-o", options, "-w", *args]
        _as_server_user(command, log=self.directory / "commands.log")

    def restart(self) -> None:
        self.pg_ctl("-m", "fast", "restart")


def _server_binaries() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        message = "PostgreSQL's server binaries (initdb, pg_ctl) are not installed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found[-1].parent


def _as_server_user(command: list[str], log: Path) -> None:
    """Run a server binary; PostgreSQL refuses root, so under root run it as `postgres`."""
    command = [str(_server_binaries() / command[0]), *command[1:]]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    with log.open("a") as output:
        subprocess.run(command, check=True, stdout=output, stderr=subprocess.STDOUT, timeout=60)


@contextmanager
def private_server(
    port: int, *, standby_of: PrivateServer | None = None
) -> Iterator[PrivateServer]:
    """initdb a throw-away cluster, start it on `port`, and remove it afterwards. `standby_of` a
    running private server: a streaming standby of it instead (`pg_basebackup -R`), read-only,
    replaying the primary's WAL as it comes."""
    directory = Path(tempfile.mkdtemp(prefix="postgres-"))
    server = PrivateServer(directory, port)
    try:
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres")
        if standby_of is None:
            command = ["initdb", "-D", str(directory / "data"), "-A", "trust", "-U", "postgres"]
        else:
            source = ["-h", "127.0.0.1", "-p", str(standby_of.port), "-U", "postgres"]
            command = ["pg_basebackup", *source, "-D", str(directory / "data"), "-R"]
            command += ["-X", "stream", "-c", "fast"]
        _as_server_user([*command, "--no-sync"], log=directory / "commands.log")
        server.pg_ctl("-l", str(directory / "data" / "server.log"), "start")
        yield server
    finally:
        if (directory / "data" / "postmaster.pid").exists():
            server.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(directory, ignore_errors=True)


def sql(url: str, statement: str, *args: object) -> list[tuple[object, ...]]:
    """Run one statement (committed) on the PostgreSQL database at `url`; its rows, if any."""

    async def main() -> list[tuple[object, ...]]:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(dsn, timeout=5)
        try:
            return [tuple(row) for row in await connection.fetch(statement, *args)]
        finally:
            await connection.close()

    return asyncio.run(main())


def columns(url: str, table: str) -> list[str]:
    """The columns of `table` in the database at `url`, in their order."""
    statement = (
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position"
    )
    return [str(name) for (name,) in sql(url, statement, table)]
