"""DTOs for customer resources, yours to extend: persistgen never rewrites this file."""

from shop.schemas.generated.customer import CustomerCreateBase, CustomerReadBase, CustomerUpdateBase


class CustomerCreate(CustomerCreateBase): ...


class CustomerUpdate(CustomerUpdateBase): ...


class CustomerRead(CustomerReadBase): ...
