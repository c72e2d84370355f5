"""The naming policy: derived names, and which user names the generated code cannot take."""

from __future__ import annotations

import keyword

import pytest
from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex
from sqlalchemy.sql.elements import conv

from persistgen import naming
from persistgen.errors import UserError
from persistgen.runtime.db import identifiers
from persistgen.spec.validate import read_spec_text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Post", "post"),
        ("BlogPost", "blog_post"),
        ("OrderLine", "order_line"),
        ("HTTPServer", "http_server"),
        ("APIKey", "api_key"),
        ("ABC", "abc"),
        ("Post2Tag", "post2_tag"),
        ("already_snake", "already_snake"),
    ],
)
def test_snake(name: str, expected: str) -> None:
    assert naming.snake(name) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("post", "posts"),
        ("user", "users"),
        ("category", "categories"),
        ("order_entry", "order_entries"),
        ("day", "days"),  # vowel + y
        ("key", "keys"),
        ("box", "boxes"),
        ("status", "statuses"),
        ("church", "churches"),
        ("dish", "dishes"),
        ("buzz", "buzzes"),
        # The old hand rule gave persons, childs, analysises, quizes, heros (issue 16).
        ("person", "people"),
        ("child", "children"),
        ("analysis", "analyses"),
        ("quiz", "quizzes"),
        ("hero", "heroes"),
        ("mouse", "mice"),
        ("criterion", "criteria"),
        ("sheep", "sheep"),
        # A snake name inflects its last word only.
        ("blog_post", "blog_posts"),
        ("team_person", "team_people"),
        ("child_analysis", "child_analyses"),
        ("person_status", "person_statuses"),
    ],
)
def test_plural(word: str, expected: str) -> None:
    assert naming.plural(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("person", "persons"),
        ("child", "childs"),
        ("analysis", "analysises"),
        ("quiz", "quizes"),
        ("hero", "heros"),
        ("category", "categories"),
        ("day", "days"),
        ("blog_post", "blog_posts"),
    ],
)
def test_legacy_plural_is_the_rule_older_projects_were_named_by(word: str, expected: str) -> None:
    assert naming.legacy_plural(word) == expected


def test_default_table_and_package_names() -> None:
    assert naming.plural(naming.snake("OrderLine")) == "order_lines"
    assert naming.package_name("blog-service") == "blog_service"
    assert naming.package_name("Blog") == "blog"
    assert naming.kebab("OrderLine") == "order-line"


@pytest.mark.parametrize(
    "name", ["title", "view_count", "x1", "author", "published_at", "status", "id_type"]
)
def test_attribute_ok(name: str) -> None:
    assert naming.attribute_problem(name) is None


@pytest.mark.parametrize(
    ("name", "reason", "suggestion"),
    [
        ("class", "Python keyword", "`class_`"),
        ("from", "Python keyword", "`from_`"),
        ("metadata", "SQLAlchemy", "`metadata_`"),
        ("registry", "SQLAlchemy", "`registry_`"),
        ("model_config", "`model_`", "`config`"),
        ("model_name", "`model_`", "`name`"),
        ("model_class", "`model_`", "`class_field`"),
        ("model_", "`model_`", "`field`"),
        ("copy", "Pydantic BaseModel attribute", "`copy_`"),
        ("dt", "generated modules", "`dt_`"),
        ("select", "generated modules", "`select_`"),
        ("my-field", "snake_case", "`my_field`"),
        ("MyField", "snake_case", "`my_field`"),
        ("my field", "snake_case", "`my_field`"),
        ("_private", "snake_case", "`private`"),
        ("1st_place", "snake_case", "`field_1st_place`"),
        ("café", "ASCII", "`cafe`"),
        ("Class", "snake_case", "`class_`"),  # the plain fix would be a keyword
        ("", "snake_case", "`field`"),
    ],
)
def test_attribute_problem(name: str, reason: str, suggestion: str) -> None:
    problem = naming.attribute_problem(name)
    assert problem is not None
    assert reason in problem[0]
    assert problem[1] == suggestion
    assert naming.attribute_problem(suggestion.strip("`")) is None, "suggestions are valid"


def test_every_keyword_is_refused() -> None:
    for word in keyword.kwlist:
        problem = naming.attribute_problem(word)
        assert problem is not None, word


@pytest.mark.parametrize(
    "name", ["Post", "User", "OrderLine", "HTTPServer", "Post2", "HomePage", "Thread", "LastUpdate"]
)
def test_resource_ok(name: str) -> None:
    assert naming.resource_problem(name) is None


