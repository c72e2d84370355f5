"""Base classes for the DTOs."""

import datetime as dt
import functools
import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ClassVar,
    Generic,
    Self,
    TypeVar,
    get_args,
    get_origin,
)

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    NaiveDatetime,
    PlainSerializer,
    Strict,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema
from sqlalchemy import inspect
from typing_extensions import TypeAliasType

from persistgen.runtime.db.types import in_utc

# The spec's page sizes, set in settings.py; routes and repositories import them from here.
from persistgen.runtime.settings import DEFAULT_PAGE_SIZE as DEFAULT_PAGE_SIZE
from persistgen.runtime.settings import MAX_PAGE_SIZE as MAX_PAGE_SIZE

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Integers as the columns store them: out-of-range input is a 422, not a database error.
# (`lt=2**63`: an OpenAPI document writes bounds as doubles, which hold 2**63 but not 2**63 - 1.)
Int32 = Annotated[int, Field(ge=INT32_MIN, le=INT32_MAX)]
Int64 = Annotated[int, Field(ge=INT64_MIN, lt=2**63)]


def _json_kind(value: object) -> str | None:
    """The JSON type of a value FastAPI decoded from a body; None for a Python object (a
    `dt.date` or an enum member that code, not a client, passed)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    kinds = {str: "string", list: "array", dict: "object", type(None): "null"}
    return kinds.get(type(value))


def _json_type(*accepted: str) -> BeforeValidator:
    """Refuse a value of another JSON type than `accepted`, the types the document names.
    FastAPI validates a body as Python objects, where pydantic's strict mode would refuse a
    date's ISO text too; its lax mode takes `0` for false, `false` for 0, `"5"` for 5 and a
    number of seconds for a time of day."""

    def check(value: object) -> object:
        kind = _json_kind(value)
        if kind is not None and kind not in accepted:
            expected = " or ".join(accepted)
            raise PydanticCustomError(
                "json_type", "Input should be a JSON {expected}", {"expected": expected}
            )
        return value

    return BeforeValidator(check)


class TextForm:
    """A value given as a JSON string matching `pattern` (a Python object passes through):
    the document declares the pattern and the server checks that same pattern, so the two
    agree where pydantic's parser takes more (`1_0` for a decimal, `12:00 ` for a time)."""

    def __init__(self, pattern: str, **schema: str) -> None:
        self.pattern = pattern
        self._compiled = re.compile(pattern)
        self._schema = schema

    def check(self, value: object) -> object:
        kind = _json_kind(value)
        if kind is not None and (kind != "string" or not self._compiled.fullmatch(str(value))):
            raise PydanticCustomError(
                "string_pattern_mismatch",
                "Input should be a string matching {pattern}",
                {"pattern": self.pattern},
            )
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: Callable[[Any], CoreSchema]
    ) -> CoreSchema:
        return core_schema.no_info_before_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": self.pattern, **self._schema}


# Write DTOs take each value only in the JSON type their schema names (query strings, which are
# always text, keep the lax types above). JSON Schema's integer is any number without a
# fraction, so `WriteModel` reads `2.0` as 2 before `StrictInteger` sees it.
StrictInteger = Annotated[int, Strict()]
StrictFiniteFloat = Annotated[float, Strict(), Field(allow_inf_nan=False)]
StrictDate = Annotated[dt.date, _json_type("string")]

# ECMA-262 and Python read these patterns alike: ASCII classes only (`\d` is any Unicode digit in
# Python), and checked with `fullmatch` (Python's `$` also matches before a final newline).
_YEAR = "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)"  # 0001 to 9999
_DAY = (
    f"(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]"
    "|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])"
    "|(?:0[48]|[2468][048]|[13579][26])00)-02-29)"
)
_CLOCK = "(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,6})?)?"
# A time of day or a moment with no UTC offset (RFC 3339's `time` and `date-time` need one).
LOCAL_TIME = f"^{_CLOCK}$"
LOCAL_DATETIME = f"^{_DAY}T{_CLOCK}$"


