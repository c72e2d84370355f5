"""DTOs for product resources.

Yours: persistgen created this file once and never rewrites it. Add validators or fields here;
the generated fields come from the base classes, which follow persistgen.yaml.
"""

from shop.schemas.generated.product import (
    ProductCreateBase,
    ProductReadBase,
    ProductUpdateBase,
)


class ProductCreate(ProductCreateBase):
    pass


class ProductUpdate(ProductUpdateBase):
    pass


class ProductRead(ProductReadBase):
    pass
