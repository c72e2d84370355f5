"""Column types whose values some databases hold differently: one Python value on every one.

A project gets this module when its spec has a `char`, `real`, `inet` or `list` field, or a
`json` field of `shape: any`.
"""

import datetime as dt
import ipaddress
import struct
import uuid
from decimal import Decimal
from typing import Any, TypeAlias

from sqlalchemy import CHAR, JSON, REAL, String, cast
from sqlalchemy.dialects.postgresql import ARRAY, INET
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.types import TypeDecorator, TypeEngine

FLOAT4_MAX = 3.4028234663852886e38  # the largest finite REAL (IEEE 754 single precision)
INET_LENGTH = 45  # an IPv6 address (39 characters, or 45 ending in IPv4 form) and its prefix
# A `json` field of `shape: any`: any JSON value but null, which a nullable field holds as SQL
# NULL (its column says `none_as_null=True`); null is a value only inside an array or object.
JsonData: TypeAlias = (
    dict[str, "JsonData | None"] | list["JsonData | None"] | str | int | float | bool
)


class FixedChar(TypeDecorator[str]):
    """CHAR(n), read back without the spaces PostgreSQL pads it with (SQLite keeps none), as
    CHAR comparisons ignore them: 'ab' sent is 'ab' read, on every database."""

    impl = CHAR
    cache_ok = True

    @property
    def python_type(self) -> type[str]:
        return str

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else value.rstrip(" ")


def float4(value: float) -> float:
    """The shortest decimal that is `value` as a REAL: what PostgreSQL prints for it, where
    asyncpg widens 0.1 to 0.10000000149011612. Beyond the REAL range: OverflowError."""
    (single,) = struct.unpack("<f", struct.pack("<f", value))
    exact = struct.pack("<f", single)
    for digits in range(1, 10):  # nine significant digits tell every REAL apart
        shortest = float(f"{single:.{digits}g}")
        if abs(shortest) <= FLOAT4_MAX and struct.pack("<f", shortest) == exact:
            return shortest
    return float(single)


class Float4(TypeDecorator[float]):
    """REAL (single precision). PostgreSQL keeps 24 bits of a value and SQLite all 53: each is
    rounded to a REAL when written and read back as its shortest decimal, alike everywhere."""

    impl = REAL
    cache_ok = True

    @property
    def python_type(self) -> type[float]:
        return float

    def bind_expression(self, bindvalue: BindParameter[float]) -> ColumnElement[float]:
        """Compared as a REAL: PostgreSQL would widen the REAL column to a double instead, and
        the shortest decimal (0.1) is not the REAL's double (0.100000001...)."""
        return cast(bindvalue, REAL)

    def process_bind_param(self, value: float | None, dialect: Dialect) -> float | None:
        return None if value is None else float4(value)

    def process_result_value(self, value: float | None, dialect: Dialect) -> float | None:
        return None if value is None else float4(value)


def inet_text(value: str) -> str:
    """An IP address (`10.0.0.1`) or an address with its network prefix (`10.0.0.1/8`), as
    Python spells it: ValueError for anything else, or a zone (`%eth0`) PostgreSQL refuses."""
    if "%" in value:
        raise ValueError(f"{value!r} names a zone, which an inet column cannot hold")
    interface = ipaddress.ip_interface(value)
    network = interface.network
    return str(interface.ip) if network.prefixlen == network.max_prefixlen else str(interface)


class InetAddress(TypeDecorator[str]):
    """INET on PostgreSQL (asyncpg reads ipaddress objects), VARCHAR(45) elsewhere: text in
    Python on every database, spelled one way (`::ffff:1.2.3.4` reads `::ffff:102:304`)."""

    impl = String(INET_LENGTH)
    cache_ok = True

    @property
    def python_type(self) -> type[str]:
        return str

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(INET())
        return dialect.type_descriptor(String(INET_LENGTH))

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else inet_text(value)

    def process_result_value(self, value: object, dialect: Dialect) -> str | None:
        return None if value is None else inet_text(str(value))


class ScalarList(TypeDecorator[list[Any]]):
    """A list of one scalar type: an ARRAY on PostgreSQL, a JSON array elsewhere, where the
    items JSON has no type for (decimals, dates, moments, UUIDs) are written as text and read
    back as themselves. REAL items read back as their shortest decimal, as in `Float4`."""

    impl = JSON
    cache_ok = True

    def __init__(self, item: TypeEngine[Any]) -> None:
        super().__init__()
        self.item = item

    @property
    def python_type(self) -> type[list[Any]]:
        return list

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(self.item))
        return dialect.type_descriptor(JSON())

    def process_bind_param(self, value: list[Any] | None, dialect: Dialect) -> list[Any] | None:
        if value is None:
            return None
        if isinstance(self.item, REAL):
            value = [float4(item) for item in value]
        return value if dialect.name == "postgresql" else [_to_json(item) for item in value]

    def process_result_value(self, value: list[Any] | None, dialect: Dialect) -> list[Any] | None:
        if value is None:
            return None
        if dialect.name != "postgresql":
            kind = self.item.python_type
            value = [_from_json(item, kind) for item in value]
        if isinstance(self.item, REAL):
            value = [float4(item) for item in value]
        return value


def _to_json(item: Any) -> Any:
    if isinstance(item, dt.datetime):
        return (item.astimezone(dt.UTC) if item.tzinfo else item).isoformat()
    if isinstance(item, dt.date):
        return item.isoformat()
    if isinstance(item, Decimal | uuid.UUID):
        return str(item)
    return item


def _from_json(item: Any, kind: type) -> Any:
    if item is None or not isinstance(item, str) or kind is str:
        return item
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(item)
    if kind is dt.date:
        return dt.date.fromisoformat(item)
    return kind(item)  # Decimal, UUID
