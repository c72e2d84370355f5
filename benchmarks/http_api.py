"""The generated HTTP API against hand-written FastAPI services, on PostgreSQL, under wrk.

Generates examples/blog.yaml (its `Post.status` made a filter) into a temporary directory,
creates its tables in a throw-away database, loads 10,000 posts, and serves side by side, each
with uvicorn and one worker, the same pool (10 + 20 overflow, pre-ping as the generated
project's default) on the same server (so the same durability settings):

- generated: the generated app, as `persistgen new` writes it;
- orm: a hand-written FastAPI + SQLAlchemy 2 ORM service (benchmarks/handwritten/orm_service.py);
- asyncpg: a hand-written FastAPI + asyncpg service (benchmarks/handwritten/asyncpg_service.py);
- for the reads only, FastAPI and SQLAlchemy Core the plainest way
  (benchmarks/handwritten/plain_service.py): the guide's session dependency and Core
  SELECTs ("plain session"), and a connection without a dependency ("plain core").

wrk loads each endpoint with 64 keep-alive connections. Each repetition runs every endpoint
through the three services in an order that rotates from repetition to repetition; ratios are
taken within a repetition and printed as min / median / max. Then the reads run the same way
through the generated app and the two plain services. Write runs start from the same
10,000 rows (rows created or deleted by the previous run are reset and the table vacuumed).
Run: python benchmarks/http_api.py [--repetitions 5] [--seconds 3] [--only get,list] [--quick]
(PostgreSQL from PERSISTGEN_TEST_POSTGRES_URL, like the tests; needs `wrk`, Debian's package).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
HANDWRITTEN = Path(__file__).resolve().parent / "handwritten"
DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
ROWS, CONNECTIONS, THREADS, PAGE = 10_000, 64, 2, 50
# Rows added for each delete run, per second of it: more than any service deletes (the asyncpg
# service reached 3,400/s on a quiet spell, past the 3,000 once added, and answered 404s).
DELETES_PER_SECOND = 10_000
# Posts status in rotation: the filtered list matches a third of the rows.
STATUSES = ("draft", "published", "archived")
SERVICES = ("generated", "orm", "asyncpg")
# Serve the reads only: FastAPI and SQLAlchemy Core the plainest way, with the guide's session
# dependency and without.
PLAIN = {"plain session": "session_app", "plain core": "core_app"}
READS = ("get", "list", "list filtered", "keyset page")
WRITES = ("create", "update", "delete")


@dataclass(frozen=True)
class Service:
    name: str
    port: int
    command: list[str]
    cwd: Path
    env: dict[str, str]


@dataclass(frozen=True)
class Figure:
    requests_per_second: float
    p99_ms: float
    errors: int  # non-2xx answers and socket errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3, help="length of each wrk run")
    parser.add_argument("--database", default="persistgen_http_bench")
    parser.add_argument("--quick", action="store_true", help="one short repetition")
    parser.add_argument(
        "--only", default=",".join(READS + WRITES), help="endpoints, comma-separated"
    )
    args = parser.parse_args()
    if args.quick:
        args.repetitions, args.seconds = 1, 1
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    base_url = os.environ.get("PERSISTGEN_TEST_POSTGRES_URL", DEFAULT_URL)
    # Stopped, it still stops its services and drops its database (the `finally` clauses).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    endpoints = tuple(args.only.split(","))
    if unknown := set(endpoints) - {*READS, *WRITES}:
        sys.exit(f"unknown endpoints: {', '.join(sorted(unknown))}")
    asyncio.run(_main(base_url, args.database, endpoints, args.repetitions, args.seconds))


async def _main(
    base_url: str, database: str, endpoints: tuple[str, ...], repetitions: int, seconds: float
) -> None:
    dsn = base_url.replace("postgresql+asyncpg", "postgresql")
    admin = await asyncpg.connect(dsn)
    await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{database}"')
    try:
        bench_dsn = dsn.rsplit("/", 1)[0] + f"/{database}"
        with tempfile.TemporaryDirectory() as tmp:
            project = _generate(Path(tmp))
            _create_tables(project, bench_dsn)
            db = await asyncpg.connect(bench_dsn)
            try:
                author = await _load(db)
                services = _services(project, bench_dsn)
                server = await db.fetchval("SHOW server_version")
                _print_machine(server, services, seconds, repetitions)
                first_round = [s for s in services if s.name in SERVICES]
                runs = (endpoints, repetitions, seconds)
                figures = await _run(db, first_round, author, runs, Path(tmp))
                # Apart, so that five services' pools never hold more than the server allows.
                reads = tuple(endpoint for endpoint in endpoints if endpoint in READS)
                plain_round = [s for s in services if s.name == "generated" or s.name in PLAIN]
                runs = (reads, repetitions, seconds)
                plain = await _run(db, plain_round, author, runs, Path(tmp)) if reads else {}
                _report(figures, plain, repetitions)
            finally:
                await db.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.close()


def _generate(parent: Path) -> Path:
    """The blog example with `Post.status` filterable, for the filtered list."""
    from persistgen import pipeline

    spec = (ROOT / "examples" / "blog.yaml").read_text(encoding="utf-8")
    plain = "default: draft, index: true}"
    assert plain in spec, "examples/blog.yaml changed: update the benchmark's filter"
    spec = spec.replace(plain, "default: draft, index: true, filter: true}")
    target = parent / "blog"
    pipeline.new_project(target, spec)
    return target


def _create_tables(project: Path, dsn: str) -> None:
    """The generated project's migrations, as a user deploys it."""
    env = {**os.environ, "DATABASE_URL": _sqlalchemy_url(dsn), "PYTHONPATH": str(project)}
    alembic = [sys.executable, "-m", "alembic", "upgrade", "head"]
    subprocess.run(alembic, cwd=project, env=env, check=True, capture_output=True)


