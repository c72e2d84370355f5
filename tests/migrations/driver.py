"""One process for one state of a generated project: the Alembic commands run on it, the
statements they send recorded (capture.py), and its rows seeded, in the order the test sends
them, without starting Python, SQLAlchemy, Alembic and the project's modules again for each:

    cd <project> && python <persistgen>/tests/migrations/driver.py

Each line on standard input is one JSON list, a command:
    ["alembic", ARG...]            as `python -m alembic ARG...` runs it (`upgrade head`, ...)
    ["record", OUT, ARG...]        the same, each statement recorded in OUT (capture.py)
    ["seed", PACKAGE, START, RESOURCE...]
                                   one row per resource from the project's factories, numbered
                                   from START, and one link in each association table
Each gets one JSON line on standard output: {"ok": bool, "output": what it printed to standard
output and error, with the traceback if it failed}. The modules a command imports are those of
the project as it is when the process starts: a new state of the project needs a new process.
Run as a file, not as a module of `tests`: the generated project has a `tests` package of its
own.
"""

from __future__ import annotations

import asyncio
import importlib
import itertools
import json
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

from alembic.config import main as alembic_main
from capture import record  # beside this file

# As `python -m alembic` run in the project: the project's own packages come first.
sys.path.insert(0, os.getcwd())


async def _seed(package: str, resources: list[str]) -> None:
    session_module = importlib.import_module(f"{package}.db.session")
    models = importlib.import_module(f"{package}.models")
    factories = importlib.import_module("tests.factories")
    async with session_module.SessionFactory() as session:
        created = {}
        for name in resources:
            row = await getattr(factories, "create_" + name)(session)
            created[row.__table__.name] = row
        mapped = {mapper.local_table.name for mapper in models.Base.registry.mappers}
        for table in models.Base.metadata.sorted_tables:
            if table.name not in mapped:
                link = {
                    column.name: getattr(created[fk.column.table.name], fk.column.name)
                    for column in table.columns
                    for fk in column.foreign_keys
                }
                await session.execute(table.insert().values(link))
        await session.commit()


def seed(package: str, start: int, resources: list[str]) -> None:
    factories = importlib.import_module("tests.factories")
    for counter in [name for name in vars(factories) if name.endswith("_numbers")]:
        setattr(factories, counter, itertools.count(start))  # each resource's rows
    asyncio.run(_seed(package, resources))


def run(command: list[Any]) -> None:
    kind, args = command[0], command[1:]
    if kind == "alembic":
        alembic_main(argv=[str(a) for a in args])
    elif kind == "record":
        record(Path(args[0]), [str(a) for a in args[1:]])
    elif kind == "seed":
        seed(str(args[0]), int(args[1]), [str(a) for a in args[2:]])
    else:
        raise ValueError(f"unknown command {kind!r}")


def answer(command: list[Any]) -> dict[str, Any]:
    """Run `command` with the process's standard output and error (its file descriptors, which
    Alembic's own `stdout` was bound to when it was imported) sent to a file, as a process of
    its own would have them captured."""
    ok = True
    with tempfile.TemporaryFile("w+b") as output:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        os.dup2(output.fileno(), 1)
        os.dup2(output.fileno(), 2)
        try:
            run(command)
        except SystemExit as exc:  # Alembic's FAILED, or env.py's own message
            ok = exc.code in (0, None)
            if not ok:
                print(f"exit {exc.code}", file=sys.stderr)
        except BaseException:
            ok = False
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
        output.seek(0)
        return {"ok": ok, "output": output.read().decode("utf-8", "replace")}


def main() -> None:
    # The answers go where standard output went when the process started, and nowhere else.
    with os.fdopen(os.dup(1), "w", encoding="utf-8") as answers:
        for line in sys.stdin:
            answers.write(json.dumps(answer(json.loads(line))) + "\n")
            answers.flush()


if __name__ == "__main__":
    main()
