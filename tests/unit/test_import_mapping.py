"""The importer's mapping of a catalog to a spec: names, types, keys, relationships."""

from __future__ import annotations

import pytest

from persistgen.importer.catalog import Check, Column, ColumnType, Index, Table, Unique, View
from persistgen.importer.field_types import field_type
from persistgen.importer.to_spec import project_name, selected
from tests.unit.import_catalogs import (
    BIGINT,
    INT,
    TEXT,
    USERS,
    column,
    fields,
    fk,
    imported,
    notes,
    serial,
    table,
    varchar,
)


def test_project_is_named_after_the_database() -> None:
    project = imported(USERS).document["project"]
    assert project == {
        "name": "shop",
        "package": "shop",
        "database_url": "postgresql+asyncpg://localhost/shop",
    }
    assert project_name("2024-data") == "db_2024-data"
    assert project_name("my shop!") == "my_shop"


def test_a_schema_other_than_public_is_the_projects() -> None:
    from persistgen.importer.catalog import Catalog
    from persistgen.importer.to_spec import to_spec

    catalog = Catalog("postgresql", "shop", "sales", (USERS,))
    assert to_spec(catalog, "x").document["project"]["schema"] == "sales"


@pytest.mark.parametrize(
    ("table_name", "resource"),
    [
        ("users", "User"),
        ("people", "Person"),
        ("blog_posts", "BlogPost"),
        ("OrderItems", "OrderItem"),
        ("category", "Category"),
        ("analyses", "Analysis"),
        ("Album", "Album"),
    ],
)
def test_resources_are_pascal_case_singulars(table_name: str, resource: str) -> None:
    result = imported(table(table_name, serial("id", table_name)))
    assert list(result.document["resources"]) == [resource]


def test_table_is_written_only_when_the_spec_would_name_it_otherwise() -> None:
    resources = imported(USERS, table("Album", serial("id", "Album"))).document["resources"]
    assert "table" not in resources["User"]
    assert resources["Album"]["table"] == "Album"


def test_fields_are_snake_case_with_the_column_kept() -> None:
    result = imported(
        table(
            "users",
            serial("id", "users"),
            column("createdAt"),
            column("metadata"),
            column("model_type"),  # Rails' polymorphic columns (Danbooru's dtext_links)
        )
    )
    assert fields(result, "User")["created_at"] == {"type": "text", "column": "createdAt"}
    assert fields(result, "User")["metadata_"] == {"type": "text", "column": "metadata"}
    assert fields(result, "User")["field_model_type"] == {"type": "text", "column": "model_type"}


def test_a_foreign_key_to_a_column_unique_by_an_index_only_is_carried() -> None:
    """Danbooru's user_events.login_session_id -> login_sessions.login_id: the spec's
    `target_field` needs a unique field (a constraint), and the database has a unique index."""
    sessions = table(
        "login_sessions",
        serial("id", "login_sessions"),
        column("login_id", INT),
        indexes=(Index("index_login_sessions_on_login_id", ("login_id",), unique=True),),
    )
    events = table(
        "user_events",
        serial("id", "user_events"),
        column("login_session_id", INT),
        foreign_keys=(fk("login_session_id", "login_sessions", "login_id", name="fk_rails_1"),),
    )
    result = imported(sessions, events)
    assert fields(result, "UserEvent")["login_session_id"] == {"type": "int"}
    assert [o["name"] for o in result.document["database_objects"]] == ["fk_rails_1"]


@pytest.mark.parametrize(
    ("type_", "expected"),
    [
        (ColumnType("varchar", length=80), {"type": "str", "max_length": 80}),
        (TEXT, {"type": "text"}),
        (
            ColumnType("numeric", precision=10, scale=2),
            {"type": "decimal", "precision": 10, "scale": 2},
        ),
        (INT, {"type": "int"}),
        (BIGINT, {"type": "bigint"}),
        (ColumnType("smallint"), {"type": "smallint"}),
        (ColumnType("float"), {"type": "float"}),
        (ColumnType("real"), {"type": "real"}),
        (ColumnType("bool"), {"type": "bool"}),
        (ColumnType("date"), {"type": "date"}),
        (ColumnType("timestamp", timezone=True), {"type": "datetime"}),
        (ColumnType("timestamp"), {"type": "datetime", "timezone": False}),
        (ColumnType("time"), {"type": "time"}),
        (ColumnType("time", timezone=True), {"type": "time", "timezone": True}),
        (ColumnType("uuid"), {"type": "uuid"}),
        (ColumnType("json"), {"type": "json", "binary": False}),
        (ColumnType("jsonb"), {"type": "json"}),
        (ColumnType("bytes"), {"type": "bytes"}),
        (ColumnType("char", length=3), {"type": "char", "max_length": 3}),
        (ColumnType("inet"), {"type": "inet"}),
        (ColumnType("interval"), {"type": "interval"}),
        (ColumnType("array", item=TEXT), {"type": "list", "items": "text"}),
        (ColumnType("array", item=INT), {"type": "list", "items": "int"}),
        (
            ColumnType("enum", enum_name="mood", values=("sad", "ok")),
            {"type": "enum", "values": ["sad", "ok"], "native": True, "enum_name": "mood"},
        ),
    ],
)
def test_types(type_: ColumnType, expected: dict[str, object]) -> None:
    assert field_type(type_, "postgresql") == (expected, None)


def test_sqlite_json_is_plain_json() -> None:
    assert field_type(ColumnType("json"), "sqlite") == ({"type": "json"}, None)


