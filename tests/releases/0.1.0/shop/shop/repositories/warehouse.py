"""Data access for warehouse resources.

Yours: persistgen created this file once and never rewrites it. Add queries as methods here;
the generated CRUD comes from the base class, which follows persistgen.yaml.
"""

from shop.repositories.generated.warehouse import WarehouseRepositoryBase


class WarehouseRepository(WarehouseRepositoryBase):
    pass
