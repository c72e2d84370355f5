"""DTOs for user resources.

Yours: persistgen created this file once and never rewrites it. Add validators or fields here;
the generated fields come from the base classes, which follow persistgen.yaml.
"""

from tracker.schemas.generated.user import (
    UserCreateBase,
    UserReadBase,
    UserUpdateBase,
)


class UserCreate(UserCreateBase):
    pass


class UserUpdate(UserUpdateBase):
    pass


class UserRead(UserReadBase):
    pass