def test_a_json_column_holding_more_than_objects_is_of_any_shape() -> None:
    """What a row holds (introspect.py reads it) or what the default is, when it is not an
    object or null: `'[]'`, a string, a number; an expression is not read."""
    jsonb = ColumnType("jsonb")
    result = imported(
        table(
            "plans",
            serial("id", "plans"),
            column("tax_ids", jsonb, json_not_object=True),
            column("settings", jsonb, default="'{}'::jsonb"),
            column("charges", jsonb, default="'[]'::jsonb"),
            column("rate", ColumnType("json"), default="('1.5'::json)"),
            column("note", jsonb, default="'null'::jsonb"),
            column("built", jsonb, default="jsonb_build_array()"),
        )
    )
    plans = fields(result, "Plan")
    assert plans["tax_ids"] == plans["charges"] == {"type": "json", "shape": "any"}
    assert plans["rate"] == {"type": "json", "binary": False, "shape": "any"}
    assert plans["settings"] == plans["note"] == plans["built"] == {"type": "json"}


@pytest.mark.parametrize(
    "type_",
    [
        ColumnType("other", sql="TSVECTOR"),
        ColumnType("array", item=ColumnType("array", item=INT, sql="INTEGER[]"), sql="INTEGER[][]"),
        ColumnType("array", item=ColumnType("varchar", length=3, sql="VARCHAR(3)"), sql="X"),
        # Danbooru's api_keys.permitted_ip_addresses: a list does not take inet items
        ColumnType("array", item=ColumnType("inet", sql="INET"), sql="INET[]"),
    ],
)
def test_types_the_spec_cannot_say_are_reasons(type_: ColumnType) -> None:
    typed, reason = field_type(type_, "postgresql")
    assert typed is None
    assert reason and "not expressed" in reason


def test_a_varchar_without_a_length_is_an_unbounded_str() -> None:
    varchar = ColumnType("varchar", sql="VARCHAR")
    assert field_type(varchar, "postgresql") == ({"type": "str", "unbounded": True}, None)
    array = ColumnType("array", item=varchar, sql="VARCHAR[]")
    assert field_type(array, "postgresql") == ({"type": "list", "items": "str"}, None)


def test_lossy_types_are_noted() -> None:
    typed, reason = field_type(ColumnType("numeric", sql="NUMERIC"), "postgresql")
    assert typed == {"type": "decimal"}
    assert reason and "no precision" in reason


def test_an_unknown_type_is_left_out_with_a_note() -> None:
    result = imported(
        table("docs", serial("id", "docs"), column("search", ColumnType("other", sql="TSVECTOR")))
    )
    assert "search" not in fields(result, "Doc")
    assert notes(result) == [
        "resources.Doc: column `search` (TSVECTOR) left out: type `TSVECTOR` is not expressed; "
        "it is NOT NULL without a default, so inserts through the API fail"
    ]


def test_native_enum_keeps_its_type_name_unless_it_is_the_derived_one() -> None:
    mood = ColumnType("enum", enum_name="mood", values=("sad", "ok"))
    derived = ColumnType("enum", enum_name="user_state", values=("on", "off"))
    result = imported(
        table("users", serial("id", "users"), column("mood", mood), column("state", derived))
    )
    assert fields(result, "User")["mood"]["enum_name"] == "mood"
    assert "enum_name" not in fields(result, "User")["state"]


def test_a_native_enum_type_is_shared_by_fields_of_other_resources() -> None:
    """OpenStreetMap's `format_enum` serves six columns of several tables: one type. Two
    fields of one resource cannot share it (their SQLite CHECKs would have one name)."""
    formats = ColumnType("enum", enum_name="format_enum", values=("html", "markdown"))
    result = imported(
        table("users", serial("id", "users"), column("bio_format", formats)),
        table(
            "notes",
            serial("id", "notes"),
            column("body_format", formats),
            column("title_format", formats),
        ),
    )
    shared = {"type": "enum", "values": ["html", "markdown"], "native": True}
    assert fields(result, "User")["bio_format"] == {**shared, "enum_name": "format_enum"}
    assert fields(result, "Note")["body_format"] == {**shared, "enum_name": "format_enum"}
    assert fields(result, "Note")["title_format"] == {
        "type": "enum",
        "values": ["html", "markdown"],
    }
    assert notes(result) == [
        "resources.Note.fields.title_format: the enum type `format_enum` is Note.body_format's "
        "too, in the same resource, which cannot share it: imported as a checked enum "
        "(`alembic check` sees the type change)"
    ]


def test_nullable_comment_and_server_defaults() -> None:
    result = imported(
        table(
            "posts",
            serial("id", "posts"),
            column("title", varchar(200), comment="The headline"),
            column("subtitle", TEXT, nullable=True),
            column("created_at", ColumnType("timestamp", timezone=True), default="now()"),
            column("status", varchar(20), default="'draft'::character varying"),
            column("views", INT, default="0"),
            column("token_id", ColumnType("uuid"), default="gen_random_uuid()"),
        ),
    )
    posts = fields(result, "Post")
    assert posts["title"] == {"type": "str", "max_length": 200, "description": "The headline"}
    assert posts["subtitle"] == {"type": "text", "nullable": True}
    assert posts["created_at"]["server_default"] == "now"
    assert posts["status"]["server_default"] == "draft"
    assert posts["views"]["server_default"] == 0
    assert "server_default" not in posts["token_id"]
    assert notes(result) == [
        "resources.Post.fields.token_id: server default `gen_random_uuid()` not expressed"
    ]


