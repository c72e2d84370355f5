"""Migrating a live database: a loaded table takes six revisions while clients read and write.

Generates a project (authors and their books) with `persistgen new project`, loads `--rows`
books with COPY, serves the app with uvicorn and keeps clients reading and writing through it.
Then, step by step, it edits the spec (an index, a unique constraint, a foreign key, a column
added nullable then made NOT NULL with a backfill, a rename: with `rolling_deploys` where
persistgen offers it, an expand then a contract step), runs `persistgen generate` and
`alembic upgrade head`, and deploys the new code (migrate first, then deploy: the old app
serves until the new one answers).
During one step a separate transaction holds a read lock on the table for a few seconds.

It prints, per step, the longest time any request waited and the failed requests by kind, and
checks that every row survived, that no request failed and, where the project configures a lock
timeout, that no request waited longer than it plus a margin. Exit status 1 when a check fails.

    python -m benchmarks.live_migration [--rows 1000000]

The server is PERSISTGEN_TEST_POSTGRES_URL's (as for the tests); the database is `--database`.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from benchmarks.live_traffic import (
    CLOCK,
    Driver,
    LogLine,
    Release,
    Sample,
    error_causes,
    start_release,
    stop_release,
)

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
PACKAGE = "shelf"
BOOK: dict[str, dict[str, Any]] = {
    "title": {"type": "str", "max_length": 200},
    "pages": {"type": "int"},
    "isbn": {"type": "str", "max_length": 20},
    "author": {"type": "ref", "target": "Author", "filter": True},
}
# Each step changes Book's fields: (name, {field: its new definition, or None to remove it}).
STEPS: list[tuple[str, dict[str, dict[str, Any] | None]]] = [
    ("index", {"pages": {"type": "int", "index": True}}),
    ("unique", {"isbn": {"type": "str", "max_length": 20, "unique": True}}),
    (
        "foreign key",
        {
            "editor": {
                "type": "ref",
                "target": "Author",
                "nullable": True,
                "back_populates": "edited",
            }
        },
    ),
    # The old app keeps creating books while the revision runs, so (as the README says) a
    # required field comes nullable first; `--required-at-once` adds it required in one step.
    ("nullable column", {"edition": {"type": "int", "nullable": True}}),
    ("not null + backfill", {"edition": {"type": "int", "backfill": 1}}),
    (
        "rename",
        {"title": None, "name": {"type": "str", "max_length": 200, "renamed_from": "title"}},
    ),
]
PROBE = Path(__file__).with_name("lock_timeout_probe.py")


@dataclass(frozen=True)
class Options:
    rows: int = 100_000
    clients: int = 8
    pause: float = 0.05
    settle: float = 3.0
    hold: float = 6.0
    hold_step: str = "rename"
    margin: float = 1.0
    required_at_once: bool = False  # the NOT NULL column added in one step: old apps fail
    # `rolling_deploys: true` (expand, then a contract step), where persistgen offers it.
    rolling_deploys: bool = True

    def steps(self, rolling: bool) -> list[tuple[str, dict[str, dict[str, Any] | None]]]:
        skipped = "nullable column" if self.required_at_once else ""
        steps = [step for step in STEPS if step[0] != skipped]
        return [*steps, ("contract", {})] if rolling else steps


@dataclass(frozen=True)
class Phase:
    step: str
    name: str
    start: float
    end: float


@dataclass
class Report:
    options: Options
    authors: int = 0
    load: dict[str, float] = field(default_factory=dict)
    lock_timeout: tuple[str, float] | None = None
    phases: list[Phase] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    log: list[LogLine] = field(default_factory=list)
    lock_waiters: dict[str, int] = field(default_factory=dict)
    migrations: list[str] = field(default_factory=list)  # what went wrong running them
    held: tuple[float, float] = (0.0, 0.0)  # the long transaction: held, and blocking
    rolling: bool = False  # renames split in expand and contract (`rolling_deploys`)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def limit(self) -> float | None:
        """The longest wait allowed: the lock timeout plus the margin, if one is configured."""
        return None if self.lock_timeout is None else self.lock_timeout[1] + self.options.margin

    def phase_of(self, at: float) -> Phase | None:
        index = bisect.bisect_right([phase.start for phase in self.phases], at) - 1
        return self.phases[index] if index >= 0 else None

    def in_step(self, step: str, phase: str | None = None) -> list[Sample]:
        return [
            sample
            for sample in self.samples
            if (found := self.phase_of(sample.start)) is not None
            and found.step == step
            and (phase is None or found.name == phase)
        ]

    def problems(self) -> list[str]:
        found = [f"migration: {problem}" for problem in self.migrations]
        failed = [sample for sample in self.samples if sample.failure]
        if failed:
            found.append(f"{len(failed)} of {len(self.samples)} requests failed")
        longest = max((sample.seconds for sample in self.samples), default=0.0)
        if self.limit is not None and longest > self.limit:
            found.append(f"a request waited {longest:.2f} s, over {self.limit:.2f} s")
        rows = self.rows
        if rows.get("loaded_after") != rows.get("loaded"):
            found.append(f"loaded rows: {rows.get('loaded')} before, {rows.get('loaded_after')}")
        if rows.get("checksum_after") != rows.get("checksum"):
            found.append("the renamed column's values changed")
        low, high = rows["loaded"] + rows["created"], rows["loaded"] + rows["maybe_created"]
        if not low <= rows.get("total", 0) <= high:
            found.append(f"{rows.get('total')} rows, expected {low} to {high}")
        if rows.get("nulls", 0):
            found.append(f"{rows['nulls']} rows without the backfilled value")
        return found


def book_spec(fields: dict[str, dict[str, Any]], rolling: bool) -> str:
    """The spec, fields as flow mappings (JSON is YAML)."""
    lines = [
        "version: 1",
        f"project: {{name: {PACKAGE}{', rolling_deploys: true' if rolling else ''}}}",
        "resources:",
        "  Author:",
        "    fields: {name: {type: str, max_length: 100}}",
        "  Book:",
        "    fields:",
    ]
    lines += [f"      {name}: {json.dumps(definition)}" for name, definition in fields.items()]
    return "\n".join(lines) + "\n"


async def command(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> tuple[int, str, float]:
    """Run `python -m <args>`: its exit status, output and wall time."""
    start = CLOCK()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        *args,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode(errors="replace"), CLOCK() - start


async def checked(*args: str, cwd: Path, env: dict[str, str] | None = None) -> float:
    status, output, seconds = await command(*args, cwd=cwd, env=env)
    if status:
        raise RuntimeError(f"{' '.join(args)} failed:\n{output}")
    return seconds


def dsn_of(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def load(dsn: str, rows: int, report: Report) -> None:
    """Authors (one per hundred books) and books, with COPY, in chunks of 100,000 rows."""
    authors = report.authors
    connection = await asyncpg.connect(dsn)
    try:
        start = CLOCK()
        names = [(i, f"Author {i}") for i in range(1, authors + 1)]
        await connection.copy_records_to_table("authors", records=names, columns=["id", "name"])
        columns = ["id", "title", "pages", "isbn", "author_id"]
        for first in range(1, rows + 1, 100_000):
            chunk = range(first, min(first + 100_000, rows + 1))
            books = [(i, f"Book {i}", 10 + i % 900, f"isbn{i}", 1 + i % authors) for i in chunk]
            await connection.copy_records_to_table("books", records=books, columns=columns)
        report.load["copy"] = CLOCK() - start
        start = CLOCK()
        await connection.execute("VACUUM ANALYZE authors")
        await connection.execute("VACUUM ANALYZE books")
        report.load["vacuum analyze"] = CLOCK() - start
        found = await connection.fetchrow(
            "SELECT count(*), sum(hashtext(title)) FROM books WHERE id <= $1", rows
        )
        report.rows.update(loaded=found[0], checksum=int(found[1]))
    finally:
        await connection.close()


async def lock_timeout(project: Path, env: dict[str, str]) -> tuple[str, float] | None:
    """The lock timeout the project configures, in seconds, and where it is set; None if none."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(PROBE),
        PACKAGE,
        cwd=project,
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    output_bytes, _ = await process.communicate()
    found = json.loads(output_bytes or b"[]")
    return (str(found[0][0]), float(found[0][1])) if found else None


