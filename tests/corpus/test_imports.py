"""Issue 17's proof on real schemas: the `db/structure.sql` of public applications
(tests/corpus/imports/<name>/, each with a NOTES.md), loaded into PostgreSQL and given rows,
import with no manual edit, and the project `persistgen import` writes passes every gate:
ruff, `mypy --strict`, its own tests (SQLite and PostgreSQL), `alembic stamp` + `alembic check`
against the source database, a list of every resource through the HTTP API whose `total` is
the table's `SELECT count(*)`, and import -> edit the spec -> generate -> `alembic upgrade
head` on the source database, which keeps its rows.

Each schema takes minutes, so CI runs one (`danbooru`). All of them:
`PERSISTGEN_CORPUS_IMPORTS=all bash tests/run.sh -m corpus tests/corpus/test_imports.py`
(or a comma-separated list of names)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from ruamel.yaml import YAML
from sqlalchemy.engine import make_url

from tests.corpus.seed import Seeded, quoted, seed
from tests.generated.project import mypy_strict, package_of
from tests.postgres import fresh_database

pytestmark = [pytest.mark.postgres, pytest.mark.corpus]

IMPORTS = Path(__file__).resolve().parent / "imports"
ALL = sorted(path.parent.name for path in IMPORTS.glob("*/structure.sql"))
QUICK = ["danbooru"]


def _chosen() -> list[str]:
    wanted = os.environ.get("PERSISTGEN_CORPUS_IMPORTS", "")
    if wanted == "all":
        return ALL
    return [name for name in wanted.split(",") if name] or QUICK


SCHEMAS = _chosen()

# The fewest tables the seeder must fill (some CHECKs want values it cannot make up).
FILLED = {"osm": 54, "danbooru": 64, "lago": 120}
# The table the edit step adds a column and an index to.
EDITED = {"osm": "users", "danbooru": "tags", "lago": "organizations"}


def test_every_imported_schema_is_documented() -> None:
    assert len(ALL) >= 3
    for name in ALL:
        notes = (IMPORTS / name / "NOTES.md").read_text(encoding="utf-8")
        for heading in ("Source:", "License:", "Trimmed", "Not expressed"):
            assert heading in notes, (name, heading)


@dataclass(frozen=True)
class Imported:
    name: str
    url: str  # SQLAlchemy's, with the asyncpg driver
    dsn: str  # libpq's, for psql and asyncpg
    project: Path
    seeded: Seeded
    counts: dict[str, int]
    output: str

    @property
    def package(self) -> str:
        return package_of(self.project)


def _run(cwd: Path, *args: str, url: str | None = None, timeout: int = 1800) -> str:
    """`python -m <args>` (or a script) in `cwd`; it must succeed. Its output."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTHONPATH")}
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(cwd))
    if url:
        env["DATABASE_URL"] = url
    done = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{' '.join(args)[:200]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def _counts(dsn: str) -> dict[str, int]:
    async def counts() -> dict[str, int]:
        connection = await asyncpg.connect(dsn)
        try:
            names = await connection.fetch(
                "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE nspname = 'public' AND relkind IN ('r', 'p', 'v') AND NOT relispartition"
            )
            return {
                row[0]: await connection.fetchval(f"SELECT count(*) FROM public.{quoted(row[0])}")
                for row in names
            }
        finally:
            await connection.close()

    return asyncio.run(counts())


def _import(parent: Path, dsn: str) -> str:
    """`persistgen import`, as a user runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "persistgen", "import", dsn, "--dir", str(parent)],
        cwd=parent,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    output = done.stdout + done.stderr
    if done.returncode:
        pytest.fail(f"persistgen import failed:\n{output}")
    return output


@pytest.fixture(scope="module", params=SCHEMAS)
def imported(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Imported]:
    """The schema loaded with psql, seeded, and imported with `persistgen import`."""
    name: str = request.param
    # The project and its package are named after the database: as short as a real one
    # (Lago's longest module and `corpus_import_lago_<pid>` overflow an import line).
    with fresh_database(f"pgi_{name}") as url:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(
            [
                "psql",
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                dsn,
                "-f",
                str(IMPORTS / name / "structure.sql"),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        seeded = seed(dsn)
        assert seeded.with_rows >= FILLED.get(name, seeded.tables), seeded
        parent = tmp_path_factory.mktemp(f"import-{name}")
        output = _import(parent, dsn)
        project = parent / make_url(url).database  # type: ignore[operator]
        yield Imported(name, url, dsn, project, seeded, _counts(dsn), output)


def test_the_import_reports_what_it_did_not_express(imported: Imported) -> None:
    spec = (imported.project / "persistgen.yaml").read_text(encoding="utf-8")
    notes = spec.count("# import:")
    print(f"{imported.name}: {imported.seeded.tables} tables, {notes} notes")
    assert "Wrote" in imported.output or "Next" in imported.output or imported.output


def test_ruff_check(imported: Imported) -> None:
    _run(imported.project, "-m", "ruff", "check", "--no-cache", ".")


def test_mypy_strict(imported: Imported) -> None:
    output = mypy_strict(imported.project, imported.package, "tests")
    assert "Success: no issues found" in output


@pytest.mark.whole_import
def test_own_tests_pass_on_sqlite(imported: Imported, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'tests.db'}"
    output = _run(imported.project, "-m", "pytest", "-q", "-p", "no:cacheprovider", url=url)
    assert " passed" in output and " failed" not in output


@pytest.mark.whole_import
def test_own_tests_pass_on_postgres(imported: Imported) -> None:
    with fresh_database(f"corpus_import_tests_{imported.name}_{os.getpid()}") as url:
        output = _run(imported.project, "-m", "pytest", "-q", "-p", "no:cacheprovider", url=url)
    assert " passed" in output and " failed" not in output


def _stamp(imported: Imported) -> None:
    """As the imported project's README says: stamp its baseline (the database as imported)
    on the source database, then `upgrade head` adds persistgen's own tables."""
    versions = sorted((imported.project / "migrations" / "versions").glob("0*.py"))
    assert "baseline" in versions[0].name, [v.name for v in versions]
    baseline = versions[0].name.split("_")[1]
    _run(imported.project, "-m", "alembic", "stamp", baseline, url=imported.url)
    _run(imported.project, "-m", "alembic", "upgrade", "head", url=imported.url)


def _applied(imported: Imported) -> bool:
    return "alembic_version" in _counts(imported.dsn)


def test_stamped_source_database_checks_clean(imported: Imported) -> None:
    _stamp(imported)
    output = _run(imported.project, "-m", "alembic", "check", url=imported.url)
    assert "No new upgrade operations detected" in output


LISTS = """
import asyncio, json, sys
import httpx
from {package}.main import app

async def main() -> None:
    totals = {{}}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://corpus") as client:
            for path in json.loads(sys.argv[1]):
                answer = await client.get(path, params={{"limit": 1}})
                totals[path] = (
                    answer.json()["total"] if answer.status_code == 200
                    else f"{{answer.status_code}} {{answer.text[:300]}}"
                )
    print(json.dumps(totals))

asyncio.run(main())
"""


def _list_routes(project: Path) -> dict[str, str]:
    """Each resource's list route and its table, as the spec gives them."""
    from persistgen.plan.targets import route
    from persistgen.spec.validate import read_spec

    spec = read_spec(project / "persistgen.yaml")
    routes = {}
    for name, resource in spec.resources.items():
        if resource.routes is not None and "list" not in resource.routes:
            continue
        table = resource.table_name(name)
        routes["/" + route(table)] = table
    return routes


def test_every_list_total_is_the_tables_count(imported: Imported) -> None:
    routes = _list_routes(imported.project)
    assert routes
    script = LISTS.format(package=imported.package)
    output = _run(imported.project, "-c", script, json.dumps(sorted(routes)), url=imported.url)
    # the app may log to stderr, which follows stdout in the output
    totals = json.loads(next(line for line in output.splitlines() if line.startswith('{"/')))
    expected = {path: imported.counts[table] for path, table in routes.items()}
    assert totals == expected
    assert sum(expected.values()) >= imported.seeded.rows // 2


def test_edit_generate_upgrade_keeps_the_rows(imported: Imported) -> None:
    """A new column with an index on one table: `persistgen generate` writes a revision that
    `alembic upgrade head` applies to the stamped source database, rows and all."""
    if not _applied(imported):
        _stamp(imported)
    counts = _counts(imported.dsn)
    spec_file = imported.project / "persistgen.yaml"
    yaml = YAML()
    yaml.width = 100
    document = yaml.load(spec_file)
    table = EDITED.get(imported.name)
    resource = next(
        (
            resource
            for name, resource in document["resources"].items()
            if resource.get("table", None) == table or (table and _default_table(name) == table)
        ),
        next(iter(document["resources"].values())),
    )
    resource["fields"]["corpus_note"] = {
        "type": "str",
        "max_length": 40,
        "nullable": True,
        "index": True,
    }
    with spec_file.open("w", encoding="utf-8") as handle:
        yaml.dump(document, handle)
    _run(imported.project, "-m", "persistgen", "generate")
    _run(imported.project, "-m", "alembic", "upgrade", "head", url=imported.url)
    assert _counts(imported.dsn) == counts
    output = _run(imported.project, "-m", "alembic", "check", url=imported.url)
    assert "No new upgrade operations detected" in output

    async def added() -> tuple[object, object]:
        connection = await asyncpg.connect(imported.dsn)
        try:
            column = await connection.fetchval(
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_schema = 'public' AND column_name = 'corpus_note'"
            )
            index = await connection.fetchval(
                "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' "
                "AND indexdef LIKE '%(corpus_note)%'"
            )
            return column, index
        finally:
            await connection.close()

    assert asyncio.run(added()) == (1, 1)


def _default_table(name: str) -> str:
    from persistgen import naming

    return naming.plural(naming.snake(name))
