"""Data access for membership resources.

Yours: persistgen created this file once and never rewrites it. Add queries as methods here;
the generated CRUD comes from the base class, which follows persistgen.yaml.
"""

from tracker.repositories.generated.membership import MembershipRepositoryBase


class MembershipRepository(MembershipRepositoryBase):
    pass
