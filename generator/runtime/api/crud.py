"""The CRUD routes every resource serves, written once: a resource's module declares its names,
repository, DTOs and key, and `CrudRouter` adds create, list, get, update and delete (and
restore, for soft-deleted resources), or those of them the spec's `routes` lists, each with the
dependencies the project's `app_setup.dependencies(resource, route)` gives it (the resource's
module bound in, so mypy checks that name against the project's `ResourceName`). Each write
commits before responding, so a failed commit is an error response rather than a 2xx already
sent, and takes an `Idempotency-Key` header: its answer is stored in the write's transaction and
given again to a retry with the same key (api/idempotency.py).

For API clients: each route's operationId is its name (`list_issues`, `get_issue`), its tag is
the resource's route with the spec's description, and it declares the problem answers it can
give.
"""

import functools
import inspect
import textwrap
import types
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar, get_args

import sqlalchemy
from fastapi import APIRouter, Query, params, status
from fastapi.dependencies import utils as fastapi_dependencies
from fastapi.routing import APIRoute
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from starlette.routing import Match
from starlette.types import Scope

from persistgen.runtime.api import cursors, idempotency
from persistgen.runtime.api.errors import UNAVAILABLE, is_unavailable, problem_responses
from persistgen.runtime.db.engine import replicas
from persistgen.runtime.db.pool import TRANSACTION_POOLER
from persistgen.runtime.db.replicas import read_elsewhere
from persistgen.runtime.db.retry import RETRYABLE
from persistgen.runtime.db.session import ReadSessionDep, SessionDep
from persistgen.runtime.repositories.base import AUTOCOMMIT, READ_ALONE, NotFoundError, Repository
from persistgen.runtime.schemas.base import ListQuery, Page, ReadModel, WriteModel

CreateT = TypeVar("CreateT", bound=WriteModel)
ReadT = TypeVar("ReadT", bound=ReadModel)
UpdateT = TypeVar("UpdateT", bound=WriteModel)
KeyT = TypeVar("KeyT")
ResultT = TypeVar("ResultT")

_Handler = Callable[..., Awaitable[Any]]
_Direct = Callable[[Session], object]  # a write's Core statement, run in `Session.run_sync`
RouteName = Literal["list", "get", "create", "update", "delete", "restore", "links"]
DependenciesOf = Callable[[RouteName], Sequence[params.Depends]]
ROUTES = frozenset(get_args(RouteName)) - {"links"}  # the ones a CrudRouter adds itself
_KEYWORD = inspect.Parameter.KEYWORD_ONLY
_PAGE = ("page", "list", "count")  # the list route's `page`, and what it stands in for
_SESSION = inspect.Parameter("session", _KEYWORD, annotation=SessionDep)
# The read routes' session: from a read replica, when there are any (db/session.py).
_READ_SESSION = inspect.Parameter("session", _KEYWORD, annotation=ReadSessionDep)
_IDEMPOTENCY_KEY = inspect.Parameter(
    "idempotency_key", _KEYWORD, default=None, annotation=idempotency.KeyHeader
)
# FastAPI's cache of a parameter model's fields, as its dependencies module calls it (private).
_MODEL_FIELDS = "get_cached_model_fields"
# The longest text a route's docstring held on one line (100 columns, indented, quoted): the
# descriptions stay as the routes written out per resource gave them.
_DOCSTRING_WIDTH = 90


@dataclass(frozen=True)
class Names:
    """A resource's names in its routes: `create_issue`, `list_issues`, `/issues`, "issue";
    `description` (the spec's) describes its tag in the OpenAPI document."""

    one: str
    many: str
    route: str
    label: str
    description: str = ""


def operation_id(route: APIRoute) -> str:
    """A route's OpenAPI operationId: its name (`get_issue`, a function's name for a route
    written by hand), not FastAPI's default of name, path and method (`get_issue_issues__key__get`),
    so that generated clients get readable, stable method names."""
    return route.name


