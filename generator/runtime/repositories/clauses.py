"""SQL pieces the base repository builds from a model and a caller's values."""

from collections.abc import Container, Sequence
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import (
    BindParameter,
    Column,
    ColumnElement,
    Select,
    String,
    bindparam,
    exists,
    inspect,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import InstrumentedAttribute, QueryableAttribute, RelationshipProperty
from sqlalchemy.sql.functions import Function

from persistgen.runtime.db.search import UNICODE_LOWER
from persistgen.runtime.schemas.base import WriteModel

_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def primary_key(model: type[Any]) -> Column[Any]:
    """The key column of a model with a one-column key, the only kind a link refers to."""
    column: Column[Any] = inspect(model).primary_key[0]
    return column


def read_by_key(
    model: type[Any], fields: Container[str], *visible: ColumnElement[bool]
) -> Select[Any]:
    """A Core SELECT of the row whose key is bound as `key0`, `key1`, ...: the `read_columns`
    of `fields` (a Read DTO's: never a write-only one)."""
    mapper = inspect(model)
    is_key = [column == bindparam(f"key{i}") for i, column in enumerate(mapper.primary_key)]
    return select(*read_columns(model, fields)).where(*is_key, *visible)


def read_columns(model: type[Any], fields: Container[str]) -> list[ColumnElement[Any]]:
    """The columns of `model` whose attribute is one of `fields` (a Read DTO's), each under that
    name, which may differ from the column's in the database (`column:`)."""
    return [
        column if column.name == key else column.label(key)
        for key, column in inspect(model).columns.items()
        if key in fields
    ]


def insert_rows(items: Sequence[WriteModel]) -> list[dict[str, Any]]:
    """Create DTOs as INSERT parameters. The same keys in every row keep them in one batch;
    a key left unset for a server default (None, though NOT NULL) stays out of its row."""
    keys = set().union(*(item.model_fields_set for item in items))
    return [
        {
            name: value
            for name, value in item.model_dump(include=keys).items()
            if value is not None or name not in item.non_nullable
        }
        for item in items
    ]


def compare(
    column: InstrumentedAttribute[Any], operator: str, value: Any, dialect: str
) -> ColumnElement[bool]:
    """A filter's condition: `operator` is how `filterable` says to compare. `value` is usually
    a bound parameter (a list's expanding one for `in`; a `search_pattern` for `contains`); for
    `null`, whether the column is null, which shapes the SQL itself."""
    condition: ColumnElement[bool]
    match operator:
        case "in":
            condition = column.in_(value)
        case "gte":
            condition = column >= value
        case "lte":
            condition = column <= value
        case "contains":
            condition = contains_text((column,), value, dialect)
        case "null":
            condition = column.is_(None) if value else column.is_not(None)
        case _:
            condition = column == value
    return condition


def contains_text(
    columns: Sequence[QueryableAttribute[Any]], pattern: Any, dialect: str
) -> ColumnElement[bool]:
    """The rows where any of `columns` matches `pattern`, a `search_pattern` (or a parameter
    bound to one). ILIKE on PostgreSQL, which trigram indexes serve; on SQLite, whose LIKE folds
    ASCII letters only, LIKE on the column lowered by `unicode_lower` (db/search.py)."""
    if dialect == "sqlite":
        return or_(
            *(Function(UNICODE_LOWER, c, type_=String()).like(pattern, escape="/") for c in columns)
        )
    return or_(*(column.ilike(pattern, escape="/") for column in columns))


def search_pattern(text: str, dialect: str) -> str:
    """The LIKE pattern (escaped by `/`) `contains_text` takes for `text` anywhere in a value,
    in any case: `%`, `_` and `\\` in it stand for themselves. Lowered for SQLite's LIKE, which
    `contains_text` runs on the lowered column."""
    text = text.lower() if dialect == "sqlite" else text
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def linked_to(
    relationship: QueryableAttribute[Any],
    keys: Sequence[Any] | BindParameter[Any],
    live: ColumnElement[bool] | None,
) -> ColumnElement[bool]:
    """The rows that the many-to-many `relationship` links to any row of the other side whose
    key is in `keys` (and that `live` keeps, where rows hide): EXISTS over the link table, so a
    row linked to several counts once and a page keeps its order; the link table's key and its
    index on the other side's column serve it."""
    prop = relationship.property
    assert isinstance(prop, RelationshipProperty) and prop.secondary_synchronize_pairs
    ((key, mine),) = prop.synchronize_pairs
    ((other, theirs),) = prop.secondary_synchronize_pairs
    condition = exists().where(mine == key, theirs.in_(keys))
    return condition if live is None else condition.where(theirs == other, live)


def on_update(model: type[Any]) -> dict[Column[Any], Any]:
    """What an UPDATE written by hand must also set: `onupdate` columns (SQLAlchemy adds
    those to a plain UPDATE, not to an upsert) and the version, where rows have one."""
    columns: dict[Column[Any], Any] = {
        column: column.onupdate.arg
        for column in inspect(model).columns
        if column.onupdate is not None
    }
    version = inspect(model).version_id_col
    if version is not None:
        columns[version] = version + 1
    return columns


def keyset_values(columns: Sequence[Column[Any]], after: Sequence[Any]) -> tuple[Any, ...]:
    """A cursor's position as the columns' Python values; ValueError if it does not fit them."""
    if any(column.nullable for column in columns):
        raise ValueError("keyset pagination needs non-null columns")
    return tuple(
        _adapter(column.type.python_type).validate_python(value)
        for column, value in zip(columns, after, strict=True)
    )


def keyset_after(
    columns: Sequence[Column[Any]], position: Sequence[Any], *, descending: bool
) -> ColumnElement[bool]:
    """The rows past `position` (bound parameters, one per column) in the order of `columns`."""
    if len(columns) == 1:  # the key alone, the default order: cheaper than a tuple
        condition: ColumnElement[bool] = (
            columns[0] < position[0] if descending else columns[0] > position[0]
        )
        return condition
    return (
        tuple_(*columns) < tuple_(*position) if descending else tuple_(*columns) > tuple_(*position)
    )


def keyset_parameters(columns: Sequence[Column[Any]], name: str) -> list[BindParameter[Any]]:
    """`keyset_after`'s position as parameters `name0`, `name1`, ..., bound with the columns'
    types, so values are stored-format alike (e.g. UTC times)."""
    return [bindparam(f"{name}{i}", type_=column.type) for i, column in enumerate(columns)]


def _adapter(python_type: type[Any]) -> TypeAdapter[Any]:
    if python_type not in _ADAPTERS:
        _ADAPTERS[python_type] = TypeAdapter(python_type)
    return _ADAPTERS[python_type]
