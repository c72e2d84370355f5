"""A typed client generated with openapi-python-client from the document a served example answers
drives a create, read, list, update and delete through it, on PostgreSQL: the OpenAPI document
is one a client generator takes as it is, with no warnings, and its operationIds, tags and
schemas make the client's modules, methods and models."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT
from tests.generated.project import run, served
from tests.golden_tree import generate_example
from tests.postgres import fresh_database

pytestmark = pytest.mark.postgres
PACKAGE = "blog_client"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The blog example, migrated and served on PostgreSQL."""
    project = generate_example(ROOT / "examples" / "blog.yaml", tmp_path_factory.mktemp("served"))
    with fresh_database(f"openapi_client_{os.getpid()}") as url:
        run(project, "alembic", "upgrade", "head", database_url=url)
        with served(project, url) as base:
            yield base


@pytest.fixture(scope="module")
def blog_client(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The client package openapi-python-client generates from the served /openapi.json, on
    `sys.path` for as long as the tests use it."""
    directory = tmp_path_factory.mktemp("client")
    document = directory / "openapi.json"
    document.write_text(httpx.get(f"{base_url}/openapi.json").text, encoding="utf-8")
    # Its post-hooks run ruff, which lives beside this interpreter.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    output_path = str(directory / PACKAGE)
    command = ["generate", "--meta", "none", "--path", str(document), "--output-path", output_path]
    generated = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", *command],
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
    )
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "Warning" not in output, output  # every schema and operation understood
    sys.path.insert(0, str(directory))
    try:
        yield directory / PACKAGE
    finally:
        sys.path.remove(str(directory))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def client_module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_the_operation_ids_and_tags_make_the_client_modules(blog_client: Path) -> None:
    operations = {
        f"{tag.name}.{module.stem}"
        for tag in (blog_client / "api").iterdir()
        if tag.is_dir() and not tag.name.startswith("__")
        for module in tag.glob("*.py")
        if module.stem != "__init__"
    }
    resources = {"users": ("user", "users"), "posts": ("post", "posts")}
    for tag, (one, many) in resources.items():
        expected = {f"list_{many}", *(f"{verb}_{one}" for verb in ("get", "create", "update"))}
        assert {f"{tag}.{name}" for name in (*expected, f"delete_{one}")} <= operations


def test_crud_through_the_generated_client(blog_client: Path, base_url: str) -> None:
    models = client_module("models")
    users: dict[str, Any] = {
        verb: client_module(f"api.users.{verb}_user")
        for verb in ("create", "get", "update", "delete")
    }
    list_users = client_module("api.users.list_users")
    types = client_module("types")
    with client_module("client").Client(base_url=base_url, raise_on_unexpected_status=True) as api:
        body = models.UserCreate(email="ada@example.com", display_name="Ada")
        created = users["create"].sync(client=api, body=body)
        assert isinstance(created, models.UserRead)
        assert (created.email, created.bio, created.is_active) == ("ada@example.com", None, True)

        read = users["get"].sync(created.id, client=api)
        assert isinstance(read, models.UserDetail)
        assert (read.id, read.display_name) == (created.id, "Ada")
        assert read.posts is types.UNSET, "a relationship not asked for is absent"

        page = list_users.sync(client=api, limit=100)
        assert isinstance(page, models.PageUserRead)
        assert created.id in [user.id for user in page.items]
        assert page.total == len(page.items)

        change = models.UserUpdate(display_name="Ada Lovelace")
        updated = users["update"].sync(created.id, client=api, body=change)
        assert (updated.display_name, updated.email) == ("Ada Lovelace", "ada@example.com")

        assert users["delete"].sync_detailed(created.id, client=api).status_code == 204
        gone = users["get"].sync_detailed(created.id, client=api)
        assert gone.status_code == 404
        assert isinstance(gone.parsed, models.Problem), "error answers are typed too"
        assert (gone.parsed.type_, gone.parsed.status) == ("/problems/not-found", 404)


def test_a_relationship_through_the_generated_client(blog_client: Path, base_url: str) -> None:
    models = client_module("models")
    create_user = client_module("api.users.create_user")
    create_post = client_module("api.posts.create_post")
    get_post = client_module("api.posts.get_post")
    include = client_module("models.get_post_include_type_0_item").GetPostIncludeType0Item
    with client_module("client").Client(base_url=base_url, raise_on_unexpected_status=True) as api:
        body = models.UserCreate(email="grace@example.com", display_name="Grace")
        author = create_user.sync(client=api, body=body)
        post = models.PostCreate(title="Notes", slug="notes", body="...", author_id=author.id)
        created = create_post.sync(client=api, body=post)
        assert created.status == models.PostStatus.DRAFT

        nested = get_post.sync(created.id, client=api, include=[include.AUTHOR, include.COMMENTS])
        assert (nested.author.id, nested.comments) == (author.id, [])
        lean = get_post.sync(created.id, client=api)
        assert lean.author is client_module("types").UNSET
