"""Read replicas on real streaming replication: a private primary and two standbys made with
`pg_basebackup -R` (tests/postgres.py), the blog example served by uvicorn against them.

Replay is paused on a standby (`pg_wal_replay_pause()`) to hold it at a known, older state: what
a read answers then tells which server answered it.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from persistgen import pipeline
from tests.conftest import ROOT
from tests.generated.project import database_env, free_port, run, served
from tests.postgres import PrivateServer, private_server, sql

pytestmark = pytest.mark.postgres

DATABASE = "pgr_blog"
CHECK_INTERVAL = "0.2"
_emails = count()


@dataclass(frozen=True)
class Cluster:
    primary: PrivateServer
    standbys: tuple[PrivateServer, PrivateServer]

    @property
    def url(self) -> str:
        return _on(self.primary)

    @property
    def replica_urls(self) -> str:
        return ",".join(_on(standby) for standby in self.standbys)


def _on(server: PrivateServer) -> str:
    return make_url(server.url).set(database=DATABASE).render_as_string(hide_password=False)


def _users(server: PrivateServer) -> int:
    return int(str(sql(_on(server), "SELECT count(*) FROM users")[0][0]))


def _wait_until(condition: Callable[[], bool], what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("replicas") / "blog"
    pipeline.new_project(target, (ROOT / "examples" / "blog.yaml").read_text(encoding="utf-8"))
    return target


@pytest.fixture(scope="module")
def cluster(project: Path) -> Iterator[Cluster]:
    """A primary with the blog's tables, and two standbys streaming from it."""
    with ExitStack() as stack:
        primary = stack.enter_context(private_server(free_port()))
        sql(primary.url, f"CREATE DATABASE {DATABASE}")
        run(project, "alembic", "upgrade", "head", database_url=_on(primary))
        standbys = tuple(
            stack.enter_context(private_server(free_port(), standby_of=primary)) for _ in range(2)
        )
        yield Cluster(primary, (standbys[0], standbys[1]))


@pytest.fixture(scope="module")
def settings(cluster: Cluster) -> Iterator[dict[str, str]]:
    """The app's settings: both replicas, checked often; a `CURSOR_SECRET` every instance
    started meanwhile shares."""
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("CURSOR_SECRET", "shared by every instance")
        yield {"replica_urls": cluster.replica_urls, "replica_check_interval": CHECK_INTERVAL}


@pytest.fixture(scope="module")
def app(project: Path, cluster: Cluster, settings: dict[str, str]) -> Iterator[str]:
    with served(project, cluster.url, **settings) as base:
        yield base


def _create_user(client: httpx.Client) -> httpx.Response:
    number = next(_emails)
    body = {"email": f"user{number}@example.com", "display_name": f"User {number}"}
    response = client.post("/users", json=body)
    assert response.status_code == 201, response.text
    return response


def _total(client: httpx.Client, **headers: str) -> int:
    response = client.get("/users", headers=headers)
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


def _replicas(base: str) -> list[dict[str, object]]:
    replicas: list[dict[str, object]] = httpx.get(f"{base}/health/db").json()["replicas"]
    return replicas


def _resumed(cluster: Cluster) -> None:
    for standby in cluster.standbys:
        sql(standby.url, "SELECT pg_wal_replay_resume()")
    expected = _users(cluster.primary)
    for standby in cluster.standbys:
        _wait_until(lambda s=standby: _users(s) == expected, "the standbys caught up")


def test_reads_spread_over_both_replicas_and_a_writer_reads_its_writes(
    app: str, cluster: Cluster
) -> None:
    first, second = cluster.standbys
    writer = httpx.Client(base_url=app)
    try:
        # Hold the standbys at two different states: the first at 0 users, the second at 1.
        sql(first.url, "SELECT pg_wal_replay_pause()")
        _create_user(writer)
        _wait_until(lambda: _users(second) == 1, "the second standby replayed the first user")
        sql(second.url, "SELECT pg_wal_replay_pause()")
        token = _create_user(writer).headers["Read-After"]
        assert _users(cluster.primary) == 2
        assert "read_after" in writer.cookies

        # Clients without a token read from the replicas, both of them, never the primary.
        totals = [_total(httpx.Client(base_url=app)) for _ in range(20)]
        assert set(totals) == {0, 1}
        # The writer never reads a state older than its write: by its cookie, or the header.
        assert [_total(writer) for _ in range(10)] == [2] * 10
        with httpx.Client(base_url=app) as echoing:
            assert [_total(echoing, **{"Read-After": token}) for _ in range(4)] == [2] * 4
            forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
            assert {_total(echoing, **{"Read-After": forged}) for _ in range(4)} == {0, 1}
        assert all(replica["in_rotation"] for replica in _replicas(app))

        # Once the replicas have replayed the write, they serve the writer too.
        _resumed(cluster)
        time.sleep(3 * float(CHECK_INTERVAL))
        before = sum(int(str(r["reads"])) for r in _replicas(app))
        assert [_total(writer) for _ in range(10)] == [2] * 10
        assert sum(int(str(r["reads"])) for r in _replicas(app)) == before + 10
    finally:
        writer.close()
        _resumed(cluster)


