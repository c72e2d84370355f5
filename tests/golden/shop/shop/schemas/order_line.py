"""DTOs for order line resources, yours to extend: persistgen never rewrites this file."""

from shop.schemas.generated.order_line import (
    OrderLineCreateBase,
    OrderLineReadBase,
    OrderLineUpdateBase,
)


class OrderLineCreate(OrderLineCreateBase): ...


class OrderLineUpdate(OrderLineUpdateBase): ...


class OrderLineRead(OrderLineReadBase): ...
