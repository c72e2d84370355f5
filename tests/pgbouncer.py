"""A real PgBouncer in transaction mode in front of the test PostgreSQL server.

`tests/run.sh` installs Debian's pgbouncer package when it is missing. PgBouncer refuses to run
as root, so under root it switches to the `postgres` user, in a directory that user owns.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL
from tests.generated.project import free_port

CONFIG = """\
[databases]
* = host={host} port={port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen_port}
unix_socket_dir =
auth_type = trust
auth_file = {directory}/users.txt
pool_mode = transaction
default_pool_size = {server_connections}
max_client_conn = 200
logfile = {directory}/pgbouncer.log
{user}
{prepared_statements}
"""


def through(url: str, port: int) -> str:
    """`url` with its port replaced: the same server and database, reached through PgBouncer."""
    return make_url(url).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    log_text = log.read_text() if log.exists() else ""
    pytest.fail(f"PgBouncer did not start on port {port}:\n{log_text}")


def _no_prepared_statements(binary: str) -> str:
    """PgBouncer 1.21 and later can track prepared statements itself (on by default from
    1.24); the tests need the classic behaviour, which drivers must cope with."""
    output = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    found = re.search(r"PgBouncer (\d+)\.(\d+)", output)
    version = (int(found[1]), int(found[2])) if found else (0, 0)
    return "max_prepared_statements = 0" if version >= (1, 21) else ""


@contextmanager
def transaction_pooler(server_connections: int, server_url: str = POSTGRES_URL) -> Iterator[int]:
    """Start PgBouncer in front of the test server (or the one at `server_url`) and yield the
    port it listens on. It opens at most `server_connections` per database, so client
    connections share them at once."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        pytest.fail("pgbouncer is not installed; tests/run.sh installs Debian's package")
    server = make_url(server_url)
    port = free_port()
    as_root = os.geteuid() == 0
    directory = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    directory.chmod(0o755)
    (directory / "users.txt").write_text(f'"{server.username}" ""\n')
    config = directory / "pgbouncer.ini"
    config.write_text(
        CONFIG.format(
            user="user = postgres" if as_root else "",
            prepared_statements=_no_prepared_statements(binary),
            host=server.host,
            port=server.port or 5432,
            listen_port=port,
            directory=directory,
            server_connections=server_connections,
        )
    )
    if as_root:  # PgBouncer drops to that user, who must write its log
        for path in [directory, *directory.iterdir()]:
            shutil.chown(path, "postgres")
    process = subprocess.Popen(
        [binary, str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for(port, process, directory / "pgbouncer.log")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)