def test_generated_column() -> None:
    result = imported(
        table(
            "items",
            serial("id", "items"),
            column("price", INT),
            column("double", INT, generated="price * 2"),
        )
    )
    assert fields(result, "Item")["double"] == {"type": "int", "generated": "price * 2"}


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "password_hash",
        "password_digest",
        "encrypted_password",
        "secret",
        "client_secret",
        "token",
        "reset_token",
        "api_key",
    ],
)
def test_secrets_are_write_only(name: str) -> None:
    result = imported(table("users", serial("id", "users"), column(name, varchar(100))))
    assert fields(result, "User")[name]["write_only"] is True


def test_a_unique_secret_stays_readable_with_a_note() -> None:
    result = imported(
        table(
            "users",
            serial("id", "users"),
            column("token", varchar(64)),
            uniques=(Unique("uq_users_token", ("token",)),),
        )
    )
    assert "write_only" not in fields(result, "User")["token"]
    assert "named like a secret" in notes(result)[0]


def test_ordinary_names_are_not_secrets() -> None:
    result = imported(table("users", serial("id", "users"), column("token_count", INT)))
    assert "write_only" not in fields(result, "User")["token_count"]


# -- keys -----------------------------------------------------------------------------------


def test_serial_key_is_the_default_and_an_adopted_sequence_is_named() -> None:
    result = imported(
        USERS,
        table(
            "orders",
            Column("id", INT, nullable=False, default="nextval('order_numbers'::regclass)"),
        ),
    )
    assert fields(result, "User")["id"] == {"type": "bigint", "primary_key": True}
    assert fields(result, "Order")["id"] == {
        "type": "int",
        "primary_key": True,
        "sequence": "order_numbers",
    }


def test_identity_and_client_supplied_keys() -> None:
    result = imported(
        table("users", Column("id", BIGINT, nullable=False, identity=True)),
        table("codes", Column("id", INT, nullable=False)),
    )
    assert fields(result, "User")["id"] == {"type": "bigint", "primary_key": True, "identity": True}
    assert fields(result, "Code")["id"] == {
        "type": "int",
        "primary_key": True,
        "autoincrement": False,
    }


def test_sqlite_integer_key_numbers_rows_by_itself() -> None:
    result = imported(table("users", Column("id", INT, nullable=False)), dialect="sqlite")
    assert fields(result, "User")["id"] == {"type": "int", "primary_key": True}


def test_composite_key_and_primary_key_name() -> None:
    result = imported(
        table(
            "cities",
            column("country", varchar(2)),
            column("name", varchar(100)),
            key=("country", "name"),
            primary_key_name="cities_pkey",
        )
    )
    resource = result.document["resources"]["City"]
    assert resource["primary_key_name"] == "cities_pkey"
    assert resource["fields"]["country"]["primary_key"] is True
    assert resource["fields"]["name"]["primary_key"] is True


def test_table_without_a_key_is_noted() -> None:
    result = imported(table("logs", column("line", nullable=True), key=(), primary_key_name=None))
    assert notes(result) == [
        "table `logs` has no primary key, and no NOT NULL columns that could be one: not a "
        "resource; carried in database_objects (its columns and types)"
    ]
    assert "Log" not in result.document["resources"]
    assert result.document["database_objects"][0]["create"] == (
        "CREATE TABLE IF NOT EXISTS public.logs (line TEXT)"
    )
    assert "unmanaged_tables" not in result.document["project"]  # carried, so left alone
    on_sqlite = imported(
        table("logs", column("line", nullable=True), key=(), primary_key_name=None),
        dialect="sqlite",
    )
    assert notes(on_sqlite) == [
        "table `logs` not imported: no primary key: add one, then import it"
    ]
    assert on_sqlite.document["project"]["unmanaged_tables"] == ["logs"]
    assert on_sqlite.document["resources"] == {}


# -- references -----------------------------------------------------------------------------

POSTS = table(
    "posts",
    serial("id", "posts", BIGINT),
    column("author_id", BIGINT),
    foreign_keys=(fk("author_id", "users", source="posts", on_delete="cascade"),),
    indexes=(Index("ix_posts_author_id", ("author_id",)),),
)


def test_a_foreign_key_is_a_reference() -> None:
    assert fields(imported(USERS, POSTS), "Post")["author"] == {
        "type": "ref",
        "target": "User",
        "on_delete": "cascade",
    }


def test_reference_names_column_action_and_constraint_names() -> None:
    result = imported(
        USERS,
        table(
            "posts",
            serial("id", "posts"),
            column("writtenBy", BIGINT),
            foreign_keys=(fk("writtenBy", "users", name="posts_writer_fkey", on_update="cascade"),),
            indexes=(Index("posts_writer_idx", ("writtenBy",)),),
        ),
    )
    assert fields(result, "Post")["written_by"] == {
        "type": "ref",
        "target": "User",
        "column": "writtenBy",
        "index_name": "posts_writer_idx",
        "on_update": "cascade",
        "foreign_key_name": "posts_writer_fkey",
    }


def test_a_reference_to_a_unique_column_names_the_target_field() -> None:
    result = imported(
        table(
            "users",
            serial("id", "users"),
            column("handle", varchar(40)),
            uniques=(Unique("uq_users_handle", ("handle",)),),
        ),
        table(
            "posts",
            serial("id", "posts"),
            column("author_handle", varchar(40)),
            foreign_keys=(fk("author_handle", "users", "handle", source="posts"),),
            indexes=(Index("ix_posts_author_handle", ("author_handle",)),),
        ),
    )
    assert fields(result, "Post")["author"] == {
        "type": "ref",
        "target": "User",
        "target_field": "handle",
    }


