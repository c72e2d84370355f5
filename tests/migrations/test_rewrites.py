"""Which type changes rewrite a table on PostgreSQL: each change below in a table of its own,
with rows, migrated by the revision persistgen writes. The tables PostgreSQL gave new files
(the table's, or an index's) are exactly those the revision says it rewrites; without
`--allow-rewrite` those are refused, and the others need no flag."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from persistgen import pipeline
from persistgen.errors import UserError
from tests.migrations.test_column_types import query
from tests.migrations.test_evolution import alembic, relation_files, step_process
from tests.postgres import fresh_database

pytestmark = pytest.mark.postgres

# (before, after, indexed): one field's type, and whether it has an index of its own
CHANGES = {
    "longer_str": ("str:20", "str:40", True),
    "str_to_text": ("str:20", "text", True),
    "text_to_unbounded": ("text", "{type: str, unbounded: true}", True),
    "more_digits": ("decimal:10:2", "decimal:12:2", True),
    "more_scale": ("decimal:10:2", "decimal:12:4", False),
    "aware": ("{type: datetime, timezone: false}", "datetime", False),
    "aware_indexed": ("{type: datetime, timezone: false}", "datetime", True),
    "wider_int": ("int", "bigint", False),
    "wider_small": ("smallint", "int", False),
    "wider_float": ("real", "float", False),
    "binary_json": ("{type: json, binary: false}", "jsonb", False),
    "char_to_str": ("char:4", "str:8", False),
    "more_values": ("enum:ab|cd", "enum:ab|cd|efgh", False),
    "native_values": ("{type: enum, values: [ab, cd], native: true}",
                      "{type: enum, values: [aa, ab, bc, cd, ef], native: true}", False),
    "native_order": ("{type: enum, values: [ab, cd], native: true}",
                     "{type: enum, values: [cd, ab], native: true}", False),
}  # fmt: skip
# what PostgreSQL 15 does (see the module's docstring): the rest keep their files
REWRITTEN = {
    "more_scale",
    "aware_indexed",
    "wider_int",
    "wider_small",
    "wider_float",
    "binary_json",
    "char_to_str",
    "native_order",
}
VALUES = {
    "longer_str": "'abc'",
    "str_to_text": "'abc'",
    "text_to_unbounded": "'abc'",
    "more_digits": "1.5",
    "more_scale": "1.5",
    "aware": "'2024-01-02 03:04:05'",
    "aware_indexed": "'2024-01-02 03:04:05'",
    "wider_int": "7",
    "wider_small": "7",
    "wider_float": "0.25",
    "binary_json": "'{\"a\": 1}'",
    "char_to_str": "'ab'",
    "more_values": "'cd'",
    "native_values": "'cd'",
    "native_order": "'cd'",
}


def spec(side: int) -> str:
    resources = "".join(
        f"  {resource(name)}:\n    fields:\n"
        f"      value: {_field(change[side], indexed=change[2])}\n"
        for name, change in CHANGES.items()
    )
    return f"version: 1\nproject: {{name: retyped}}\nresources:\n{resources}"


def _field(type_: str, *, indexed: bool) -> str:
    if not indexed:
        return type_
    if type_.startswith("{"):
        return type_[:-1] + ", index: true}"
    return type_ + ":index"


def resource(name: str) -> str:
    return name.title().replace("_", "")


def table(name: str) -> str:
    return f"{name}s"


def test_the_rewrites_the_revision_names_are_postgresql_s(tmp_path: Path) -> None:
    project = tmp_path / "retyped"
    project.mkdir()
    with fresh_database(f"pgrw_rewrites_{os.getpid()}") as url:
        (project / "persistgen.yaml").write_text(spec(0), encoding="utf-8")
        assert pipeline.generate(project).revision is not None
        alembic(project, url, "upgrade", "head")
        for name, value in VALUES.items():
            query(url, f"INSERT INTO {table(name)} (value) VALUES ({value})")
        before = {name: values(url, name) for name in VALUES}

        (project / "persistgen.yaml").write_text(spec(1), encoding="utf-8")
        with pytest.raises(UserError) as refused:
            pipeline.generate(project)
        refusals = re.findall(r"resources\.(\w+)\.fields\.value: refused", str(refused.value))
        options = pipeline.MigrationOptions(allow_rewrite=True)
        revision = pipeline.generate(project, migration=options).revision
        assert revision is not None and not revision.destructive
        named = {change.split(".")[0].strip("`") for change in revision.rewrites}
        files = relation_files(url)
        with step_process(project, url) as child:  # the commands of one state, one process
            child.alembic("upgrade", "head")
            now = relation_files(url)
            rewritten = {table_of(url, name) for name, file in files.items() if now[name] != file}
            expected = {table(name) for name in REWRITTEN}
            assert named == expected
            assert set(refusals) == {resource(name) for name in REWRITTEN}
            assert rewritten == expected
            for name, kept in before.items():  # every value kept, the instants too
                assert values(url, name) == kept, name
            assert "No new upgrade operations detected" in child.alembic("check")
        order = (
            "SELECT array_agg(enumlabel::text ORDER BY enumsortorder) FROM pg_enum "
            "WHERE enumtypid = (SELECT atttypid FROM pg_attribute WHERE attname = 'value' "
            "AND attrelid = 'native_valuess'::regclass)"
        )
        assert query(url, order) == [(["aa", "ab", "bc", "cd", "ef"],)]  # each in its place


def table_of(url: str, relation: str) -> str:
    """The table a relation (`schema.name`, a table or an index) is or belongs to."""
    statement = (
        "SELECT coalesce(i.indrelid, c.oid)::regclass::text FROM pg_class c "
        "LEFT JOIN pg_index i ON i.indexrelid = c.oid WHERE c.oid = CAST(:name AS regclass)"
    )
    return str(query(url, statement, {"name": relation})[0][0])


def values(url: str, name: str) -> list[str]:
    """The table's values as text without what a type adds (padding, trailing zeros, JSON
    spacing); a datetime's as its instant, a naive one read as UTC."""
    value = "extract(epoch FROM value)" if name.startswith("aware") else "value"
    found = query(url, f"SELECT {value}::text FROM {table(name)}")
    return [v.rstrip().replace(" ", "").rstrip("0").rstrip(".") for (v,) in found]
