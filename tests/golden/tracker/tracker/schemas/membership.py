"""DTOs for membership resources, yours to extend: persistgen never rewrites this file."""

from tracker.schemas.generated.membership import (
    MembershipCreateBase,
    MembershipReadBase,
    MembershipUpdateBase,
)


class MembershipCreate(MembershipCreateBase): ...


class MembershipUpdate(MembershipUpdateBase): ...


class MembershipRead(MembershipReadBase): ...
