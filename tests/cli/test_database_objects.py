"""Objects the spec does not model (`database_objects`) and a read-only resource over a view, as
a user meets them: a project with a view, an index, a function and a trigger upgrades from an
empty database, `alembic check` comes clean, the objects are in the catalog, the view answers
over HTTP, a changed view gets a revision of its own, and downgrading removes them all."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.cli.conftest import Invoke
from tests.cli.helpers import edit
from tests.conftest import ROOT
from tests.generated.project import run
from tests.postgres import fresh_database

SPEC = ROOT / "tests" / "cases" / "features" / "database-objects" / "persistgen.yaml"
CLEAN = "No new upgrade operations detected"
# What the spec's objects are in PostgreSQL's catalog: (kind, name).
CATALOG = """
SELECT 'relation ' || relkind::text, relname FROM pg_class
  WHERE relname IN ('customer_totals', 'customers_email_lower')
UNION ALL SELECT 'function', proname FROM pg_proc WHERE proname = 'touch_order'
UNION ALL SELECT 'trigger', tgname FROM pg_trigger WHERE tgname = 'orders_touch'
"""
ALL_OBJECTS = {
    ("relation v", "customer_totals"),
    ("relation i", "customers_email_lower"),
    ("function", "touch_order"),
    ("trigger", "orders_touch"),
}


@pytest.fixture
def shop(cli: Invoke, tmp_path: Path) -> Path:
    result = cli("new", "project", "shop", "--spec", str(SPEC))
    assert result.exit_code == 0, result.output
    return tmp_path / "shop"


def catalog(url: str, query: str = CATALOG, setup: str = "") -> set[tuple[str, ...]]:
    """The rows `query` answers on `url` (after the statements `setup`)."""

    async def read() -> set[tuple[str, ...]]:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(dsn)
        try:
            if setup:
                await connection.execute(setup)
            return {tuple(row) for row in await connection.fetch(query)}
        finally:
            await connection.close()

    return asyncio.run(read())


def test_on_sqlite_the_portable_view_is_made_and_the_rest_skipped(
    shop: Path, tmp_path: Path
) -> None:
    database = tmp_path / "shop.db"
    url = f"sqlite+aiosqlite:///{database}"
    run(shop, "alembic", "upgrade", "head", database_url=url)
    assert CLEAN in run(shop, "alembic", "check", database_url=url)
    with sqlite3.connect(database) as connection:
        kinds = dict(connection.execute("SELECT name, type FROM sqlite_master").fetchall())
    assert kinds["customer_totals"] == "view"  # `dialects: [postgresql, sqlite]`
    assert "customers_email_lower" not in kinds  # PostgreSQL only, by default
    output = run(shop, "pytest", "-q", "-p", "no:cacheprovider", "tests/test_views.py")
    assert "2 passed" in output
    run(shop, "alembic", "downgrade", "base", database_url=url)
    with sqlite3.connect(database) as connection:
        left = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    assert "customer_totals" not in left and "customers" not in left


@pytest.mark.postgres
def test_on_postgres_the_objects_are_made_checked_changed_and_removed(
    cli: Invoke, shop: Path
) -> None:
    with fresh_database(f"pg17_baseline_objects_{os.getpid()}") as url:
        run(shop, "alembic", "upgrade", "head", database_url=url)
        assert CLEAN in run(shop, "alembic", "check", database_url=url)
        assert catalog(url) == ALL_OBJECTS
        # The view reads the tables; the trigger makes every total positive.
        rows = catalog(
            url,
            "SELECT name, orders::text FROM customer_totals"
            " UNION ALL SELECT 'total', total::text FROM orders",
            setup="INSERT INTO customers (name, email) VALUES ('Ada', 'ada@example.com');"
            "INSERT INTO orders (customer_id, total) SELECT id, -3 FROM customers;",
        )
        assert rows == {("Ada", "1"), ("total", "3.00")}
        output = run(
            shop, "pytest", "-q", "-p", "no:cacheprovider", "tests/test_views.py", database_url=url
        )
        assert "2 passed" in output

        # A changed view is replaced in a revision of its own, and put back going down.
        edit(shop / "persistgen.yaml", "COUNT(o.id) AS orders", "COUNT(o.id) + 0 AS orders")
        result = cli("generate", "-p", "shop")
        assert result.exit_code == 0, result.output
        assert "replace view customer_totals" in result.stdout
        run(shop, "alembic", "upgrade", "head", database_url=url)
        assert CLEAN in run(shop, "alembic", "check", database_url=url)
        definition = "SELECT 'def', pg_get_viewdef('customer_totals') "
        assert "+ 0" in catalog(url, definition).pop()[1]
        run(shop, "alembic", "downgrade", "-1", database_url=url)
        assert "+ 0" not in catalog(url, definition).pop()[1]

        run(shop, "alembic", "downgrade", "base", database_url=url)
        assert catalog(url) == set()
