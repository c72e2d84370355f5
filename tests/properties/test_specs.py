"""Property-based tests of the spec language (hypothesis).

A. Any spec the validator accepts generates a project that passes every gate: `ruff check`,
   `ruff format --check`, `mypy --strict`, it imports (the app, so every module) and creates on
   SQLite exactly the tables and columns the spec names, and its own tests pass on SQLite. For
   about one example in four, also on PostgreSQL: `alembic upgrade head` runs the first
   revision, `alembic check` then finds nothing to do, and its own tests pass there too.
   The specs (strategies.py, extremes.py) reach decimals of any precision and scale, text of
   any length and script, names near and past PostgreSQL's 63-byte limit, nullable filtered
   references, many resources or many fields, defaults at their column's bounds, and files
   with a byte order mark or CRLF line ends.
B. Any document (a valid one, a mutant of one, broken YAML or garbage) makes `persistgen new
   project` exit 0 with the project created, or exit 2 with errors located at
   file:line:column; never a traceback.

Both properties are derandomized and keep no example database, so CI runs the same examples
on every run (they change only with hypothesis or these strategies). To explore, set
PERSISTGEN_HYPOTHESIS_EXAMPLES=N: N fresh random examples per property, with failures kept in
`.hypothesis/` and replayed first on the next run.

A runs ACCEPTED_EXAMPLES accepted specs (rejected ones are checked for a clean error and not
counted), B runs ANY_EXAMPLES documents. The examples share one mypy cache, so only the first
pays for checking SQLAlchemy, FastAPI and Pydantic; mypy runs on one core while ruff, the
tables and the project's own tests run on the other. The project's own tests dominate A, the
most for many resources or fields on PostgreSQL, so A runs 12 examples (24 with the static
gates only); the fixed set holds 4 on PostgreSQL, 8 with 6 to 12 resources and 8 with 27 to 43
fields. Measured on 2 cores shared with other work (load 4 to 6): the 24 static examples took
55 to 133 s (75 s on 2 idle cores); a passing example now takes 10 to 25 s on SQLite and 25 to
50 s with PostgreSQL, so A takes about 5 minutes under that load and about 3 on 2 idle cores
(the fixed set, each gate run to its end, took 157 s on a branch where many of its projects
still fail early). B took 31 s under that load (its documents are small ones).
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, event, given, reject, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from persistgen import naming, pipeline
from persistgen.cli import app
from persistgen.errors import UserError
from persistgen.plan.idempotency import idempotency_table
from persistgen.spec.model import Spec
from persistgen.spec.validate import read_spec
from tests.postgres import fresh_database
from tests.properties.garbage import any_documents
from tests.properties.strategies import spec_files

ACCEPTED_EXAMPLES = 12
ANY_EXAMPLES = 200
_EXPLORE = int(os.environ.get("PERSISTGEN_HYPOTHESIS_EXAMPLES", "0"))
_SLOW = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


def budget(examples: int, phases: tuple[Phase, ...] = tuple(Phase)) -> settings:
    """`examples` fixed examples for CI, or PERSISTGEN_HYPOTHESIS_EXAMPLES random ones."""
    common = settings(deadline=None, suppress_health_check=_SLOW, phases=phases)
    if _EXPLORE:
        return settings(common, max_examples=_EXPLORE)
    return settings(common, max_examples=examples, derandomize=True, database=None)


# -- A: accepted specs generate working projects --------------------------------------------------

# Imports the app (so every router, schema and repository module) and the models, creates the
# tables on the SQLite file in DATABASE_URL, and prints what the database then holds.
CREATE_TABLES = """
import asyncio, json
from sqlalchemy import inspect
import {package}.main
from {package}.db.engine import engine
from {package}.models import Base

def schema(connection):
    found = inspect(connection)
    return {{t: sorted(c["name"] for c in found.get_columns(t)) for t in found.get_table_names()}}

