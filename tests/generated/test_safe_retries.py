"""A write whose answer never reached the client, retried: the blog example served by uvicorn on
a private PostgreSQL, behind a proxy that hangs up on the client once the write committed and
kills the service's database connections at that moment.

The proxy passes the request on and waits for the answer to begin, which the service sends only
after its commit (the routes commit before responding); then it terminates the service's
database backends and resets the client's connection, unanswered. The client cannot tell
whether its write happened: only a retry with the same `Idempotency-Key` is safe.
"""

from __future__ import annotations

import socket
import struct
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from tests.generated.project import free_port, run, served
from tests.golden_tree import generate_example
from tests.postgres import PrivateServer, private_server, sql

pytestmark = pytest.mark.postgres

APPLICATION = "safe-retries"  # the service's connections, as pg_stat_activity names them


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, PrivateServer]]:
    project = generate_example(ROOT / "examples" / "blog.yaml", tmp_path_factory.mktemp("retry"))
    with private_server(free_port()) as server:
        run(project, "alembic", "upgrade", "head", database_url=server.url)
        yield project, server


@pytest.fixture(scope="module")
def base_url(database: tuple[Path, PrivateServer]) -> Iterator[str]:
    project, server = database
    with served(project, server.url, application_name=APPLICATION) as base:
        yield base


@pytest.fixture(scope="module")
def post_id(base_url: str) -> int:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        user = client.post("/users", json={"email": "a@example.com", "display_name": "A"})
        post = {"title": "T", "slug": "t", "body": "B", "author_id": user.json()["id"]}
        key: int = client.post("/posts", json=post).json()["id"]
    return key


def read_message(connection: socket.socket) -> bytes:
    """One HTTP/1.1 message (head and a Content-Length body) from `connection`."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += _received(connection)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length:
        body += _received(connection)
    return head + b"\r\n\r\n" + body


def _received(connection: socket.socket) -> bytes:
    chunk = connection.recv(65536)
    if not chunk:
        raise ConnectionError("the connection closed mid-message")
    return chunk


def cut_after_commit(
    listener: socket.socket, service: tuple[str, int], kill: Callable[[], None]
) -> bytes:
    """Proxy one request to `service`; once its answer came (the write committed), `kill` the
    service's database connections and reset the client's, unanswered. The answer it kept."""
    client, _ = listener.accept()
    with client, socket.create_connection(service) as upstream:
        upstream.sendall(read_message(client))
        answer = read_message(upstream)
        kill()
        # Linger 0: close() sends a reset, and none of the answer.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return answer


def body_of(message: bytes) -> bytes:
    return message.partition(b"\r\n\r\n")[2]


def post_unanswered(
    base_url: str,
    server: PrivateServer,
    path: str,
    body: dict[str, object],
    headers: dict[str, str],
) -> bytes:
    """POST through the cutting proxy: the client gets no answer. What the service answered."""
    service = httpx.URL(base_url)

    def kill() -> None:
        terminated = sql(
            server.url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            APPLICATION,
        )
        assert terminated, "the service held no database connection to kill"

    with socket.create_server(("127.0.0.1", 0)) as listener, ThreadPoolExecutor(1) as pool:
        port = listener.getsockname()[1]
        cut = pool.submit(cut_after_commit, listener, (service.host, service.port or 80), kill)
        with (
            httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client,
            pytest.raises(httpx.TransportError),
        ):
            client.post(path, json=body, headers=headers)
        return cut.result(timeout=30)


def retried(
    base_url: str, path: str, body: dict[str, object], headers: dict[str, str]
) -> httpx.Response:
    """POST again, as a client does: again after a 503 (a connection the kill left in the
    service's pool), at most five times."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for _ in range(5):
            answer = client.post(path, json=body, headers=headers)
            if answer.status_code != 503:
                break
    return answer


def comments_saying(server: PrivateServer, text: str) -> list[int]:
    rows = sql(server.url, "SELECT id FROM comments WHERE body = $1 ORDER BY id", text)
    return [int(str(row[0])) for row in rows]


def test_a_retry_with_the_key_returns_the_committed_row_and_adds_none(
    base_url: str, database: tuple[Path, PrivateServer], post_id: int
) -> None:
    _, server = database
    text = f"keyed {uuid.uuid4()}"
    comment: dict[str, object] = {"post_id": post_id, "body": text}
    headers = {"Idempotency-Key": str(uuid.uuid4())}

    original = post_unanswered(base_url, server, "/comments", comment, headers)
    assert original.startswith(b"HTTP/1.1 201"), original
    assert len(comments_saying(server, text)) == 1  # committed, though the client never heard

    retry = retried(base_url, "/comments", comment, headers)
    assert retry.status_code == 201, retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.content == body_of(original)
    assert comments_saying(server, text) == [retry.json()["id"]]


def test_a_retry_without_a_key_writes_the_row_twice(
    base_url: str, database: tuple[Path, PrivateServer], post_id: int
) -> None:
    """What the key prevents: the same cut, then a plain retry, duplicates the comment."""
    _, server = database
    text = f"unkeyed {uuid.uuid4()}"
    comment: dict[str, object] = {"post_id": post_id, "body": text}

    assert post_unanswered(base_url, server, "/comments", comment, {}).startswith(b"HTTP/1.1 201")
    assert retried(base_url, "/comments", comment, {}).status_code == 201
    assert len(comments_saying(server, text)) == 2


def test_the_purge_command_deletes_expired_keys_only(
    base_url: str, database: tuple[Path, PrivateServer], post_id: int
) -> None:
    project, server = database
    keys = [f"purge-{uuid.uuid4()}" for _ in range(2)]
    for key in keys:
        comment = {"post_id": post_id, "body": key}
        assert retried(base_url, "/comments", comment, {"Idempotency-Key": key}).status_code == 201
    sql(
        server.url,
        "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1",
        keys[0],
    )
    output = run(project, "blog.api.idempotency", database_url=server.url)
    assert "1 expired idempotency keys deleted" in output
    left = sql(server.url, "SELECT key FROM idempotency_keys WHERE key = ANY($1)", keys)
    assert left == [(keys[1],)]
