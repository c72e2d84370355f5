"""The routes a resource serves (`routes` in the spec): what the router, its imports and the
generated tests make of them."""

from __future__ import annotations

from persistgen import plan
from persistgen.spec.validate import read_spec, read_spec_text
from tests.conftest import ROOT

LIBRARY = ROOT / "tests" / "cases" / "good" / "routes.yaml"


def test_every_route_by_default_and_nothing_left_out() -> None:
    project = plan.build(read_spec(ROOT / "examples" / "tracker.yaml"))

    for r in project.resources:
        assert r.left_out == () and r.crud_routes is None
        assert ("restore" in r.routes) == r.soft_delete
        assert ("links" in r.routes) == bool(r.links)
    assert not project.suite.partial
    assert project.suite.each("conflict", "create") == "'conflict'"
    assert project.suite.where("case", "delete") == ""


def test_listed_routes_in_route_order_and_those_left_out() -> None:
    resources = {r.module: r for r in plan.build(read_spec(LIBRARY)).resources}

    author, book, tag = resources["author"], resources["book"], resources["tag"]
    assert author.routes == ("list", "get")
    assert author.left_out == ("create", "update", "delete")
    assert book.routes == ("list", "get", "create", "delete")
    assert book.left_out == ("update", "restore", "links")
    assert book.crud_routes == ("list", "get", "create", "delete")
    assert tag.left_out == ()
    assert tag.routes == ("list", "get", "create", "update", "delete")  # no links of its own


def test_link_routes_left_out_take_their_imports_and_tests_with_them() -> None:
    project = plan.build(read_spec(LIBRARY))
    book = next(r for r in project.resources if r.module == "book")
    case = next(c for c in project.suite.cases if c.resource is book)

    assert book.links and not book.served_links
    assert not any("SessionDep" in line or "TagRead" in line for line in book.api_imports)
    assert case.links == ()
    assert not project.suite.links


def test_tests_ask_only_for_what_a_resource_serves() -> None:
    suite = plan.build(read_spec(LIBRARY)).suite

    assert suite.partial
    assert suite.each(None, "list") == "serving=('list',)"
    assert suite.each("conflict", "create") == "'conflict', serving=('create',)"
    assert suite.where("ref.target", "delete") == ' if ref.target.serves("delete")'
    assert suite.first_serving("create") == 1  # Tag: Author serves no create
    assert suite.references  # Review's tag; Book's author is never deleted over HTTP
    assert not suite.restores  # Book leaves `restore` out
    assert suite.relations and suite.conflicts


def test_list_left_out_drops_the_filter_tests() -> None:
    spec = read_spec_text(
        "version: 1\nproject: {name: shop}\nresources:\n  Item:\n"
        "    fields: {code: {type: str, filter: true}}\n    routes: [get]\n"
    )

    project = plan.build(spec)

    assert project.resources[0].filter_tests
    assert project.suite.cases[0].filter_tests == ()
    assert not project.suite.filters