def test_a_unique_reference_is_one_to_one() -> None:
    result = imported(
        USERS,
        table(
            "profiles",
            serial("id", "profiles"),
            column("user_id", BIGINT),
            foreign_keys=(fk("user_id", "users", source="profiles"),),
            uniques=(Unique("profiles_user_key", ("user_id",)),),
        ),
    )
    assert fields(result, "Profile")["user"] == {
        "type": "ref",
        "target": "User",
        "unique": True,
        "unique_name": "profiles_user_key",
    }
    assert notes(result) == []


def test_a_self_reference() -> None:
    result = imported(
        table(
            "employees",
            serial("id", "employees"),
            column("reports_to", INT, nullable=True),
            foreign_keys=(fk("reports_to", "employees", source="employees"),),
            indexes=(Index("ix_employees_reports_to", ("reports_to",)),),
        )
    )
    assert fields(result, "Employee")["reports_to"] == {
        "type": "ref",
        "target": "Employee",
        "column": "reports_to",
        "nullable": True,
    }


def test_an_unindexed_reference_says_index_false() -> None:
    result = imported(
        USERS,
        table(
            "posts",
            serial("id", "posts"),
            column("author_id", BIGINT),
            foreign_keys=(fk("author_id", "users", source="posts"),),
        ),
    )
    assert fields(result, "Post")["author"] == {"type": "ref", "target": "User", "index": False}
    assert notes(result) == []


def test_a_narrower_integer_reference_keeps_its_type_and_default() -> None:
    result = imported(
        USERS,
        table(
            "posts",
            serial("id", "posts"),
            column("author_id", INT, default="0"),
            foreign_keys=(fk("author_id", "users", source="posts"),),
            indexes=(Index("ix_posts_author_id", ("author_id",)),),
        ),
    )
    assert fields(result, "Post")["author"] == {
        "type": "ref",
        "target": "User",
        "column_type": "int",
        "server_default": 0,
    }


def test_a_reference_to_a_text_key_keeps_its_default() -> None:
    result = imported(
        table("languages", column("code", varchar(8)), key=("code",)),
        table(
            "posts",
            serial("id", "posts"),
            column("language_code", varchar(8), default="'en'::character varying"),
            foreign_keys=(fk("language_code", "languages", "code", source="posts"),),
        ),
    )
    language = fields(result, "Post")["language"]
    assert language["server_default"] == "en"
    assert "column_type" not in language
    assert notes(result) == []


def test_a_client_set_key_keeps_its_default() -> None:
    result = imported(
        table(
            "tags",
            column("k", varchar(20), default="''::character varying"),
            column("v", varchar(20)),
            key=("k", "v"),
        )
    )
    assert fields(result, "Tag")["k"]["server_default"] == ""
    assert notes(result) == []


def test_tables_left_out_are_unmanaged() -> None:
    result = imported(
        USERS,
        table("schema_migrations", column("version", varchar(20)), key=("version",)),
        table("alembic_version", column("version_num", varchar(32)), key=("version_num",)),
        table("logs", column("line"), key=(), primary_key_name=None),
        table("audits", serial("id", "audits")),
        exclude=["audits"],
    )
    project = result.document["project"]
    # Rails' bookkeeping and a table without a key are carried as objects; the excluded one is
    # left alone
    assert project["unmanaged_tables"] == ["audits"]
    carried = {o["name"] for o in result.document["database_objects"]}
    assert {"schema_migrations", "logs"} <= carried
    assert sorted(result.document["resources"]) == ["User"]


def test_two_references_to_one_target_get_their_own_collections() -> None:
    result = imported(
        USERS,
        table(
            "issues",
            serial("id", "issues"),
            column("assignee_id", BIGINT),
            column("reviewer_id", BIGINT),
            foreign_keys=(
                fk("assignee_id", "users", source="issues"),
                fk("reviewer_id", "users", source="issues"),
            ),
            indexes=(
                Index("ix_issues_assignee_id", ("assignee_id",)),
                Index("ix_issues_reviewer_id", ("reviewer_id",)),
            ),
        ),
    )
    issue = fields(result, "Issue")
    assert issue["assignee"]["back_populates"] == "assignee_issues"
    assert issue["reviewer"]["back_populates"] == "reviewer_issues"


def test_a_composite_foreign_key_stays_plain_columns_carried_as_sql() -> None:
    """On PostgreSQL the constraint is carried under `database_objects`; on SQLite (which
    carries nothing) it is a note."""
    from persistgen.importer.catalog import ForeignKey

    tables = (
        table("cities", column("country", varchar(2)), column("name"), key=("country", "name")),
        table(
            "shops",
            serial("id", "shops"),
            column("country", varchar(2)),
            column("city"),
            foreign_keys=(
                ForeignKey("shops_city_fkey", ("country", "city"), "cities", ("country", "name")),
            ),
        ),
    )
    result = imported(*tables)
    assert fields(result, "Shop")["city"] == {"type": "text"}
    assert not notes(result)
    assert result.document["database_objects"] == [
        {
            "name": "shops_city_fkey",
            "kind": "sql",
            "create": "ALTER TABLE public.shops ADD CONSTRAINT shops_city_fkey FOREIGN KEY "
            "(country, city) REFERENCES public.cities (country, name)",
            "drop": "ALTER TABLE public.shops DROP CONSTRAINT IF EXISTS shops_city_fkey",
            "after": ["cities", "shops"],
        }
    ]
    on_sqlite = imported(*tables, dialect="sqlite")
    assert "database_objects" not in on_sqlite.document
    assert "a reference holds one column" in notes(on_sqlite)[0]


