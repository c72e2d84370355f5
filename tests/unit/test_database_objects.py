"""`database_objects` (carried verbatim into the migrations) and `view: true` resources: the SQL
that drops each, the snapshot that records them, the operations between two snapshots, what
`alembic check` leaves alone, and the rules a spec breaks."""

from __future__ import annotations

from dataclasses import replace

import pytest

from persistgen import plan
from persistgen.errors import UserError
from persistgen.migrate.compare import compare
from persistgen.migrate.next_revision import revision_id_for
from persistgen.migrate.object_operations import ObjectStep, RunObjects
from persistgen.migrate.operations import undo
from persistgen.migrate.renames import Renames
from persistgen.migrate.schema import DbObject, SchemaState, state_from_json, state_to_json
from persistgen.migrate.table_operations import CreateTable
from persistgen.plan.objects import drop_sql
from persistgen.spec.model import DatabaseObjectSpec
from persistgen.spec.validate import read_spec_text
from tests.unit.test_migration_compare import TITLE, table

BOOKS = table("books", TITLE)
VIEW = DbObject(
    "titles", "view", "CREATE VIEW titles AS SELECT title FROM books", "DROP VIEW titles"
)
VIEW_AFTER = replace(VIEW, after=("books",))
FUNCTION = DbObject("f", "function", "CREATE FUNCTION f() ...", "DROP FUNCTION IF EXISTS f")
BOTH = replace(VIEW, dialects=("postgresql", "sqlite"))


def item(**options: object) -> DatabaseObjectSpec:
    return DatabaseObjectSpec.model_validate({"name": "x", "create": "CREATE ...", **options})


@pytest.mark.parametrize(
    ("options", "schema", "drop"),
    [
        ({"kind": "view"}, None, "DROP VIEW IF EXISTS x"),
        (
            {"kind": "materialized_view", "name": "Totals"},
            None,
            'DROP MATERIALIZED VIEW IF EXISTS "Totals"',
        ),
        ({"kind": "function"}, "shop", "DROP FUNCTION IF EXISTS shop.x"),
        ({"kind": "index", "dialects": ["sqlite"]}, "shop", "DROP INDEX IF EXISTS x"),
        ({"kind": "extension", "name": "pg_trgm"}, "shop", "DROP EXTENSION IF EXISTS pg_trgm"),
        ({"kind": "trigger", "after": ["Orders"]}, None, 'DROP TRIGGER IF EXISTS x ON "Orders"'),
        ({"kind": "sql", "drop": " DROP TABLE y "}, None, "DROP TABLE y"),
        ({"kind": "trigger"}, None, None),  # on which table?
        ({"kind": "sql"}, None, None),
    ],
)
def test_the_drop_is_the_specs_or_the_obvious_one(
    options: dict[str, object], schema: str | None, drop: str | None
) -> None:
    assert drop_sql(item(**options), schema) == drop


def test_snapshots_record_objects_only_when_there_are_some() -> None:
    assert "objects" not in state_to_json(SchemaState("r1", (BOOKS,)))
    state = SchemaState("r1", (BOOKS,), objects=(VIEW_AFTER, BOTH))
    assert state_from_json(state_to_json(state)) == state
    # A project without objects keeps its revision ids; one with them gets its own.
    assert revision_id_for((), (BOOKS,), "m") == revision_id_for((), (BOOKS,), "m", ())
    assert revision_id_for((), (BOOKS,), "m") != revision_id_for((), (BOOKS,), "m", (VIEW,))


def diff(before: SchemaState, after: SchemaState) -> list[object]:
    return list(compare(before, after, Renames(), {}).operations)


def test_objects_come_after_the_tables_and_go_in_reverse() -> None:
    operations = diff(SchemaState(), SchemaState(tables=(BOOKS,), objects=(VIEW, FUNCTION)))
    made = RunObjects((ObjectStep(VIEW, create=True), ObjectStep(FUNCTION, create=True)))
    assert operations == [CreateTable(BOOKS, ()), made]
    assert made.lines() == [
        'if op.get_bind().dialect.name == "postgresql":',
        "    op.execute('CREATE VIEW titles AS SELECT title FROM books')",
        "    op.execute('CREATE FUNCTION f() ...')",
    ]
    assert undo(operations)[0].lines()[1:] == [
        "    op.execute('DROP FUNCTION IF EXISTS f')",
        "    op.execute('DROP VIEW titles')",
    ]


