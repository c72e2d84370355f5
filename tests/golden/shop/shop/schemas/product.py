"""DTOs for product resources, yours to extend: persistgen never rewrites this file."""

from shop.schemas.generated.product import ProductCreateBase, ProductReadBase, ProductUpdateBase


class ProductCreate(ProductCreateBase): ...


class ProductUpdate(ProductUpdateBase): ...


class ProductRead(ProductReadBase): ...
