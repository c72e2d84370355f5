"""The repository of a resource with `view: true`: it reads a view, which takes no writes."""

from collections.abc import Sequence
from typing import NoReturn

from pydantic import BaseModel

from persistgen.runtime.repositories.base import (
    CreateT,
    KeyT,
    ModelT,
    ReadT,
    Repository,
    UpdateT,
)


class ReadOnlyError(TypeError):
    """A write asked of a repository over a view."""

    def __init__(self, resource: str, method: str) -> None:
        super().__init__(
            f"{resource} reads a database view: `{method}` cannot write to it; write to the "
            "tables the view reads instead"
        )


class ViewRepository(Repository[ModelT, CreateT, UpdateT, ReadT, KeyT]):
    """Reads (get, read, list, count, exists, stream) as any repository; every write raises
    ReadOnlyError before it reaches the database."""

    def _refuse(self, method: str) -> NoReturn:
        raise ReadOnlyError(self.model.__name__, method)

    async def create(self, data: CreateT) -> NoReturn:
        self._refuse("create")

    async def create_many(self, items: Sequence[CreateT]) -> NoReturn:
        self._refuse("create_many")

    async def insert_many(self, items: Sequence[CreateT]) -> NoReturn:
        self._refuse("insert_many")

    async def update(self, key: KeyT, data: UpdateT) -> NoReturn:
        self._refuse("update")

    async def delete(self, key: KeyT) -> NoReturn:
        self._refuse("delete")

    async def get_for_update(self, key: KeyT) -> NoReturn:
        self._refuse("get_for_update")

    async def get_or_create(self, data: CreateT, *, by: Sequence[str]) -> NoReturn:
        self._refuse("get_or_create")

    async def upsert(self, data: CreateT, *, by: Sequence[str]) -> NoReturn:
        self._refuse("upsert")

    async def update_where(self, filters: BaseModel, data: UpdateT) -> NoReturn:
        self._refuse("update_where")

    async def delete_where(self, filters: BaseModel) -> NoReturn:
        self._refuse("delete_where")
