"""Data access for order resources.

Yours: persistgen created this file once and never rewrites it. Add queries as methods here;
the generated CRUD comes from the base class, which follows persistgen.yaml.
"""

from shop.repositories.generated.order import OrderRepositoryBase


class OrderRepository(OrderRepositoryBase):
    pass
