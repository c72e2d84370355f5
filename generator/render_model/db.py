"""The schema as migrations see it: tables, columns and foreign keys in database terms."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ForeignKeyModel:
    column: str
    target_table: str
    target_column: str
    on_delete: str | None  # SQL spelling, e.g. "CASCADE"
    constraint_name: str
    target_schema: str | None = None

    @property
    def target(self) -> str:
        table = (
            f"{self.target_schema}.{self.target_table}" if self.target_schema else self.target_table
        )
        return f"{table}.{self.target_column}"


@dataclass(frozen=True)
class DbColumn:
    """A column as the database sees it: what migrations create, compare and alter."""

    name: str
    type: str  # the type in an Alembic revision, e.g. `sa.String(length=200)`
    kind: str  # the spec type, to tell a widening type change from a narrowing one
    params: tuple[str, ...]  # length; precision and scale; or enum values
    nullable: bool
    identity: bool = False
    server_default: str | None = None  # an expression in an Alembic revision
    comment: str | None = None
    check: str | None = None  # the CHECK constraint an enum column brings, by name
    native_type: str | None = None  # a native enum's PostgreSQL type name
    attribute: str = ""  # the model attribute, to follow a change of `column` as a rename


@dataclass(frozen=True)
class DbTable:
    name: str
    resource: str
    columns: tuple[DbColumn, ...]
    primary_key: tuple[str, ...]
    pk_name: str
    uniques: tuple[tuple[str, tuple[str, ...]], ...]  # (constraint name, columns)
    indexes: tuple[tuple[str, tuple[str, ...]], ...]  # (index name, columns)
    foreign_keys: tuple[ForeignKeyModel, ...]
    checks: tuple[tuple[str, str], ...] = ()  # (constraint name, SQL expression)
    schema: str | None = None  # PostgreSQL schema; None: the default one