def test_a_reference_to_a_table_left_out_is_a_plain_column_with_a_note() -> None:
    result = imported(USERS, POSTS, exclude=["users"])
    assert fields(result, "Post")["author_id"] == {"type": "bigint", "index": True}
    assert "its table is not imported" in "\n".join(notes(result))


# -- many-to-many ---------------------------------------------------------------------------

TAGS = table("tags", serial("id", "tags"), column("label", varchar(50)))


def _link(name: str, first: str, second: str, **options: object) -> Table:
    return table(
        name,
        column(first, BIGINT),
        column(second, INT),
        key=(first, second),
        foreign_keys=(
            fk(first, "posts", source=name, on_delete="cascade"),
            fk(second, "tags", source=name, on_delete="cascade"),
        ),
        indexes=(Index(f"ix_{name}_{second}", (second,)),),
        **options,  # type: ignore[arg-type]
    )


def test_a_pure_link_table_is_a_many_field() -> None:
    result = imported(USERS, POSTS, TAGS, _link("post_tags", "post_id", "tag_id"))
    assert "PostTag" not in result.document["resources"]
    assert fields(result, "Post")["tags"] == {"type": "many", "target": "Tag"}
    assert notes(result) == []


def test_a_link_table_with_other_names_says_them() -> None:
    result = imported(USERS, POSTS, TAGS, _link("taggings", "article", "label"))
    assert fields(result, "Post")["labels"] == {
        "type": "many",
        "target": "Tag",
        "through": "taggings",
        "link_columns": ["article", "label"],
    }


def test_a_link_table_with_payload_is_a_resource_with_two_key_references() -> None:
    link = _link("memberships", "post_id", "tag_id")
    link = Table(
        link.name,
        (*link.columns, column("role", varchar(20))),
        link.primary_key,
        link.primary_key_name,
        link.foreign_keys,
        indexes=link.indexes,
    )
    result = imported(USERS, POSTS, TAGS, link)
    membership = fields(result, "Membership")
    assert membership["post"] == {
        "type": "ref",
        "target": "Post",
        "primary_key": True,
        "on_delete": "cascade",
    }
    assert membership["tag"]["primary_key"] is True
    assert membership["role"] == {"type": "str", "max_length": 20}


def test_a_self_referencing_link_names_both_sides() -> None:
    follows = table(
        "follows",
        column("follower_id", BIGINT),
        column("followed_id", BIGINT),
        key=("follower_id", "followed_id"),
        foreign_keys=(
            fk("follower_id", "users", source="follows", on_delete="cascade"),
            fk("followed_id", "users", source="follows", on_delete="cascade"),
        ),
        indexes=(Index("ix_follows_followed_id", ("followed_id",)),),
    )
    result = imported(USERS, follows)
    many = fields(result, "User")["followeds"]
    assert many["through"] == "follows"
    assert many["link_columns"] == ["follower_id", "followed_id"]
    assert many["back_populates"] == "followers"


def test_a_link_a_many_field_would_build_otherwise_stays_a_resource() -> None:
    link = _link("post_tags", "post_id", "tag_id")
    link = Table(
        link.name,
        link.columns,
        link.primary_key,
        "post_tags_pkey",
        (fk("post_id", "posts", source="post_tags"), link.foreign_keys[1]),
        indexes=(Index("post_tags_tag_idx", ("tag_id",)), Index("pt_post", ("post_id",))),
    )
    result = imported(USERS, POSTS, TAGS, link)
    assert "tags" not in fields(result, "Post")
    assert fields(result, "PostTag") == {
        "post": {
            "type": "ref",
            "target": "Post",
            "primary_key": True,
            "index": True,
            "index_name": "pt_post",
        },
        "tag": {
            "type": "ref",
            "target": "Tag",
            "primary_key": True,
            "index_name": "post_tags_tag_idx",
            "on_delete": "cascade",
        },
    }
    assert result.document["resources"]["PostTag"]["primary_key_name"] == "post_tags_pkey"
    assert notes(result) == [
        "resources.PostTag: `post_tags` links two tables, but a `many` field would build it "
        "otherwise (`post_id` is ON DELETE NO ACTION, a link's rows cascade; its key is named "
        "`post_tags_pkey`; its index is named `post_tags_tag_idx`, a link's "
        "`ix_post_tags_tag_id`; it has index `pt_post`): kept as a resource with a reference "
        "to each"
    ]


def test_generated_always_identity_is_noted() -> None:
    result = imported(
        table("users", Column("id", INT, nullable=False, identity=True, identity_always=True))
    )
    assert fields(result, "User")["id"]["identity"] is True
    assert "GENERATED ALWAYS" in notes(result)[0]


# -- constraints and indexes ----------------------------------------------------------------


def test_unique_and_index_names_are_kept_unless_derived() -> None:
    result = imported(
        table(
            "users",
            serial("id", "users"),
            column("email", varchar(320)),
            column("handle", varchar(40)),
            column("city"),
            column("zip"),
            uniques=(
                Unique("uq_users_email", ("email",)),
                Unique("users_handle_key", ("handle",)),
            ),
            indexes=(Index("ix_users_city", ("city",)), Index("users_zip_idx", ("zip",))),
        )
    )
    user = fields(result, "User")
    assert user["email"] == {"type": "str", "max_length": 320, "unique": True}
    assert user["handle"]["unique_name"] == "users_handle_key"
    assert user["city"] == {"type": "text", "index": True}
    assert user["zip"] == {"type": "text", "index": True, "index_name": "users_zip_idx"}