async def main():
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
        print(json.dumps(await connection.run_sync(schema)))
    await engine.dispose()

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cache of the first example that passes, libraries included: each example checks on a
    copy of it, so that none reads what another example's mypy left, or left half-written when
    a failed check stopped it (every project has modules named `tests.*`)."""
    return tmp_path_factory.mktemp("mypy-cache")


# No explain phase: it reruns the failing example dozens of times to trace lines in this
# process, and the code that fails here runs in subprocesses.
@budget(ACCEPTED_EXAMPLES, phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink))
@given(spec_file=spec_files(), postgres=st.sampled_from([False, False, False, True]))
def test_accepted_specs_generate_working_projects(
    spec_file: bytes, postgres: bool, mypy_cache: Path
) -> None:
    with tempfile.TemporaryDirectory(prefix="persistgen-property-") as tmp:
        path = Path(tmp) / pipeline.SPEC_FILE
        path.write_bytes(spec_file)
        spec = accepted(path)
        describe(spec, spec_file, postgres)
        created = new_project(path, Path(tmp))
        assert created.exit_code == 0, created.output
        passes_every_gate(Path(tmp) / "app", spec, mypy_cache, postgres=postgres)


def passes_every_gate(project: Path, spec: Spec, mypy_cache: Path, *, postgres: bool) -> None:
    """ruff, `mypy --strict`, the tables the spec names and the project's own tests on
    SQLite; with `postgres`, also its migrations (upgrade, then `alembic check` clean) and its
    own tests on PostgreSQL."""
    package = spec.project.python_package
    cache = shutil.copytree(mypy_cache, project.parent / "mypy-cache")
    # mypy takes longest: let it run on the other core while the rest is checked.
    with background(
        project, "mypy", "--strict", "--cache-dir", str(cache), package, "tests"
    ) as mypy:
        run(project, "ruff", "check", "--no-cache", ".")
        run(project, "ruff", "format", "--no-cache", "--check", ".")
        database = f"sqlite+aiosqlite:///{project.parent / 'tables.db'}"
        created = run(project, "-c", CREATE_TABLES.format(package=package), database=database)
        assert json.loads(created) == expected_schema(spec)
        own_tests_pass(project, f"sqlite+aiosqlite:///{project.parent / 'app.db'}")
        if postgres:
            with fresh_database(f"props_{os.getpid()}") as url:
                run(project, "alembic", "upgrade", "head", database=url)
                assert "No new upgrade operations detected" in run(
                    project, "alembic", "check", database=url
                )
                own_tests_pass(project, url)
        assert "Success: no issues found" in finish(mypy)
    if not any(mypy_cache.iterdir()):
        shutil.copytree(cache, mypy_cache, dirs_exist_ok=True)


def own_tests_pass(project: Path, database: str) -> None:
    """The project's own suite passes whole (`-x`: a failure need not run the rest)."""
    output = run(project, "pytest", "-x", "-q", "-p", "no:cacheprovider", database=database)
    assert " passed" in output and "skipped" not in output, output


def describe(spec: Spec, spec_file: bytes, postgres: bool) -> None:
    """What the examples reached, shown by --hypothesis-show-statistics."""
    fields = max(len(r.fields) for r in spec.resources.values())
    size = (
        "many resources" if len(spec.resources) >= 6 else "many fields" if fields >= 15 else "small"
    )
    event(f"{size}, {'PostgreSQL too' if postgres else 'SQLite only'}")
    bom, crlf = spec_file.startswith(codecs.BOM_UTF8), b"\r\n" in spec_file
    event(f"byte order mark: {bom}, CRLF: {crlf}")


def accepted(path: Path) -> Spec:
    """The validated spec; a rejected document must fail cleanly, and is then not counted."""
    try:
        return read_spec(path)
    except UserError as exc:
        assert_clean(exc)
        reject()


def assert_clean(exc: UserError) -> None:
    """Each problem is located, says what is wrong and how to fix it, each on one line."""
    assert exc.problems
    for problem in exc.problems:
        assert problem.line is not None and problem.column is not None, problem
        assert problem.message and problem.hint, problem
        assert "\n" not in problem.message + problem.hint, problem


