"""The API target: how a route spells a key in its path."""

from __future__ import annotations

from persistgen.project_model.types import TypeInfo


def path_annotation(key: TypeInfo) -> str:
    """A key as a path parameter; an integer is bounded to what its column holds (else a 500)."""
    if key.bits is None:
        return key.python
    return f"Annotated[int, Path(ge=INT{key.bits}_MIN, le=INT{key.bits}_MAX)]"


def path_imports(key: TypeInfo) -> set[str]:
    """What `path_annotation` names."""
    found = set(key.python_imports)
    if key.bits is not None:
        bounds = f"{{package}}.schemas.base:INT{key.bits}"
        found |= {"typing:Annotated", "fastapi:Path", f"{bounds}_MIN", f"{bounds}_MAX"}
    return found
