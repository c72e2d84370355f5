"""Every error answer in one shape, RFC 9457 problem details (`application/problem+json`), with
a stable `type` per kind of problem and never SQL text or a value the client sent."""

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import registry as Registry
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from persistgen.runtime.api.violations import Violation, violation_of
from persistgen.runtime.repositories.base import InvalidQueryError, NotFoundError, StaleVersionError

UNAVAILABLE = (ConnectionError, PoolTimeoutError, OperationalError, InterfaceError)
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement cut off by a timeout
DATA_EXCEPTION = "22"  # SQLSTATE class: a value the column cannot hold (too long, out of range)
# A connection that failed or could not be made, a server shutting down, crashed, starting up,
# out of connections or not accepting them (55000: a database closed to connections). All pass
# once it is back: worth a retry, not a 500. (Not 08P01, which PgBouncer also uses for its
# configuration errors.)
SERVER_GONE = {
    "08000",
    "08001",
    "08003",
    "08004",
    "08006",
    "57P01",
    "57P02",
    "57P03",
    "53300",
    "55000",
}


PROBLEM_MEDIA_TYPE = "application/problem+json"
_log = logging.getLogger(__name__)
# The most an answer tells of one thing: a message, a location, a list of refusals. A client
# that sends megabytes gets its problems named, never its input back.
MAX_TEXT = 200
MAX_ERRORS = 20
# Every problem answered, by status and kind (`/problems/<kind>`): `/metrics` reads it.
ANSWERED: Counter[tuple[int, str]] = Counter()


class InvalidParam(BaseModel):
    """One refused input: where it was (`["body", "price"]`, `["query", "limit"]`) and why."""

    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """The body of every non-2xx answer. `type` is stable per kind of problem (a relative URI,
    `/problems/<kind>`); `fields` and `constraint` name what a conflict or refusal concerns."""

    type: str = Field(examples=["/problems/not-found"])
    title: str
    status: int
    detail: str
    fields: list[str] | None = None
    constraint: str | None = None
    errors: list[InvalidParam] | None = None


