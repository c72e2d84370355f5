"""Base classes for the DTOs."""

import datetime as dt
import math
import re
from typing import Annotated, Any, ClassVar, Generic, Self, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import inspect

from persistgen.runtime.db.types import in_utc

# The spec's page sizes, set in settings.py; routes and repositories import them from here.
from persistgen.runtime.settings import DEFAULT_PAGE_SIZE as DEFAULT_PAGE_SIZE
from persistgen.runtime.settings import MAX_PAGE_SIZE as MAX_PAGE_SIZE

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Integers as the columns store them: out-of-range input is a 422, not a database error.
Int32 = Annotated[int, Field(ge=INT32_MIN, le=INT32_MAX)]
Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]


def _offset_to_utc(value: dt.time) -> dt.time:
    if value.utcoffset() is None:
        raise ValueError("a time of day needs its UTC offset, e.g. 12:30:00Z")
    return in_utc(value)  # as `AwareTime` stores it, so a write answers what reads will


# A time of day with its UTC offset (without one, which time is meant is a guess), in UTC.
OffsetTime = Annotated[dt.time, AfterValidator(_offset_to_utc)]


def _instant_in_utc(value: dt.datetime) -> dt.datetime:
    try:
        return value.astimezone(dt.UTC)  # as reads answer it, so a write answers what reads will
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the first UTC datetime
        raise ValueError("the datetime is out of range in UTC") from None


# A datetime with its UTC offset (`AwareDatetime` refuses one without), in UTC.
OffsetDatetime = Annotated[AwareDatetime, AfterValidator(_instant_in_utc)]


# What no PostgreSQL text holds: NUL, and a lone UTF-16 surrogate (JSON's "\ud800"), which
# is no character at all and cannot be encoded as UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(text: str) -> str | None:
    """What is wrong with `text` as a database string, or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return "the NUL character" if found.group() == "\x00" else "a lone surrogate (not a character)"


def _storable(text: str) -> str:
    problem = unstorable(text)
    if problem is not None:
        raise ValueError(f"cannot contain {problem}")
    return text


# A text key in a path: refused (422) where the database could not compare it.
KeyText = Annotated[str, AfterValidator(_storable)]


def _storable_json(value: Any) -> Any:
    """Refuse what PostgreSQL's jsonb cannot hold or JSON cannot write: NaN and infinities
    (`1e400` reads as one), and strings (keys included) with NUL or a lone surrogate."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError("numbers must be finite (no NaN, Infinity or overflowing 1e400)")
        if isinstance(item, str):
            _storable(item)
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return value


# A `json` field's value, which the database stores as it is.
JsonObject = Annotated[dict[str, Any], AfterValidator(_storable_json)]
# A float a column stores and JSON writes: NaN and infinities (and `1e400`) are a 422.
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]


class TextInput(BaseModel):
    """Input whose strings reach PostgreSQL, where text cannot hold NUL or a lone surrogate:
    refused here as a 422 rather than failing in the driver."""

    @model_validator(mode="after")
    def _refuse_unstorable_text(self) -> Self:
        for name, value in self.__dict__.items():
            values = value if isinstance(value, list) else (value,)
            for item in values:
                problem = unstorable(item) if isinstance(item, str) else None
                if problem is not None:
                    raise ValueError(f"{name} cannot contain {problem}")
        return self


class WriteModel(TextInput):
    """Input DTOs: unknown fields are refused, so server-set columns cannot be mass-assigned."""

    model_config = ConfigDict(extra="forbid", ser_json_bytes="base64", val_json_bytes="base64")

    # Columns that may be left out but never set to null.
    non_nullable: ClassVar[frozenset[str]] = frozenset()
    # Fields that state what the client expects (e.g. `version`); checked, never written.
    preconditions: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _refuse_explicit_null(self) -> Self:
        nulls = sorted(
            name
            for name in self.model_fields_set & self.non_nullable
            if getattr(self, name) is None
        )
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null")
        return self


class ReadModel(BaseModel):
    """Output DTOs, built straight from ORM objects."""

    model_config = ConfigDict(from_attributes=True, ser_json_bytes="base64")

    @classmethod
    def from_loaded(cls, instance: object) -> Self:
        """Validate what `instance` has loaded. A relationship it has not is left unset (not
        None, which says "no related row"), so a route that leaves unset fields out of its
        answer leaves it out; reading it neither raises (`lazy="raise"`) nor queries behind
        the caller's back."""
        unloaded = inspect(instance).unloaded
        fields = {
            name: getattr(instance, name) for name in cls.model_fields if name not in unloaded
        }
        return cls.model_validate(fields)


ItemT = TypeVar("ItemT")


class ListQuery(TextInput):
    """A list route's query parameters; anything unknown is refused (422), never ignored."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=INT64_MAX)
    sort: str | None = None  # each resource's query narrows it to the sortable columns
    after: str | None = Field(
        None, max_length=2000, description="The `next_cursor` of the previous page."
    )


class Page(BaseModel, Generic[ItemT]):
    """One page of a list. Follow `next_cursor` (keyset pagination, fast at any depth) or step
    `offset`; `total` counts all matches on offset pages only."""

    items: list[ItemT]
    total: int | None
    limit: int
    offset: int
    next_cursor: str | None