def _naive(value: dt.time) -> dt.time:
    if value.utcoffset() is not None:
        raise PydanticCustomError("timezone_naive", "Input should not have timezone info")
    return value


# Naive on purpose (`timezone: false`): an offset is refused, not dropped, and the document
# says so with a pattern instead of RFC 3339's formats. Read DTOs use them too, so the
# document describes the answers (`12:30:00`, `2025-06-01T14:00:00.250000`).
LocalTime = Annotated[dt.time, TextForm(LOCAL_TIME), AfterValidator(_naive)]
LocalDatetime = Annotated[NaiveDatetime, TextForm(LOCAL_DATETIME)]

# Standard base64 with its padding, as the answers write it (pydantic also takes url-safe
# and unpadded text; the Rust decoder refuses stray bits in the last character).
BASE64 = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=|[A-Za-z0-9+/][AQgw]==)?$"
Base64Bytes = Annotated[bytes, TextForm(BASE64, contentEncoding="base64")]


class Digits(TextForm):
    """A decimal column's values, in the document as at the server: numbers within what
    `precision` and `scale` hold (and the spec's `ge` / `le`), in steps of the scale; text in
    plain digits (no exponent, a sign only where negatives are allowed), which the server
    checks against the same pattern. Given in full here, not split with a `Field`, so that
    the bounds stay on the number, also where the field is optional."""

    def __init__(
        self, precision: int, scale: int, *, ge: float | None = None, le: float | None = None
    ) -> None:
        whole = precision - scale
        integer = f"(?:0|[1-9][0-9]{{0,{whole - 1}}})" if whole > 0 else "0"
        fraction = f"(?:\\.[0-9]{{1,{scale}}})?" if scale > 0 else ""
        sign = "" if ge is not None and ge >= 0 else "-?"
        super().__init__(f"^{sign}{integer}{fraction}$")
        limit = Decimal(10) ** whole
        self._scale = scale
        self._bounds: dict[str, Any] = {
            # pydantic counts the 0 of `0` as a digit before the point, which NUMERIC(4, 4)
            # holds; the bounds keep the rest below 1.
            "max_digits": precision + (whole == 0),
            "decimal_places": scale,
            **({"ge": Decimal(str(ge))} if ge is not None else {"gt": -limit}),
            **({"le": Decimal(str(le))} if le is not None else {"lt": limit}),
        }

    def check(self, value: object) -> object:
        return super().check(value) if isinstance(value, str) else value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: Callable[[Any], CoreSchema]
    ) -> CoreSchema:
        # Written in plain digits, as the pattern reads them (`str` would give `1E-10`).
        plain = core_schema.plain_serializer_function_ser_schema(_plain, when_used="json")
        number = core_schema.decimal_schema(
            allow_inf_nan=False, serialization=plain, **self._bounds
        )
        return core_schema.no_info_before_validator_function(self.check, number)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        for branch in found.get("anyOf", []):
            if branch.get("type") == "string":
                branch["pattern"] = self.pattern
            elif branch.get("type") == "number":
                self._number(branch)
        return found

    def _number(self, branch: dict[str, Any]) -> None:
        for key in ("exclusiveMinimum", "exclusiveMaximum"):  # past a double's range: none
            if not math.isfinite(branch.get(key, 0)):
                del branch[key]
        if self._scale <= _DOUBLE_DIGITS:
            # The scale for the document (`decimal_places` checks it at the server); a finer
            # step is no double, so validators could not apply it.
            branch["multipleOf"] = float(Decimal(1).scaleb(-self._scale))


_DOUBLE_DIGITS = 15  # the decimal digits a double always holds


def _plain(value: Decimal) -> str:
    return format(value, "f")


# A decimal answer in plain digits (`0.0000000001`, not `1E-10`), which a client can send back.
PlainDecimal = Annotated[Decimal, PlainSerializer(_plain, when_used="json")]


def _offset_to_utc(value: dt.time) -> dt.time:
    if value.utcoffset() is None:
        raise ValueError("a time of day needs its UTC offset, e.g. 12:30:00Z")
    return in_utc(value)  # as `AwareTime` stores it, so a write answers what reads will


