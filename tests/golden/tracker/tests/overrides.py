"""Test data your own validators accept. persistgen created this file once and never touches
it again.

The generated factories build each resource's data from the spec, then take `values(<its
module name>)` over it; the update tests set one field to `update_value(...)`. When a validator
in `schemas/<resource>.py` rejects the generated data (titles must start with a capital, say),
give values it accepts, distinct per call where the column is unique:

    _numbers = itertools.count(1)

    def values(resource: str) -> dict[str, Any]:
        if resource == "book":
            return {"title": f"Title {next(_numbers)}"}
        return {}

    def update_value(resource: str, field: str, value: Any) -> Any:
        return "Title changed" if (resource, field) == ("book", "title") else value
"""

from typing import Any


def values(resource: str) -> dict[str, Any]:
    """Field values for a new row of `resource`, over the generated ones."""
    return {}


def update_value(resource: str, field: str, value: Any) -> Any:
    """The value the update tests give `field` of `resource`; `value` is the generated one."""
    return value
