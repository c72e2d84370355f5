"""Database errors as HTTP responses with stable bodies and no SQL text."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
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