# A time of day with its UTC offset (without one, which time is meant is a guess), in UTC.
OffsetTime = Annotated[dt.time, _json_type("string"), AfterValidator(_offset_to_utc)]


def _instant_in_utc(value: dt.datetime) -> dt.datetime:
    try:
        return value.astimezone(dt.UTC)  # as reads answer it, so a write answers what reads will
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the first UTC datetime
        raise ValueError("the datetime is out of range in UTC") from None


# A datetime with its UTC offset (`AwareDatetime` refuses one without), in UTC.
OffsetDatetime = Annotated[AwareDatetime, AfterValidator(_instant_in_utc)]
StrictAwareDatetime = Annotated[OffsetDatetime, _json_type("string")]


# What a text column can store, as the document says it: no NUL (the runtime refuses a lone
# surrogate too, which no pattern can name portably).
STORABLE_TEXT = "^[^\\x00]*$"
CURSOR = "^[A-Za-z0-9_-]+[.][A-Za-z0-9_-]+$"  # a list position and its signature, base64url
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


# A float a column stores and JSON writes: NaN and infinities (and `1e400`) are a 422.
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]


class _OnlyNamedKeys:
    """An object's keys must match its `patternProperties` (JSON Schema allows others)."""

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        found["additionalProperties"] = False
        return found


# JSON as the database stores it, and as the document says: no NUL in a string or a key (a
# lone surrogate, which no portable pattern names, `_storable_json` refuses), finite numbers.
_JsonText = Annotated[str, Field(pattern=STORABLE_TEXT)]
if TYPE_CHECKING:  # mypy cannot follow a recursive TypeAliasType: code sees plain JSON
    JsonObject = dict[str, Any]
else:
    JsonValue = TypeAliasType(
        "JsonValue",
        Annotated[dict[_JsonText, "JsonValue"], _OnlyNamedKeys()]
        | list["JsonValue"]
        | _JsonText
        | int
        | FiniteFloat
        | bool
        | None,
    )
    # A `json` field's value.
    JsonObject = Annotated[
        dict[_JsonText, JsonValue], _OnlyNamedKeys(), AfterValidator(_storable_json)
    ]


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

    @model_validator(mode="before")
    @classmethod
    def _whole_numbers(cls, data: Any) -> Any:
        """`2.0` for an integer field is 2: JSON has one number type, and JSON Schema's integer
        is any number without a fraction (clients in JavaScript send what they hold)."""
        if not isinstance(data, dict):
            return data
        integers = _integer_fields(cls)
        return {
            name: int(value)
            if name in integers and isinstance(value, float) and value.is_integer()
            else value
            for name, value in data.items()
        }

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

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The document offers no null for a `non_nullable` field: the field may be left out
        (it defaults to None, hence its `| None`), but null sent is refused."""
        found = handler(schema)
        properties = handler.resolve_ref_schema(found).get("properties", {})
        for name in cls.non_nullable & properties.keys():
            _drop_null(properties[name])
        return found


@functools.cache
def _integer_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of `model` that hold an int (or an int or None)."""
    return frozenset(
        name
        for name, field in model.model_fields.items()
        if int in {_bare(a) for a in (get_args(field.annotation) or (field.annotation,))}
    )


def _bare(annotation: object) -> object:
    """`int` for `Annotated[int, ...]`."""
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


def _drop_null(field: dict[str, Any]) -> None:
    branches = [b for b in field.get("anyOf", []) if b != {"type": "null"}]
    if len(branches) == 1:
        del field["anyOf"]
        field.update(branches[0])
    elif branches:
        field["anyOf"] = branches


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
        None,
        max_length=2000,
        pattern=CURSOR,
        description="The `next_cursor` of the previous page.",
    )


class Page(BaseModel, Generic[ItemT]):
    """One page of a list. Follow `next_cursor` (keyset pagination, fast at any depth) or step
    `offset`; `total` counts all matches on offset pages only."""

    items: list[ItemT]
    total: int | None
    limit: int
    offset: int
    next_cursor: str | None