def problems(*, keyed: bool, write: bool, body: bool) -> dict[int | str, dict[str, Any]]:
    """The problem answers a route declares: any may refuse its input (422) or its URL as too
    long (414), or find the database unavailable (503) or too slow (504); one that addresses a
    row may find none (404), a write may conflict with existing data (409), and a body may be
    unreadable (400: not UTF-8, FastAPI's answer) or too large (413)."""
    statuses = [404] if keyed else []
    statuses += [409] if write else []
    statuses += [400, 413] if body else []
    return problem_responses(*sorted([*statuses, 414, 422, 503, 504]))


@dataclass(frozen=True)
class Dtos(Generic[CreateT, ReadT, UpdateT]):
    """What a resource's routes take and return. `detail` is the Read DTO with the relations
    `GET /<route>/<key>?include=...` may nest; `load` is the `Literal` of their names."""

    create: type[CreateT]
    read: type[ReadT]
    update: type[UpdateT]
    query: type[ListQuery]
    detail: type[ReadModel] | None = None
    load: object = None


class CrudRouter(APIRouter, Generic[CreateT, ReadT, UpdateT, KeyT]):
    """One resource's routes. `key` names the path parameters that address one row, each with
    its annotation; a composite key reaches the repository as a tuple in that order. `routes`
    names the routes it serves, of `ROUTES` (default: all). `dependencies(route)` gives each
    route's dependencies, by the route's name in the spec."""

    def __init__(
        self,
        names: Names,
        repository: type[Repository[Any, CreateT, UpdateT, ReadT, KeyT]],
        dtos: Dtos[CreateT, ReadT, UpdateT],
        *,
        key: Mapping[str, object],
        restore: Callable[[Any, KeyT], Awaitable[object]] | None = None,
        routes: Collection[str] = ROUTES,
        dependencies: DependenciesOf | None = None,
    ) -> None:
        super().__init__(
            prefix=f"/{names.route}", tags=[names.route], generate_unique_id_function=operation_id
        )
        self._names = names
        self._prefixed = (-1, False)  # (how many routes, whether each path starts with the prefix)
        self._dependencies_of = dependencies
        self._repository = repository
        self._dtos = dtos
        self._key_names = tuple(key)
        self._key_parameters = [
            inspect.Parameter(n, _KEYWORD, annotation=a) for n, a in key.items()
        ]
        self._key_path = "".join(f"/{{{name}}}" for name in key)
        restore = restore if "restore" in routes else None
        adders: dict[RouteName, Callable[[], None]] = {
            "create": self._add_create,
            "list": self._add_list,
            "get": self._add_get,
            "update": self._add_update,
            "delete": functools.partial(self._add_delete, soft=restore is not None),
        }
        for route, add in adders.items():
            if route in routes:
                add()
        if restore is not None:
            self._add_restore(restore)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """FastAPI's match, skipped for a path without the prefix (`/issues`) while every route
        here starts with it, so none could match. FastAPI (0.165) tries an included router's
        routes one by one, about 15 µs a router: an app of 50 resources spent 0.8 ms routing a
        request to the last one."""
        if self.prefix not in scope.get("path", "") and self._all_prefixed():
            return Match.NONE, {}
        return super().matches(scope)

    def _all_prefixed(self) -> bool:
        """Whether every route's path starts with the prefix, as `add_api_route` (the
        decorators') makes it; `add_route`, `mount` and `include_router` need not. Looked at
        again once routes are added."""
        if self._prefixed[0] != len(self.routes):
            paths = [getattr(route, "path", "") for route in self.routes]
            self._prefixed = (len(paths), all(p.startswith(self.prefix) for p in paths))
        return self._prefixed[1]

    @property
    def tag(self) -> dict[str, str]:
        """Its tag for the app's `openapi_tags`: the route, and the spec's description."""
        description = {"description": self._names.description} if self._names.description else {}
        return {"name": self._names.route, **description}

    def dependencies_of(self, route: RouteName) -> list[params.Depends]:
        """The dependencies of this resource's `route`, a name of `ROUTES` or `"links"` (the
        routes of its links, which its module adds)."""
        if self._dependencies_of is None:
            return []
        return list(self._dependencies_of(route))

    def _add_create(self) -> None:
        repository, read = self._repository, self._dtos.read
        core = _in_core(repository, "create", self._dtos.create)

        async def create(
            *, data: CreateT, session: AsyncSession, idempotency_key: str | None
        ) -> Any:
            rows = repository(session)
            request = functools.partial(idempotency.fingerprint, "POST", self.prefix, {}, data)
            write = functools.partial(rows.create, data)
            direct = functools.partial(rows.insert_row, data=data) if core else None
            return await _once(
                session, idempotency_key, request, (write, direct), read, status.HTTP_201_CREATED
            )

        data = inspect.Parameter("data", _KEYWORD, annotation=self._dtos.create)
        parameters = [data, _SESSION, _IDEMPOTENCY_KEY]
        self._route(
            "create", "POST", "", create, parameters, read, status_code=status.HTTP_201_CREATED
        )

    def _add_list(self) -> None:
        repository, read = self._repository, self._dtos.read
        by_page = _pages_by_itself(repository)

        async def list_rows(*, query: ListQuery, session: AsyncSession) -> Page[ReadT]:
            rows = repository(session)
            after = cursors.decode(rows, query)
            page = functools.partial(
                rows.page if by_page else functools.partial(_listed, rows, read),
                query,
                limit=query.limit,
                offset=query.offset,
                sort=query.sort,
                after=after,
            )
            items, total = await _read_once_more_if_disconnected(session, page)
            return Page(
                items=items,
                total=total,
                limit=query.limit,
                offset=query.offset,
                next_cursor=cursors.next_cursor(rows, items, query),
            )

        _keep_every_models_fields()
        query = inspect.Parameter(
            "query", _KEYWORD, annotation=Annotated[self._dtos.query, Query()]
        )
        self._route("list", "GET", "", list_rows, [query, _READ_SESSION], _page_of(read))

    def _add_get(self) -> None:
        detail, load = self._dtos.detail, self._dtos.load
        path = self._key_path
        if detail is None:
            parameters = [*self._key_parameters, _READ_SESSION]
            self._route("get", "GET", path, self._read, parameters, self._dtos.read)
            return

        async def get(*, session: AsyncSession, include: list[str] | None, **key: Any) -> ReadModel:
            if not include:  # the lean path: a Core SELECT straight into the DTO
                item = await self._read(session=session, **key)
                return detail.model_validate(item, from_attributes=True)
            loading = functools.partial(self._repository(session).get, self._key(key), load=include)
            instance = await _read_once_more_if_disconnected(session, loading)
            return detail.from_loaded(instance)

        many: Any = types.GenericAlias(list, (load,))  # `list[load]`, built at run time
        include = Annotated[many | None, Query(max_length=len(get_args(load)))]
        parameters = [
            *self._key_parameters,
            _READ_SESSION,
            inspect.Parameter("include", _KEYWORD, default=None, annotation=include),
        ]
        text = (
            f"`include` (repeatable) nests the related rows `{self._model_name}Load` lists; those"
            " left out are absent from the answer, and one included that has no row is null."
        )
        self._route(
            "get", "GET", path, get, parameters, detail, doc=_docstring(text), exclude_unset=True
        )

    async def _read(self, *, session: AsyncSession, **key: Any) -> ReadT:
        value = self._key(key)
        reading = functools.partial(self._repository(session).read, value)
        item = await _read_once_more_if_disconnected(session, reading)
        if item is None:
            raise NotFoundError(self._model_name, value)
        return item

    def _add_update(self) -> None:
        repository, read, path = self._repository, self._dtos.read, self._key_path
        core = _in_core(repository, "update", self._dtos.update)

        async def update(
            *, data: UpdateT, session: AsyncSession, idempotency_key: str | None, **key: Any
        ) -> Any:
            rows, value = repository(session), self._key(key)
            request = functools.partial(
                idempotency.fingerprint, "PATCH", self.prefix + path, key, data
            )
            write = functools.partial(rows.update, value, data)
            direct = functools.partial(rows.update_row, key=value, data=data) if core else None
            writes = (write, direct)
            return await _once(session, idempotency_key, request, writes, read, status.HTTP_200_OK)

        data = inspect.Parameter("data", _KEYWORD, annotation=self._dtos.update)
        parameters = [*self._key_parameters, data, _SESSION, _IDEMPOTENCY_KEY]
        self._route("update", "PATCH", self._key_path, update, parameters, read)

    def _add_delete(self, *, soft: bool) -> None:
        repository = self._repository
        core = _in_core(repository, "delete")
        names, path = self._names, self._key_path

        async def delete(*, session: AsyncSession, idempotency_key: str | None, **key: Any) -> Any:
            rows, value = repository(session), self._key(key)
            request = functools.partial(idempotency.fingerprint, "DELETE", self.prefix + path, key)
            write = functools.partial(rows.delete, value)
            direct = functools.partial(rows.delete_row, key=value) if core else None
            return await _once(
                session, idempotency_key, request, (write, direct), None, status.HTTP_204_NO_CONTENT
            )

        restore = f"`POST /{names.route}{path}/restore`"
        doc = f"Mark the {names.label} deleted; {restore} brings it back." if soft else None
        self._route(
            "delete",
            "DELETE",
            path,
            delete,
            [*self._key_parameters, _SESSION, _IDEMPOTENCY_KEY],
            returns=None,
            status_code=status.HTTP_204_NO_CONTENT,
            doc=doc,
        )

    def _add_restore(self, restore: Callable[[Any, KeyT], Awaitable[object]]) -> None:
        repository, read = self._repository, self._dtos.read

        path = f"{self._key_path}/restore"

        async def restore_row(
            *, session: AsyncSession, idempotency_key: str | None, **key: Any
        ) -> Any:
            request = functools.partial(idempotency.fingerprint, "POST", self.prefix + path, key)
            write = functools.partial(restore, repository(session), self._key(key))
            writes = (write, None)
            return await _once(session, idempotency_key, request, writes, read, status.HTTP_200_OK)

        parameters = [*self._key_parameters, _SESSION, _IDEMPOTENCY_KEY]
        self._route("restore", "POST", path, restore_row, parameters, read)

    def _route(
        self,
        route: RouteName,
        method: str,
        path: str,
        handler: _Handler,
        parameters: list[inspect.Parameter],
        returns: object,
        *,
        status_code: int | None = None,
        doc: str | None = None,
        exclude_unset: bool = False,
    ) -> None:
        """Add `route` (a name of `ROUTES`), named as written out: `list_books`, `get_book`;
        the name is its operationId. `exclude_unset`: fields the handler left unset (the
        relationships a Detail read did not include) are absent from the answer."""
        endpoint = _Endpoint(handler, inspect.Signature(parameters, return_annotation=returns), doc)
        name = f"{route}_{self._names.many if route == 'list' else self._names.one}"
        body = any(p.name == "data" for p in parameters)
        self.add_api_route(
            path,
            endpoint,
            methods=[method],
            name=name,
            status_code=status_code,
            dependencies=self.dependencies_of(route),
            responses=problems(keyed=path != "", write=method != "GET", body=body),
            response_model_exclude_unset=exclude_unset,
        )

    def _key(self, values: Mapping[str, Any]) -> Any:
        """The key as the repository takes it: the value, or a tuple in column order."""
        parts = tuple(values[name] for name in self._key_names)
        return parts[0] if len(parts) == 1 else parts

    @property
    def _model_name(self) -> str:
        return self._repository.model.__name__