def test_groups_partial_and_expression_indexes() -> None:
    result = imported(
        table(
            "users",
            serial("id", "users"),
            column("org", INT),
            column("email", varchar(320)),
            column("deleted_at", ColumnType("timestamp", timezone=True), nullable=True),
            uniques=(
                Unique("uq_users_org_email", ("org", "email")),
                Unique("users_org_email_key", ("email", "org")),
            ),
            indexes=(
                Index("ix_users_org_email", ("org", "email")),
                Index("users_live_email", ("email",), unique=True, where="deleted_at IS NULL"),
                Index("users_lower_email", expressions=("lower(email)",)),
                Index("users_email_trgm", ("email",), method="gin"),
            ),
        )
    )
    resource = result.document["resources"]["User"]
    assert resource["unique"] == [
        ["org", "email"],
        {"fields": ["email", "org"], "name": "users_org_email_key"},
    ]
    assert resource["index"] == [
        ["org", "email"],
        {
            "fields": ["email"],
            "name": "users_live_email",
            "where": "deleted_at IS NULL",
            "unique": True,
        },
        {"expressions": ["lower(email)"], "name": "users_lower_email"},
    ]
    assert notes(result) == ["resources.User: index `users_email_trgm` uses gin, not expressed"]


def test_checks_keep_their_names() -> None:
    result = imported(
        table(
            "items",
            serial("id", "items"),
            column("price", INT),
            checks=(
                Check("ck_items_price_positive", "price > 0"),
                Check("items_price_check", "price < 1000"),
                Check(None, "price <> 13"),
            ),
        )
    )
    assert result.document["resources"]["Item"]["checks"] == {
        "price_positive": "price > 0",
        "items_price_check": {"sql": "price < 1000", "name": "items_price_check"},
        "check_3": "price <> 13",
    }


# Lago's CHECKs as pg_get_constraintdef writes them, and checks either database runs.
_POSTGRES_ONLY_CHECKS = [
    "(code)::text ~ '^[a-z0-9_]{1,100}$'::text",  # a cast and a regular expression
    "(status = 'approved'::quote_status) = (approved_at IS NOT NULL)",  # a cast to an enum
    "cardinality(permissions) > 0",  # a function SQLite lacks
    "jsonb_typeof(value) = 'object'::text",
    "units >= (0)::numeric",
    "NOT (''::text = ANY ((permissions)::text[]))",
    "code ILIKE 'a%'",
    "created_at > now()",
]
_PORTABLE_CHECKS = [
    "units >= 0",
    "(plan_id IS NOT NULL) <> (status IS NOT NULL)",
    "length(code) <= 255 AND lower(code) = code",
    "status IN ('draft', 'approved') OR \"interval\" IS NULL",
    "approved_at IS DISTINCT FROM created_at",
    "units IS TRUE OR code LIKE 'a%'",
]


def _checked_table(sql: str) -> Table:
    names = ("code", "status", "approved_at", "permissions", "value", "units", "created_at")
    return table(
        "roles",
        serial("id", "roles"),
        *(column(name) for name in names),
        column("plan_id", INT),
        column("interval"),
        checks=(Check("roles_rule", sql),),
    )


@pytest.mark.parametrize("sql", _POSTGRES_ONLY_CHECKS)
def test_a_check_sqlite_cannot_evaluate_is_postgresql_only(sql: str) -> None:
    checks = imported(_checked_table(sql)).document["resources"]["Role"]["checks"]
    assert checks == {"roles_rule": {"sql": sql, "name": "roles_rule", "dialects": ["postgresql"]}}


@pytest.mark.parametrize("sql", _PORTABLE_CHECKS)
def test_a_check_sqlite_evaluates_is_made_on_both_databases(sql: str) -> None:
    checks = imported(_checked_table(sql)).document["resources"]["Role"]["checks"]
    assert checks == {"roles_rule": {"sql": sql, "name": "roles_rule"}}


def test_a_check_naming_a_column_the_table_lacks_is_postgresql_only() -> None:
    """SQLite could not make the table with it: evaluated over the table's own columns."""
    checks = imported(_checked_table("missing > 0")).document["resources"]["Role"]["checks"]
    assert checks["roles_rule"]["dialects"] == ["postgresql"]


def test_a_sqlite_databases_checks_are_its_own() -> None:
    """Read from SQLite, a check is SQLite's SQL: made on both, as it was."""
    sql = "cardinality(permissions) > 0"
    checks = imported(_checked_table(sql), dialect="sqlite").document["resources"]["Role"]
    assert checks["checks"] == {"roles_rule": {"sql": sql, "name": "roles_rule"}}


def test_table_comment_is_the_description() -> None:
    result = imported(table("users", serial("id", "users"), comment="People"))
    assert result.document["resources"]["User"]["description"] == "People"


def test_objects_the_spec_cannot_hold_are_noted() -> None:
    from persistgen.importer.catalog import Catalog
    from persistgen.importer.to_spec import to_spec

    users = table(
        "users",
        serial("id", "users"),
        extras=(("trigger touch", "CREATE TRIGGER touch BEFORE UPDATE ON users ..."),),
    )
    catalog = Catalog(
        "postgresql",
        "shop",
        "public",
        (users,),
        (View("active_users", "SELECT * FROM users"),),
        (("function", "touch()", ""), ("domain", "email", "over text")),
    )
    assert [(n.path, n.message) for n in to_spec(catalog, "x").notes] == [
        (
            ("resources", "User"),
            "trigger touch not expressed: CREATE TRIGGER touch BEFORE UPDATE ON users ...",
        ),
        ((), "view `active_users` not imported: SELECT * FROM users"),
        ((), "function `touch()` not imported"),
        ((), "domain `email` not imported: over text"),
    ]


