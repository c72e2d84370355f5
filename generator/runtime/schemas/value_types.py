"""DTO types of the columns `db/column_types.py` stores (and of `smallint` and `interval`):
what a value must be for its column to hold it, so a value out of range is a 422, not a 500.

A project gets this module when its spec has such a field.
"""

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field, Strict

from persistgen.runtime.db.column_types import FLOAT4_MAX, inet_text
from persistgen.runtime.schemas.base import _json_type

INT16_MIN, INT16_MAX = -(2**15), 2**15 - 1
Int16 = Annotated[int, Field(ge=INT16_MIN, le=INT16_MAX)]
# A list's items: each bounded by its column type, and given as the JSON type it names.
StrictInt16 = Annotated[int, Strict(), Field(ge=INT16_MIN, le=INT16_MAX)]
StrictInt32 = Annotated[int, Strict(), Field(ge=-(2**31), le=2**31 - 1)]
StrictInt64 = Annotated[int, Strict(), Field(ge=-(2**63), lt=2**63)]

# A REAL's range: a larger number would be infinite in single precision.
Float4Value = Annotated[float, Field(allow_inf_nan=False, ge=-FLOAT4_MAX, le=FLOAT4_MAX)]
StrictFloat4 = Annotated[float, Strict(), Field(allow_inf_nan=False, ge=-FLOAT4_MAX, le=FLOAT4_MAX)]


def _address(value: str) -> str:
    try:
        return inet_text(value)
    except ValueError:
        problem = "not an IP address, nor one with a network prefix (`10.0.0.1/8`)"
        raise ValueError(problem) from None


# An `inet` value: an IPv4 or IPv6 address, with a prefix or not; answered as Python spells it.
InetText = Annotated[str, Field(min_length=2, max_length=49), AfterValidator(_address)]

# What SQLite's datetime-based storage of an interval can hold (the epoch plus the duration
# stays within the years 1 to 9999): about 1,900 years either way.
DURATION_LIMIT = dt.timedelta(days=700_000)


def _bounded(value: dt.timedelta) -> dt.timedelta:
    if abs(value) > DURATION_LIMIT:
        raise ValueError(f"a duration must lie within ±{DURATION_LIMIT.days:,} days")
    return value


# An `interval` value: an ISO 8601 duration (`P1DT2H`) in the document.
Duration = Annotated[dt.timedelta, AfterValidator(_bounded)]
StrictDuration = Annotated[Duration, _json_type("string")]