def test_another_instance_with_the_same_secret_honours_the_token(
    project: Path, app: str, cluster: Cluster, settings: dict[str, str]
) -> None:
    """A write answered by one instance, a read served by another: with `CURSOR_SECRET` shared,
    the second takes the first's token, and the client reads its write."""
    with served(project, cluster.url, **settings) as other, httpx.Client(base_url=app) as writer:
        try:
            for standby in cluster.standbys:
                sql(standby.url, "SELECT pg_wal_replay_pause()")
            token = _create_user(writer).headers["Read-After"]
            latest = _users(cluster.primary)
            assert {_users(standby) for standby in cluster.standbys} == {latest - 1}
            with httpx.Client(base_url=other) as reader:
                assert [_total(reader, **{"Read-After": token}) for _ in range(4)] == [latest] * 4
                assert [_total(reader) for _ in range(4)] == [latest - 1] * 4
        finally:
            _resumed(cluster)


def test_reading_sessions_send_writes_and_locking_reads_to_the_primary(
    project: Path, cluster: Cluster
) -> None:
    script = """
import asyncio
from sqlalchemy import func, select, update
from blog.db.engine import engine, replicas
from blog.db.replicas import REPLICA
from blog.db.session import ReadSessionFactory
from blog.models import User

async def main() -> None:
    port = select(func.inet_server_port(), User.id).limit(1)
    async with ReadSessionFactory(info={REPLICA: replicas.replicas[0]}) as session:
        print(await session.scalar(port))
        print(await session.scalar(port.with_for_update()))
        print(await session.scalar(port))
    async with ReadSessionFactory(info={REPLICA: replicas.replicas[0]}) as session:
        print(await session.scalar(port))
        await session.execute(update(User).values(bio="read here"))
        print(await session.scalar(port))
        await session.rollback()
    for each in (engine, *(replica.engine for replica in replicas.replicas)):
        await each.dispose()

asyncio.run(main())
"""
    email = f"routing{next(_emails)}@example.com"
    sql(
        cluster.url,
        "INSERT INTO users (email, display_name, is_active) VALUES ($1, 'R', true)",
        email,
    )
    _resumed(cluster)
    env = database_env(cluster.url, replica_urls=cluster.replica_urls)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=project, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    primary, replica = str(cluster.primary.port), str(cluster.standbys[0].port)
    # A plain read on the replica; a locking read on the primary, and the reads after it in
    # its transaction; the same after a write.
    assert result.stdout.split() == [replica, primary, primary, replica, primary]


def test_a_replica_lagging_past_the_limit_is_left_out_and_comes_back(
    project: Path, cluster: Cluster
) -> None:
    first, _ = cluster.standbys
    settings = {
        "replica_urls": cluster.replica_urls,
        "replica_check_interval": CHECK_INTERVAL,
        "replica_max_lag": "1",
    }
    with served(project, cluster.url, **settings) as base, httpx.Client(base_url=base) as writer:
        try:
            sql(first.url, "SELECT pg_wal_replay_pause()")
            _create_user(writer)
            expected = _users(cluster.primary)
            _wait_until(lambda: not _replicas(base)[0]["in_rotation"], "the first was left out")
            assert "behind" in str(_replicas(base)[0]["error"])
            assert _replicas(base)[1]["in_rotation"]
            left_out, serving = (str(replica["name"]) for replica in _replicas(base))
            metrics = httpx.get(f"{base}/metrics").text
            assert f'db_replica_in_rotation{{replica="{left_out}"}} 0.0' in metrics
            assert f'db_replica_in_rotation{{replica="{serving}"}} 1.0' in metrics
            # The lagging one serves no read: every one sees the latest state.
            assert {_total(httpx.Client(base_url=base)) for _ in range(10)} == {expected}
        finally:
            _resumed(cluster)
        _wait_until(lambda: bool(_replicas(base)[0]["in_rotation"]), "the first came back")


