"""Many instances: three uvicorn processes of the blog example behind one PgBouncer in
transaction mode, sharing `CURSOR_SECRET`, under a mixed load spread across them. Every
acknowledged create is in the database exactly once (an `Idempotency-Key` retried on another
instance included), a cursor one instance made is followed on the next, and each instance's
`/health/db` is ok afterwards. Without the secret, several worker processes refuse to start;
one process alone starts."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from persistgen import pipeline
from tests.conftest import ROOT
from tests.generated.project import database_env, free_port, package_of, run, served
from tests.pgbouncer import through, transaction_pooler
from tests.postgres import PrivateServer, private_server, sql

pytestmark = pytest.mark.postgres

SWITCH = "  package: blog\n"
SECRET = "shared by the three instances"
COMMENTS = 90  # each created through two instances at once: the write and its retry
READERS = 6  # clients paging through the comments, each page on the next instance
RETRY = {409, 503}  # "try again": the key's first request is still running; no connection


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = (ROOT / "examples" / "blog.yaml").read_text(encoding="utf-8")
    assert SWITCH in spec
    spec = spec.replace(SWITCH, SWITCH + "  pool: {transaction_pooler: true}\n")
    target = tmp_path_factory.mktemp("instances") / "blog"
    pipeline.new_project(target, spec)
    return target


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[PrivateServer]:
    with private_server(free_port()) as server:
        run(project, "alembic", "upgrade", "head", database_url=server.url)
        yield server


@pytest.fixture(scope="module")
def pooled_url(server: PrivateServer) -> Iterator[str]:
    """The server through PgBouncer: 4 server connections for the three instances' 15."""
    with transaction_pooler(4, server.url) as port:
        yield through(server.url, port)


@pytest.fixture(scope="module")
def instances(project: Path, pooled_url: str) -> Iterator[list[str]]:
    """The base URLs of three instances of the app sharing `CURSOR_SECRET`."""
    with ExitStack() as stack, pytest.MonkeyPatch.context() as environment:
        environment.setenv("CURSOR_SECRET", SECRET)
        environment.delenv("WEB_CONCURRENCY", raising=False)
        settings = {"pool_size": "5", "max_overflow": "0"}
        yield [stack.enter_context(served(project, pooled_url, **settings)) for _ in range(3)]


@dataclass
class Load:
    clients: list[httpx.AsyncClient]
    post: int
    statuses: Counter[int] = field(default_factory=Counter)
    acknowledged: dict[str, int] = field(default_factory=dict)  # comment body: its id
    replayed: int = 0
    crossed: int = 0  # cursors made by one instance, followed on another

    async def create(self, n: int) -> None:
        """Comment `n`, sent at once to two instances with one key (a client retrying on
        another instance while the first try runs), again until one of them acknowledges it."""
        body = {"post_id": self.post, "body": f"comment {n}"}
        headers = {"Idempotency-Key": f"comment-{n}"}
        pair = (self.clients[n % 3], self.clients[(n + 1) % 3])
        while True:
            answers = await asyncio.gather(
                *(client.post("/comments", json=body, headers=headers) for client in pair)
            )
            self.statuses.update(answer.status_code for answer in answers)
            done = [answer for answer in answers if answer.status_code == 201]
            assert len({answer.json()["id"] for answer in done}) <= 1, "one write, one id"
            self.replayed += sum("Idempotent-Replayed" in answer.headers for answer in done)
            if done:
                self.acknowledged[body["body"]] = done[0].json()["id"]
                return
            await asyncio.sleep(0.05)

    async def page_through(self, start: int) -> list[int]:
        """Every comment id, 7 a page, each page asked of the next instance with the cursor
        the previous instance made."""
        ids: list[int] = []
        after: str | None = None
        for turn in itertools.count(start):
            params = {"limit": "7", **({"after": after} if after else {})}
            answer = await self.clients[turn % 3].get("/comments", params=params)
            self.statuses[answer.status_code] += 1
            if answer.status_code in RETRY:
                await asyncio.sleep(0.05)
                continue
            assert answer.status_code == 200, answer.text
            page = answer.json()
            ids += [item["id"] for item in page["items"]]
            self.crossed += after is not None
            after = page["next_cursor"]
            if after is None:
                return ids
        raise AssertionError("unreachable")

    async def rename(self, user: int) -> None:
        """Rename `user` five times, each time on the next instance, which the one after reads
        back."""
        for n in range(user, user + 5):
            writer, reader = self.clients[n % 3], self.clients[(n + 1) % 3]
            name = f"name {n}"
            answer = await writer.patch(f"/users/{user}", json={"display_name": name})
            self.statuses[answer.status_code] += 1
            if answer.status_code == 200:
                read = await reader.get(f"/users/{user}")
                self.statuses[read.status_code] += 1
                assert read.status_code in RETRY or read.json()["display_name"] == name