async def _load(db: asyncpg.Connection) -> int:
    author: int = await db.fetchval(
        "INSERT INTO users (email, display_name, is_active) "
        "VALUES ('bench@example.com', 'Bench', true) RETURNING id"
    )
    await _add_posts(db, author, ROWS, "post")
    await db.execute("VACUUM ANALYZE posts")
    return author


async def _add_posts(db: asyncpg.Connection, author: int, count: int, prefix: str) -> None:
    records = [
        (f"Post {n}", f"{prefix}-{n}", f"Body of post {n}. " * 8, STATUSES[n % 3], n % 100, author)
        for n in range(count)
    ]
    columns = ("title", "slug", "body", "status", "view_count", "author_id")
    await db.copy_records_to_table("posts", records=records, columns=columns)


def _services(project: Path, dsn: str) -> list[Service]:
    url = _sqlalchemy_url(dsn)
    pre_ping = _generated_pre_ping(project)
    common = {**os.environ, "POOL_SIZE": "10", "MAX_OVERFLOW": "20"}
    uvicorn = [sys.executable, "-m", "uvicorn", "--no-access-log", "--log-level", "warning"]
    generated_env = {
        **common,
        "DATABASE_URL": url,
        "DATABASE_POOL_SIZE": "10",
        "DATABASE_MAX_OVERFLOW": "20",
        "CURSOR_SECRET": "benchmark",
        # The dev environment has the `otel` extra (for its test); a project without it traces
        # nothing, and the handwritten services trace nothing: measured alike.
        "OTEL_SDK_DISABLED": "true",
        "PYTHONPATH": str(project),
    }
    handwritten_env = {**common, "DATABASE_URL": url, "POOL_PRE_PING": pre_ping}
    apps = {
        "generated": ("blog.main:app", project, generated_env),
        "orm": ("orm_service:app", HANDWRITTEN, handwritten_env),
        "asyncpg": ("asyncpg_service:app", HANDWRITTEN, handwritten_env),
        **{
            name: (f"plain_service:{app}", HANDWRITTEN, handwritten_env)
            for name, app in PLAIN.items()
        },
    }
    return [
        Service(name, _free_port(), [*uvicorn, app], cwd, env)
        for name, (app, cwd, env) in apps.items()
    ]


def _generated_pre_ping(project: Path) -> str:
    """The generated project's `pool_pre_ping` default, given to the ORM service too."""
    settings = (project / "blog" / "settings.py").read_text(encoding="utf-8")
    found = re.search(r"pool_pre_ping: bool = (True|False)", settings)
    assert found, "no pool_pre_ping in the generated settings"
    return found.group(1).lower()