class _Endpoint:
    """A route handler that FastAPI reads through `__signature__`: the handlers above are
    generic, and the signature gives each resource's concrete types (its DTOs, its key's path
    parameters), which FastAPI validates, converts and documents as it would a written route."""

    def __init__(self, handler: _Handler, signature: inspect.Signature, doc: str | None) -> None:
        self._handler = handler
        self.__signature__ = signature
        self.__doc__ = doc  # the route's description

    async def __call__(self, **arguments: Any) -> Any:
        return await self._handler(**arguments)


async def _read_once_more_if_disconnected(
    session: AsyncSession, read: Callable[[], Awaitable[ResultT]]
) -> ResultT:
    """`read()`, run again once if its connection turned out dead: the pool hands connections
    out untested (no pre-ping round trip), and a connection the server dropped since (a
    restart, a killed backend) fails its first statement. SQLAlchemy then invalidates that
    connection and every other the pool held before it ("Dealing with Disconnects", the
    optimistic approach), so the second run connects anew. Only reads run again: they change
    nothing, and a write's outcome on a lost connection is unknown (it answers 503). A read
    that a read replica could not serve runs again on the primary, the replica left out."""
    if _may_run_alone(session):
        session.info[READ_ALONE] = True
    try:
        return await read()
    except (*UNAVAILABLE, DBAPIError) as error:
        if not _read_again(session, error):
            raise
    await session.rollback()
    return await read()


