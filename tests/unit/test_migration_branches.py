"""Branches of the migration history: the three-way merge of two heads' schemas, the common
ancestor, and the revision files read without importing them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from persistgen.errors import UserError
from persistgen.migrate.branches import Conflict, common_ancestor, merge_tables
from persistgen.migrate.next_revision import revision_id_for
from persistgen.migrate.scan import scan_revisions
from persistgen.migrate.schema import DbColumn, DbTable, SchemaState

ID = DbColumn("id", "sa.Integer()", "int", (), False)
TITLE = DbColumn("title", "sa.String(length=200)", "str", ("200",), False)
POSTS = DbTable("posts", "Post", (ID, TITLE), ("id",), "pk_posts", (), (), ())
TAGS = DbTable("tags", "Tag", (ID,), ("id",), "pk_tags", (), (), ())


def column(name: str, type_: str = "sa.Text()") -> DbColumn:
    return DbColumn(name, type_, "text", (), True)


def with_columns(table: DbTable, *columns: DbColumn) -> DbTable:
    return replace(table, columns=(*table.columns, *columns))


def test_columns_each_branch_added_are_both_kept() -> None:
    ours = with_columns(POSTS, column("subtitle"))
    theirs = with_columns(POSTS, column("summary"))

    merged, conflicts = merge_tables((POSTS,), (ours,), (theirs,))

    assert conflicts == []
    assert [c.name for c in merged[0].columns] == ["id", "title", "subtitle", "summary"]


def test_changes_to_different_things_combine() -> None:
    wider = replace(TITLE, type="sa.String(length=300)", params=("300",))
    ours = replace(POSTS, columns=(ID, wider))
    theirs = replace(POSTS, uniques=(("uq_posts_title", ("title",)),))

    merged, conflicts = merge_tables((POSTS,), (ours, TAGS), (theirs,))

    assert conflicts == []
    assert merged == (replace(ours, uniques=theirs.uniques), TAGS)


def test_a_branch_that_rebuilt_for_sqlite_autoincrement_keeps_it_in_the_merge() -> None:
    """One branch's newer persistgen rebuilt the table; the other added a column."""
    ours = with_columns(POSTS, column("subtitle"))
    theirs = replace(POSTS, autoincrement=True)

    merged, conflicts = merge_tables((POSTS,), (ours,), (theirs,))

    assert conflicts == []
    assert merged == (replace(ours, autoincrement=True),)


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    both = with_columns(POSTS, column("subtitle"))
    assert merge_tables((POSTS,), (both,), (both,)) == ((both,), [])


def test_one_thing_changed_differently_is_a_conflict() -> None:
    ours = with_columns(POSTS, column("subtitle", "sa.String(length=120)"))
    theirs = with_columns(POSTS, column("subtitle", "sa.String(length=80)"))
    assert merge_tables((POSTS,), (ours,), (theirs,))[1] == [Conflict("column `posts.subtitle`")]

    dropped: tuple[DbTable, ...] = ()
    # Removed (or renamed away) on one side, changed on the other: no merge revision can help.
    assert merge_tables((POSTS,), dropped, (ours,))[1] == [Conflict("table `posts`", gone=True)]
    renamed_key = replace(POSTS, pk_name="pk_articles")
    other_key = replace(POSTS, pk_name="pk_items")
    assert merge_tables((POSTS,), (renamed_key,), (other_key,))[1] == [
        Conflict("the primary key's name of `posts`")
    ]


def test_the_common_ancestor_is_the_newest_shared_revision() -> None:
    snapshots = {
        "r1": SchemaState("r1", (), (), 1),
        "r2": SchemaState("r2", (POSTS,), ("r1",), 2),
        "a": SchemaState("a", (), ("r2",), 3),
        "b": SchemaState("b", (), ("r2",), 3),
        "b2": SchemaState("b2", (), ("b",), 4),
    }
    assert common_ancestor(snapshots, ["a", "b2"]).head == "r2"
    assert common_ancestor({"x": SchemaState("x"), "y": SchemaState("y")}, ["x", "y"]).head is None


def test_revision_ids_follow_parents_schema_and_message() -> None:
    one = revision_id_for(("r1",), (POSTS,), "add")
    assert one == revision_id_for(("r1",), (POSTS,), "add")
    assert len(one) == 12
    assert (
        len(
            {
                one,
                revision_id_for(("r2",), (POSTS,), "add"),
                revision_id_for(("r1",), (TAGS,), "add"),
                revision_id_for(("r1",), (POSTS,), "other"),
            }
        )
        == 4
    )


def write(root: Path, name: str, text: str) -> None:
    versions = root / "migrations/versions"
    versions.mkdir(parents=True, exist_ok=True)
    (versions / name).write_text(text, encoding="utf-8")


def test_revision_files_are_read_without_importing_them(tmp_path: Path) -> None:
    write(tmp_path, "a.py", 'import nowhere\nrevision: str = "a"\ndown_revision = None\n')
    write(tmp_path, "b.py", "revision = 'b'\ndown_revision: Union[str, None] = 'a'\n")
    write(tmp_path, "c.py", 'revision = "c"\ndown_revision = ("a", "b")\n')

    found = scan_revisions(tmp_path)

    assert {r: (f.path, f.down) for r, f in found.items()} == {
        "a": ("migrations/versions/a.py", ()),
        "b": ("migrations/versions/b.py", ("a",)),
        "c": ("migrations/versions/c.py", ("a", "b")),
    }


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"x.py": "down_revision = None\n"}, "no module-level `revision = ...`"),
        ({"x.py": "revision = name()\n"}, "must be plain strings"),
        ({"x.py": "revision = (\n"}, "a syntax error on line 1"),
        (
            {"x.py": 'revision = "0016"\n', "y.py": 'revision = "0016"\n'},
            "revision `0016` is present more than once",
        ),
    ],
)
def test_revision_files_alembic_cannot_use_are_refused(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    for name, text in files.items():
        write(tmp_path, name, text)
    with pytest.raises(UserError) as raised:
        scan_revisions(tmp_path)
    assert message in str(raised.value.problems[0].message)