async def hold_lock(
    dsn: str, seconds: float, holding: asyncio.Event, done: asyncio.Event
) -> tuple[float, float]:
    """A transaction that reads the table, then keeps its lock (ACCESS SHARE) until it has
    blocked another session for `seconds`, or until `done`. How long it held the lock, and how
    long after it first blocked another session."""
    # pg_locks, not pg_stat_activity, which a transaction sees as it was when first read.
    blocks = "SELECT count(*) FROM pg_locks WHERE NOT granted AND $1 = ANY(pg_blocking_pids(pid))"
    connection = await asyncpg.connect(dsn)
    try:
        async with connection.transaction():
            await connection.fetchval("SELECT count(*) FROM books")
            start = CLOCK()
            holding.set()
            pid = connection.get_server_pid()
            while not done.is_set() and not await connection.fetchval(blocks, pid):
                await asyncio.sleep(0.05)
            blocked = CLOCK()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), seconds)
            return CLOCK() - start, CLOCK() - blocked
    finally:
        await connection.close()


async def watch_locks(dsn: str, report: Report, stop: asyncio.Event) -> None:
    """The peak number of sessions waiting for a lock, per step."""
    connection = await asyncpg.connect(dsn)
    statement = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    try:
        while not stop.is_set():
            waiting = await connection.fetchval(statement)
            if report.phases:
                step = report.phases[-1].step
                report.lock_waiters[step] = max(report.lock_waiters.get(step, 0), waiting)
            await asyncio.sleep(0.2)
    finally:
        await connection.close()


