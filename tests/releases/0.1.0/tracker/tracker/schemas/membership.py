"""DTOs for membership resources.

Yours: persistgen created this file once and never rewrites it. Add validators or fields here;
the generated fields come from the base classes, which follow persistgen.yaml.
"""

from tracker.schemas.generated.membership import (
    MembershipCreateBase,
    MembershipReadBase,
    MembershipUpdateBase,
)


class MembershipCreate(MembershipCreateBase):
    pass


class MembershipUpdate(MembershipUpdateBase):
    pass


class MembershipRead(MembershipReadBase):
    pass
