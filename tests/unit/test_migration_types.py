"""What a type change means on PostgreSQL: which keep every value, and which rewrite the table
(tests/migrations/test_rewrites.py measures the same on a server)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from persistgen.migrate.compare import compare
from persistgen.migrate.renames import Renames
from persistgen.migrate.schema import DbColumn, SchemaState
from persistgen.migrate.table_operations import AddEnumValues
from persistgen.migrate.types import adds_values, rewrites, spelled, widens
from tests.unit.test_migration_compare import table


def column(kind: str, type_: str, *params: str, native: str | None = None) -> DbColumn:
    return DbColumn("value", type_, kind, params, nullable=True, native_type=native)


STR_20 = column("str", "sa.String(length=20)", "20")
STR_40 = column("str", "sa.String(length=40)", "40")
STR = column("str", "sa.String()")
TEXT = column("text", "sa.Text()")
NAIVE = column("datetime", "sa.DateTime()")
AWARE = column("datetime", "sa.DateTime(timezone=True)")
INT = column("int", "sa.Integer()")
BIGINT = column("bigint", "sa.BigInteger()")


def decimal(p: int, s: int) -> DbColumn:
    return column("decimal", f"sa.Numeric(precision={p}, scale={s})", str(p), str(s))


def enum(*values: str, native: str | None = None) -> DbColumn:
    return column("enum", f"sa.Enum({values})", *values, native=native)


@pytest.mark.parametrize(
    ("old", "new", "rewritten"),
    [
        (STR_20, STR_40, False),
        (STR_20, STR, False),
        (STR_20, TEXT, False),
        (TEXT, STR, False),
        (TEXT, STR_20, True),
        (STR_40, STR_20, True),
        (decimal(10, 2), decimal(12, 2), False),
        (decimal(10, 2), decimal(12, 4), True),
        (decimal(12, 2), decimal(10, 2), True),
        (INT, BIGINT, True),
        (enum("ab", "cd"), enum("ab", "cd", "ef"), False),
        (enum("ab", "cd"), enum("ab", "cd", "efgh"), False),  # a longer VARCHAR
        (enum("abcd", "ef"), enum("ab", "ef"), True),  # a shorter one
        (enum("ab", "cd", native="shelf"), enum("aa", "ab", "cd", "ef", native="shelf"), False),
        (enum("ab", "cd", native="shelf"), enum("cd", "ab", native="shelf"), True),
        (enum("ab", "cd", native="shelf"), enum("ab", "ef", native="shelf"), True),
    ],
)
def test_which_type_changes_rewrite(old: DbColumn, new: DbColumn, rewritten: bool) -> None:
    assert rewrites(old, new, indexed=True) is rewritten


def test_a_time_zone_switch_rebuilds_only_the_indexes_over_the_column() -> None:
    assert not rewrites(NAIVE, AWARE, indexed=False)
    assert rewrites(AWARE, NAIVE, indexed=True)
    assert widens(NAIVE, AWARE) and widens(AWARE, NAIVE)  # each instant kept


def test_text_widens_to_a_varchar_of_any_length_only() -> None:
    assert widens(TEXT, STR)
    assert not widens(TEXT, STR_20)


def test_a_type_is_spelled_as_the_spec_says_it() -> None:
    assert [spelled(c) for c in (STR_20, decimal(10, 2), AWARE, enum("a", "b"))] == [
        "str:20",
        "decimal:10:2",
        "datetime with time zone",
        "enum a|b",
    ]


def test_the_diff_names_the_rewrites_by_field() -> None:
    pages = replace(INT, name="pages", attribute="pages")
    before = SchemaState(None, (table("books", pages),))
    after = SchemaState(None, (table("books", replace(BIGINT, name="pages", attribute="pages")),))
    diff = compare(before, after, Renames(), {})
    assert diff.rewrites == [("Books.pages", "`books.pages` from int to bigint")]
    assert diff.destructive == []


def test_values_added_to_a_native_enum_go_each_in_its_place() -> None:
    old, new = enum("b", "d", native="shelf"), enum("a", "b", "c", "d", native="shelf")
    lines = AddEnumValues(table("books", old), old, new).lines()
    assert lines[:4] == [
        'if op.get_bind().dialect.name == "postgresql":',
        "    online.add_enum_value('shelf', 'a', before='b')",
        "    online.add_enum_value('shelf', 'c', after='b')",
        "else:",  # SQLite: VARCHAR + CHECK, the table rebuilt
    ]
    assert not adds_values(old, enum("a", "b", "c", "d", native="rack"))  # another type
