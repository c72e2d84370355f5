"""A generated service, served by uvicorn on a real socket over PostgreSQL, through a database
restart and through clients that hang up mid-request.

The server is a private one (initdb'd by the test), so restarting it disturbs nothing else."""

from __future__ import annotations

import asyncio
import random
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.conftest import ROOT
from tests.generated.project import free_port, run, served
from tests.golden_tree import generate_example
from tests.postgres import PrivateServer, private_server

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, PrivateServer]]:
    """The blog example, migrated on a private PostgreSQL server."""
    project = generate_example(ROOT / "examples" / "blog.yaml", tmp_path_factory.mktemp("served"))
    with private_server(free_port()) as server:
        run(project, "alembic", "upgrade", "head", database_url=server.url)
        yield project, server


@pytest.fixture(scope="module")
def service(database: tuple[Path, PrivateServer]) -> Iterator[httpx.Client]:
    project, server = database
    # A short pool timeout: /health/db must answer (503) while every connection is held.
    settings = {"pool_size": "5", "max_overflow": "0", "pool_timeout": "1"}
    with (
        served(project, server.url, **settings) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        yield client


def new_user(client: httpx.Client) -> httpx.Response:
    n = random.getrandbits(64)
    return client.post("/users", json={"email": f"u{n}@example.com", "display_name": f"u{n}"})


def checked_out(client: httpx.Client) -> int:
    count: int = client.get("/health/db").json()["pool"]["checked_out"]
    return count


def test_requests_succeed_after_a_restart_and_no_acknowledged_write_is_lost(
    service: httpx.Client, database: tuple[Path, PrivateServer]
) -> None:
    _, server = database
    acknowledged: list[int] = []
    statuses: list[int] = []
    stop = threading.Event()

    def keep_writing() -> None:
        # Its own client: httpx clients are not shared between threads.
        with httpx.Client(base_url=str(service.base_url), timeout=30) as client:
            while not stop.is_set():
                response = new_user(client)
                statuses.append(response.status_code)
                if response.status_code == 201:
                    acknowledged.append(response.json()["id"])

    for _ in range(5):
        assert new_user(service).status_code == 201  # the pool holds open connections now
    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        time.sleep(0.3)
        server.restart()
        time.sleep(0.3)
    finally:
        stop.set()
        writer.join(timeout=30)

    after = [new_user(service).status_code for _ in range(20)]
    assert after == [201] * 20, "every request after the restart succeeds"
    assert set(statuses) <= {201, 503}, "during it, writes either succeed or say retry (503)"
    assert statuses.count(201) > 10
    for key in acknowledged:
        assert service.get(f"/users/{key}").status_code == 200
    assert wait_until(service, busy=0) == 0


def hang_up(base_url: httpx.URL, request: bytes, after: float) -> None:
    """Send `request` over a new socket and close it `after` seconds later, unanswered."""
    with socket.create_connection((base_url.host, base_url.port or 80)) as connection:
        connection.sendall(request)
        time.sleep(after)


def raw_post(base_url: httpx.URL, path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {base_url.host}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def metric(client: httpx.Client, name: str) -> float:
    """The primary pool's `name` as `/metrics` shows it now."""
    found = re.search(rf'^{name}{{engine="primary"}} (\S+)$', client.get("/metrics").text, re.M)
    assert found, f"{name} missing from /metrics"
    return float(found[1])


def wait_until(client: httpx.Client, busy: int) -> int:
    """Poll the pool until `busy` connections are checked out (at most 20 s); the last count."""
    deadline = time.monotonic() + 20
    while (count := checked_out(client)) != busy and time.monotonic() < deadline:
        time.sleep(0.1)
    return count


def test_clients_that_hang_up_leave_no_connection_checked_out(service: httpx.Client) -> None:
    rng = random.Random(5)
    users_before = service.get("/users", params={"limit": 1}).json()["total"]
    for n in range(1000):
        body = f'{{"email": "gone{n}@example.com", "display_name": "gone"}}'.encode()
        hang_up(service.base_url, raw_post(service.base_url, "/users", body), rng.random() / 500)
    assert wait_until(service, busy=0) == 0
    users_after = service.get("/users", params={"limit": 1}).json()["total"]
    assert users_before <= users_after <= users_before + 1000
    assert new_user(service).status_code == 201


def test_clients_that_hang_up_mid_query_leave_no_connection_checked_out(
    service: httpx.Client, database: tuple[Path, PrivateServer]
) -> None:
    """Requests blocked inside a query (on a table lock) when their clients hang up."""
    _, server = database
    request = f"GET /users HTTP/1.1\r\nHost: {service.base_url.host}\r\n\r\n".encode()

    async def blocked_requests() -> None:
        locker = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{server.port}/postgres")
        try:
            async with locker.transaction():
                await locker.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
                threads = [
                    threading.Thread(target=hang_up, args=(service.base_url, request, 0.3))
                    for _ in range(20)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                assert wait_until(service, busy=5) == 5  # every connection waits on the lock
                assert metric(service, "db_pool_checked_out") == 5
                await asyncio.sleep(1.5)  # the requests queued behind the five have timed out
                timeouts = metric(service, "db_pool_checkout_timeouts_total")
                exhausted = service.get("/users")  # waits pool_timeout (1 s), then gives up
                assert exhausted.status_code == 503
                assert metric(service, "db_pool_checkout_timeouts_total") == timeouts + 1
        finally:
            await locker.close()

    asyncio.run(blocked_requests())
    assert wait_until(service, busy=0) == 0
    assert service.get("/users").status_code == 200