def problem(
    status: int,
    kind: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem-details answer; `extra` fills `fields`, `constraint` or `errors`."""
    ANSWERED[status, kind] += 1
    body = Problem(
        type=f"/problems/{kind}", title=title, status=status, detail=clip(detail), **extra
    )
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """`text` cut to `limit` characters, marked as cut, and writable as UTF-8 (a lone
    surrogate, which a client can send in a JSON name, becomes `?`)."""
    cut = text if len(text) <= limit else f"{text[: limit - 1]}…"
    return cut.encode("utf-8", "replace").decode("utf-8")


_DESCRIPTIONS = {
    400: "Malformed request",
    404: "No such row",
    405: "Method not allowed on this path",
    409: "Conflicts with existing data",
    413: "Request body too large",
    414: "Request URL too long",
    422: "Input refused",
    500: "Internal error",
    503: "Database unavailable; retry after `Retry-After` seconds",
    504: "The database did not answer in time",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` declaring the problem answers `statuses` an operation can give."""
    return {
        status: {
            "model": Problem,
            "description": _DESCRIPTIONS[status],
            "content": {PROBLEM_MEDIA_TYPE: {}},
        }
        for status in statuses
    }


def is_unavailable(exc: Exception) -> bool:
    """Whether `exc` means the database cannot be reached right now."""
    if isinstance(exc, UNAVAILABLE) and not _missing_schema(exc):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    return exc.connection_invalidated or _sqlstate(exc) in SERVER_GONE


def _missing_schema(exc: Exception) -> bool:
    """SQLite reports a table or column the database lacks (migrations not run, say) as an
    OperationalError: an error to fix, a 500 as on PostgreSQL, not a retry."""
    message = str(exc.orig) if isinstance(exc, OperationalError) else ""
    return message.startswith(("no such table:", "no such column:"))


def _sqlstate(exc: DBAPIError) -> str:
    return str(getattr(exc.orig, "sqlstate", None) or "")


def unavailable(detail: str = "the database is unavailable; retry shortly") -> JSONResponse:
    return problem(503, "unavailable", "Service Unavailable", detail, {"Retry-After": "1"})


async def _not_found(_request: Request, exc: Exception) -> JSONResponse:
    # The key is the client's own, and may be long: the answer names only the resource.
    resource = exc.resource if isinstance(exc, NotFoundError) else "row"
    return problem(404, "not-found", "Not Found", f"no {resource} has this key")


async def _invalid_query(_request: Request, exc: Exception) -> JSONResponse:
    return problem(422, "invalid-query", "Invalid Query", str(exc))


async def _changed_meanwhile(_request: Request, _exc: Exception) -> JSONResponse:
    # Another transaction updated or deleted the row between this one's read and write.
    detail = "the row was changed by another request; reload it and retry"
    return problem(409, "changed-meanwhile", "Conflict", detail)


async def _stale_version(_request: Request, exc: Exception) -> JSONResponse:
    current = exc.current if isinstance(exc, StaleVersionError) else None
    detail = f"the row is at version {current}, not the one sent; reload it and retry"
    return problem(409, "stale-version", "Conflict", detail, fields=["version"])


async def _rejected_value(_request: Request, _exc: Exception) -> JSONResponse:
    detail = "a value was not accepted by the database"
    return problem(422, "rejected-value", "Unprocessable Content", detail)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    if is_unavailable(exc):
        return unavailable()
    sqlstate = _sqlstate(exc) if isinstance(exc, DBAPIError) else ""
    if sqlstate == QUERY_CANCELED:
        return _too_slow()
    if sqlstate.startswith(DATA_EXCEPTION):  # asyncpg's are not always DataErrors
        return await _rejected_value(request, exc)
    _log.error("database error answered 500", exc_info=exc)
    return _internal()


async def _timed_out(_request: Request, _exc: Exception) -> JSONResponse:
    return _too_slow()


async def _server_error(_request: Request, _exc: Exception) -> JSONResponse:
    return _internal()  # Starlette logs the exception itself


def _too_slow() -> JSONResponse:
    detail = "the database did not answer in time"
    return problem(504, "timeout", "Gateway Timeout", detail)


def _internal() -> JSONResponse:
    return problem(500, "internal-error", "Internal Server Error", "an internal error occurred")


# FastAPI's and Starlette's own answers (an unknown route, a method a path does not serve).
_HTTP_KINDS = {404: "not-found", 405: "method-not-allowed", 413: "body-too-large"}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    phrase = _phrase(status)
    detail = exc.detail if isinstance(exc.detail, str) else phrase
    kind = _HTTP_KINDS.get(status, phrase.lower().replace(" ", "-").replace("'", ""))
    headers = dict(exc.headers) if exc.headers else None
    if status == 405:
        headers = {**(headers or {}), "Allow": _allowed_methods(request)}
    return problem(status, kind, phrase, detail, headers=headers)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> str:
    """Every method the path serves. Starlette names only those of the first route that
    matches the path, and FastAPI adds one route per method, but a 405 must list them all
    (RFC 9110): each method is tried against the app's routes."""
    routes = request.app.router.routes
    allowed = (
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    )
    return ", ".join(allowed)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


async def _invalid_request(_request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422, without the `input` and `ctx` it carries: they echo what the client sent
    (megabytes, or a NaN no JSON encoder writes)."""
    assert isinstance(exc, RequestValidationError)
    found = list(exc.errors())
    errors = [_invalid_param(error) for error in found[:MAX_ERRORS]]
    shown = "" if len(found) <= MAX_ERRORS else f" (the first {MAX_ERRORS} listed)"
    detail = f"{len(found)} input value{'s' if len(found) != 1 else ''} refused{shown}"
    return problem(422, "validation-error", "Unprocessable Content", detail, errors=errors)


def _invalid_param(error: Any) -> InvalidParam:
    loc = [part if isinstance(part, int) else clip(str(part), 100) for part in error["loc"]]
    return InvalidParam(loc=loc, msg=clip(str(error["msg"])), type=str(error["type"]))


def _integrity_handler(models: Registry | None) -> Callable[..., Any]:
    async def integrity_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, IntegrityError)
        return _violated(violation_of(exc, models, deleting=request.method == "DELETE"))

    return integrity_error


_VIOLATIONS: dict[str, tuple[int, str, str]] = {
    "unique": (409, "unique-violation", "another row already has this {fields}"),
    "missing-reference": (422, "missing-reference", "{fields} refers to a row that does not exist"),
    "still-referenced": (409, "still-referenced", "other rows still refer to this row"),
    "not-null": (422, "not-null-violation", "{fields} cannot be null"),
    "check": (422, "check-violation", "a value breaks the rule {constraint}"),
    "other": (409, "conflict", "the request conflicts with existing data"),
}


def _violated(violation: Violation) -> JSONResponse:
    status, kind, template = _VIOLATIONS[violation.kind]
    fields = ", ".join(violation.fields) or "value"
    detail = template.format(fields=fields, constraint=violation.constraint or "of the table")
    if violation.kind == "missing-reference" and not violation.fields:
        detail = "a reference names a row that does not exist"  # SQLite does not say which
    return problem(
        status,
        kind,
        _phrase(status),
        detail,
        fields=list(violation.fields) or None,
        constraint=violation.constraint,
    )


def install_error_handlers(app: FastAPI, *, models: Registry | None = None) -> None:
    """Answer every error with a problem. `models` (the project's `Base.registry`) names the
    fields of a constraint the database reports by its name or its columns' names."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(InvalidQueryError, _invalid_query)
    app.add_exception_handler(IntegrityError, _integrity_handler(models))
    app.add_exception_handler(StaleDataError, _changed_meanwhile)
    app.add_exception_handler(StaleVersionError, _stale_version)
    app.add_exception_handler(DataError, _rejected_value)
    for error in UNAVAILABLE:
        app.add_exception_handler(error, _database_error)
    app.add_exception_handler(DBAPIError, _database_error)
    # asyncpg's command_timeout: no answer from the server in time.
    app.add_exception_handler(TimeoutError, _timed_out)
    app.add_exception_handler(Exception, _server_error)
    _declare_problems(app)


def _declare_problems(app: FastAPI) -> None:
    """Serve an OpenAPI document whose error answers are problems under their media type:
    FastAPI puts a response `model` under application/json, and its own 422 schema is
    `HTTPValidationError`, which no answer has."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _exact_bounds(_with_problems(build()))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_FASTAPI_422 = "#/components/schemas/HTTPValidationError"


def _with_problems(document: dict[str, Any]) -> dict[str, Any]:
    responses = [
        response
        for operation in _operations(document)
        for status, response in operation.get("responses", {}).items()
        if str(status).startswith(("4", "5")) and _is_problem(response)
    ]
    for response in responses:
        response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}}
    if responses:
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        if _FASTAPI_422 not in json.dumps(document):
            for name in ("HTTPValidationError", "ValidationError"):
                schemas.pop(name, None)
        schemas.update(_problem_schemas())
    return document


_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
# Pydantic states a field's `Field(ge=...)` under its Python name where it cannot put the
# bound into the type (an Update DTO's `StrictFloat4 | None`): JSON Schema knows no `ge`.
_PYTHON_BOUNDS = dict(zip(("ge", "le", "gt", "lt"), _BOUNDS, strict=True))


def _exact_bounds(document: dict[str, Any]) -> dict[str, Any]:
    """Bounds as JSON Schema states them, whole numbers written as integers. FastAPI's
    document model holds them as doubles (`9.223372036854776e+18`), which some validators
    compare inexactly with a large integer; the DTOs declare only bounds a double holds
    exactly (`lt=2**63`), so this loses nothing."""
    pending: list[Any] = [document]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if item.get("type") in ("number", "integer"):
                for python, keyword in _PYTHON_BOUNDS.items():
                    value = item.get(python)
                    if isinstance(value, int | float) and not isinstance(value, bool):
                        item[keyword] = item.pop(python)
            for key in _BOUNDS:
                value = item.get(key)
                if isinstance(value, float) and value.is_integer():
                    item[key] = int(value)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return document


def _is_problem(response: dict[str, Any]) -> bool:
    """Declared with `problem_responses`, or FastAPI's own 422: answers these handlers give.
    (A route's own error model, under its own media type, is left as declared.)"""
    content = response.get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    return PROBLEM_MEDIA_TYPE in content or schema.get("$ref") == _FASTAPI_422


def _operations(document: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for path in document.get("paths", {}).values():
        yield from (op for op in path.values() if isinstance(op, dict) and "responses" in op)


def _problem_schemas() -> dict[str, Any]:
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    defined: dict[str, Any] = schema.pop("$defs", {})
    return {**defined, "Problem": schema}
