"""Data access for customer resources.

Yours: persistgen created this file once and never rewrites it. Add queries as methods here;
the generated CRUD comes from the base class, which follows persistgen.yaml.
"""

from shop.repositories.generated.customer import CustomerRepositoryBase


class CustomerRepository(CustomerRepositoryBase):
    pass
