"""DTOs for customer resources.

Yours: persistgen created this file once and never rewrites it. Add validators or fields here;
the generated fields come from the base classes, which follow persistgen.yaml.
"""

from shop.schemas.generated.customer import (
    CustomerCreateBase,
    CustomerReadBase,
    CustomerUpdateBase,
)


class CustomerCreate(CustomerCreateBase):
    pass


class CustomerUpdate(CustomerUpdateBase):
    pass


class CustomerRead(CustomerReadBase):
    pass
