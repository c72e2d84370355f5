"""Stand-in for a generated project's `db/base.py`, which is rendered from a template (its
schema and helpers depend on the spec). It gives the runtime modules the `Base` and `SCHEMA`
they import, so that persistgen's mypy and tests can check them; it is never copied."""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from persistgen.runtime.db.identifiers import Shortened

SCHEMA: str | None = None
NAMING_CONVENTION = {
    "ix": Shortened("ix_%(table_name)s_%(column_0_N_name)s"),
    "uq": Shortened("uq_%(table_name)s_%(column_0_N_name)s"),
    "ck": Shortened("ck_%(table_name)s_%(constraint_name)s"),
    "fk": Shortened("fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s"),
    "pk": Shortened("pk_%(table_name)s"),
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
