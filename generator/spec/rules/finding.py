"""What a rule found: where in the spec, what is wrong, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

from persistgen.spec.load import SpecPath


@dataclass(frozen=True)
class Finding:
    path: SpecPath
    message: str
    hint: str
    at_key: bool = False
