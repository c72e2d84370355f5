"""The naming policy: derived names, and which user names the generated code cannot take."""

from __future__ import annotations

import keyword

import pytest

from persistgen import naming


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
    ],
)
def test_plural(word: str, expected: str) -> None:
    assert naming.plural(word) == expected


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
    [("posts", True), ("order_lines", True), ("Posts", False), ("x" * 63, True), ("x" * 64, False)],
)
def test_table_problem(name: str, ok: bool) -> None:
    assert (naming.table_problem(name) is None) is ok
