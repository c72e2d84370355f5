"""DTOs for warehouse resources.

Yours: persistgen created this file once and never rewrites it. Add validators or fields here;
the generated fields come from the base classes, which follow persistgen.yaml.
"""

from shop.schemas.generated.warehouse import (
    WarehouseCreateBase,
    WarehouseReadBase,
    WarehouseUpdateBase,
)


class WarehouseCreate(WarehouseCreateBase):
    pass


class WarehouseUpdate(WarehouseUpdateBase):
    pass


class WarehouseRead(WarehouseReadBase):
    pass