def expected_schema(spec: Spec) -> dict[str, list[str]]:
    """Table -> sorted column names, as the spec (and the README) say they are named, and the
    idempotency keys' table."""
    tables: dict[str, list[str]] = {}
    for name, resource in spec.resources.items():
        columns = [f.column_name(n) for n, f in resource.fields.items() if f.type != "many"]
        if not any(f.primary_key for f in resource.fields.values()):
            columns.append("id")
        tables[resource.table_name(name)] = sorted(columns)
        for field_name, f in resource.fields.items():
            if f.type == "many" and f.target is not None:
                ends = [link_column(spec, name), link_column(spec, f.target)]
                tables[f.association_table(name, field_name)] = sorted(ends)
    keys = idempotency_table(spec.project.schema_)  # every project's, for safe retries
    tables[keys.name] = sorted(c.name for c in keys.columns)
    return tables


def link_column(spec: Spec, resource: str) -> str:
    """A link table's column for one end: `issue_id`, or `country_code` for a natural key."""
    fields = spec.resources[resource].fields
    key = next((f.column_name(n) for n, f in fields.items() if f.primary_key), "id")
    return f"{naming.snake(resource)}_{key}"


def python(*args: str) -> list[str]:
    """`python -c CODE`, or `python -m MODULE ...`: this interpreter, whatever PATH holds."""
    return [sys.executable, *args] if args[0] == "-c" else [sys.executable, "-m", *args]


def environment(database: str | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DATABASE_URL", None)
    if database:
        env["DATABASE_URL"] = database
    return env


@contextmanager
def background(project: Path, *args: str) -> Iterator[subprocess.Popen[str]]:
    """A command running beside the others; killed if a check before `finish` fails."""
    process = subprocess.Popen(
        python(*args),
        cwd=project,
        env=environment(),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    with process:
        try:
            yield process
        finally:
            process.kill()  # a no-op once `finish` has seen it exit


def finish(process: subprocess.Popen[str]) -> str:
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, f"{process.args!r} failed:\n{output}"
    return output


def run(project: Path, *args: str, database: str | None = None) -> str:
    result = subprocess.run(
        python(*args),
        cwd=project,
        env=environment(database),
        text=True,
        capture_output=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}"
    return result.stdout


# -- B: any document gets a clean answer ----------------------------------------------------------


@budget(ANY_EXAMPLES)
@given(content=any_documents())
def test_any_document_gets_a_clean_answer(content: str | bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="persistgen-property-") as tmp:
        spec_file = Path(tmp) / "persistgen.yaml"
        if isinstance(content, bytes):
            spec_file.write_bytes(content)
        else:
            spec_file.write_text(content, encoding="utf-8")
        result = new_project(spec_file, Path(tmp) / "out")
        event(f"exit code {result.exit_code}")  # shown by --hypothesis-show-statistics
        assert "Traceback" not in result.output, result.output
        assert "pwned" not in result.stdout.splitlines(), "a YAML tag ran code"
        assert result.exit_code in (0, 2), result.output
        if result.exit_code == 0:
            assert (Path(tmp) / "out" / "app" / pipeline.SPEC_FILE).is_file()
        else:
            assert_located(result.stderr, str(spec_file))


def new_project(spec_file: Path, parent: Path) -> Result:
    runner = CliRunner(env={"COLUMNS": "250", "NO_COLOR": "1"})
    args = ["new", "project", "app", "--spec", str(spec_file), "--dir", str(parent)]
    return runner.invoke(app, args, catch_exceptions=False)


def assert_located(stderr: str, spec_file: str) -> None:
    """There is an `error` line, and each names the spec file, a line and a column."""
    errors = [line for line in stderr.splitlines() if line.startswith("error ")]
    assert errors, stderr
    for line in errors:
        location = line.removeprefix("error ").split(": ")[0].rstrip(":")
        file, _, position = location.removeprefix(spec_file).partition(":")
        assert location.startswith(spec_file) and not file, line
        assert [p.isdigit() for p in position.split(":")] == [True, True], line
