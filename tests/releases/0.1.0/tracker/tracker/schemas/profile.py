"""DTOs for profile resources.

Yours: persistgen created this file once and never rewrites it. Add validators or fields here;
the generated fields come from the base classes, which follow persistgen.yaml.
"""

from tracker.schemas.generated.profile import (
    ProfileCreateBase,
    ProfileReadBase,
    ProfileUpdateBase,
)


class ProfileCreate(ProfileCreateBase):
    pass


class ProfileUpdate(ProfileUpdateBase):
    pass


class ProfileRead(ProfileReadBase):
    pass