async def _run(
    db: asyncpg.Connection,
    services: list[Service],
    author: int,
    runs: tuple[tuple[str, ...], int, float],
    scratch: Path,
) -> dict[str, dict[str, list[Figure]]]:
    """Each of `endpoints` through `services`, `repetitions` times; figures[endpoint][service]
    holds one figure per repetition."""
    endpoints, repetitions, seconds = runs
    processes = [_start(service) for service in services]
    try:
        for service in services:
            _wait_until_up(service)
        targets = {s.name: _targets(s, author, scratch) for s in services}
        for service in services:  # warm up: open the pools, fill the statement caches
            for endpoint in ("get", "list"):
                _wrk(targets[service.name][endpoint], min(seconds, 1.0))
        figures: dict[str, dict[str, list[Figure]]] = {}
        for repetition in range(repetitions):
            shift = repetition % len(services)
            order = services[shift:] + services[:shift]
            for endpoint in endpoints:
                for service in order:
                    extra = {"RUN": f"{repetition}-{service.name}"}
                    if endpoint == "delete":
                        extra["FIRST_ID"] = await _deletable(db, author, seconds)
                    figure = _wrk(targets[service.name][endpoint], seconds, extra)
                    figures.setdefault(endpoint, {}).setdefault(service.name, []).append(figure)
                    if endpoint in WRITES:
                        await _reset(db)
        return figures
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _start(service: Service) -> subprocess.Popen[bytes]:
    command = [*service.command, "--port", str(service.port)]
    return subprocess.Popen(command, cwd=service.cwd, env=service.env)


def _wait_until_up(service: Service) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            _get(service, "/posts/1")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _get(service: Service, path: str) -> object:
    with urllib.request.urlopen(f"http://127.0.0.1:{service.port}{path}", timeout=10) as answer:
        return json.loads(answer.read())


def _targets(service: Service, author: int, scratch: Path) -> dict[str, str]:
    """Each endpoint as a wrk argument: a URL, or `script.lua URL` for varying requests."""
    base = f"http://127.0.0.1:{service.port}"
    middle = ROWS // 2
    if service.name == "generated":
        page = _get(service, f"/posts?limit={PAGE}&offset={middle - PAGE}")
        assert isinstance(page, dict) and page["next_cursor"], page
        keyset = f"/posts?limit={PAGE}&after={page['next_cursor']}"
    else:
        keyset = f"/posts?limit={PAGE}&after_id={middle}"
    reads = {
        "get": f"{_script(scratch, 'get', _GET)} {base}",
        "list": f"{base}/posts?limit={PAGE}",
        "list filtered": f"{base}/posts?limit={PAGE}&status=published",
        "keyset page": f"{base}{keyset}",
    }
    if service.name in PLAIN:  # they serve the reads only
        return reads
    return {
        **reads,
        "create": f"{_script(scratch, 'create', _CREATE.replace('AUTHOR', str(author)))} {base}",
        "update": f"{_script(scratch, 'update', _UPDATE)} {base}",
        "delete": f"{_script(scratch, 'delete', _DELETE)} {base}",
    }


# wrk's Lua scripts. Each thread numbers its requests; `tid` (set in `setup`) keeps the
# threads' slugs and deleted ids apart.
_THREADS = """
local threads = 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
local n = 0
"""
_GET = f"""{_THREADS}
function request()
  n = n + 1
  return wrk.format("GET", "/posts/" .. ((n * 7919 + tid * 104729) % {ROWS} + 1))
end
"""
_CREATE = f"""{_THREADS}
local run = os.getenv("RUN")
function request()
  n = n + 1
  local body = string.format(
    '{{"title":"New %d","slug":"new-%s-%d-%d","body":"Body","status":"draft","author_id":AUTHOR}}',
    n, run, tid, n)
  return wrk.format("POST", "/posts", {{["Content-Type"] = "application/json"}}, body)
end
"""
_UPDATE = f"""{_THREADS}
function request()
  n = n + 1
  local id = (n * 7919 + tid * 104729) % {ROWS} + 1
  local body = string.format('{{"title":"Updated %d","view_count":%d}}', n, n % 1000)
  return wrk.format("PATCH", "/posts/" .. id, {{["Content-Type"] = "application/json"}}, body)
end
"""
_DELETE = f"""{_THREADS}
local first = tonumber(os.getenv("FIRST_ID"))
function request()
  local id = first + tid + n * {THREADS}
  n = n + 1
  return wrk.format("DELETE", "/posts/" .. id)
end
"""


def _script(scratch: Path, name: str, text: str) -> str:
    path = scratch / f"{name}.lua"
    path.write_text(text, encoding="utf-8")
    return f"-s {path}"


async def _deletable(db: asyncpg.Connection, author: int, seconds: float) -> str:
    """Add rows for a delete run to delete (more than it can in `seconds`); the first one's id,
    for wrk's script."""
    first = await db.fetchval("SELECT coalesce(max(id), 0) + 1 FROM posts")
    await _add_posts(db, author, int(DELETES_PER_SECOND * seconds), f"gone-{first}")
    return str(await db.fetchval("SELECT min(id) FROM posts WHERE id >= $1", first))


