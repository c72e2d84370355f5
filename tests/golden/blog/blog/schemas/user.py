"""DTOs for user resources, yours to extend: persistgen never rewrites this file."""

from blog.schemas.generated.user import UserCreateBase, UserReadBase, UserUpdateBase


class UserCreate(UserCreateBase): ...


class UserUpdate(UserUpdateBase): ...


class UserRead(UserReadBase): ...