@pytest.mark.parametrize(
    ("name", "reason", "suggestion"),
    [
        ("post", "PascalCase", "`Post`"),
        ("blog_post", "PascalCase", "`BlogPost`"),
        ("blogPost", "PascalCase", "`BlogPost`"),
        ("order-line", "PascalCase", "`OrderLine`"),
        ("Café", "ASCII", "`Cafe`"),
        ("2fa", "PascalCase", "`Resource2fa`"),
        ("_", "PascalCase", "`Resource`"),
        ("Base", "already use", "`BaseItem`"),
        ("Mapped", "already use", "`MappedItem`"),
        ("Literal", "already use", "`LiteralItem`"),
        ("Repository", "already use", "`RepositoryItem`"),
        ("None", "already use", "`NoneItem`"),
        ("Health", "replace the generated `health.py`", "`HealthItem`"),
        ("Cursors", "replace the generated `cursors.py`", "`CursorsItem`"),
    ],
)
def test_resource_problem(name: str, reason: str, suggestion: str) -> None:
    problem = naming.resource_problem(name)
    assert problem is not None
    assert reason in problem[0]
    assert problem[1] == suggestion
    assert naming.resource_problem(suggestion.strip("`")) is None, "suggestions are valid"


def test_generated_class_names() -> None:
    assert naming.class_names("Post") == [
        "Post",
        "PostCreate",
        "PostUpdate",
        "PostRead",
        "PostQuery",
        "PostRepository",
        "PostSort",
    ]
    assert naming.enum_class("Post", "status") == "PostStatus"
    assert naming.enum_class("Order", "payment_state") == "OrderPaymentState"


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("posts", True),
        ("order_lines", True),
        ("Posts", True),
        ("createdAt", True),
        ("order items", True),
        ("1x", True),
        ('say "hi"', True),
        ("x" * 64, True),
        ("", False),
        ("  ", False),
        ("a\nb", False),
        ("a\x00b", False),
        ("public.users", False),
    ],
)
def test_table_problem(name: str, ok: bool) -> None:
    """Any identifier PostgreSQL takes names a table (or column); its length is
    `length_problem`'s. A dot would split SQLAlchemy's `table.column`."""
    assert (naming.table_problem(name) is None) is ok


@pytest.mark.parametrize(
    ("name", "sql"),
    [
        ("created_at", "created_at"),
        ("createdAt", '"createdAt"'),
        ("User", '"User"'),
        ("order", '"order"'),
        ("user", '"user"'),
        ("display name", '"display name"'),
        ("1st", '"1st"'),
        ('say "hi"', '"say ""hi"""'),
    ],
)
def test_quoted_is_how_sqlalchemy_quotes_on_postgresql(name: str, sql: str) -> None:
    from sqlalchemy.dialects import postgresql

    assert naming.quoted(name) == sql
    assert postgresql.dialect().identifier_preparer.quote(name) == sql


def test_sql_reserved_words_are_sqlalchemys() -> None:
    from sqlalchemy.dialects.postgresql.base import RESERVED_WORDS

    assert naming.SQL_RESERVED_WORDS == RESERVED_WORDS


@pytest.mark.parametrize(
    ("name", "size"),
    [("x" * 63, None), ("x" * 64, 64), ("é" * 31, None), ("é" * 32, 64), ("a" + "é" * 31, 63)],
)
def test_length_problem_counts_bytes(name: str, size: int | None) -> None:
    """PostgreSQL's limit is 63 bytes: a name in UTF-8 reaches it in fewer characters."""
    problem = naming.length_problem(name)
    if size is None or size <= 63:
        assert problem is None
    else:
        assert problem is not None
        assert f"it is {size} " in problem[0]
        suggestion = problem[1].strip("`")
        assert len(suggestion.encode()) <= 63 and name.startswith(suggestion)


LONG = [f"ix_{'t' * n}_column" for n in range(40, 130, 7)]


@pytest.mark.parametrize("name", ["pk_posts", "x" * 63, *LONG])
def test_shortened_is_what_sqlalchemy_makes_of_a_convention_name_on_postgresql(name: str) -> None:
    """Models and migrations name a constraint as PostgreSQL ends up holding it; the generated
    project's convention (runtime db/identifiers.py) shortens alike."""
    table = Table("t", MetaData(), Column("c", Integer))
    ddl = str(CreateIndex(Index(conv(name), table.c.c)).compile(dialect=postgresql.dialect()))
    short = naming.shortened(name)
    assert ddl.startswith(f"CREATE INDEX {short} ON t ")
    assert short == identifiers.shortened(name)
    assert len(short.encode()) == (len(name) if len(name) <= 63 else 60)  # 55, `_`, 4 digits
    assert (short == name) is (len(name) <= 63)