def _read_again(session: AsyncSession, error: Exception) -> bool:
    """Whether a failed read runs again: on a dead connection; on the primary, after a replica
    was unreachable (then left out) or cancelled the read to replay the primary's changes (a
    recovery conflict, SQLSTATE 40001: the replica stays in)."""
    unavailable = is_unavailable(error)
    conflict = isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", None) in RETRYABLE
    replica = read_elsewhere(session) if unavailable or conflict else None
    if replica is not None:
        if unavailable:
            replicas.leave_out(replica, error)
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def _pages_by_itself(repository: type[Repository[Any, Any, Any, Any, Any]]) -> bool:
    """Whether the list route runs `Repository.page` (one Core SELECT, its total with it):
    unless a project overrides `list` or `count` and not `page`, whose answer would then
    disagree with theirs. Decided once per route."""
    overridden = [getattr(repository, name) is not getattr(Repository, name) for name in _PAGE]
    return overridden[0] or not any(overridden[1:])


async def _listed(
    rows: Repository[Any, Any, Any, ReadT, Any],
    read: type[ReadT],
    query: ListQuery,
    *,
    limit: int,
    offset: int,
    sort: str | None,
    after: Sequence[Any] | None,
) -> tuple[list[ReadT], int | None]:
    """What `page` gives, from the repository's `list` and `count` (a project's own)."""
    items = await rows.list(query, limit=limit, offset=offset, sort=sort, after=after)
    total = None if after is not None else await rows.count(query)
    return [read.model_validate(item) for item in items], total


