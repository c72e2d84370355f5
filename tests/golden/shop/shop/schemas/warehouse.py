"""DTOs for warehouse resources, yours to extend: persistgen never rewrites this file."""

from shop.schemas.generated.warehouse import (
    WarehouseCreateBase,
    WarehouseReadBase,
    WarehouseUpdateBase,
)


class WarehouseCreate(WarehouseCreateBase): ...


class WarehouseUpdate(WarehouseUpdateBase): ...


class WarehouseRead(WarehouseReadBase): ...