async def _reset(db: asyncpg.Connection) -> None:
    """Back to the 10,000 loaded rows, vacuumed, so each write run starts alike. First the
    requests wrk left in flight finish (the services answer them after wrk has stopped)."""
    await asyncio.sleep(1)
    await db.execute(f"DELETE FROM posts WHERE id > {ROWS}")
    await db.execute("VACUUM ANALYZE posts")


def _wrk(target: str, seconds: float, env: dict[str, str] | None = None) -> Figure:
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "30s",  # a slow answer counts in the latency, not as an error
        *target.split(),
    ]
    environment = {**os.environ, **(env or {})}
    result = subprocess.run(command, capture_output=True, text=True, check=True, env=environment)
    return _parse(result.stdout)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _parse(output: str) -> Figure:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\b", output, re.MULTILINE)
    assert rate and p99, output
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    sockets = re.search(r"Socket errors: (.*)", output)
    errors += sum(int(n) for n in re.findall(r"\d+", sockets.group(1))) if sockets else 0
    return Figure(float(rate.group(1)), float(p99.group(1)) * _UNITS[p99.group(2)], errors)


def _print_machine(server: str, services: list[Service], seconds: float, repetitions: int) -> None:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    versions = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("fastapi", "sqlalchemy", "asyncpg", "pydantic", "uvicorn")
    )
    print(f"machine: {os.cpu_count()} cores, {cpu}; load {_load_average()}")
    print(f"Python {platform.python_version()}, PostgreSQL {server}, {versions}; {wrk.strip()}")
    print(
        f"{ROWS:,} rows; wrk {THREADS} threads, {CONNECTIONS} connections, {seconds:g} s a run; "
        f"{repetitions} repetitions; pool 10 + 20, pre-ping {services[1].env['POOL_PRE_PING']}\n"
    )


def _load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _report(
    figures: dict[str, dict[str, list[Figure]]],
    plain: dict[str, dict[str, list[Figure]]],
    repetitions: int,
) -> None:
    """Per endpoint: each service's median req/s and p99 over the repetitions, then the
    generated app's ratios to each hand-written one within a repetition, min / median / max;
    then each read in the round of the plain services: the generated app's figures in it, and
    the plain services' with its ratios to them."""
    print(f"median of {repetitions} repetitions (req/s, p99 latency)\n")
    print(f"{'endpoint':<14}" + "".join(f"{name:>24}" for name in SERVICES) + "   ratios")
    for endpoint, by_service in figures.items():
        cells = "".join(f"{_cell(by_service[name]):>24}" for name in SERVICES)
        generated = [g.requests_per_second for g in by_service["generated"]]
        ratios = "; ".join(
            f"vs {other} {_ratios(generated, by_service[other])}" for other in SERVICES[1:]
        )
        print(f"{endpoint:<14}{cells}   {ratios}")
    if plain:
        print("\nreads, in a round against FastAPI and SQLAlchemy Core the plainest way:")
        for endpoint, by_service in plain.items():
            generated = [g.requests_per_second for g in by_service["generated"]]
            print(f"  {'generated':<16}{endpoint:<14}{_cell(by_service['generated']):>24}")
            for name in PLAIN:
                ratios = _ratios(generated, by_service[name])
                cell = _cell(by_service[name])
                print(f"  {name:<16}{endpoint:<14}{cell:>24}   generated / it {ratios}")
    print(
        f"\nratio: generated req/s / the other's, within a repetition (min/median/max); "
        f"!N: N answers not 2xx; load {_load_average()}"
    )


def _cell(runs: list[Figure]) -> str:
    rate = statistics.median(f.requests_per_second for f in runs)
    p99 = statistics.median(f.p99_ms for f in runs)
    errors = sum(f.errors for f in runs)
    note = f" !{errors}" if errors else ""
    return f"{rate:>9,.0f}/s p99 {p99:>6.1f} ms{note}"


def _ratios(generated: list[float], other: list[Figure]) -> str:
    values = [g / o.requests_per_second for g, o in zip(generated, other, strict=True)]
    return "/".join(f"{v:.2f}" for v in (min(values), statistics.median(values), max(values)))


def _sqlalchemy_url(dsn: str) -> str:
    return dsn.replace("postgresql", "postgresql+asyncpg", 1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


if __name__ == "__main__":
    main()
