"""The repository of a resource with `soft_delete`: deleting hides rows instead."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, update

from persistgen.runtime.repositories.base import (
    CreateT,
    KeyT,
    ModelT,
    NotFoundError,
    ReadT,
    Repository,
    UpdateT,
)
from persistgen.runtime.repositories.clauses import on_update


class SoftDeleteRepository(Repository[ModelT, CreateT, UpdateT, ReadT, KeyT]):
    """Deleting sets `deleted_at`; reads skip such rows until `restore` clears it."""

    async def get_or_none(
        self, key: KeyT, *, include_deleted: bool = False, load: Sequence[str] = ()
    ) -> ModelT | None:
        """The row unless it is deleted (`include_deleted=True`: deleted or not); None if
        missing."""
        instance = await super().get_or_none(key, load=load)
        if instance is None or include_deleted or _deleted_at(instance) is None:
            return instance
        return None

    async def delete(self, key: KeyT) -> None:
        """Mark the row deleted (`deleted_at`, by the application's clock); the row stays."""
        row: Any = await self.get(key)
        # The application's clock: the database's would cost a round trip to read back.
        row.deleted_at = dt.datetime.now(dt.UTC)
        await self.session.flush()

    async def delete_where(self, filters: BaseModel) -> int:
        """Mark every row matching `filters` deleted, in one `UPDATE`; returns the count."""
        statement = update(self.model).where(*self._visible(), *self._required(filters))
        statement = statement.values(
            {"deleted_at": dt.datetime.now(dt.UTC), **on_update(self.model)}
        )
        return await self._write_many(statement)

    async def restore(self, key: KeyT) -> ModelT:
        """Bring back a deleted row; a row that is not deleted stays as it is."""
        instance = await self._get_including_deleted(key)
        row: Any = instance  # ModelT is any model; this repository's has `deleted_at`
        row.deleted_at = None
        await self.session.flush()
        return instance

    async def purge(self, key: KeyT) -> None:
        """Delete the row for good, deleted or not; the database applies `on_delete`."""
        await self.session.delete(await self._get_including_deleted(key))
        await self.session.flush()

    def _visible(self) -> tuple[ColumnElement[bool], ...]:
        return (self.model.deleted_at.is_(None),)

    def _revived(self) -> dict[str, Any]:
        return {"deleted_at": None}

    async def _revive(self, instance: ModelT) -> ModelT:
        row: Any = instance
        if row.deleted_at is not None:
            row.deleted_at = None
            await self.session.flush()
        return instance

    async def _get_including_deleted(self, key: KeyT) -> ModelT:
        instance = await self.get_or_none(key, include_deleted=True)
        if instance is None:
            raise NotFoundError(self.model.__name__, key)
        return instance


def _deleted_at(instance: Any) -> dt.datetime | None:
    value: dt.datetime | None = instance.deleted_at
    return value
