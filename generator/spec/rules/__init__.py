"""The rules a spec must follow beyond its shape: they need the whole spec (options that apply
to a type, defaults, names, references). One module per part of the spec."""

from __future__ import annotations

from persistgen.spec.model import Spec
from persistgen.spec.rules import identifiers, objects, project, references, resources
from persistgen.spec.rules.finding import Finding

__all__ = ["Finding", "findings"]


def findings(spec: Spec) -> list[Finding]:
    return [
        *project.findings(spec),
        *resources.findings(spec),
        *references.findings(spec),
        *identifiers.findings(spec),
        *objects.findings(spec),
    ]
