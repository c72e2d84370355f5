"""Your application wiring. persistgen created this file once and never touches it again.

Each generated route runs `dependencies(<resource>, <route>)`, the generated `main.py` runs
`lifespan` inside its own (the database is ready before your startup work and open until
after your shutdown work), and calls `configure(app)` last, with every generated router in.
"""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI, params

from tracker.names import ResourceName, RouteName


def configure(app: FastAPI) -> None:
    """Middleware, CORS, exception handlers, extra routers: `app.add_middleware(...)`,
    `app.include_router(...)`."""


def dependencies(resource: ResourceName, route: RouteName) -> Sequence[params.Depends]:
    """Dependencies one route runs (auth, say), by the resource's module name and the route's
    name in the spec (list, get, create, update, delete, restore, links): e.g.
    `return [Depends(require_user)] if route in {"create", "update", "delete"} else []`.
    The tests stand in for them with `tests/overrides.py`'s `dependency_overrides()`."""
    return []


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Startup work before the `yield`, shutdown work after it."""
    yield