def _may_run_alone(session: AsyncSession | Session) -> bool:
    """Whether a route's lone statement may run in autocommit, its own transaction (a read
    route's SELECT: `READ_ALONE`; a write's Core statement: `_committed`): on PostgreSQL, where
    BEGIN and COMMIT or ROLLBACK are round trips of their own; not behind a transaction pooler
    (`TRANSACTION_POOLER`: asyncpg prepares a statement and runs it in two round trips, which
    outside a transaction may reach two server connections), nor where a listener sets
    something for the transaction, which no statement in autocommit would see: the engine's
    `begin` or the session's `after_begin` (a project's `SET LOCAL`, say of the tenant
    row-level security checks)."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    bind = sync.get_bind()
    if bind.dialect.name != "postgresql" or bind.get_execution_options().get(TRANSACTION_POOLER):
        return False
    return not (bind.dispatch.begin or sync.dispatch.after_begin)


def _in_core(
    repository: type[Repository[Any, Any, Any, Any, Any]],
    operation: str,
    data: type[WriteModel] | None = None,
) -> bool:
    """Whether the route may run the repository's Core statement for `operation` in place of
    its ORM method (`Repository.writes_in_core`): decided once per route, so a method a
    project overrides is the one that runs. `data`'s fields must all be columns."""
    columns = sqlalchemy.inspect(repository.model).columns
    if data is not None and not set(data.model_fields) <= set(columns.keys()):
        return False
    return repository.writes_in_core(operation)


