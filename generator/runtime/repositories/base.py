"""The generic async repository that every resource repository specialises.

Repositories flush but never commit: the caller owns the transaction.
"""

from collections.abc import AsyncIterator, Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar, cast

from pydantic import BaseModel, TypeAdapter
from sqlalchemy import (
    BindParameter,
    Column,
    ColumnElement,
    CursorResult,
    Delete,
    Insert,
    Result,
    Select,
    Table,
    Update,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import (
    DeclarativeBase,
    InstrumentedAttribute,
    QueryableAttribute,
    Session,
    joinedload,
    selectinload,
)
from sqlalchemy.orm.interfaces import ORMOption
from sqlalchemy.types import NullType
from sqlalchemy.util import LRUCache

from persistgen.runtime.repositories.clauses import (
    compare,
    contains_text,
    insert_rows,
    keyset_after,
    keyset_parameters,
    keyset_values,
    linked_to,
    on_update,
    primary_key,
    read_by_key,
    read_columns,
    search_pattern,
)
from persistgen.runtime.schemas.base import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ReadModel, WriteModel

# Any declarative model: the project's own `Base` is one.
ModelT = TypeVar("ModelT", bound=DeclarativeBase)
CreateT = TypeVar("CreateT", bound=WriteModel)
UpdateT = TypeVar("UpdateT", bound=WriteModel)
ReadT = TypeVar("ReadT", bound=ReadModel)
KeyT = TypeVar("KeyT")
SEARCH = "q"  # the filter holding the text `searchable` columns are searched for
# The label of a page's total in its SELECT: no DTO field starts with an underscore.
_TOTAL = "_total"
# A session whose `info` holds this key (true) runs `read` and `page`, when it has no
# transaction yet, in autocommit: a lone SELECT is its own transaction, one round trip where
# BEGIN and ROLLBACK around it take three. The session is closed after it, in the same hop
# into SQLAlchemy's core (its connection back in the pool, its objects let go): one hop where
# the read and `get_session`'s close took two. The API's read routes set it (api/crud.py): they
# run one such read and write nothing. Set it only where nothing after the read should share its
# transaction.
READ_ALONE = "repositories.read_alone"
# The execution options of a statement that is its own transaction (no BEGIN, no COMMIT).
AUTOCOMMIT = {"isolation_level": "AUTOCOMMIT"}
# What each write the routes may run as one Core statement (`writes_in_core`) stands in for:
# the methods it replaces (overridden, the route runs them instead) and the ORM's events for it.
_CORE_WRITES = {
    "create": (("create",), ("before_insert", "after_insert")),
    "update": (("update", "get", "get_or_none", "_visible"), ("before_update", "after_update")),
    "delete": (("delete", "get", "get_or_none", "_visible"), ("before_delete", "after_delete")),
}
_KEY_PARAMETER = "_key{}"  # a key column's bound value in the Core writes (no field starts with _)
# The parameters of the reads' statements built once per shape (`_shaped`): a filter's value
# (`_f_` and its name), a page's size, its offset, and its keyset position (`_after0`, ...).
_FILTER, _LIMIT, _OFFSET, _AFTER = "_f_", "_limit", "_offset", "_after"
# The most shapes `_shaped` keeps: clients combine filters, sorts and pages as they like.
_SHAPES = 2000


class NotFoundError(LookupError):
    """No row has the key (or it is soft-deleted): the API answers 404."""

    def __init__(self, resource: str, key: object) -> None:
        super().__init__(f"{resource} {key!r} not found")
        self.resource = resource
        self.key = key


class InvalidQueryError(ValueError):
    """A page size, sort key or cursor outside what the repository allows."""


class StaleVersionError(Exception):
    """An update named a version the row has moved past: someone else changed it first."""

    def __init__(self, resource: str, key: object, expected: int, current: int) -> None:
        super().__init__(
            f"{resource} {key!r} is at version {current}, not {expected}; reload it and retry"
        )
        self.current = current


def _read_models(read_model: type[ReadT], items: Sequence[dict[str, Any]]) -> list[ReadT]:
    """Rows as Read DTOs, validated as one list: one call into pydantic a page, not one a row."""
    if read_model not in _READ_LISTS:
        _READ_LISTS[read_model] = TypeAdapter(list[read_model])  # type: ignore[valid-type]
    validated: list[ReadT] = _READ_LISTS[read_model].validate_python(items)
    return validated


def _as_dicts(result: Result[Any]) -> list[dict[str, Any]]:
    """A result's rows as dicts by column label: zipped with the labels once (`Row._asdict` per
    row costs more than the query), all fetched at once (iterating costs three calls a row)."""
    keys = tuple(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.all()]


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidQueryError(f"limit must be between 1 and {MAX_PAGE_SIZE}")
    if offset < 0:
        raise InvalidQueryError("offset cannot be negative")


_READ_STATEMENTS: dict[type[Any], Select[Any]] = {}
_READ_LISTS: dict[type[Any], TypeAdapter[Any]] = {}
_WRITE_STATEMENTS: dict[tuple[type[Any], str], Insert | Update | Delete] = {}
_SHAPED: LRUCache[tuple[Any, ...], Select[Any]] = LRUCache(_SHAPES)


class Repository(Generic[ModelT, CreateT, UpdateT, ReadT, KeyT]):
    """`KeyT` is the primary key's value; for a composite key, a tuple in column order."""

    model: ClassVar[type[Any]]
    read_model: ClassVar[type[Any]]  # ReadT, for `read`
    query_model: ClassVar[type[BaseModel]]  # the filters `list`, `count` and bulk writes take
    # Sort keys a caller may use; anything else is refused rather than passed to SQL.
    sortable: ClassVar[frozenset[str]]
    # Filters a caller may use, by name: the column and how it is compared.
    filterable: ClassVar[Mapping[str, tuple[InstrumentedAttribute[Any], str]]] = {}
    # Many-to-many filters, by name: the relationship, and what keeps a row of its other side
    # (None: every row; else e.g. not soft-deleted). `tags=[3, 4]`: rows linked to tag 3 or 4.
    linked: ClassVar[Mapping[str, tuple[QueryableAttribute[Any], ColumnElement[bool] | None]]] = {}
    # Columns the `q` filter looks in: a row matches if any of them contains it, in any case.
    searchable: ClassVar[tuple[InstrumentedAttribute[Any], ...]] = ()
    # Column sets that identify a row (unique constraints): what `upsert` and
    # `get_or_create` match on.
    unique_keys: ClassVar[frozenset[tuple[str, ...]]] = frozenset()
    # Relationships a caller may load with its rows, and how: "joined" (one parent, a JOIN)
    # or "selectin" (a collection, one more SELECT ... WHERE IN for the whole page).
    # Soft-deleted related rows are left out by criteria on the attribute (`.and_(...)`).
    loadable: ClassVar[Mapping[str, tuple[QueryableAttribute[Any], str]]] = {}

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def _key_columns(self) -> tuple[Column[Any], ...]:
        columns: tuple[Column[Any], ...] = inspect(self.model).primary_key
        return columns

    def _key_values(self, key: KeyT) -> tuple[Any, ...]:
        columns = self._key_columns
        if len(columns) == 1:
            return (key,)
        if not isinstance(key, tuple) or len(key) != len(columns):
            names = ", ".join(column.key for column in columns)
            raise InvalidQueryError(f"a {self.model.__name__} key is a tuple: ({names})")
        return key

    def _is_key(self, key: KeyT) -> ColumnElement[bool]:
        values = self._key_values(key)
        return and_(*(c == value for c, value in zip(self._key_columns, values, strict=True)))

    async def create(self, data: CreateT) -> ModelT:
        """Add a row from a Create DTO (fields left unset take their defaults) and flush it,
        so the row has its key. Nothing is committed."""
        instance: ModelT = self.model(**data.model_dump(exclude_unset=True))
        self.session.add(instance)
        await self.session.flush()
        return instance

    async def create_many(self, items: Sequence[CreateT]) -> Sequence[ModelT]:
        """Insert many rows with INSERT ... RETURNING, in input order.

        On PostgreSQL the rows go in multi-row batches; SQLite cannot promise the order of a
        multi-row RETURNING, so it inserts them one by one.
        """
        if not items:
            return []
        statement = insert(self.model).returning(self.model, sort_by_parameter_order=True)
        result = await self.session.scalars(statement, insert_rows(items))
        return result.all()

    async def insert_many(self, items: Sequence[CreateT]) -> None:
        """Insert many rows without reading them back: the driver's executemany, the fastest
        bulk load short of COPY. Use `create_many` when you need the new rows."""
        if not items:
            return
        rows = insert_rows(items)
        # Core rows are keyed by column, which a field may name otherwise (`column:`).
        keys = {name: column.key for name, column in inspect(self.model).columns.items()}
        if any(name != key for name, key in keys.items()):
            rows = [{keys[name]: value for name, value in row.items()} for row in rows]
        await self.session.execute(insert(self.model.__table__), rows)

    async def get_or_none(self, key: KeyT, *, load: Sequence[str] = ()) -> ModelT | None:
        """The row, with the relationships named in `load` (`loadable`); None if missing."""
        options = self._loading(load)
        # A row already in the session is refreshed, so the relationships do get loaded.
        instance: ModelT | None = await self.session.get(
            self.model, self._key_values(key), options=options, populate_existing=bool(options)
        )
        return instance

    async def get(self, key: KeyT, *, load: Sequence[str] = ()) -> ModelT:
        """The row, with the relationships named in `load`; `NotFoundError` if missing."""
        instance = await self.get_or_none(key, load=load)
        if instance is None:
            raise NotFoundError(self.model.__name__, key)
        return instance

    async def read(self, key: KeyT) -> ReadT | None:
        """The row as its Read DTO straight from a Core SELECT: no ORM object, no identity
        map, about half the cost of `get`. For hot read paths that only serialise."""
        values = {f"key{i}": value for i, value in enumerate(self._key_values(key))}
        rows = await self._fetch(self._read_statement(), values)
        if not rows:
            return None
        dto: ReadT = self.read_model.model_validate(rows[0])
        return dto

    async def page(
        self,
        filters: BaseModel | None = None,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        offset: int = 0,
        sort: str | None = None,
        after: Sequence[Any] | None = None,
    ) -> tuple[list[ReadT], int | None]:
        """The page `list` gives, as Read DTOs straight from a Core SELECT (no ORM objects, as
        `read`), and on an offset page (no `after`) how many rows `filters` match: counted by
        a subquery of the same SELECT, one round trip where `list` and `count` take two. A
        keyset page gives no total (None). For hot paths that only serialise, as the list route."""
        shape, values = self._filters(filters)
        values |= self._page_values(limit, offset, sort, after)

        def build() -> Select[Any]:
            conditions = (*self._visible(), *self._conditions_of(shape))
            statement = select(*read_columns(self.model, self.read_model.model_fields))
            statement = statement.where(*conditions)
            if after is None:
                # Not correlated: it counts every match, not the outer row.
                counted = select(func.count()).select_from(self.model).where(*conditions)
                statement = statement.add_columns(
                    counted.correlate(None).scalar_subquery().label(_TOTAL)
                )
            return self._one_page(statement, sort, keyset=after is not None)

        statement = self._shaped(("page", shape, sort, after is None), build)
        items = await self._fetch(statement, values)
        total = None
        if after is None:
            # Past the last row no row carries the total: count it apart.
            total = items[0][_TOTAL] if items else await self.count(filters)
            for item in items:
                del item[_TOTAL]
        return _read_models(self.read_model, items), total

    async def list(
        self,
        filters: BaseModel | None = None,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        offset: int = 0,
        sort: str | None = None,
        after: Sequence[Any] | None = None,
        load: Sequence[str] = (),
    ) -> Sequence[ModelT]:
        """One page of the rows `filters` match, ordered by `sort` (a sortable name, `-name`
        for descending): `offset` rows in, or, keyset pagination, the rows after `after`, the
        `position` of the previous page's last row (as fast deep in the table as at its start).
        """
        shape, values = self._filters(filters)
        values |= self._page_values(limit, offset, sort, after)
        options = self._loading(load)

        def build() -> Select[Any]:
            statement = select(self.model).where(*self._visible(), *self._conditions_of(shape))
            return self._one_page(statement.options(*options), sort, keyset=after is not None)

        statement = self._shaped(("list", shape, sort, after is None, tuple(load)), build)
        result = await self.session.scalars(statement, values)
        return result.all()

    async def count(self, filters: BaseModel | None = None) -> int:
        """How many rows `filters` match: a Core SELECT on the session's connection, as `read`
        (it needs no ORM entity, and the ORM's execution costs more than the count's Python)."""
        shape, values = self._filters(filters)

        def build() -> Select[Any]:
            counted = select(func.count().label("count")).select_from(self.model)
            return counted.where(*self._visible(), *self._conditions_of(shape))

        statement = self._shaped(("count", shape), build)
        counted: int = (await self._fetch(statement, values))[0]["count"]
        return counted

    async def exists(self, key: KeyT) -> bool:
        """Whether a row has the key: one `SELECT EXISTS`, no row loaded."""
        condition = exists().where(self._is_key(key), *self._visible())
        return bool(await self.session.scalar(select(condition)))

    def position(self, item: object, sort: str | None = None) -> tuple[Any, ...] | None:
        """Where `item` (a row of `list`, or a Read DTO of `page`) stands in the `sort` order,
        for `list(after=...)`; None when that order has a nullable column, which keyset
        pagination cannot follow."""
        columns = self._order_columns(sort)
        if any(column.nullable for column in columns):
            return None
        mapper = inspect(self.model)
        return tuple(getattr(item, mapper.get_property_by_column(c).key) for c in columns)

    async def update(self, key: KeyT, data: UpdateT) -> ModelT:
        """Apply only the fields the caller set."""
        instance = await self.get(key)
        for name, value in data.model_dump(
            exclude_unset=True, exclude=set(data.preconditions)
        ).items():
            setattr(instance, name, value)
        await self.session.flush()
        return instance

    async def delete(self, key: KeyT) -> None:
        """Delete the row (`NotFoundError` if missing) and flush. Nothing is committed."""
        instance = await self.get(key)
        await self.session.delete(instance)
        await self.session.flush()

    @classmethod
    def writes_in_core(cls, operation: str) -> bool:
        """Whether `insert_row`, `update_row` or `delete_row` (`operation`: "create", "update"
        or "delete") does what the ORM method does: none of the methods it stands in for is
        overridden, and the model has nothing the ORM would run around the write (events,
        validators, a version counter; on delete, relationships the ORM would cascade to).
        The routes run the Core statement only then, and a project's override otherwise."""
        methods, events = _CORE_WRITES[operation]
        if any(getattr(cls, name) is not getattr(Repository, name) for name in methods):
            return False
        mapper = inspect(cls.model)
        if mapper.version_id_col is not None or mapper.validators:
            return False
        if any(getattr(mapper.dispatch, event) for event in events):
            return False
        return operation != "delete" or all(
            relation.direction.name == "MANYTOONE"
            or (relation.passive_deletes and relation.secondary is None)
            for relation in mapper.relationships
        )

    def insert_row(self, session: Session, data: CreateT) -> ReadT:
        """`create` as one INSERT ... RETURNING straight into the Read DTO, no ORM object;
        synchronous, for `AsyncSession.run_sync` (the create route runs it and the commit in
        one hop when `writes_in_core("create")`)."""
        statement = self._write_statement("create")
        return self._returned(session, statement, self._column_values(data))

    def update_row(self, session: Session, key: KeyT, data: UpdateT) -> ReadT:
        """`update` as one UPDATE ... RETURNING, as `insert_row`: only the fields the caller set
        (the `onupdate` columns with them); NotFoundError if no row has `key`."""
        changes = self._column_values(data, exclude=data.preconditions)
        keys = {_KEY_PARAMETER.format(i): v for i, v in enumerate(self._key_values(key))}
        if not changes:  # nothing to write, as the ORM's flush writes nothing
            values = {f"key{i}": value for i, value in enumerate(self._key_values(key))}
            rows = self._run(session, self._read_statement(), values)
        else:
            rows = self._run(session, self._write_statement("update"), {**keys, **changes})
        if not rows:
            raise NotFoundError(self.model.__name__, key)
        dto: ReadT = self.read_model.model_validate(rows[0])
        return dto

    def delete_row(self, session: Session, key: KeyT) -> None:
        """`delete` as one DELETE, as `insert_row`; NotFoundError if no row has `key`."""
        keys = {_KEY_PARAMETER.format(i): v for i, v in enumerate(self._key_values(key))}
        session.flush()
        result = session.connection().execute(self._write_statement("delete"), keys)
        if not cast(CursorResult[Any], result).rowcount:
            raise NotFoundError(self.model.__name__, key)

    def _write_statement(self, operation: str) -> Any:
        """The Core INSERT, UPDATE or DELETE of `insert_row`, ..., built once per class; the
        values are bound when it runs (an UPDATE sets the columns given)."""
        cache = (type(self), operation)
        if cache not in _WRITE_STATEMENTS:
            table: Table = self.model.__table__
            columns = read_columns(self.model, self.read_model.model_fields)
            is_key = [
                column == bindparam(_KEY_PARAMETER.format(i))
                for i, column in enumerate(self._key_columns)
            ]
            statement: Insert | Update | Delete
            if operation == "create":
                statement = insert(table).returning(*columns)
            elif operation == "update":
                statement = update(table).where(*is_key).returning(*columns)
            else:
                statement = delete(table).where(*is_key)
            _WRITE_STATEMENTS[cache] = statement
        return _WRITE_STATEMENTS[cache]

    def _column_values(self, data: WriteModel, exclude: Collection[str] = ()) -> dict[str, Any]:
        """The fields `data` set, by column key (a field may name its column otherwise)."""
        columns = inspect(self.model).columns
        return {
            columns[name].key: value
            for name, value in data.model_dump(exclude_unset=True).items()
            if name not in exclude
        }

    def _returned(self, session: Session, statement: Any, values: Mapping[str, Any]) -> ReadT:
        rows = self._run(session, statement, values)
        dto: ReadT = self.read_model.model_validate(rows[0])
        return dto

    @staticmethod
    def _run(
        session: Session, statement: Any, values: Mapping[str, Any] | None
    ) -> Sequence[dict[str, Any]]:
        """Flush what the session holds (writes run in order), then the statement on the
        session's connection: its rows as dicts by column label."""
        session.flush()
        return _as_dicts(session.connection().execute(statement, values))

    async def get_for_update(self, key: KeyT) -> ModelT:
        """The row, locked (`SELECT ... FOR UPDATE`) until the transaction ends, for
        read-modify-write without lost updates. SQLite has no row locks: a write transaction
        locks the database instead."""
        statement = (
            select(self.model)
            .where(self._is_key(key), *self._visible())
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        instance: ModelT | None = await self.session.scalar(statement)
        if instance is None:
            raise NotFoundError(self.model.__name__, key)
        return instance

    async def get_or_create(self, data: CreateT, *, by: Sequence[str]) -> tuple[ModelT, bool]:
        """The row whose unique key `by` has `data`'s values, and whether it was created now
        (a soft-deleted match is restored). Safe when requests race: INSERT ... ON CONFLICT
        DO NOTHING, then a read; a match deleted in between is inserted again."""
        values = data.model_dump(exclude_unset=True)
        key = self._unique_key(by, values)
        insert = (
            self._insert(self.model)
            .values(values)
            .on_conflict_do_nothing(index_elements=self._columns(key))
            .returning(self.model)
        )
        match = select(self.model).where(*(getattr(self.model, n) == values[n] for n in key))
        for _ in range(2):
            created: ModelT | None = (await self.session.scalars(insert)).one_or_none()
            if created is not None:
                return created, True
            existing: ModelT | None = await self.session.scalar(match)
            if existing is not None:
                return await self._revive(existing), False
        raise InvalidQueryError(f"{self.model.__name__} {key} keeps changing; retry")

    async def upsert(self, data: CreateT, *, by: Sequence[str]) -> ModelT:
        """Insert `data`, or update the row whose unique key `by` has its values, in one
        statement (INSERT ... ON CONFLICT DO UPDATE)."""
        values = data.model_dump(exclude_unset=True)
        key = self._unique_key(by, values)
        proposed = self._insert(self.model).values(values)
        columns = inspect(self.model).columns
        # A value sent for an `onupdate` column wins over its clock, as in a plain update.
        changes: dict[Any, Any] = {
            **on_update(self.model),
            **{columns[n]: proposed.excluded[columns[n].key] for n in values if n not in key},
            **self._revived(),
        }
        # With nothing else to change, the key is set to itself, so RETURNING has the row.
        statement = proposed.on_conflict_do_update(
            index_elements=self._columns(key), set_=changes or {columns[key[0]]: values[key[0]]}
        )
        result = await self.session.scalars(
            statement.returning(self.model), execution_options={"populate_existing": True}
        )
        upserted: ModelT = result.one()
        return upserted

    async def update_where(self, filters: BaseModel, data: UpdateT) -> int:
        """Apply `data` to every row `filters` match, in one UPDATE; returns how many. A
        precondition in `data` (e.g. `version`) filters too: rows that moved past it stay as
        they are. Objects this session loaded before are refreshed from the database."""
        changes = data.model_dump(exclude_unset=True, exclude=set(data.preconditions))
        if not changes:
            return 0
        expected = [getattr(self.model, name) == getattr(data, name) for name in data.preconditions]
        statement = update(self.model).where(*self._visible(), *self._required(filters), *expected)
        statement = statement.values({**on_update(self.model), **changes})
        return await self._write_many(statement)

    async def delete_where(self, filters: BaseModel) -> int:
        """Delete every row `filters` match, in one DELETE; returns how many."""
        statement = delete(self.model).where(*self._visible(), *self._required(filters))
        return await self._write_many(statement)

    async def stream(
        self, filters: BaseModel | None = None, *, sort: str | None = None, batch_size: int = 1000
    ) -> AsyncIterator[ModelT]:
        """Every row `filters` match, fetched `batch_size` at a time (a server-side cursor on
        PostgreSQL): memory stays flat however many rows there are."""
        statement = select(self.model).where(*self._visible(), *self._conditions(filters))
        statement = self._ordered(statement, sort).execution_options(yield_per=batch_size)
        async for instance in await self.session.stream_scalars(statement):
            yield instance

    def _visible(self) -> tuple[ColumnElement[bool], ...]:
        """What every read adds to its WHERE clause; nothing, unless a subclass hides rows.
        It may depend on the class only, not on the instance: `read` caches it per class."""
        return ()

    async def _write_many(self, statement: Update | Delete) -> int:
        """Run a bulk UPDATE or DELETE; objects this session loaded follow it. The row count."""
        result = await self.session.execute(
            statement, execution_options={"synchronize_session": "fetch"}
        )
        return cast(CursorResult[Any], result).rowcount

    def _revived(self) -> dict[str, Any]:
        """What an upsert sets to bring a hidden row back; nothing, unless rows hide."""
        return {}

    async def _revive(self, instance: ModelT) -> ModelT:
        return instance

    def _one_page(self, statement: Select[Any], sort: str | None, *, keyset: bool) -> Select[Any]:
        """`statement` in `sort` order, cut to one page (`_page_values` binds it): `_offset`
        rows in, or, `keyset`, the rows after a position (keyset pagination)."""
        if keyset:
            columns = self._order_columns(sort)
            position = keyset_parameters(columns, _AFTER)
            descending = sort is not None and sort.startswith("-")
            statement = statement.where(keyset_after(columns, position, descending=descending))
        else:
            statement = statement.offset(bindparam(_OFFSET))
        return self._ordered(statement, sort).limit(bindparam(_LIMIT))

    def _page_values(
        self, limit: int, offset: int, sort: str | None, after: Sequence[Any] | None
    ) -> dict[str, Any]:
        """The values a page's statement (`_one_page`) binds: its size, and `offset` or the
        position `after`, converted to the sort columns' types."""
        _check_page(limit, offset)
        if after is None:
            return {_LIMIT: limit, _OFFSET: offset}
        if offset:
            raise InvalidQueryError("give an offset or a cursor, not both")
        columns = self._order_columns(sort)
        try:
            position = keyset_values(columns, after)
        except ValueError:  # pydantic's ValidationError is one too
            raise InvalidQueryError("the cursor does not fit this list; start again") from None
        return {_LIMIT: limit} | {f"{_AFTER}{i}": value for i, value in enumerate(position)}

    def _shaped(self, shape: tuple[Any, ...], build: Callable[[], Select[Any]]) -> Select[Any]:
        """The statement of `shape` (what it is, which filters it has, its order, ...), built by
        `build` the first time and bound with values thereafter: building a statement and its
        cache key costs as much as running it (SQLAlchemy caches the SQL, not the statement)."""
        key = (type(self), self.session.get_bind().dialect.name, *shape)
        statement = _SHAPED.get(key)
        if statement is None:
            statement = _SHAPED[key] = build()
        return statement

    async def _fetch(
        self, statement: Select[Any], values: Mapping[str, Any] | None = None
    ) -> Sequence[dict[str, Any]]:
        """The rows of a Core SELECT as dicts by column label, on the session's connection."""

        def fetch(session: Session) -> Sequence[dict[str, Any]]:
            # One hop into SQLAlchemy's synchronous core for all steps instead of one each:
            # on a hot path the hop costs as much as the query's Python side.
            if session.autoflush:
                session.flush()  # as an ORM query would: the read sees this session's changes
            alone = session.info.get(READ_ALONE) and not session.in_transaction()
            connection = session.connection(
                bind_arguments={"clause": statement},  # a routing session reads it from a replica
                execution_options=AUTOCOMMIT if alone else None,
            )
            rows = _as_dicts(connection.execute(statement, values))
            if alone:  # its own transaction, over: the connection goes back in this hop
                session.close()
            return rows

        return await self.session.run_sync(fetch)

    def _read_statement(self) -> Select[Any]:
        """Built once per repository class, `_visible` included: later calls only bind the key."""
        cls = type(self)
        if cls not in _READ_STATEMENTS:
            fields = self.read_model.model_fields
            _READ_STATEMENTS[cls] = read_by_key(self.model, fields, *self._visible())
        return _READ_STATEMENTS[cls]

    def _insert(self, target: type[Any] | Table) -> postgresql.Insert | sqlite.Insert:
        """An INSERT that can take ON CONFLICT clauses, in the session's SQL dialect."""
        if self.session.get_bind().dialect.name == "postgresql":
            return postgresql.insert(target)
        return sqlite.insert(target)

    def _columns(self, names: tuple[str, ...]) -> tuple[Column[Any], ...]:
        return tuple(inspect(self.model).columns[name] for name in names)

    def _unique_key(self, by: Sequence[str], values: Mapping[str, Any]) -> tuple[str, ...]:
        key = tuple(by)
        if key not in self.unique_keys:
            known = "; ".join(", ".join(k) for k in sorted(self.unique_keys)) or "none"
            raise InvalidQueryError(f"{key} is not a unique key of {self.model.__name__}: {known}")
        if missing := [name for name in key if name not in values]:
            raise InvalidQueryError(f"set {', '.join(missing)}: the key to match on")
        return key

    async def _link(
        self,
        key: KeyT,
        owner: Column[Any],
        item: Column[Any],
        model: type[Any],
        items: Iterable[Any],
        *visible: ColumnElement[bool],
    ) -> None:
        """Link `items` (keys of `model`) to `key`; links that exist already are kept."""
        await self.get(key)
        wanted = list(dict.fromkeys(items))
        target_key = primary_key(model)
        found = set(
            await self.session.scalars(select(target_key).where(target_key.in_(wanted), *visible))
        )
        missing = [value for value in wanted if value not in found]
        if missing:
            raise NotFoundError(model.__name__, missing[0])
        rows = [{owner.name: key, item.name: value} for value in wanted]
        # Two requests linking the same pair at once both succeed: the second adds nothing.
        await self.session.execute(self._insert(owner.table).on_conflict_do_nothing(), rows)

    async def _unlink(
        self, key: KeyT, owner: Column[Any], item: Column[Any], items: Iterable[Any]
    ) -> None:
        await self.get(key)
        await self.session.execute(delete(owner.table).where(owner == key, item.in_(list(items))))

    async def _linked(
        self,
        key: KeyT,
        owner: Column[Any],
        item: Column[Any],
        model: type[Any],
        *visible: ColumnElement[bool],
        limit: int,
        offset: int,
    ) -> Sequence[Any]:
        """The rows of `model` linked to `key`, in key order."""
        _check_page(limit, offset)
        await self.get(key)
        target_key = primary_key(model)
        statement = (
            select(model)
            .join(owner.table, item == target_key)
            .where(owner == key, *visible)
            .order_by(target_key)
            .limit(limit)
            .offset(offset)
        )
        return (await self.session.scalars(statement)).all()

    async def _count_linked(
        self,
        key: KeyT,
        owner: Column[Any],
        item: Column[Any],
        model: type[Any],
        *visible: ColumnElement[bool],
    ) -> int:
        """How many rows of `model` are linked to `key`: a sub-list page's `total`."""
        statement = select(func.count()).select_from(owner.table).where(owner == key)
        if visible:  # only the live targets count: join them to see which those are
            statement = statement.join(model, item == primary_key(model)).where(*visible)
        return int(await self.session.scalar(statement) or 0)

    def _loading(self, load: Sequence[str]) -> tuple[ORMOption, ...]:
        if unknown := [name for name in load if name not in self.loadable]:
            allowed = ", ".join(sorted(self.loadable)) or "none"
            raise InvalidQueryError(f"cannot load {unknown[0]!r}; loadable: {allowed}")
        strategies = {"selectin": selectinload, "joined": joinedload}
        return tuple(
            strategies[strategy](attribute)
            for attribute, strategy in (self.loadable[name] for name in load)
        )

    def _required(self, filters: BaseModel) -> tuple[ColumnElement[bool], ...]:
        """The conditions of a bulk write: at least one, so a typo never hits every row."""
        conditions = self._conditions(filters)
        if not conditions:
            raise InvalidQueryError("a bulk update or delete needs at least one filter")
        return conditions

    def _conditions(self, filters: BaseModel | None) -> tuple[ColumnElement[bool], ...]:
        """The conditions of `filters`, their values bound in: for statements built per call."""
        return self._conditions_of(*self._filters(filters))

    def _filters(self, filters: BaseModel | None) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """What `filters` sets, as the shape of a statement (which filters, in order, and a
        `null` filter's side), and the values `_conditions_of` that shape binds."""
        if filters is None:
            return (), {}
        if not isinstance(filters, self.query_model):
            # Another resource's filters would apply only the names both share.
            raise TypeError(f"filters must be a {self.query_model.__name__}")
        dialect = self.session.get_bind().dialect.name
        shape: list[Any] = []
        values: dict[str, Any] = {}
        for name, (_, operator) in self.filterable.items():
            if (value := getattr(filters, name, None)) is None:
                continue
            if operator == "null":
                shape.append((name, bool(value)))
                continue
            shape.append(name)
            contains = operator == "contains"
            values[_FILTER + name] = search_pattern(value, dialect) if contains else value
        for name in self.linked:
            if (keys := getattr(filters, name, None)) is not None:
                shape.append(name)
                values[_FILTER + name] = list(keys)
        text = getattr(filters, SEARCH, None)
        if text is not None and self.searchable:
            shape.append(SEARCH)
            values[_FILTER + SEARCH] = search_pattern(text, dialect)
        return tuple(shape), values

    def _conditions_of(
        self, shape: tuple[Any, ...], values: Mapping[str, Any] | None = None
    ) -> tuple[ColumnElement[bool], ...]:
        """The conditions of a `_filters` shape, each value a parameter named after its filter:
        bound at execution, or given here (`values`) for a statement built per call."""

        def parameter(name: str, *, expanding: bool = False) -> BindParameter[Any]:
            key = _FILTER + name
            if values is None:
                return bindparam(key, expanding=expanding)
            # Typeless, as a parameter without a value: it takes the type of what it compares to.
            return bindparam(key, values[key], expanding=expanding, type_=NullType())

        dialect = self.session.get_bind().dialect.name
        conditions: list[ColumnElement[bool]] = []
        for part in shape:
            name, side = part if isinstance(part, tuple) else (part, None)
            if name in self.filterable:
                column, operator = self.filterable[name]
                value = side if operator == "null" else parameter(name, expanding=operator == "in")
                conditions.append(compare(column, operator, value, dialect))
            elif name in self.linked:
                relationship, live = self.linked[name]
                keys = parameter(name, expanding=True)
                conditions.append(linked_to(relationship, keys, live))
            else:
                pattern = parameter(SEARCH)
                conditions.append(contains_text(self.searchable, pattern, dialect))
        return tuple(conditions)

    def _order_columns(self, sort: str | None) -> tuple[Column[Any], ...]:
        """The columns of the `sort` order; the key comes last, so the order is total."""
        if sort is None:
            return self._key_columns
        name = sort.removeprefix("-")
        if name not in self.sortable:
            allowed = ", ".join(sorted(self.sortable))
            raise InvalidQueryError(f"cannot sort by {name!r}; use one of: {allowed}")
        column: Column[Any] = inspect(self.model).columns[name]
        return (column, *(key for key in self._key_columns if key is not column))

    def _ordered(self, statement: Select[Any], sort: str | None) -> Select[Any]:
        columns = self._order_columns(sort)
        if sort is not None and sort.startswith("-"):
            return statement.order_by(*(column.desc() for column in columns))
        return statement.order_by(*columns)
