"""Opaque, tamper-evident cursors for keyset pagination: a list position, signed (HMAC).

A cursor holds its position and what list it belongs to (the resource, its filters and its
sort); used on another list, it is refused rather than silently skipping or repeating rows.
"""

import base64
import hashlib
import hmac
import logging
from collections.abc import Sequence
from functools import cache
from typing import Any

from pydantic_core import from_json, to_json

from persistgen.runtime.repositories.base import InvalidQueryError, Repository
from persistgen.runtime.schemas.base import ListQuery
from persistgen.runtime.settings import get_cursor_settings

AnyRepository = Repository[Any, Any, Any, Any, Any]
logger = logging.getLogger(__name__)


def next_cursor(repository: AnyRepository, items: Sequence[Any], query: ListQuery) -> str | None:
    """The cursor of the page after `items`; None on the last page, or when the sort has a
    nullable column (offset pages still work there)."""
    if len(items) < query.limit:
        return None
    position = repository.position(items[-1], query.sort)
    if position is None:
        return None
    body = _encode(to_json([_scope(repository, query), *position]))
    return f"{body}.{_encode(_sign(body))}"


def decode(repository: AnyRepository, query: ListQuery) -> list[Any] | None:
    """The position `query.after` holds; refused if altered or made for another list."""
    if query.after is None:
        return None
    body, _, signature = query.after.partition(".")
    if not hmac.compare_digest(signature.encode(), _encode(_sign(body)).encode()):
        _hint_at_a_secret_per_process()
        raise InvalidQueryError("the cursor is not valid; start again from the first page")
    scope, position = _contents(body)
    if scope != _scope(repository, query):
        raise InvalidQueryError(
            "the cursor belongs to another list (other filters or sort); start from its first page"
        )
    return position


@cache
def _hint_at_a_secret_per_process() -> None:
    """Once per process. A cursor refused where each process draws its own secret is most
    likely another instance's, one the startup check (api/instances.py) could not see: in
    another container, say."""
    if "secret" not in get_cursor_settings().model_fields_set:
        logger.warning(
            "a cursor signed with another secret was refused, and CURSOR_SECRET is not set:"
            " if several processes serve this API, set it, the same for every one"
        )


def _contents(body: str) -> tuple[str, list[Any]]:
    """A signed body's list scope and position. Signed is not proof of shape: a cursor made
    by another version of the service, or with a leaked secret, may hold anything."""
    try:
        data = from_json(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:  # not base64, or not JSON
        data = None
    if not isinstance(data, list) or not data or not isinstance(data[0], str):
        raise InvalidQueryError("the cursor is not valid; start again from the first page")
    scope, *position = data
    return scope, position


def _scope(repository: AnyRepository, query: ListQuery) -> str:
    """What a cursor is valid for: the resource, its filters and its sort."""
    filters = query.model_dump(mode="json", exclude={"limit", "offset", "after"}, exclude_none=True)
    return hashlib.sha256(to_json([repository.model.__name__, filters])).hexdigest()[:16]


def _sign(body: str) -> bytes:
    key = get_cursor_settings().secret.get_secret_value().encode()
    return hmac.new(key, body.encode(), hashlib.sha256).digest()


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
