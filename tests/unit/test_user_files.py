"""The examples in the user's files work when copied: the names they give `router_dependencies`
are the ones the generated `main.py` passes."""

from __future__ import annotations

import re

from persistgen.pipeline import render_spec
from persistgen.spec.validate import read_spec
from tests.cli.helpers import SHOP


def test_the_auth_example_names_a_resource_as_main_passes_it() -> None:
    files = {f.path: f.content for f in render_spec(read_spec(SHOP)).files}
    passed = set(re.findall(r'router_dependencies\("(\w+)"\)', files["shop/main.py"]))
    assert "order" in passed
    for place in ("shop/app_setup.py", "AGENTS.md", "README.md"):
        named = re.findall(r'resource == "(\w+)"', files[place])
        assert named, place
        assert set(named) <= passed, place
