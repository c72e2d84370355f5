"""Every error answer in one shape, RFC 9457 problem details (`application/problem+json`), with
a stable `type` per kind of problem and never SQL text or a value the client sent."""

from typing import Any

from fastapi import FastAPI, Request
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
from sqlalchemy.orm.exc import StaleDataError

from persistgen.runtime.repositories.base import InvalidQueryError, NotFoundError, StaleVersionError

UNAVAILABLE = (ConnectionError, PoolTimeoutError, OperationalError, InterfaceError)
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement cut off by a timeout
# A connection that failed or could not be made, a server shutting down, crashed, starting up
# or out of connections. All pass once it is back: worth a retry, not a 500. (Not 08P01, which
# PgBouncer also uses for its configuration errors.)
SERVER_GONE = {"08000", "08001", "08003", "08004", "08006", "57P01", "57P02", "57P03", "53300"}


PROBLEM_MEDIA_TYPE = "application/problem+json"


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
    body = Problem(type=f"/problems/{kind}", title=title, status=status, detail=detail, **extra)
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )


_DESCRIPTIONS = {
    404: "No such row",
    409: "Conflicts with existing data",
    413: "Request body too large",
    422: "Input refused",
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
    return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "1"})


async def _not_found(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=404)


async def _invalid_query(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=422)


async def _conflict(_request: Request, _exc: Exception) -> JSONResponse:
    return JSONResponse(
        {"detail": "the request conflicts with existing data (a unique or reference rule)"},
        status_code=409,
    )


async def _changed_meanwhile(_request: Request, _exc: Exception) -> JSONResponse:
    # Another transaction updated or deleted the row between this one's read and write.
    return JSONResponse(
        {"detail": "the row was changed by another request; reload it and retry"},
        status_code=409,
    )


async def _stale_version(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=409)


async def _rejected_value(_request: Request, _exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": "a value was not accepted by the database"}, status_code=422)


async def _database_error(_request: Request, exc: Exception) -> JSONResponse:
    if is_unavailable(exc):
        return unavailable()
    if isinstance(exc, DBAPIError) and _sqlstate(exc) == QUERY_CANCELED:
        return _too_slow()
    return JSONResponse({"detail": "internal database error"}, status_code=500)


async def _timed_out(_request: Request, _exc: Exception) -> JSONResponse:
    return _too_slow()


def _too_slow() -> JSONResponse:
    return JSONResponse({"detail": "the database did not answer in time"}, status_code=504)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(InvalidQueryError, _invalid_query)
    app.add_exception_handler(IntegrityError, _conflict)
    app.add_exception_handler(StaleDataError, _changed_meanwhile)
    app.add_exception_handler(StaleVersionError, _stale_version)
    app.add_exception_handler(DataError, _rejected_value)
    for error in UNAVAILABLE:
        app.add_exception_handler(error, _database_error)
    app.add_exception_handler(DBAPIError, _database_error)
    # asyncpg's command_timeout: no answer from the server in time.
    app.add_exception_handler(TimeoutError, _timed_out)
