"""Build the render model of a small spec, for the planner's unit tests."""

from __future__ import annotations

import textwrap

from persistgen import plan
from persistgen.project_model import ColumnModel, ProjectModel, ResourceModel
from persistgen.spec.validate import read_spec_text


def project(resources: str, *, schema: str | None = None) -> ProjectModel:
    """The render model of a spec with these `resources` (YAML, indented as under the key)."""
    header = "version: 1\nproject: {name: shop, package: shop"
    header += f", schema: {schema}}}\n" if schema else "}\n"
    text = header + "resources:\n" + textwrap.indent(textwrap.dedent(resources), "  ")
    return plan.build(read_spec_text(text))


def resource(resources: str, name: str) -> ResourceModel:
    return next(r for r in project(resources).resources if r.class_name == name)


def column(resources: str, name: str, attribute: str) -> ColumnModel:
    return next(c for c in resource(resources, name).columns if c.name == attribute)