def test_an_object_on_both_databases_runs_untested_and_sqlite_only_under_else() -> None:
    assert RunObjects((ObjectStep(BOTH, create=True),)).lines() == [
        "op.execute('CREATE VIEW titles AS SELECT title FROM books')"
    ]
    sqlite = replace(VIEW, dialects=("sqlite",))
    assert RunObjects((ObjectStep(sqlite, create=False),)).lines() == [
        'if op.get_bind().dialect.name != "postgresql":',
        "    op.execute('DROP VIEW titles')",
    ]


def test_unchanged_objects_stay_changed_ones_are_replaced_gone_ones_dropped() -> None:
    before = SchemaState("r1", (BOOKS,), objects=(VIEW, FUNCTION))
    assert diff(before, replace(before, head=None)) == []
    changed = replace(VIEW, create="CREATE VIEW titles AS SELECT id, title FROM books")
    result = compare(before, SchemaState(tables=(BOOKS,), objects=(changed,)), Renames(), {})
    assert result.operations == [
        RunObjects((ObjectStep(FUNCTION, create=False), ObjectStep(VIEW, create=False))),
        RunObjects((ObjectStep(changed, create=True),)),
    ]
    assert result.summary == ["replace view titles", "drop function f"]


def test_an_object_is_made_again_around_a_change_to_a_table_it_needs() -> None:
    wider = table("books", TITLE, replace(TITLE, name="subtitle", nullable=True))
    before = SchemaState("r1", (BOOKS,), objects=(VIEW_AFTER, FUNCTION))
    result = compare(
        before, SchemaState(tables=(wider,), objects=(VIEW_AFTER, FUNCTION)), Renames(), {}
    )
    assert result.operations[0] == RunObjects((ObjectStep(VIEW_AFTER, create=False),))
    assert result.operations[-1] == RunObjects((ObjectStep(VIEW_AFTER, create=True),))
    assert "recreate view titles around its tables' change" in result.summary


VIEW_SPEC = """
version: 1
project: {name: shop}
resources:
  Book:
    fields: {title: str:100}
  Title:
    view: true
    fields: {title: str:100}
database_objects:
  - {name: titles, kind: view, create: "CREATE VIEW titles AS SELECT id, title FROM books"}
  - name: books_title_lower
    kind: index
    create: CREATE INDEX books_title_lower ON books (lower(title))
"""


def test_a_view_serves_reads_has_no_table_and_alembic_check_leaves_it() -> None:
    project = plan.build(read_spec_text(VIEW_SPEC))
    view = next(r for r in project.resources if r.view)
    assert view.routes == ("list", "get")
    assert view.left_out == ("create", "update", "delete")
    assert view.base_repository == "ViewRepository"
    assert "titles" not in {t.name for t in project.tables}
    assert project.unmodelled == ("books_title_lower", "titles")
    assert [c.resource.module for c in project.suite.cases] == ["book"]
    assert [r.module for r in project.views] == ["title"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("  - {name: titles, kind: view, create: 'CREATE VIEW t'}\n", "listed twice"),
        ("  - {name: z, kind: sql, create: 'CREATE TABLE z (a int)'}\n", "how to drop the sql `z`"),
        (
            "  - {name: t, kind: trigger, create: 'CREATE TRIGGER t'}\n",
            "how to drop the trigger `t`",
        ),
        (
            "  - {name: q, kind: view, create: 'CREATE VIEW q', after: [nope]}\n",
            "`nope` is not a table",
        ),
    ],
)
def test_objects_that_cannot_be_carried_are_refused(change: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        read_spec_text(VIEW_SPEC + change)


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        ("view: true\n", "view: true\n    routes: [list, create]\n", "not `create`"),
        ("view: true\n", "view: true\n    soft_delete: true\n", "no soft delete"),
        (
            "fields: {title: str:100}\n  Title",
            "fields: {title: str:100, t: ref:Title}\n  Title",
            "nothing can reference it",
        ),
        (
            "titles, kind: view",
            "other_titles, kind: view",
            "which no `database_objects` entry makes",
        ),
    ],
)
def test_views_that_cannot_be_read_only_are_refused(before: str, after: str, message: str) -> None:
    assert before in VIEW_SPEC
    with pytest.raises(UserError, match=message):
        read_spec_text(VIEW_SPEC.replace(before, after, 1))
