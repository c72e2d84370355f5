"""`python -m <package>.seed` in generated projects, as their README says to run it: fixtures
(YAML and JSON) loaded twice give the same rows, references resolve by natural key, an error
names file, line and field and writes nothing, and fake rows fill every table of the blog and
shop examples twice over without a constraint violation; the README's own fixture example of
each example project loads. SQLite and PostgreSQL; about 30 s of CPU in subprocesses (alembic,
the command, a report)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.generated.project import database_env, generated, run, run_script
from tests.postgres import fresh_database

FAKE_ROWS = 25

BLOG_FIXTURES = """\
Post:  # before its authors in the file: the loader orders parents first
  - {slug: hello, title: Hello, body: Hi., author: ada@example.org}
  - slug: second
    title: Second
    body: Two.
    status: published
    author: {email: bob@example.org}
User:
  - {email: ada@example.org, display_name: Ada}
  - {email: bob@example.org, display_name: Bob, bio: Writes.}
"""

SHOP_FIXTURES = """\
{
\t"Warehouse": [{"code": "BER-1", "city": "Berlin", "capacity": 40, "opens_at": "08:00:00"}],
\t"Product": [
\t\t{"sku": "MUG-1", "name": "Mug", "price": "9.90", "warehouse": "BER-1"},
\t\t{"sku": "CUP-2", "name": "Cup", "price": 4.5, "warehouse": {"code": "BER-1"}}
\t],
\t"Customer": [{"email": "eve@example.org", "name": "Eve"}]
}
"""

# Run in the project: each table's row count, then the rows the queries name.
_REPORT = """
import asyncio
from sqlalchemy import func, select, text
from {package} import models
from {package}.db.base import Base
from {package}.db.engine import engine

async def main() -> None:
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name == "idempotency_keys":  # the API's, not a resource's
                continue
            count = await connection.scalar(select(func.count()).select_from(table))
            print("count", table.name, count)
        for query in {queries!r}:
            for row in await connection.execute(text(query)):
                print("row", *row)
    await engine.dispose()

asyncio.run(main())
"""

BLOG_QUERIES = [
    "SELECT p.slug, p.title, u.email, p.status FROM posts p JOIN users u ON u.id = p.author_id "
    "WHERE p.slug IN ('hello', 'second') ORDER BY p.slug",
]
SHOP_QUERIES = [
    "SELECT sku, warehouse_id FROM products WHERE sku IN ('MUG-1', 'CUP-2') ORDER BY sku",
]


def _example(name: str) -> Path:
    return next(spec for spec in EXAMPLES if spec.stem == name)


@pytest.fixture(scope="module")
def blog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generated(tmp_path_factory.mktemp("seed") / "blog", _example("blog").read_text())
    (project / "data").mkdir()
    (project / "data" / "seed.yaml").write_text(BLOG_FIXTURES, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generated(tmp_path_factory.mktemp("seed") / "shop", _example("shop").read_text())
    (project / "data").mkdir()
    (project / "data" / "seed.json").write_text(SHOP_FIXTURES, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def tracker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = _example("tracker").read_text()
    return generated(tmp_path_factory.mktemp("seed") / "tracker", spec)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind, for one test."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'seed.db'}"
        return
    with fresh_database(f"pgs_seed_{os.getpid()}") as url:
        yield url


def _report(project: Path, url: str, queries: list[str]) -> tuple[dict[str, int], list[str]]:
    script = _REPORT.replace("{package}", project.name).replace("{queries!r}", repr(queries))
    lines = [line.split(" ", 1) for line in run_script(project, script, database_url=url)]
    counts = {
        table: int(count)
        for kind, rest in lines
        if kind == "count"
        for table, count in [rest.split()]
    }
    return counts, [rest for kind, rest in lines if kind == "row"]


def _refused(blog: Path, url: str) -> None:
    """A fixture error names file, line and field; the row before it is not written (the
    counts at the end have no eve)."""
    bad = blog / "data" / "bad.yaml"
    bad.write_text(
        "User:\n  - {email: eve@example.org, display_name: Eve}\n"
        "Post:\n  - slug: x\n    title: X\n    body: ok\n    author: nobody@example.org\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "blog.seed", "data/bad.yaml"],
        cwd=blog,
        env=database_env(url),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: data/bad.yaml:7:5: Post.author: no User with email='nobody@example.org' "
        "(give it in the fixtures too)",
        "Nothing was written.",
    ]


def _seed(project: Path, url: str, *args: str) -> str:
    return run(project, f"{project.name}.seed", *args, database_url=url)


def test_blog_fixtures_load_twice_to_the_same_rows_then_fake_rows(
    blog: Path, database: str
) -> None:
    run(blog, "alembic", "upgrade", "head", database_url=database)
    loaded = _seed(blog, database, "data/seed.yaml").splitlines()
    assert loaded == ["User: 2 loaded", "Post: 2 loaded"]
    # Loaded again, one title changed, with fake rows in the same run; then fake rows again:
    # their row numbers continue past the first run's, so no unique value repeats.
    changed = blog / "data" / "changed.yaml"
    changed.write_text(BLOG_FIXTURES.replace("title: Hello", "title: Hello again"), "utf-8")
    _seed(blog, database, str(changed), "--fake", str(FAKE_ROWS))
    _seed(blog, database, "--fake", str(FAKE_ROWS))
    counts, rows = _report(blog, database, BLOG_QUERIES)
    assert rows == [
        "hello Hello again ada@example.org draft",
        "second Second bob@example.org published",
    ]
    fake = 2 * FAKE_ROWS
    assert counts == {"users": 2 + fake, "posts": 2 + fake, "comments": fake}


def test_shop_json_fixtures_name_a_warehouse_by_its_code_then_fake_rows(
    shop: Path, database: str
) -> None:
    run(shop, "alembic", "upgrade", "head", database_url=database)
    _seed(shop, database, "data/seed.json")
    _seed(shop, database, "data/seed.json", "--fake", str(FAKE_ROWS))
    _seed(shop, database, "--fake", str(FAKE_ROWS))
    counts, rows = _report(shop, database, SHOP_QUERIES)
    assert rows == ["CUP-2 BER-1", "MUG-1 BER-1"]
    fixtures = {"customers": 1, "warehouses": 1, "products": 2}
    assert counts == {
        table: fixtures.get(table, 0) + 2 * FAKE_ROWS
        for table in ("customers", "warehouses", "products", "orders", "order_lines")
    }


def _readme_example(project: Path) -> str:
    """The fixture example of the project's README: the YAML block of its "Seed data"."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Seed data\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```yaml\n", 1)[1].split("```", 1)[0]


@pytest.mark.parametrize("example", ["blog", "shop", "tracker"])
def test_the_readme_fixture_example_loads_twice_to_its_rows(
    example: str, database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The README's example rows, the project's own resources (a child's naming its parent by
    its natural key), load as written: one row each, the same row when loaded again."""
    project: Path = request.getfixturevalue(example)
    fixtures = _readme_example(project)
    resources = [line.removesuffix(":") for line in fixtures.splitlines() if line[:1].isalpha()]
    assert len(resources) == 2  # every example has a parent and a child to show
    path = tmp_path / "readme.yaml"
    path.write_text(fixtures, encoding="utf-8")
    run(project, "alembic", "upgrade", "head", database_url=database)
    for _ in range(2):
        loaded = _seed(project, database, str(path)).splitlines()
        assert loaded == [f"{name}: 1 loaded" for name in resources]
    counts, _ = _report(project, database, [])
    assert sum(counts.values()) == len(resources) and max(counts.values()) == 1
