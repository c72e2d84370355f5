"""Traffic for benchmarks/live_migration.py: releases of a generated app served by uvicorn, and
clients that keep reading and writing through them, recording every request.

A release is a copy of the project as it was when deployed, so regenerating the project for the
next step never touches the code a running server imports."""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

CLOCK = time.perf_counter
# The driver's own error in a logged traceback, which SQLAlchemy's chains `from` it.
_ASYNCPG_ERROR = re.compile(r"asyncpg\.exceptions\.(\w+): (.*)")
_OPERATIONS = (("get", 50), ("list", 20), ("create", 15), ("update", 15))


@dataclass(frozen=True)
class Sample:
    """One request: when it started (seconds since the run began), how long it took, what it
    was, its status (0: no answer) and, if it failed, what kind of failure."""

    start: float
    seconds: float
    operation: str
    status: int
    failure: str
    release: int


@dataclass(frozen=True)
class LogLine:
    at: float
    release: int
    text: str


@dataclass
class Release:
    """One deployed version of the app: its process, port, log and the Create schema it serves."""

    number: int
    directory: Path
    port: int
    process: asyncio.subprocess.Process | None = None
    create_fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    reader: asyncio.Task[None] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def start_release(
    number: int, project: Path, releases: Path, env: dict[str, str], log: list[LogLine], t0: float
) -> Release:
    """Copy the project as it is now, serve the copy, and wait until it answers."""
    directory = releases / f"v{number}"
    shutil.copytree(project, directory)
    release = Release(number, directory, free_port())
    package = next(p.name for p in directory.iterdir() if (p / "db" / "session.py").exists())
    release.process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "uvicorn",
        f"{package}.main:app",
        "--port",
        str(release.port),
        "--log-level",
        "warning",
        "--no-access-log",
        cwd=directory,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    release.reader = asyncio.create_task(_read_log(release, log, t0))
    try:
        await _serving(release, log)
    except BaseException:
        await stop_release(release)
        raise
    return release


async def _serving(release: Release, log: list[LogLine]) -> None:
    """Wait until the release answers; read the Create schema it serves."""
    assert release.process is not None
    number = release.number
    async with httpx.AsyncClient(base_url=release.base, timeout=5) as client:
        deadline = CLOCK() + 90
        while CLOCK() < deadline:
            if release.process.returncode is not None:
                raise RuntimeError(f"release {number} exited: {_tail(log, number)}")
            try:
                if (await client.get("/health/db")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
        else:
            raise RuntimeError(f"release {number} did not answer: {_tail(log, number)}")
        document = (await client.get("/openapi.json")).json()
    schema = document["components"]["schemas"]["BookCreate"]
    release.create_fields = {
        name: prop for name, prop in schema["properties"].items() if not prop.get("readOnly")
    }


async def stop_release(release: Release) -> None:
    """SIGTERM: uvicorn finishes the requests it holds, then exits."""
    process = release.process
    if process is None or process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 60)
    except TimeoutError:
        process.kill()
        await process.wait()
    if release.reader is not None:
        await release.reader


async def _read_log(release: Release, log: list[LogLine], t0: float) -> None:
    assert release.process is not None and release.process.stdout is not None
    async for raw in release.process.stdout:
        log.append(LogLine(CLOCK() - t0, release.number, raw.decode(errors="replace").rstrip()))


def _tail(log: list[LogLine], number: int) -> str:
    return "\n".join([line.text for line in log if line.release == number][-20:])


def error_causes(lines: list[LogLine]) -> dict[str, int]:
    """The database errors the servers logged, by asyncpg exception and message."""
    causes: dict[str, int] = {}
    for line in lines:
        if found := _ASYNCPG_ERROR.match(line.text):
            cause = f"{found.group(1)}: {found.group(2)[:70]}"
            causes[cause] = causes.get(cause, 0) + 1
    return causes


@dataclass
class Driver:
    """`clients` concurrent clients, each sending a request then pausing about `pause` seconds:
    reads by key, pages of one author's books, creates, and updates, on loaded rows."""

    rows: int
    authors: int
    clients: int
    pause: float
    t0: float
    release: Release | None = None
    samples: list[Sample] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    counter: int = 0
    in_flight: dict[int, int] = field(default_factory=dict)  # by release

    async def drain(self, release: Release) -> None:
        """Wait (at most a minute) until no request to `release` is unanswered, as a load
        balancer does before it stops a server: no request fails for the restart itself."""
        deadline = CLOCK() + 60
        while self.in_flight.get(release.number) and CLOCK() < deadline:
            await asyncio.sleep(0.05)

    async def run(self, stop: asyncio.Event) -> None:
        limits = httpx.Limits(max_connections=self.clients * 2)
        timeout = httpx.Timeout(300, connect=10)
        async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
            await asyncio.gather(*(self._client(client, stop) for _ in range(self.clients)))

    async def _client(self, client: httpx.AsyncClient, stop: asyncio.Event) -> None:
        names = [name for name, _ in _OPERATIONS]
        weights = [weight for _, weight in _OPERATIONS]
        while not stop.is_set():
            release = self.release
            assert release is not None
            operation = random.choices(names, weights)[0]
            start = CLOCK()
            self.in_flight[release.number] = self.in_flight.get(release.number, 0) + 1
            try:
                status, failure = await self._send(client, release, operation)
            finally:
                self.in_flight[release.number] -= 1
            self.samples.append(
                Sample(start - self.t0, CLOCK() - start, operation, status, failure, release.number)
            )
            await asyncio.sleep(random.uniform(0, 2 * self.pause))

    async def _send(
        self, client: httpx.AsyncClient, release: Release, operation: str
    ) -> tuple[int, str]:
        base = release.base
        try:
            if operation == "get":
                response = await client.get(f"{base}/books/{random.randint(1, self.rows)}")
            elif operation == "list":
                params = {"author_id": random.randint(1, self.authors), "limit": 20}
                response = await client.get(f"{base}/books", params=params)
            elif operation == "create":
                response = await client.post(f"{base}/books", json=self._new_book(release))
                if response.status_code == 201:
                    self.created.append(response.json()["id"])
            else:
                body = {"pages": random.randint(1, 2000)}
                response = await client.patch(
                    f"{base}/books/{random.randint(1, self.rows)}", json=body
                )
        except httpx.TransportError as exc:
            return 0, f"no answer ({type(exc).__name__})"
        if response.is_success:
            return response.status_code, ""
        return response.status_code, _failure(response)

    def _new_book(self, release: Release) -> dict[str, Any]:
        """Every field the release's Create schema takes: unique strings, keys of loaded
        authors, small numbers."""
        self.counter += 1
        book: dict[str, Any] = {}
        for name, prop in release.create_fields.items():
            kind = _json_type(prop)
            if kind == "string":
                text = f"{name[:2]}{os.getpid()}-{self.counter}"
                book[name] = text[: prop.get("maxLength", len(text))]
            elif kind == "integer":
                is_key = name.endswith("_id")
                book[name] = random.randint(1, self.authors) if is_key else random.randint(1, 900)
        return book


def _json_type(prop: dict[str, Any]) -> str:
    if "type" in prop:
        return str(prop["type"])
    kinds = [option.get("type") for option in prop.get("anyOf", [])]
    return next((str(kind) for kind in kinds if kind not in (None, "null")), "")


def _failure(response: httpx.Response) -> str:
    """`504 timeout`, `422 not-null-violation`: the status and the problem's kind."""
    try:
        kind = str(response.json().get("type", "")).rpartition("/")[2]
    except ValueError:
        kind = ""
    return f"{response.status_code} {kind}".strip()
