"""PostgreSQL's spelling of a CHECK, as the SQLite that tries the test data reads it."""

from __future__ import annotations

import sqlite3

import pytest

from persistgen.plan import check_sql


@pytest.mark.parametrize(
    ("sql", "spelled"),
    [
        (
            "(status = 'approved'::quote_status) = (x IS NULL)",
            "(status = 'approved') = (x IS NULL)",
        ),
        ("units >= (0)::numeric", "units >= (0)"),
        ("name::character varying(20) <> ''::text", "name <> ''"),
        ("tags::text[] IS NOT NULL", "tags IS NOT NULL"),
        ("code ~ '::x'", "code  REGEXP  '::x'"),  # a literal as it is
        ("code !~* '^a'", "code  NOT REGEXP '(?i)' ||  '^a'"),
        # a cast to a moment changes the comparison: kept, so SQLite cannot read it
        ("ends::date > '2020-01-01'::date", "ends::date > '2020-01-01'::date"),
        ("at::timestamp without time zone > x", "at::timestamp without time zone > x"),
    ],
)
def test_spelled_for_sqlite(sql: str, spelled: str) -> None:
    assert check_sql.for_sqlite(sql) == spelled


@pytest.mark.parametrize(
    ("sql", "result"),
    [
        ("'code_1' ~ '^[a-z0-9_]{1,100}$'", 1),
        ("'code-1' ~ '^[a-z0-9_]{1,100}$'", 0),
        ("'ABC' ~* '^abc$'", 1),
        ("'abc' !~ 'b'", 0),
        ('cardinality(\'["a", "b"]\')', 2),
        ("jsonb_typeof('{\"n\": 1}')", "object"),
        ("jsonb_typeof('[1]')", "array"),
        ("jsonb_typeof('true')", "boolean"),
        ("jsonb_typeof('1.5')", "number"),
        ("NULL ~ 'a'", None),
    ],
)
def test_sqlite_evaluates_them(sql: str, result: object) -> None:
    connection = sqlite3.connect(":memory:")
    check_sql.add_functions(connection)
    query = f"SELECT {check_sql.for_sqlite(sql)}"
    assert connection.execute(query).fetchone()[0] == result
