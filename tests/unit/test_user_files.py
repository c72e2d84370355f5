"""The examples in the user's files work when copied: the resource names they compare with are
members of the project's `ResourceName`, which lists exactly the names the generated route
modules pass to `app_setup.dependencies`."""

from __future__ import annotations

import re

from persistgen.pipeline import render_spec
from persistgen.spec.validate import read_spec
from tests.cli.helpers import SHOP


def test_the_auth_example_names_a_resource_as_the_routes_pass_it() -> None:
    files = {f.path: f.content for f in render_spec(read_spec(SHOP)).files}
    passed = {
        name
        for path, text in files.items()
        if path.startswith("shop/api/")
        for name in re.findall(r'partial\(app_setup\.dependencies, "(\w+)"\)', text)
    }
    assert "order" in passed
    literal = re.search(r"^ResourceName = Literal\[(.*)\]$", files["shop/names.py"], re.M)
    assert literal is not None
    assert set(re.findall(r'"(\w+)"', literal.group(1))) == passed
    named = re.findall(r'resource == "(\w+)"', files["README.md"])
    assert named and set(named) <= passed
