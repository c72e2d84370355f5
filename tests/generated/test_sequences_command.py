"""`python -m <package>.db.sequences` in a generated project, as its README says to run it after
a bulk load: on a database its migrations built, rows loaded with their own keys, then the
command, then a create through the repositories gets a fresh key. SQLite and PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.feature_cases import FEATURES
from tests.generated.project import generated, run, run_script
from tests.postgres import fresh_database

CASE = FEATURES / "client-and-adopted-keys"

# Rows with explicit keys, as a copy of another database brings them (the largest not last).
LOAD = """
import asyncio
from sqlalchemy import insert
from keys.db.engine import engine
from keys import models

async def main() -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(models.Country), [{"number": 7, "name": "Chad"}])
        for model in (models.Invoice, models.Counter, models.Legacy, models.Tag):
            column = "total" if model is models.Invoice else "label"
            rows = [{"id": key, column: 1 if column == "total" else "loaded"} for key in (3, 40, 5)]
            await connection.execute(insert(model), rows)
        await connection.execute(
            insert(models.Ledger), [{"id": 12, "label": "loaded", "country_id": 7}]
        )
    await engine.dispose()

asyncio.run(main())
"""

# One create through each numbered resource's repository: the keys they get.
CREATE = """
import asyncio
from keys.db.engine import engine
from keys.db.session import SessionFactory
from keys.repositories.counter import CounterRepository
from keys.repositories.invoice import InvoiceRepository
from keys.repositories.ledger import LedgerRepository
from keys.repositories.legacy import LegacyRepository
from keys.repositories.tag import TagRepository
from keys.schemas.counter import CounterCreate
from keys.schemas.invoice import InvoiceCreate
from keys.schemas.ledger import LedgerCreate
from keys.schemas.legacy import LegacyCreate
from keys.schemas.tag import TagCreate

async def main() -> None:
    async with SessionFactory() as session:
        created = [
            await InvoiceRepository(session).create(InvoiceCreate(total=2)),
            await CounterRepository(session).create(CounterCreate(label="new")),
            await LegacyRepository(session).create(LegacyCreate(label="new")),
            await TagRepository(session).create(TagCreate(label="new")),
            await LedgerRepository(session).create(LedgerCreate(label="new", country_id=7)),
        ]
        await session.commit()
    print(*(row.id for row in created))
    await engine.dispose()

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = (CASE / "persistgen.yaml").read_text(encoding="utf-8")
    return generated(tmp_path_factory.mktemp("sequences") / "keys", spec)


def _load_and_advance(project: Path, url: str) -> list[str]:
    run(project, "alembic", "upgrade", "head", database_url=url)
    run_script(project, LOAD, database_url=url)
    first = run(project, "keys.db.sequences", database_url=url).splitlines()
    assert run(project, "keys.db.sequences", database_url=url).splitlines() == [
        "Every sequence is already past its table's keys: nothing changed."
    ]
    assert run_script(project, CREATE, database_url=url) == ["41 41 41 41 13"]
    return first


@pytest.mark.postgres
def test_on_postgresql_every_kind_of_sequence_is_set_past_the_load(project: Path) -> None:
    with fresh_database(f"pg_sequences_command_{os.getpid()}") as url:
        assert sorted(_load_and_advance(project, url)) == [
            "counters.id: public.counters_id_seq now gives 41 (was 1)",
            "invoices.id: public.invoices_id_seq now gives 41 (was 1)",
            "ledgers.id: ledger_numbers now gives 13 (was 1)",
            "legacies.id: legacy_id_seq now gives 41 (was 1)",
            "tags.id: public.tags_id_seq now gives 41 (was 1)",
        ]


def test_on_sqlite_autoincrement_counters_already_follow_the_load(
    project: Path, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'loaded.db'}"
    assert _load_and_advance(project, url) == [
        "Every sequence is already past its table's keys: nothing changed."
    ]
