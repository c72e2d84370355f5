"""DTOs for order resources, yours to extend: persistgen never rewrites this file."""

from shop.schemas.generated.order import OrderCreateBase, OrderReadBase, OrderUpdateBase


class OrderCreate(OrderCreateBase): ...


class OrderUpdate(OrderUpdateBase): ...


class OrderRead(OrderReadBase): ...
