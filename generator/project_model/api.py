"""The API target: how a route spells a key in its path."""

from __future__ import annotations

from persistgen.project_model.types import TypeInfo

_BASE = "{package}.schemas.base"
# Where an integer width's bounds are, when not in the base: smallint's, with its DTO type.
_BOUNDS = {16: "{package}.schemas.value_types"}


def path_annotation(key: TypeInfo) -> str:
    """A key as a path parameter, refused (422) where its column could not hold it, rather
    than failing in the database (a 500): an integer is bounded to its range, a text key to
    its length and to what text can hold (no NUL, no lone surrogate)."""
    if key.bits is not None:
        return f"Annotated[int, Path(ge=INT{key.bits}_MIN, le=INT{key.bits}_MAX)]"
    if key.python != "str":
        return key.python
    if key.max_length is None:
        return "KeyText"
    return f"Annotated[KeyText, Path(max_length={key.max_length})]"


def path_imports(key: TypeInfo) -> set[str]:
    """What `path_annotation` names."""
    if key.bits is not None:
        bounds = f"{_BOUNDS.get(key.bits, _BASE)}:INT{key.bits}"
        return {"typing:Annotated", "fastapi:Path", f"{bounds}_MIN", f"{bounds}_MAX"}
    if key.python != "str":
        return set(key.python_imports)
    found = {f"{_BASE}:KeyText"}
    if key.max_length is not None:
        found |= {"typing:Annotated", "fastapi:Path"}
    return found
