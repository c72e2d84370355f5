"""DTOs for order line resources.

Yours: persistgen created this file once and never rewrites it. Add validators or fields here;
the generated fields come from the base classes, which follow persistgen.yaml.
"""

from shop.schemas.generated.order_line import (
    OrderLineCreateBase,
    OrderLineReadBase,
    OrderLineUpdateBase,
)


class OrderLineCreate(OrderLineCreateBase):
    pass


class OrderLineUpdate(OrderLineUpdateBase):
    pass


class OrderLineRead(OrderLineReadBase):
    pass