async def _once(
    session: AsyncSession,
    key: str | None,
    request: Callable[[], str],
    writes: tuple[Callable[[], Awaitable[object]], _Direct | None],
    read: type[ReadModel] | None,
    status_code: int,
) -> Any:
    """Run the write and commit; its answer (`read` of the row it returns, or no body) goes
    under the `Idempotency-Key` in the same transaction. A key that answered already gets that
    answer, and the write does not run (api/idempotency.py). `request()` hashes the request,
    needed only with a key. `writes`: the repository's method, and its Core statement where
    that may stand in for it (`_in_core`); without a key, that statement and the commit take
    one hop into SQLAlchemy's synchronous core where the method and the commit took two."""
    write, direct = writes[0], _usable(session, writes[1])
    if key is None and direct is not None:
        row = await session.run_sync(_committed, direct)
        return None if read is None else read.model_validate(row)
    if key is not None:
        stored = await idempotency.claim(session, key, request())
        if stored is not None:
            return stored
    row = await (write() if direct is None else session.run_sync(direct))
    answer = None if read is None else read.model_validate(row)
    if key is not None:
        await idempotency.remember(session, key, status_code, answer)
    await session.commit()
    return answer


def _usable(session: AsyncSession, direct: _Direct | None) -> _Direct | None:
    """`direct`, unless this session needs the ORM's flush (a flush event listens) or its
    database cannot return the written row (RETURNING)."""
    sync = session.sync_session
    if direct is None or sync.dispatch.before_flush or sync.dispatch.after_flush:
        return None
    dialect = session.get_bind().dialect
    return direct if dialect.insert_returning and dialect.update_returning else None


def _committed(session: Session, direct: _Direct) -> object:
    """`direct`'s statement, committed: alone in autocommit where it may be (`_may_write_alone`),
    as atomic and as durable in a transaction of its own, one round trip where BEGIN and COMMIT
    around it make three. `commit()` then sends nothing, and its `commit` events still run."""
    if _may_write_alone(session):
        session.connection(execution_options=AUTOCOMMIT)
    row = direct(session)
    session.commit()
    return row


def _may_write_alone(session: Session) -> bool:
    """Whether a write's statement may be its own transaction: nothing else would share it (the
    session has begun no transaction: a dependency of the route that used it, or left a change
    in it to flush, began one), and nothing listens for the session's commit before it is made
    (a `before_commit` listener may refuse it, and the statement would have committed already)."""
    if session.in_transaction() or session.dispatch.before_commit:
        return False
    return _may_run_alone(session)


def _keep_every_models_fields() -> None:
    """Make FastAPI keep the fields of every query model, not of the last 128 used.

    FastAPI (as of 0.165) holds a parameter model's fields in an `lru_cache` of 128
    models, and its OpenAPI document looks each field's schema up by the identity of the field
    objects it listed first: with more than 128 query models (a list route each) the first ones
    are evicted and built anew by the time they are described, and `app.openapi()` raises
    KeyError. An unbounded cache (a model's fields are as long-lived as the model) keeps one set
    per model, and spares each request rebuilding them. Once FastAPI's cache is unbounded, or
    gone, there is nothing to do."""
    cached: Any = getattr(fastapi_dependencies, _MODEL_FIELDS, None)
    if hasattr(cached, "cache_parameters") and cached.cache_parameters()["maxsize"] is not None:
        setattr(fastapi_dependencies, _MODEL_FIELDS, functools.cache(cached.__wrapped__))


def _page_of(read: type[ReadModel]) -> object:
    """`Page[read]`, spelled so because mypy takes no variable as a type argument."""
    return Page.__class_getitem__(read)


def _docstring(text: str) -> str:
    """`text` as a route's docstring held it: wrapped, as it was, when too long for a line."""
    if len(text) <= _DOCSTRING_WIDTH:
        return text
    return "\n".join(textwrap.wrap(text, width=_DOCSTRING_WIDTH + 3, break_on_hyphens=False))