async def drive(bases: list[str]) -> Load:
    async with (
        httpx.AsyncClient(base_url=bases[0], timeout=30) as a,
        httpx.AsyncClient(base_url=bases[1], timeout=30) as b,
        httpx.AsyncClient(base_url=bases[2], timeout=30) as c,
    ):
        users = [
            (
                await a.post("/users", json={"email": f"i{n}@example.com", "display_name": "i"})
            ).json()["id"]
            for n in range(6)
        ]
        post = {"title": "t", "slug": "instances", "body": "b", "author_id": users[0]}
        load = Load([a, b, c], (await b.post("/posts", json=post)).json()["id"])
        # A first page of comments, so that readers page while writers write.
        await asyncio.gather(*(load.create(n) for n in range(20)))
        writes = asyncio.gather(
            *(load.create(n) for n in range(20, COMMENTS)),
            *(load.rename(user) for user in users),
        )
        reads = asyncio.gather(*(load.page_through(start) for start in range(READERS)))
        _, pages = await asyncio.gather(writes, reads)
        for ids in pages:
            assert ids == sorted(set(ids)), "each id once, in order, across the instances"
            assert len(ids) >= 20
        return load


def test_three_instances_behind_pgbouncer_lose_nothing(
    instances: list[str], server: PrivateServer
) -> None:
    load = asyncio.run(drive(instances))

    assert set(load.statuses) <= {200, 201} | RETRY, f"no other answer: {load.statuses}"
    assert load.statuses[201] >= COMMENTS
    assert load.replayed > 0, "a retry on another instance got the first answer again"
    assert load.crossed >= READERS, "cursors made by one instance were followed on another"
    rows = sql(server.url, "SELECT body, count(*), min(id) FROM comments GROUP BY body")
    stored = {body: (count, key) for body, count, key in rows}
    assert len(load.acknowledged) == COMMENTS
    assert stored == {body: (1, key) for body, key in load.acknowledged.items()}, (
        "every acknowledged comment once, with the id its answer gave; nothing else"
    )
    for base in instances:
        health = httpx.get(f"{base}/health/db", timeout=10)
        assert health.status_code == 200 and health.json()["status"] == "ok"


def test_several_workers_without_a_shared_secret_refuse_to_start(
    project: Path, pooled_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CURSOR_SECRET", raising=False)
    env = {**database_env(pooled_url), "WEB_CONCURRENCY": "2"}
    command = [sys.executable, "-m", "uvicorn", f"{package_of(project)}.main:app"]
    result = subprocess.run(
        [*command, "--port", str(free_port())],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = result.stdout + result.stderr
    assert "Startup refused: CURSOR_SECRET is not set" in output
    assert "WEB_CONCURRENCY=2: several worker processes" in output
    assert 'python -c "import secrets; print(secrets.token_urlsafe(32))"' in output
    assert "Traceback" not in output

    # One process needs no secret: it starts, and follows its own cursors.
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    with served(project, pooled_url) as base, httpx.Client(base_url=base, timeout=10) as client:
        for n in range(2):
            user = {"email": f"alone{n}@example.com", "display_name": "alone"}
            assert client.post("/users", json=user).status_code == 201
        first = client.get("/users", params={"limit": 1}).json()
        after = {"limit": 1, "after": first["next_cursor"]}
        assert client.get("/users", params=after).status_code == 200