def test_a_replica_killed_under_a_read_load_costs_no_failed_read(
    app: str, cluster: Cluster
) -> None:
    first, _ = cluster.standbys
    statuses: list[int] = []
    done = threading.Event()

    def reads() -> None:
        with httpx.Client(base_url=app, timeout=10) as client:
            while not done.is_set():
                statuses.append(client.get("/users").status_code)

    with ThreadPoolExecutor(4) as pool:
        load = [pool.submit(reads) for _ in range(4)]
        time.sleep(0.5)
        served_before = int(str(_replicas(app)[0]["reads"]))
        first.pg_ctl("-m", "immediate", "stop")
        before_the_kill = len(statuses)
        time.sleep(1)
        done.set()
        for each in load:
            each.result()
    assert served_before > 0  # the killed one was serving reads
    assert len(statuses) - before_the_kill > 20  # and the load went on past the kill
    assert set(statuses) == {200}
    _wait_until(lambda: not _replicas(app)[0]["in_rotation"], "the killed one was left out")
    assert _replicas(app)[0]["error"]
    assert _replicas(app)[1]["in_rotation"]


def test_without_replicas_nothing_is_added(project: Path, cluster: Cluster) -> None:
    with served(project, cluster.url) as base, httpx.Client(base_url=base) as client:
        response = _create_user(client)
        assert "read-after" not in response.headers
        assert "read_after" not in client.cookies
        assert "replicas" not in httpx.get(f"{base}/health/db").json()


def _multi_host(servers: tuple[PrivateServer, ...]) -> str:
    """One URL naming every server, for the one that takes writes (asyncpg's multi-host form)."""
    hosts = "&".join(f"host=127.0.0.1:{server.port}" for server in servers)
    return f"postgresql+asyncpg://postgres@/{DATABASE}?{hosts}&target_session_attrs=read-write"


def test_failover_to_a_promoted_standby_loses_no_acknowledged_write(project: Path) -> None:
    """Synchronous replication (`synchronous_standby_names`), the primary killed under a write
    load, the standby promoted: every write answered 201 is on the new primary, every other
    answer is a 503 with Retry-After (no 500, no hang), and writes succeed again with no
    restart of the service."""
    with ExitStack() as stack:
        primary = stack.enter_context(private_server(free_port()))
        sql(primary.url, f"CREATE DATABASE {DATABASE}")
        run(project, "alembic", "upgrade", "head", database_url=_on(primary))
        standby = stack.enter_context(private_server(free_port(), standby_of=primary))
        sql(primary.url, "ALTER SYSTEM SET synchronous_standby_names = '*'")
        sql(primary.url, "SELECT pg_reload_conf()")
        synchronous = "SELECT sync_state FROM pg_stat_replication"
        _wait_until(lambda: sql(primary.url, synchronous) == [("sync",)], "replication is sync")
        base = stack.enter_context(served(project, _multi_host((primary, standby))))
        answers = _write_through_a_failover(base, primary, standby)
        created = {email for email, status, _ in answers if status == 201}
        on_new_primary = {str(e) for (e,) in sql(_on(standby), "SELECT email FROM users")}

    assert {status for _, status, _ in answers} <= {201, 503}
    assert all(retry_after for _, status, retry_after in answers if status == 503)
    assert any(status == 503 for _, status, _ in answers)  # the failover did interrupt writes
    assert created <= on_new_primary
    assert [status for _, status, _ in answers[-20:]] == [201] * 20  # recovered, no restart


def _write_through_a_failover(
    base: str, primary: PrivateServer, standby: PrivateServer
) -> list[tuple[str, int, str | None]]:
    """Two clients writing while the primary is killed and the standby promoted, until 20
    writes in a row succeed after the promotion (at most 30 s): each write's email, status and
    Retry-After."""
    answers: list[tuple[str, int, str | None]] = []
    promoted = threading.Event()
    recovered = threading.Event()

    def writes() -> None:
        with httpx.Client(base_url=base, timeout=10) as client:
            deadline = time.monotonic() + 30
            streak = 0
            while time.monotonic() < deadline and not recovered.is_set():
                email = f"failover{next(_emails)}@example.com"
                response = client.post("/users", json={"email": email, "display_name": "F"})
                answers.append((email, response.status_code, response.headers.get("retry-after")))
                streak = streak + 1 if promoted.is_set() and response.status_code == 201 else 0
                if streak >= 20:
                    recovered.set()

    with ThreadPoolExecutor(2) as pool:
        load = [pool.submit(writes) for _ in range(2)]
        time.sleep(1)
        primary.pg_ctl("-m", "immediate", "stop")
        time.sleep(1)
        standby.pg_ctl("promote")
        promoted.set()
        for each in load:
            each.result()
    return answers