def test_the_projects_convention_names_constraints_as_the_plan_does() -> None:
    """The generated MetaData's convention (templates' db/base.py) and `naming.constraint`
    give every constraint and index the same name, shortened or not."""
    convention = {
        "ix": identifiers.Shortened("ix_%(table_name)s_%(column_0_N_name)s"),
        "uq": identifiers.Shortened("uq_%(table_name)s_%(column_0_N_name)s"),
        "ck": identifiers.Shortened("ck_%(table_name)s_%(constraint_name)s"),
        "fk": identifiers.Shortened(
            "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s"
        ),
        "pk": identifiers.Shortened("pk_%(table_name)s"),
    }
    metadata = MetaData(naming_convention=convention)
    owners, items = "o" * 60, "i" * 63
    Table(owners, metadata, Column("id", Integer, primary_key=True))
    table = Table(
        items,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("owner_id", ForeignKey(f"{owners}.id"), index=True),
        Column("code", Integer, unique=True),
    )
    names = {type(c).__name__: c.name for c in table.constraints}
    expected = {
        "PrimaryKeyConstraint": naming.constraint("pk", items),
        "ForeignKeyConstraint": naming.constraint("fk", items, "owner_id", owners),
        "UniqueConstraint": naming.constraint("uq", items, "code"),
    }
    assert names == expected
    assert [i.name for i in table.indexes] == [naming.constraint("ix", items, "owner_id")]
    assert all(len(name) == 60 for name in expected.values())


def _spec(resources: str) -> str:
    return "version: 1\nproject: {name: shop}\nresources:\n" + resources


# Each name PostgreSQL creates from what the user wrote, at `n` characters.
NAMES = {
    "table": lambda n: f"  Post:\n    table: {'t' * n}\n    fields: {{title: str}}\n",
    "column": lambda n: f"  Post:\n    fields:\n      {'c' * n}: str\n",
    "column option": lambda n: (
        f"  Post:\n    fields:\n      title: {{type: str, column: {'c' * n}}}\n"
    ),
    "reference column": lambda n: (
        f"  User: {{fields: {{name: str}}}}\n  Post:\n    fields:\n"
        f"      {'r' * (n - 3)}: ref:User\n"
    ),
    "native enum type": lambda n: (
        f"  Post:\n    fields:\n      {'e' * (n - 5)}: {{type: enum, values: [a], native: true}}\n"
    ),
    "link table": lambda n: (
        f"  Tag: {{fields: {{name: str}}}}\n  Post:\n    fields:\n"
        f"      tags: {{type: many, target: Tag, through: {'l' * n}}}\n"
    ),
}


@pytest.mark.parametrize("kind", NAMES)
def test_a_name_fits_at_63_bytes_and_is_refused_at_64(kind: str) -> None:
    read_spec_text(_spec(NAMES[kind](63)))
    with pytest.raises(UserError) as info:
        read_spec_text(_spec(NAMES[kind](64)))
    [problem] = info.value.problems
    assert "it is 64 characters long; PostgreSQL names are at most 63" in problem.message


def test_derived_names_past_63_bytes_are_shortened_not_refused() -> None:
    """Long tables and columns give long constraint and index names; those end in a hash."""
    spec = read_spec_text(
        _spec(
            f"  Owner:\n    table: {'o' * 63}\n    fields:\n"
            f"      {'h' * 63}: {{type: str, unique: true}}\n"
            f"      {'s' * 63}: {{type: int, index: true}}\n"
        )
    )
    assert list(spec.resources) == ["Owner"]


def test_a_table_named_as_a_sequence_is_refused() -> None:
    """PostgreSQL names an identity key's sequence `<table>_<column>_seq`, among the tables."""
    with pytest.raises(UserError) as info:
        read_spec_text(_spec("  Post: {fields: {title: str}}\n  Note: {table: posts_id_seq}\n"))
    [problem] = info.value.problems
    assert problem.spec_path == "resources.Note.table"
    assert "as the sequence of `Post.id` is" in problem.message


@pytest.mark.parametrize(
    ("table", "variable"),
    [
        ("post_tags", "post_tags_table"),
        ("Post Tags", "post_tags_table"),
        ("UserFollows", "user_follows_table"),
        ("1st links", "link_1st_links_table"),
        ("☃", "link_table"),
    ],
)
def test_a_link_tables_python_name(table: str, variable: str) -> None:
    assert naming.table_variable(table) == variable
    assert variable.isidentifier()


def test_a_column_python_cannot_take_as_an_attribute_is_subscripted() -> None:
    assert naming.column_access("t", "post_id") == "t.c.post_id"
    assert naming.column_access("t", "Post Id") == "t.c['Post Id']"
    assert naming.column_access("t", "from") == "t.c['from']"
