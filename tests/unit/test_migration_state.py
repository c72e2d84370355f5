"""The snapshot format, and the imports a revision derives from its operations."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from persistgen.migrate.batch_operations import AddColumn, RenameColumn
from persistgen.migrate.operations import Backfill, Batch, Operation
from persistgen.migrate.revision_file import revision_file
from persistgen.migrate.schema import (
    DbColumn,
    DbTable,
    ForeignKeyModel,
    NewerFormat,
    SchemaState,
    state_from_json,
    state_to_json,
)
from persistgen.migrate.table_operations import CreateTable, DropTable

V1_STATE = Path(__file__).parents[1] / "cli" / "data" / "blog_state_v1.json"
PRICE = DbColumn("price", "sa.Numeric(precision=10, scale=2)", "decimal", ("10", "2"), False)
DATA = DbColumn(
    "data", 'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")', "json", (), True
)
STAMP = DbColumn(
    "at", "sa.DateTime(timezone=True)", "datetime", (), False, server_default="utcnow()"
)
TABLE = DbTable(
    name="orders",
    resource="Order",
    columns=(PRICE, DATA, STAMP),
    primary_key=("price",),
    pk_name="pk_orders",
    uniques=(("uq_orders_data", ("data", "at")),),
    indexes=(("ix_orders_at", ("at",)),),
    foreign_keys=(ForeignKeyModel("data", "users", "id", "CASCADE", "fk_x", "people"),),
    checks=(("ck_orders_price", "price > 0"),),
    schema="people",
)


def test_state_survives_its_format() -> None:
    file = "migrations/versions/0003_3f9a1c2b7d4e_x.py"
    state = SchemaState("3f9a1c2b7d4e", (TABLE,), ("0002", "9b8c7d6e5f4a"), 3, file)
    data = json.loads(json.dumps(state_to_json(state)))
    assert data["format"] == 3
    assert state_from_json(data) == state


def test_a_snapshot_from_before_sqlite_autoincrement_reads_as_without_it() -> None:
    """Its tables were made without AUTOINCREMENT: the next revision rebuilds them on SQLite."""
    counted = replace(TABLE, autoincrement=True)
    data = state_to_json(SchemaState("ab12", (counted,), number=1))
    assert data["tables"][0]["sqlite_autoincrement"] is True
    assert state_from_json(data).tables == (counted,)
    del data["tables"][0]["sqlite_autoincrement"]
    assert state_from_json(data).tables == (TABLE,)


def test_format_2_was_the_head_of_a_numbered_history() -> None:
    data = {**state_to_json(SchemaState(tables=(TABLE,))), "format": 2, "head": "0007"}
    assert state_from_json(data) == SchemaState("0007", (TABLE,), number=7)


def test_format_1_reads_as_the_same_schema() -> None:
    old = state_from_json(json.loads(V1_STATE.read_text(encoding="utf-8")))
    assert [t.name for t in old.tables] == ["users", "posts", "comments"]
    assert state_from_json(state_to_json(old)) == old


def test_a_newer_format_is_told_apart_from_damage() -> None:
    with pytest.raises(NewerFormat):
        state_from_json({"format": 4, "revision": "x", "tables": []})
    with pytest.raises(ValueError, match="expected a list"):
        state_from_json({"format": 2, "head": None, "tables": "none"})
    with pytest.raises(KeyError):
        state_from_json({"format": 3, "revision": "x", "tables": []})


def imports(*operations: Operation) -> tuple[str, ...]:
    up = list(operations)
    kwargs = {"summary": (), "destructive": (), "package": "shop"}
    return revision_file("ab12", 2, ["0001"], "m", upgrade=up, downgrade=[], **kwargs).imports


def test_a_rename_imports_only_online() -> None:
    rename = Batch("orders", None, (RenameColumn("a", "b"),))
    assert imports(rename) == ("from shop.db import online",)
    assert rename.lines()[0] == "with online.batch('orders') as batch_op:"


def test_imports_follow_the_columns_an_operation_spells() -> None:
    assert set(imports(Batch("orders", None, (AddColumn(DATA), AddColumn(STAMP))))) == {
        "import sqlalchemy as sa",
        "from sqlalchemy.dialects import postgresql",
        "from shop.db import online",
        "from shop.db.types import utcnow",
    }
    assert "from decimal import Decimal" in imports(Backfill("orders", None, PRICE, "Decimal('1')"))


def test_a_batch_on_an_autoincrement_table_keeps_it_and_its_counter() -> None:
    batch = Batch("orders", None, (RenameColumn("a", "b"),), autoincrement=True)
    assert batch.lines()[0] == (
        "with counter_kept('orders'), online.batch('orders', "
        'table_kwargs={"sqlite_autoincrement": True}) as batch_op:'
    )
    assert "from shop.db.autoincrement import counter_kept" in imports(batch)
    assert all(b.autoincrement for b in batch.reverse() if isinstance(b, Batch))


def test_key_numbering_is_recorded_only_where_set() -> None:
    """`autoincrement: false` and `sequence`: absent from a snapshot without them, so the
    snapshots of projects that use neither stay as they were."""
    supplied = DbColumn("number", "sa.Integer()", "int", (), False, autoincrement=False)
    adopted = DbColumn("id", "sa.Integer()", "int", (), False, sequence="legacy_id_seq")
    table = replace(TABLE, columns=(supplied, adopted, PRICE))
    data = state_to_json(SchemaState("ab12", (table,), number=1))
    columns = data["tables"][0]["columns"]
    assert columns[0]["autoincrement"] is False and "sequence" not in columns[0]
    assert columns[1]["sequence"] == "legacy_id_seq" and "autoincrement" not in columns[1]
    assert "autoincrement" not in columns[2] and "sequence" not in columns[2]
    assert state_from_json(json.loads(json.dumps(data))).tables == (table,)


def test_a_named_sequence_is_made_before_its_table_and_dropped_after_it() -> None:
    adopted = DbColumn("id", "sa.Integer()", "int", (), False, sequence="legacy_id_seq")
    table = replace(TABLE, columns=(adopted,), primary_key=("id",), uniques=(), indexes=())
    table = replace(table, foreign_keys=(), checks=())
    create = CreateTable(table, ())
    lines = create.lines()
    sequence = "sa.Sequence('legacy_id_seq', schema='people')"
    assert lines[:2] == [
        'if op.get_bind().dialect.name == "postgresql":',
        f"    op.execute(sa.schema.CreateSequence({sequence}, if_not_exists=True))",
    ]
    assert f"server_default=next_value({sequence})" in "\n".join(lines)
    assert "{package}.db.sequences:next_value" in create.imports
    drop = DropTable(table).lines()
    assert drop[0].startswith("op.drop_table(")
    assert drop[2] == f"    op.execute(sa.schema.DropSequence({sequence}, if_exists=True))"


def test_a_generated_column_is_recorded_only_where_set() -> None:
    """`generated`: in the snapshot with its expression, absent from other columns (the
    snapshots of projects without generated columns stay as they were)."""
    doubled = DbColumn("doubled", "sa.Integer()", "int", (), False, generated="price * 2")
    table = replace(TABLE, columns=(PRICE, doubled))
    data = state_to_json(SchemaState("ab12", (table,), number=1))
    columns = data["tables"][0]["columns"]
    assert "generated" not in columns[0] and columns[1]["generated"] == "price * 2"
    assert state_from_json(json.loads(json.dumps(data))).tables == (table,)


def test_postgresql_only_checks_are_recorded_only_where_there_are_some() -> None:
    """Snapshots of tables without them stay as they were; those with them read back."""
    assert "postgres_checks" not in state_to_json(SchemaState("ab12", (TABLE,)))["tables"][0]
    regex = replace(TABLE, postgres_checks=(("orders_code", "code ~ '^[a-z]+$'"),))
    data = json.loads(json.dumps(state_to_json(SchemaState("ab12", (regex,), number=1))))
    assert data["tables"][0]["postgres_checks"] == [
        {"name": "orders_code", "sql": "code ~ '^[a-z]+$'"}
    ]
    assert state_from_json(data).tables == (regex,)


def test_a_new_table_makes_its_postgresql_only_checks_on_postgresql_alone() -> None:
    regex = replace(TABLE, postgres_checks=(("orders_code", "code ~ '^[a-z]+$'"),))
    lines = CreateTable(regex, ()).lines()
    assert "    sa.CheckConstraint('price > 0', name=op.f('ck_orders_price'))," in lines
    assert (
        "    sa.CheckConstraint(\"code ~ '^[a-z]+$'\", name=op.f('orders_code'))"
        '.ddl_if(dialect="postgresql"),'
    ) in lines
