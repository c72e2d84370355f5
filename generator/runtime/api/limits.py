"""Request limits: a body or URL too large is refused before the app reads it (413, 414), and
a single-valued query parameter given twice is a 422 rather than one of its values chosen
silently. The limits are `ApiSettings` (`API_MAX_BODY_BYTES`, `API_MAX_URL_LENGTH`)."""

import typing
from collections import Counter
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from persistgen.runtime.api.errors import problem
from persistgen.runtime.settings import get_api_settings


class _BodyTooLarge(Exception):
    """Raised from `receive` once a body passes the limit; the app answers 413 for it."""


class RequestLimits:
    """ASGI middleware: refuses a URL longer than `max_url_length` (414) and a body longer than
    `max_body_bytes` (413), by its Content-Length or, chunked, by counting it as it arrives."""

    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int | None = None, max_url_length: int | None = None
    ) -> None:
        settings = get_api_settings()
        self.app = app
        self.max_body_bytes = settings.max_body_bytes if max_body_bytes is None else max_body_bytes
        self.max_url_length = settings.max_url_length if max_url_length is None else max_url_length

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _url_length(scope) > self.max_url_length:
            detail = f"the URL is longer than {self.max_url_length} characters"
            await problem(414, "url-too-long", "URI Too Long", detail)(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._too_large(scope, receive, send)
            return
        await self._counted(scope, receive, send)

    async def _counted(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:  # the app's answer to the cut-off body (FastAPI's 400) is dropped
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _BodyTooLarge:
            exceeded = True
        if exceeded and not started:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"the request body is larger than {self.max_body_bytes} bytes"
        response = problem(413, "body-too-large", "Content Too Large", detail)
        response.headers["Connection"] = "close"  # the rest of the body is left unread
        await response(scope, receive, send)


def _url_length(scope: Scope) -> int:
    path: bytes = scope.get("raw_path") or scope["path"].encode()
    query: bytes = scope.get("query_string", b"")
    return len(path) + len(query)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def single_valued_query(request: Request) -> None:
    """An app dependency: a query parameter the route takes one value of, given more than
    once, is a 422. (Parameters typed as lists, such as `include`, may repeat.)"""
    if b"&" not in request.scope["query_string"]:
        return  # one parameter or none: nothing repeats (most requests; spares parsing it)
    counts = Counter(name for name, _ in request.query_params.multi_items())
    repeated = sorted(name for name, count in counts.items() if count > 1)
    route = request.scope.get("route")
    if not repeated or not isinstance(route, APIRoute):
        return
    single = _single_valued(route)
    errors = [
        {
            "loc": ("query", name),
            "msg": "give this parameter once",
            "type": "repeated_parameter",
        }
        for name in repeated
        if name in single
    ]
    if errors:
        raise RequestValidationError(errors)


def _single_valued(route: APIRoute) -> set[str]:
    """The names of the route's query parameters that take one value."""
    found: set[str] = set()
    for param in route.dependant.query_params:
        annotation = param.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found |= {
                field.alias or name
                for name, field in annotation.model_fields.items()
                if not _is_list(field.annotation)
            }
        elif not _is_list(annotation):
            found.add(param.alias)
    return found


def _is_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (list, set, tuple, frozenset):
        return True
    return any(_is_list(arg) for arg in typing.get_args(annotation))
