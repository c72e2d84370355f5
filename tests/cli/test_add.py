"""`persistgen add resource NAME FIELD...`: edit persistgen.yaml in place, then regenerate."""

from __future__ import annotations

from pathlib import Path

import pytest

from persistgen.spec.validate import read_spec
from tests.cli.conftest import Invoke
from tests.cli.helpers import BLOG, reported, tree

FIELDS = ("title:str:200", "body:text", "published:bool=false", "author:ref:User")


def test_add_resource(cli: Invoke, blog: Path) -> None:
    original = (blog / "persistgen.yaml").read_text(encoding="utf-8")

    result = cli("add", "resource", "Article", *FIELDS, "--project", "blog")

    assert result.exit_code == 0, result.output
    text = (blog / "persistgen.yaml").read_text(encoding="utf-8")
    # Appended: everything the user wrote, comments and long lines included, is still there.
    assert text.startswith(original)
    assert "# A blog: users write posts, readers comment." in text
    assert text[len(original) :] == (
        "  Article:\n"
        "    fields:\n"
        "      title: str:200\n"
        "      body: text\n"
        "      published: bool=false\n"
        "      author: ref:User\n"
    )
    spec = read_spec(blog / "persistgen.yaml")
    article = spec.resources["Article"].fields
    assert article["title"].max_length == 200
    assert article["published"].default is False
    assert article["author"].target == "User"
    rows = reported(result.stdout)
    assert {p for p, s in rows.items() if s == "created"} == {
        "blog/api/article.py",
        "blog/models/article.py",
        "blog/repositories/article.py",
        "blog/repositories/generated/article.py",
        "blog/schemas/article.py",
        "blog/schemas/generated/article.py",
        "migrations/versions/0002_<id>_create_table_articles.py",
        ".persistgen/revisions/<id>.json",
    }
    assert "class Article(Base)" in (blog / "blog/models/article.py").read_text(encoding="utf-8")
    assert cli("generate", "-p", "blog", "--check").exit_code == 0


def test_add_resource_in_current_directory(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("new", "project", "todo").exit_code == 0
    monkeypatch.chdir(tmp_path / "todo")

    result = cli("add", "resource", "Tag", "label:str:40:unique", "color:enum:red|green=red")

    assert result.exit_code == 0, result.output
    assert (tmp_path / "todo/todo/models/tag.py").is_file()
    tag = read_spec(tmp_path / "todo/persistgen.yaml").resources["Tag"].fields
    assert tag["label"].unique
    assert tag["color"].values == ["red", "green"]
    assert tag["color"].default == "red"


def test_comments_and_layout_survive(cli: Invoke, tmp_path: Path) -> None:
    spec = (
        BLOG.read_text(encoding="utf-8").replace(
            "  Comment:\n", "  # Comments are moderated.\n  Comment:  # trailing note\n"
        )
        + "# end of resources\n"
    )
    (tmp_path / "blog.yaml").write_text(spec, encoding="utf-8")
    assert cli("new", "project", "blog", "--spec", "blog.yaml").exit_code == 0

    result = cli("add", "resource", "Tag", "label:str:40", "-p", "blog")

    assert result.exit_code == 0, result.output
    text = (tmp_path / "blog/persistgen.yaml").read_text(encoding="utf-8")
    for line in spec.splitlines()[1:]:  # the first line is the schema comment
        assert line in text.splitlines(), line
    assert "  Tag:\n    fields:\n      label: str:40\n" in text


def test_bad_field_argument(cli: Invoke, blog: Path) -> None:
    before = tree(blog)

    for argument, words in [
        ("title", ["title", "NAME:TYPE"]),
        (":str", [":str", "NAME:TYPE"]),
        ("title:str:abc", ["max_length", "whole number", "abc"]),
        ("title:str:200:300", ["unexpected", "300"]),
        ("title:strng", ["strng", "`str`"]),
    ]:
        result = cli("add", "resource", "Article", "body:text", argument, "-p", "blog")
        assert result.exit_code == 2, argument
        assert f"error field argument 2 `{argument}`:" in result.stderr
        assert all(word in result.stderr for word in words), result.stderr
        assert "; " not in result.stderr.splitlines()[1]  # the hint on a line of its own
        assert "Traceback" not in result.output
    assert tree(blog) == before


def test_invalid_field_options_point_into_the_spec(cli: Invoke, blog: Path) -> None:
    """A field that parses but is wrong for its type is reported by spec validation."""
    before = tree(blog)

    result = cli("add", "resource", "Article", "title:bool:unique=maybe", "-p", "blog")

    assert result.exit_code == 2
    assert "resources.Article.fields.title" in result.stderr
    assert tree(blog) == before


def test_reference_to_unknown_resource(cli: Invoke, blog: Path) -> None:
    before = tree(blog)

    result = cli("add", "resource", "Article", "body:text", "writer:ref:Writer", "-p", "blog")

    assert result.exit_code == 2
    # On the argument that named it, not on a line of the spec that was never written.
    assert "error field argument 2 `writer:ref:Writer`: resources.Article.fields.writer" in (
        result.stderr
    )
    assert "no resource named `Writer`" in result.stderr
    assert "persistgen.yaml:" not in result.stderr
    assert tree(blog) == before


def test_field_given_twice(cli: Invoke, blog: Path) -> None:
    before = tree(blog)

    result = cli("add", "resource", "Article", "title:str", "title:text", "-p", "blog")

    assert result.exit_code == 2
    assert "field `title` is given twice" in result.stderr
    assert tree(blog) == before


def test_existing_resource(cli: Invoke, blog: Path) -> None:
    before = tree(blog)

    result = cli("add", "resource", "Post", "title:str", "-p", "blog")

    assert result.exit_code == 2
    assert "resource `Post` already exists" in result.stderr
    assert tree(blog) == before


def test_no_fields(cli: Invoke, blog: Path) -> None:
    result = cli("add", "resource", "Article", "-p", "blog")

    assert result.exit_code == 2
    assert "Missing argument" in result.output


def test_no_project(cli: Invoke, tmp_path: Path) -> None:
    result = cli("add", "resource", "Article", "title:str")

    assert result.exit_code == 2
    assert "cannot read the spec" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_add_stops_at_a_conflict_but_keeps_the_spec_change(cli: Invoke, blog: Path) -> None:
    models = blog / "blog/models/__init__.py"
    models.write_text(
        models.read_text(encoding="utf-8").replace('"Comment",', '"Comment",  # mine'),
        encoding="utf-8",
    )  # where Article's name goes: the edit overlaps the change

    result = cli("add", "resource", "Article", "title:str:200", "-p", "blog")

    assert result.exit_code == 1
    assert reported(result.stdout) == {"blog/models/__init__.py": "conflict"}
    assert '"Comment",  # mine' in models.read_text(encoding="utf-8")
    assert "Article" in read_spec(blog / "persistgen.yaml").resources
    assert not (blog / "blog/models/article.py").exists()  # nothing generated: all or nothing
