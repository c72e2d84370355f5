"""The importer's readings of SQL text (server defaults) and its YAML: notes as comments."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from persistgen.importer.catalog import ColumnType
from persistgen.importer.defaults import sequence_of, server_default
from persistgen.importer.names import field_name, reference_name, resource_name
from persistgen.importer.write_spec import spec_text
from tests.unit.import_catalogs import USERS, column, imported, serial, table


@pytest.mark.parametrize(
    ("sql", "field_type", "expected"),
    [
        ("now()", "datetime", "now"),
        ("CURRENT_TIMESTAMP", "datetime", "now"),
        ("(CURRENT_DATE)", "date", "now"),
        ("datetime('now')", "datetime", "now"),
        ("'draft'::character varying", "str", "draft"),
        ("'it''s'::text", "text", "it's"),
        ("('x'::text)", "text", "x"),
        ("0", "int", 0),
        ("'-1'::integer", "int", -1),
        ("(-1)", "bigint", -1),
        ("true", "bool", True),
        ("1", "bool", True),
        ("false", "bool", False),
        ("'0.5'::numeric", "decimal", 0.5),
        ("1.25", "float", 1.25),
        ("'happy'::mood", "enum", "happy"),
    ],
)
def test_server_defaults_read(sql: str, field_type: str, expected: object) -> None:
    assert server_default(sql, field_type) == expected


@pytest.mark.parametrize(
    ("sql", "field_type"),
    [
        ("gen_random_uuid()", "uuid"),
        ("'{}'::jsonb", "json"),
        ("(now() + '1 day'::interval)", "datetime"),
        ("lower('X'::text)", "text"),
        ("now()", "text"),
        ("'abc'", "int"),
        ("nextval('x_seq'::regclass)", "int"),
    ],
)
def test_server_defaults_not_expressed(sql: str, field_type: str) -> None:
    assert server_default(sql, field_type) is None


def test_sequences() -> None:
    assert sequence_of("nextval('users_id_seq'::regclass)") == "users_id_seq"
    assert sequence_of("nextval('public.\"Users_id_seq\"'::regclass)") == "Users_id_seq"
    assert sequence_of("now()") is None
    assert sequence_of(None) is None


@pytest.mark.parametrize(
    ("column", "target_key", "expected"),
    [
        ("author_id", "id", "author"),
        ("book_isbn", "isbn", "book"),
        ("SupportRepId", "EmployeeId", "support_rep"),
        ("parent", "id", "parent"),
        ("id", "id", "id"),
    ],
)
def test_reference_names(column: str, target_key: str, expected: str) -> None:
    assert reference_name(column, target_key) == expected


def test_names() -> None:
    assert field_name("createdAt") == "created_at"
    assert field_name("First Name") == "first_name"
    assert field_name("class") == "class_"
    assert field_name("2fa") == "field_2fa"
    assert resource_name("media_types") == "MediaType"
    assert resource_name("data") == "Datum"
    assert resource_name("table") == "TableItem"  # `Table` is imported by the models


def test_notes_are_comments_next_to_what_they_concern() -> None:
    result = imported(
        USERS,
        table(
            "docs",
            serial("id", "docs"),
            column("title"),
            column("body", default="lower('x'::text)"),
            column("search", ColumnType("other", sql="TSVECTOR"), nullable=True),
        ),
    )
    result.note((), "view `v` not imported: SELECT 1")
    text = spec_text(result)
    lines = text.splitlines()
    body = next(i for i, line in enumerate(lines) if line.startswith("      body:"))
    assert lines[body - 1] == ("      # import: server default `lower('x'::text)` not expressed")
    doc = next(i for i, line in enumerate(lines) if line == "  Doc:")
    assert lines[doc - 1].startswith("  # import: column `search` (TSVECTOR) left out")
    assert "# import: view `v` not imported: SELECT 1" in lines[:6]
    # and the text is the document
    assert YAML(typ="safe").load(text) == result.document
    assert "      title: {type: text}" in lines


def test_unwrapped() -> None:
    from persistgen.importer.defaults import unwrapped

    assert unwrapped("(price * 2)") == "price * 2"
    assert unwrapped("((a))") == "a"
    assert unwrapped("(a) + (b)") == "(a) + (b)"


def test_names_that_are_str_subclasses_are_written_as_text() -> None:
    class Quoted(str):  # as SQLAlchemy's quoted_name
        pass

    mood = ColumnType("enum", enum_name=Quoted("mood"), values=(Quoted("sad"),))
    result = imported(table("things", serial("id", "things"), column("feeling", mood)))
    assert "enum_name: mood" in spec_text(result)
