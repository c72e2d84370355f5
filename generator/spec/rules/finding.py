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


def an(kind: str) -> str:
    """`an int`, `an enum`, `a str`, `a uuid`."""
    return f"an {kind}" if kind[0] in "aeio" else f"a {kind}"
