"""DTOs for order resources.

Yours: persistgen created this file once and never rewrites it. Add validators or fields here;
the generated fields come from the base classes, which follow persistgen.yaml.
"""

from shop.schemas.generated.order import (
    OrderCreateBase,
    OrderReadBase,
    OrderUpdateBase,
)


class OrderCreate(OrderCreateBase):
    pass


class OrderUpdate(OrderUpdateBase):
    pass


class OrderRead(OrderReadBase):
    pass
