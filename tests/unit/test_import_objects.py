"""What `persistgen import` carries verbatim (importer/objects.py): which objects the chosen
tables allow, their `after`, views as resources, and notes for the rest."""

from __future__ import annotations

from persistgen.importer.catalog import Catalog, CatalogObject, Column, ColumnType, View
from persistgen.importer.objects import attach, carry
from persistgen.importer.to_spec import to_spec
from tests.unit.import_catalogs import INT, TEXT, column, notes, serial, table

TSVECTOR = ColumnType("other", sql="TSVECTOR")
USERS = table("users", serial("id", "users"), column("name"))
POSTS = table(
    "posts",
    serial("id", "posts"),
    column("title"),
    column("search", TSVECTOR, nullable=True),
)
OBJECTS = (
    CatalogObject(
        "column",
        "posts.search",
        "ALTER TABLE public.posts ADD COLUMN search tsvector",
        "ALTER TABLE public.posts DROP COLUMN IF EXISTS search",
        table="posts",
        column="search",
    ),
    CatalogObject(
        "view",
        "titles",
        "CREATE VIEW public.titles AS SELECT id, title FROM posts",
        "DROP VIEW IF EXISTS public.titles",
        needs=("posts",),
        columns=(Column("id", INT), Column("title", TEXT)),
    ),
    CatalogObject(
        "view",
        "names",
        "CREATE VIEW public.names AS SELECT name FROM users",
        "DROP VIEW IF EXISTS public.names",
        needs=("users",),
        columns=(Column("name", TEXT),),
    ),
    CatalogObject(
        "index",
        "titles_over_view",
        "CREATE INDEX ...",
        "DROP INDEX IF EXISTS public.titles_over_view",
        needs=("titles",),
        table="titles",
    ),
)
CATALOG = Catalog(
    "postgresql",
    "shop",
    "public",
    (USERS, POSTS),
    (View("titles", "SELECT id, title FROM posts"), View("names", "SELECT name FROM users")),
    objects=OBJECTS,
)


def _import(chosen: list[str]) -> tuple[dict[str, object], list[str]]:
    carried = carry(CATALOG, chosen)
    result = to_spec(carried.catalog, "postgresql+asyncpg://localhost/shop", chosen)
    attach(result, carried, "postgresql")
    return result.document, notes(result)


def test_objects_are_carried_in_order_with_the_tables_they_need() -> None:
    document, found = _import(["users", "posts"])
    objects = {o["name"]: o for o in document["database_objects"]}  # type: ignore[attr-defined]
    assert list(objects) == ["posts.search", "titles", "names", "titles_over_view"]
    assert "after" not in objects["posts.search"]  # dropped with its table, it would lose rows
    assert objects["titles_over_view"]["after"] == ["posts"]  # through the view it is on
    resources = document["resources"]
    assert isinstance(resources, dict)
    assert "search" not in resources["Post"]["fields"]  # carried, not a field
    assert resources["Title"] == {
        "view": True,
        "table": "titles",
        "fields": {
            "id": {"type": "int", "primary_key": True},
            "title": {"type": "text", "nullable": True},
        },
    }
    assert "Name" not in resources  # no key: an object only, with a note
    assert any("view `names` carried in database_objects, but not a resource" in n for n in found)
    assert any("column `search` is carried verbatim" in n for n in found)
    assert not any("not imported" in n for n in found)


def test_what_reads_a_table_left_out_is_not_carried_but_noted() -> None:
    document, found = _import(["posts"])
    names = [o["name"] for o in document["database_objects"]]  # type: ignore[attr-defined]
    assert names == ["posts.search", "titles", "titles_over_view"]
    assert "view `names` not carried: it reads users, which the spec does not hold" in found
    assert "view `names` not imported: SELECT name FROM users" in found