def test_table_patterns() -> None:
    names = ["users", "posts", "post_tags", "alembic_version", "audit_log"]
    assert selected(names, [], []) == ["users", "posts", "post_tags", "audit_log"]
    assert selected(names, ["post*"], []) == ["posts", "post_tags"]
    assert selected(names, [], ["audit_*", "post_tags"]) == ["users", "posts"]
    result = imported(USERS, table("audit_log", serial("id", "audit_log")), exclude=["audit_*"])
    assert list(result.document["resources"]) == ["User"]
    assert notes(result) == ["tables left out by --tables/--exclude: audit_log"]


def test_a_unique_index_stays_an_index_on_a_reference_too() -> None:
    """Danbooru's `index_artist_commentaries_on_post_id`: `unique: true` would put a unique
    constraint in its place, which `alembic check` sees as a swap; the index is kept."""
    result = imported(
        USERS,
        table(
            "profiles",
            serial("id", "profiles"),
            column("handle", varchar(40)),
            column("user_id", BIGINT),
            foreign_keys=(fk("user_id", "users", source="profiles"),),
            indexes=(
                Index("index_profiles_on_handle", ("handle",), unique=True),
                Index("index_profiles_on_user_id", ("user_id",), unique=True),
            ),
        ),
    )
    profile = result.document["resources"]["Profile"]
    assert profile["fields"]["handle"] == {"type": "str", "max_length": 40}
    assert profile["index"] == [
        {"fields": ["handle"], "name": "index_profiles_on_handle", "unique": True},
        {"fields": ["user"], "name": "index_profiles_on_user_id", "unique": True},
    ]
    assert profile["fields"]["user"] == {
        "type": "ref",
        "target": "User",
        "index": False,  # the unique index serves its lookups
    }
    assert notes(result) == [
        "resources.Profile.fields.user: unique through the index `index_profiles_on_user_id`, "
        "kept as that index: the reverse is a list of at most one row; `unique: true` would "
        "make it one-to-one, with a unique constraint in the index's place"
    ]


def test_other_migration_tools_tables_are_left_out_unless_named() -> None:
    names = ["users", "schema_migrations", "ar_internal_metadata", "_prisma_migrations"]
    assert selected(names, [], []) == ["users"]
    assert selected(names, ["users", "schema_migrations"], []) == ["users", "schema_migrations"]
    rails = table("schema_migrations", column("version", varchar(255)), key=("version",))
    result = imported(USERS, rails)
    assert list(result.document["resources"]) == ["User"]
    assert notes(result) == [
        "another migration tool's tables left out (give them to --tables to import them): "
        "schema_migrations; carried in database_objects, so `alembic check` leaves them alone"
    ]
    # Rails' tables, in the stamped database: `alembic check` must not see them as dropped
    assert result.document["database_objects"] == [
        {
            "name": "schema_migrations",
            "kind": "sql",
            "create": "CREATE TABLE IF NOT EXISTS public.schema_migrations "
            "(version VARCHAR(255) NOT NULL, PRIMARY KEY (version))",
            "drop": "DROP TABLE IF EXISTS public.schema_migrations",
        }
    ]
    on_sqlite = imported(USERS, rails, dialect="sqlite")
    assert "database_objects" not in on_sqlite.document


def test_an_index_calling_functions_sqlite_lacks_is_carried() -> None:
    """Danbooru's `set_masklen(ip_addr, ...)` index; `lower(name)` stays an index item."""
    events = table(
        "events",
        serial("id", "events"),
        column("ip", TEXT),
        column("name", TEXT),
        indexes=(
            Index("events_subnet", expressions=("set_masklen(ip, 24)",), definition="CREATE ..."),
            Index("events_name", expressions=("lower(name)",), definition="CREATE ..."),
        ),
    )
    result = imported(events)
    assert result.document["resources"]["Event"]["index"] == [
        {"expressions": ["lower(name)"], "name": "events_name"}
    ]
    assert [o["name"] for o in result.document["database_objects"]] == ["events_subnet"]


def test_partitions_are_not_resources_and_domains_are_their_base_type() -> None:
    year = ColumnType("int", domain="year", sql="year over INTEGER")
    parent = table(
        "payments",
        serial("id", "payments"),
        column("year", year),
        extras=(("partitioned table", "PARTITION BY RANGE (year)"),),
    )
    child = table(
        "payments_2024",
        serial("id", "payments"),
        column("year", year),
        extras=(("partition", "PARTITION OF payments FOR VALUES FROM (2024) TO (2025)"),),
    )
    result = imported(parent, child)
    assert list(result.document["resources"]) == ["Payment"]
    assert fields(result, "Payment")["year"] == {"type": "int"}
    assert notes(result) == [
        "partition `payments_2024` not imported: PARTITION OF payments FOR VALUES FROM (2024) "
        "TO (2025)",
        "resources.Payment.fields.year: declared with the domain `year`, imported as its base "
        "type (the domain's checks are not expressed)",
        "resources.Payment: partitioned table not expressed: PARTITION BY RANGE (year)",
    ]


