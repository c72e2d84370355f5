"""Test data your own validators accept, and stand-ins for your auth. persistgen created this
file once and never touches it again.

The generated factories build each resource's data from the spec, then take `values(<its
module name>)` over it; the update tests set one field to `update_value(...)`. When a validator
in `schemas/<resource>.py` rejects the generated data (titles must start with a capital, say),
give values it accepts, distinct per call where the column is unique:

    _numbers = itertools.count(1)

    def values(resource: ResourceName) -> dict[str, Any]:
        if resource == "book":
            return {"title": f"Title {next(_numbers)}"}
        return {}

    def update_value(resource: ResourceName, field: str, value: Any) -> Any:
        return "Title changed" if (resource, field) == ("book", "title") else value

When `app_setup.dependencies` puts auth on routes, the generated tests would get 401: the
`client` fixture puts `dependency_overrides()` into `app.dependency_overrides` for each test
(FastAPI's own way to test), so a stand-in runs instead:

    def dependency_overrides() -> dict[Callable[..., Any], Callable[..., Any]]:
        return {require_user: lambda: User(name="tester")}
"""

from collections.abc import Callable
from typing import Any

from tracker.names import ResourceName


def values(resource: ResourceName) -> dict[str, Any]:
    """Field values for a new row of `resource`, over the generated ones."""
    return {}


def update_value(resource: ResourceName, field: str, value: Any) -> Any:
    """The value the update tests give `field` of `resource`; `value` is the generated one."""
    return value


def dependency_overrides() -> dict[Callable[..., Any], Callable[..., Any]]:
    """Your dependencies (from `app_setup.dependencies`) mapped to what the tests run instead."""
    return {}
