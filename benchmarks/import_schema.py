"""How long `persistgen import` takes on a large schema: a synthetic one of `--tables` tables
(default 300) with foreign keys, indexes, uniques and varied column types, loaded into a
throw-away PostgreSQL database, then imported twice in child processes: `--spec-only`
(introspection and the spec alone), and in full (the spec and the generated project). It
prints the wall and CPU time of each, the spec's size and the project's files. Issue 17's
target: 300 tables imported and generated in under a minute.

Run: python benchmarks/import_schema.py --tables 300   (--quick: 30 tables, a smoke run;
--rails-names: Rails' constraint and index names)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

SERVER = os.environ.get(
    "PERSISTGEN_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
TARGET_SECONDS = 60.0


def schema_sql(tables: int, rails: bool = False) -> str:
    """`tables` tables as a business application has them: each a serial or bigint key, a
    unique name, an indexed status, amounts, dates, flags, a JSON document; every table after
    the first references the one before it and a parent (a tree of ten children each),
    every seventh has a composite unique, every eleventh a uuid key. Constraints and indexes
    are named as persistgen names them, or with `rails` as Rails does (`<table>_pkey`,
    `index_<table>_on_<column>`, `fk_rails_<hash>`), which the import must keep verbatim."""

    def named(kind: str, table: str, columns: str, target: str = "") -> str:
        if not rails:
            return f"{kind}_{table}_{columns}" + (f"_{target}" if target else "")
        if kind == "pk":
            return f"{table}_pkey"
        if kind == "fk":
            return f"fk_rails_{zlib.crc32(f'{table}.{columns}'.encode()):08x}"
        return f"index_{table}_on_{columns.replace('_id_', '_id_and_')}"

    statements = []
    for number in range(tables):
        name = f"t{number:04d}_items"
        uuid_key = number % 11 == 10
        key = "id uuid NOT NULL" if uuid_key else "id bigserial NOT NULL"
        columns = [
            key,
            "name varchar(120) NOT NULL",
            "status varchar(20) NOT NULL DEFAULT 'active'",
            "amount numeric(12, 2) NOT NULL DEFAULT 0",
            "quantity integer",
            "ratio double precision",
            "enabled boolean NOT NULL DEFAULT true",
            "notes text",
            "due_on date",
            "payload jsonb",
            "created_at timestamp with time zone NOT NULL DEFAULT now()",
        ]
        constraints = [
            f"CONSTRAINT {named('pk', name, 'id')} PRIMARY KEY (id)",
            f"CONSTRAINT {named('uq', name, 'name')} UNIQUE (name)",
        ]
        indexes = [f"CREATE INDEX {named('ix', name, 'status')} ON {name} (status)"]
        references = []
        if number:
            references.append(f"t{number - 1:04d}_items")
        if number >= 10 and number // 10 != number - 1:
            references.append(f"t{number // 10:04d}_items")
        for position, target in enumerate(references):
            column = "previous_id" if position == 0 else "parent_id"
            target_uuid = int(target[1:5]) % 11 == 10
            columns.append(f"{column} {'uuid' if target_uuid else 'bigint'}")
            constraints.append(
                f"CONSTRAINT {named('fk', name, column, target)} FOREIGN KEY ({column}) "
                f"REFERENCES {target} (id) ON DELETE SET NULL"
            )
            indexes.append(f"CREATE INDEX {named('ix', name, column)} ON {name} ({column})")
        if number % 7 == 6:
            constraints.append(
                f"CONSTRAINT {named('uq', name, 'status_due_on')} UNIQUE (status, due_on)"
            )
        body = ",\n    ".join(columns + constraints)
        statements.append(f"CREATE TABLE {name} (\n    {body}\n);")
        statements.extend(f"{index};" for index in indexes)
    return "\n".join(statements) + "\n"


def _dsn(database: str) -> str:
    url = make_url(SERVER).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


async def _admin(*statements: str) -> None:
    connection = await asyncpg.connect(_dsn(make_url(SERVER).database or "postgres"))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def _load(database: str, sql: str) -> None:
    connection = await asyncpg.connect(_dsn(database))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _timed(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """Run `persistgen <args>` in a child: its wall time, CPU time (its own and its children's,
    the ruff runs), and output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "persistgen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode:
        sys.exit(f"persistgen {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return wall, cpu, done.stdout + done.stderr


def run(tables: int, rails: bool = False) -> float:
    """Import a schema of `tables` tables; print the figures; the full import's wall time."""
    database = f"bench_import_{tables}_{os.getpid()}"
    sql = schema_sql(tables, rails)
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{database}"', f'CREATE DATABASE "{database}"'))
    try:
        asyncio.run(_load(database, sql))
        dsn = _dsn(database)
        with tempfile.TemporaryDirectory(prefix="persistgen-bench-") as tmp:
            parent = Path(tmp)
            spec_wall, spec_cpu, _ = _timed(
                ["import", dsn, "--spec-only", "--dir", str(parent)], parent
            )
            spec = parent / f"{database}.yaml"
            spec_bytes = spec.stat().st_size
            spec.unlink()
            full_wall, full_cpu, _ = _timed(["import", dsn, "--dir", str(parent)], parent)
            files = sum(1 for path in (parent / database).rglob("*") if path.is_file())
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    print(f"schema: {tables} tables, {len(sql.encode()):,} bytes of DDL")
    print(
        f"import --spec-only: {spec_wall:6.1f} s wall, {spec_cpu:6.1f} s CPU, "
        f"spec {spec_bytes:,} bytes"
    )
    print(f"import (and generate): {full_wall:6.1f} s wall, {full_cpu:6.1f} s CPU, {files:,} files")
    print(
        f"per table: {1000 * full_wall / tables:.0f} ms wall, {1000 * full_cpu / tables:.0f} ms CPU"
    )
    verdict = "under" if full_wall < TARGET_SECONDS else "OVER"
    print(f"target: {tables} tables in {TARGET_SECONDS:.0f} s: {verdict}")
    return full_wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="30 tables, a smoke run")
    parser.add_argument(
        "--rails-names", action="store_true", help="name constraints and indexes as Rails does"
    )
    args = parser.parse_args()
    run(30 if args.quick else args.tables, args.rails_names)


if __name__ == "__main__":
    main()