def test_a_table_without_a_primary_key_takes_its_unique_not_null_columns_as_key() -> None:
    """Rails' join tables and log tables (OpenStreetMap's `changesets_subscribers`, Danbooru's
    `ai_tags`): the spec needs a key, so a unique index over NOT NULL columns becomes it, or
    else every column when all are NOT NULL; a table with neither keeps the note."""
    subscribers = table(
        "subscribers",
        column("user_id", INT, nullable=False),
        column("changeset_id", INT, nullable=False),
        column("note", TEXT),
        key=(),
        indexes=(Index("subscribers_unique", ("user_id", "changeset_id"), unique=True),),
    )
    tags = table(
        "ai_tags",
        column("media_asset_id", INT, nullable=False),
        column("tag_id", INT, nullable=False),
        key=(),
    )
    points = table("points", column("x", INT), column("y", INT, nullable=True), key=())
    result = imported(subscribers, tags, points)
    assert [n for n, f in fields(result, "Subscriber").items() if f.get("primary_key")] == [
        "user_id",
        "changeset_id",
    ]
    assert [n for n, f in fields(result, "AiTag").items() if f.get("primary_key")] == [
        "media_asset_id",
        "tag_id",
    ]
    assert "Point" not in result.document["resources"]  # carried as SQL instead
    said = notes(result)
    assert any("`subscribers` has no primary key; its NOT NULL columns (user_id" in n for n in said)
    assert any("`points` has no primary key, and no NOT NULL columns" in n for n in said)


def test_a_deferrable_foreign_key_and_a_wider_column_are_said_not_noted() -> None:
    """Danbooru's foreign keys are DEFERRABLE INITIALLY DEFERRED, which `deferrable` says;
    some hold a BIGINT that points at an INTEGER key, which `column_type` does."""
    users = table("users", serial("id", "users"))
    keys = table(
        "api_keys",
        serial("id", "api_keys"),
        column("user_id", BIGINT),
        column("owner_id", INT, nullable=True),
        column("maker_id", INT, nullable=True),
        foreign_keys=(
            fk("user_id", "users", deferrable="DEFERRABLE INITIALLY DEFERRED"),
            fk("owner_id", "users", deferrable="DEFERRABLE"),
            fk("maker_id", "users"),
        ),
    )
    result = imported(users, keys)
    said = "\n".join(notes(result))
    assert "DEFERRABLE" not in said
    found = result.document["resources"]["ApiKey"]["fields"]
    assert found["user"]["deferrable"] == "deferred"
    assert found["owner"]["deferrable"] == "immediate"  # INITIALLY IMMEDIATE is the default
    assert "deferrable" not in found["maker"]
    # the BIGINT column over the INTEGER key is said by column_type, not noted
    assert found["user"]["column_type"] == "bigint"
    assert "the column is BIGINT" not in said


def test_a_partial_index_in_postgresqls_own_sql_is_carried() -> None:
    """Danbooru's `WHERE status = ANY (ARRAY[100, 200])` would fail on SQLite, where the
    project's tests run: carried verbatim; `WHERE (is_deleted = false)` stays in the spec."""
    own = "CREATE INDEX posts_active ON public.posts USING btree (id) WHERE (status = ANY (...))"
    posts = table(
        "posts",
        serial("id", "posts"),
        column("status", INT),
        column("is_deleted", ColumnType("bool", sql="BOOLEAN")),
        indexes=(
            Index(
                "posts_active", ("id",), where="(status = ANY (ARRAY[100, 200]))", definition=own
            ),
            Index("posts_live", ("status",), where="(is_deleted = false)", definition="..."),
        ),
    )
    result = imported(posts)
    assert result.document["resources"]["Post"]["index"] == [
        {"fields": ["status"], "name": "posts_live", "where": "(is_deleted = false)"}
    ]
    assert result.document["database_objects"] == [
        {
            "name": "posts_active",
            "kind": "index",
            "create": own,
            "drop": "DROP INDEX IF EXISTS public.posts_active",
            "after": ["posts"],
        }
    ]


def test_a_partial_index_sqlite_cannot_evaluate_is_carried() -> None:
    """`ILIKE` has no cast, array or function call the patterns look for: SQLite evaluating
    the predicate tells it apart from `LIKE`."""
    own = "CREATE INDEX posts_a ON public.posts USING btree (id) WHERE (title ~~* 'a%')"
    posts = table(
        "posts",
        serial("id", "posts"),
        column("title", TEXT),
        indexes=(
            Index("posts_a", ("id",), where="(title ILIKE 'a%')", definition=own),
            Index("posts_b", ("id",), where="(title LIKE 'b%')", definition="..."),
        ),
    )
    result = imported(posts)
    assert result.document["resources"]["Post"]["index"] == [
        {"fields": ["id"], "name": "posts_b", "where": "(title LIKE 'b%')"}
    ]
    assert [o["name"] for o in result.document["database_objects"]] == ["posts_a"]


def test_an_index_sorted_desc_or_nulls_last_is_carried() -> None:
    """Danbooru's `posts (last_comment_bumped_at DESC NULLS LAST)`: no index item says the
    order, and `alembic check` sees `DESC NULLS LAST` against a plain column."""
    posts = table(
        "posts",
        serial("id", "posts"),
        column("bumped_at", TEXT),
        indexes=(
            Index("posts_bumped", ("bumped_at",), verbatim_only=True, definition="CREATE ..."),
        ),
    )
    result = imported(posts)
    assert "index" not in result.document["resources"]["Post"]
    assert "index" not in fields(result, "Post")["bumped_at"]
    assert [o["name"] for o in result.document["database_objects"]] == ["posts_bumped"]