class Scenario:
    """The project, its releases and the clients, for one run."""

    def __init__(self, options: Options, url: str, directory: Path) -> None:
        self.options = options
        self.dsn = dsn_of(url)
        self.project = directory / PACKAGE
        self.releases = directory / "releases"
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "CURSOR_SECRET": "live-migration",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        self.t0 = CLOCK()
        self.report = Report(options, authors=max(options.rows // 100, 10))
        self.fields = dict(BOOK)
        self.completed = False  # every step migrated and deployed
        self.rolling = False  # the project splits renames in expand and contract

    def begin(self, step: str, phase: str) -> None:
        now = CLOCK() - self.t0
        phases = self.report.phases
        if phases:
            last = phases[-1]
            phases[-1] = Phase(last.step, last.name, last.start, now)
        phases.append(Phase(step, phase, now, now))
        print(f"{now:7.1f} s  {step} {phase}", file=sys.stderr, flush=True)

    async def prepare(self) -> None:
        if self.options.rolling_deploys:
            _, schema, _ = await command("persistgen", "schema", cwd=self.project.parent)
            self.rolling = self.report.rolling = "rolling_deploys" in schema
        spec = self.project.parent / "persistgen.yaml"
        spec.write_text(book_spec(self.fields, self.rolling), encoding="utf-8")
        new = ("persistgen", "new", "project", PACKAGE, "--spec", str(spec))
        await checked(*new, cwd=spec.parent)
        await checked("alembic", "upgrade", "head", cwd=self.project, env=self.env)
        await load(self.dsn, self.options.rows, self.report)
        self.report.load["sequences"] = await checked(
            f"{PACKAGE}.db.sequences", cwd=self.project, env=self.env
        )
        self.report.lock_timeout = await lock_timeout(self.project, self.env)

    async def run(self) -> Report:
        await self.prepare()
        report, options = self.report, self.options
        driver = Driver(options.rows, report.authors, options.clients, options.pause, self.t0)
        release = await start_release(1, self.project, self.releases, self.env, report.log, self.t0)
        driver.release = release
        stop = asyncio.Event()
        traffic = asyncio.create_task(driver.run(stop))
        watcher = asyncio.create_task(watch_locks(self.dsn, report, stop))
        try:
            self.begin("steady", "settle")
            await asyncio.sleep(options.settle)
            for number, (step, change) in enumerate(options.steps(self.rolling), start=2):
                new = await self.step(number, step, change, driver, release)
                if new is None:
                    report.migrations.append(f"the run stopped at '{step}'")
                    break
                release = new
            else:
                self.completed = True
            self.begin("end", "")  # closes the last step; the traffic stops
        finally:
            stop.set()
            await asyncio.gather(traffic, watcher, return_exceptions=True)
            await stop_release(release)
        report.samples = driver.samples
        await self.count_rows(driver)
        return report

    async def step(
        self,
        number: int,
        step: str,
        change: dict[str, dict[str, Any] | None],
        driver: Driver,
        old: Release,
    ) -> Release | None:
        """One spec change, migrated and deployed; the release now serving, or None when the
        migration did not get through (the old release serves on; the run stops)."""
        self.begin(step, "generate")
        for name, definition in change.items():
            if definition is None:
                del self.fields[name]
            else:
                self.fields[name] = definition
        spec = book_spec(self.fields, self.rolling)
        (self.project / "persistgen.yaml").write_text(spec, encoding="utf-8")
        contract = ("--contract",) if step == "contract" else ()
        await checked("persistgen", "generate", *contract, cwd=self.project)
        self.begin(step, "migrate")
        if not await self.migrate(step):
            return None
        self.begin(step, "deploy")
        new = await start_release(
            number, self.project, self.releases, self.env, self.report.log, self.t0
        )
        driver.release = new
        await driver.drain(old)
        await stop_release(old)
        self.begin(step, "settle")
        await asyncio.sleep(self.options.settle)
        return new

    async def migrate(self, step: str) -> bool:
        """`alembic upgrade head`, behind a long transaction on the chosen step. A migration
        that stops (a busy lock, a deadlock) is reported and run again, up to three times in
        all; whether it got through."""
        holding, done = asyncio.Event(), asyncio.Event()
        held = None
        if step == self.options.hold_step:
            held = asyncio.create_task(hold_lock(self.dsn, self.options.hold, holding, done))
            await holding.wait()
        upgrade = ("alembic", "upgrade", "head")
        for attempt in range(1, 4):
            status, output, seconds = await command(*upgrade, cwd=self.project, env=self.env)
            done.set()
            if held is not None:
                self.report.held = await held
                held = None
            if not status:
                return True
            self.report.migrations.append(
                f"{step} (try {attempt}): stopped after {seconds:.1f} s: {_why(output)}"
            )
        return False

    async def count_rows(self, driver: Driver) -> None:
        rows = self.report.rows
        renamed = (name for name, d in self.fields.items() if d.get("renamed_from") == "title")
        text = next(renamed, "title")
        connection = await asyncpg.connect(self.dsn)
        try:
            found = await connection.fetchrow(
                f"SELECT count(*), sum(hashtext({text})) FROM books WHERE id <= $1",
                self.options.rows,
            )
            rows.update(loaded_after=found[0], checksum_after=int(found[1]))
            rows["total"] = await connection.fetchval("SELECT count(*) FROM books")
            if self.completed and "edition" in self.fields:
                rows["nulls"] = await connection.fetchval(
                    "SELECT count(*) FROM books WHERE edition IS NULL"
                )
        finally:
            await connection.close()
        unanswered = sum(1 for s in driver.samples if s.operation == "create" and s.status == 0)
        rows.update(created=len(driver.created), maybe_created=len(driver.created) + unanswered)


def _why(output: str) -> str:
    """The line of a failed command's output that says why: its last error, or its last line."""
    lines = output.strip().splitlines() or [""]
    errors = [line for line in lines if re.match(r"\S*(Error|Exception)\b|Migration stopped", line)]
    return (errors or lines)[-1][:200]


async def run(options: Options, url: str) -> Report:
    """The scenario on the (empty) database at `url`; the figures."""
    with tempfile.TemporaryDirectory(prefix="live-migration-") as directory:
        return await Scenario(options, url, Path(directory)).run()


LOCKS, SCHEMA, OTHER = "locks and timeouts", "app and schema disagree", "other"
# The database errors behind a 500, by the cause they show (asyncpg's exception names).
_LOGGED = {
    "DeadlockDetectedError": LOCKS,
    "LockNotAvailableError": LOCKS,
    "QueryCanceledError": LOCKS,
    "UndefinedColumnError": SCHEMA,
    "UndefinedTableError": SCHEMA,
    "InvalidCachedStatementError": SCHEMA,
}


def causes(failed: list[Sample], logged: dict[str, int]) -> dict[str, int]:
    """Failed requests by cause: waits (a 504 from the statement timeout, a 503 with no
    connection free, no answer) are locks; a 422 for a NOT NULL column is the old app on the new
    schema; 500s take the causes of the errors the servers logged meanwhile."""
    found = {LOCKS: 0, SCHEMA: 0, OTHER: 0}
    errors = 0
    for sample in failed:
        if sample.failure.startswith(("504", "503")) or "Timeout" in sample.failure:
            found[LOCKS] += 1
        elif sample.failure == "422 not-null-violation":
            found[SCHEMA] += 1
        elif sample.status == 500:
            errors += 1
        else:
            found[OTHER] += 1
    for cause, count in logged.items():
        kind = _LOGGED.get(cause.partition(":")[0], OTHER)
        taken = min(count, errors)
        found[kind] += taken
        errors -= taken
    found[OTHER] += errors  # 500s with no database error logged
    return found


def render(report: Report) -> str:
    options = report.options
    slow = report.limit or options.margin
    lines = [
        f"live migration: {report.rows['loaded']:,} books ({report.authors:,} authors),"
        f" {options.clients} clients, PostgreSQL",
        "load: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.load.items())
        + f" ({report.rows['loaded'] / report.load['copy']:,.0f} rows/s by COPY)",
        "lock timeout: "
        + (
            f"{report.lock_timeout[1]:g} s ({report.lock_timeout[0]}); limit {slow:g} s"
            if report.lock_timeout
            else f"none configured; waits reported, not checked (slow: over {slow:g} s)"
        ),
        "rename: " + ("expand, then contract (rolling_deploys)" if report.rolling else "in place"),
        f"long transaction on the step '{options.hold_step}': held its lock {report.held[0]:.1f} s,"
        f" {report.held[1]:.1f} s of them blocking the migration (set to {options.hold:g} s)"
        if report.held[0]
        else f"long transaction on the step '{options.hold_step}': not reached",
        "",
        f"{'step':<20}{'generate':>9}{'migrate':>9}{'deploy':>8}{'requests':>10}{'failed':>8}"
        f"{'longest wait':>14}  {'in phase':<9}{'slow':>6}{'lock waiters':>14}",
    ]
    for step in dict.fromkeys(phase.step for phase in report.phases if phase.step != "end"):
        lines.append(_step_line(report, step, slow))
    longest = max(report.samples, key=lambda sample: sample.seconds)
    where = report.phase_of(longest.start)
    lines += [
        "",
        f"longest wait: {longest.seconds:.2f} s ({longest.operation},"
        f" {where.step if where else '?'} / {where.name if where else '?'})",
    ]
    lines += _failures(report)
    rows = report.rows
    lines += [
        "",
        f"rows: {rows['loaded']:,} loaded, {rows['loaded_after']:,} of them after"
        f" ({'same' if rows['checksum'] == rows['checksum_after'] else 'CHANGED'} values in the"
        f" renamed column); {rows['created']:,} created; {rows['total']:,} in all",
    ]
    problems = report.problems()
    lines.append("verdict: " + ("PASS" if not problems else "FAIL: " + "; ".join(problems)))
    return "\n".join(lines)


def _step_line(report: Report, step: str, slow: float) -> str:
    def seconds(phase: str) -> str:
        found = [p for p in report.phases if p.step == step and p.name == phase]
        return f"{found[0].end - found[0].start:.1f} s" if found else "-"

    samples = report.in_step(step)
    failed = sum(1 for sample in samples if sample.failure)
    longest = max(samples, key=lambda sample: sample.seconds, default=None)
    where = report.phase_of(longest.start) if longest else None
    wait = f"{longest.seconds:.2f} s" if longest else "-"
    over = sum(1 for sample in samples if sample.seconds > slow)
    return (
        f"{step:<20}{seconds('generate'):>9}{seconds('migrate'):>9}{seconds('deploy'):>8}"
        f"{len(samples):>10,}{failed:>8,}{wait:>14}  {where.name if where else '-':<9}{over:>6,}"
        f"{report.lock_waiters.get(step, 0):>14}"
    )


def _failures(report: Report) -> list[str]:
    """Failed requests by step and kind (and the phases they fell in), with the database errors
    the servers logged during the step; and the totals by cause."""
    lines: list[str] = []
    totals = {LOCKS: 0, SCHEMA: 0, OTHER: 0}
    for step in dict.fromkeys(phase.step for phase in report.phases):
        kinds: dict[str, dict[str, int]] = {}
        failed = [sample for sample in report.in_step(step) if sample.failure]
        for sample in failed:
            phase = report.phase_of(sample.start)
            by_phase = kinds.setdefault(sample.failure, {})
            name = phase.name if phase else "?"
            by_phase[name] = by_phase.get(name, 0) + 1
        phases = [phase for phase in report.phases if phase.step == step]
        logged = error_causes(
            [line for line in report.log if phases[0].start <= line.at < phases[-1].end]
        )
        for cause, count in causes(failed, logged).items():
            totals[cause] += count
        if kinds:
            lines.append(f"  {step}:")
        for kind, by_phase in sorted(kinds.items()):
            where = ", ".join(f"{name} {count:,}" for name, count in by_phase.items())
            lines.append(f"    {kind} x{sum(by_phase.values()):,} ({where})")
        for cause, count in logged.items():
            lines.append(f"    logged: {cause} x{count:,}")
    summary = ", ".join(f"{name}: {count:,}" for name, count in totals.items())
    return ["failed requests by step:", *lines, f"  by cause: {summary}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = Options()
    parser.add_argument("--rows", type=int, default=defaults.rows, help="books to load")
    parser.add_argument("--clients", type=int, default=defaults.clients)
    parser.add_argument("--pause", type=float, default=defaults.pause, help="seconds, mean")
    parser.add_argument("--settle", type=float, default=defaults.settle, help="seconds per step")
    parser.add_argument("--hold", type=float, default=defaults.hold, help="the long transaction")
    parser.add_argument("--hold-step", default=defaults.hold_step, help="the step it delays")
    parser.add_argument("--margin", type=float, default=defaults.margin, help="seconds")
    parser.add_argument(
        "--required-at-once",
        action="store_true",
        help="add the NOT NULL column in one step, not nullable first",
    )
    parser.add_argument(
        "--no-rolling-deploys",
        action="store_true",
        help="rename in place even where persistgen offers expand and contract",
    )
    parser.add_argument("--database", default="live_migration", help="created, then dropped")
    parser.add_argument("--log", type=Path, help="write the servers' output to this file")
    args = parser.parse_args()
    options = Options(
        args.rows,
        args.clients,
        args.pause,
        args.settle,
        args.hold,
        args.hold_step,
        args.margin,
        args.required_at_once,
        not args.no_rolling_deploys,
    )
    report = asyncio.run(_standalone(options, args.database))
    if args.log:
        lines = (f"{line.at:9.3f} v{line.release} {line.text}\n" for line in report.log)
        args.log.write_text("".join(lines), encoding="utf-8")
    print(render(report))
    sys.exit(1 if report.problems() else 0)


async def _standalone(options: Options, database: str) -> Report:
    base = make_url(os.environ.get("PERSISTGEN_TEST_POSTGRES_URL", DEFAULT_URL))
    admin = await asyncpg.connect(dsn_of(base.render_as_string(hide_password=False)))
    drop = f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'
    try:
        await admin.execute(drop)
        await admin.execute(f'CREATE DATABASE "{database}"')
        url = base.set(database=database).render_as_string(hide_password=False)
        return await run(options, url)
    finally:
        await admin.execute(drop)
        await admin.close()


if __name__ == "__main__":
    main()
