"""The answers writes gave under an `Idempotency-Key`, kept so that a retry gets the same one.

Every project has this table; its migrations create it with the resources' tables. A row is
written in the transaction of the write it answers, so a committed write always has its answer
here and a rolled-back one never does.
"""

import datetime as dt

from sqlalchemy import Integer, String, Text, delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from persistgen.runtime.db.base import SCHEMA, Base
from persistgen.runtime.db.types import AwareDateTime

TABLE = "idempotency_keys"
KEY_LENGTH = 255  # the longest key a client may send (Stripe's limit too)
FINGERPRINT_LENGTH = 64  # a SHA-256 in hex


class IdempotencyKey(Base):
    """One key's request (as a fingerprint) and the answer it got."""

    __tablename__ = TABLE
    __table_args__ = ({"schema": SCHEMA},)

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(FINGERPRINT_LENGTH))
    # NULL only inside the transaction that holds the key, before its write answered.
    status: Mapped[int | None] = mapped_column(Integer())
    body: Mapped[str | None] = mapped_column(Text())  # JSON; NULL for an answer with no body
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime(), index=True)


async def delete_expired(session: AsyncSession, before: dt.datetime) -> int:
    """Delete the keys stored before `before`; how many there were. The caller commits."""
    result = await session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < before))
    return int(getattr(result, "rowcount", 0))
