"""DTOs for profile resources, yours to extend: persistgen never rewrites this file."""

from tracker.schemas.generated.profile import ProfileCreateBase, ProfileReadBase, ProfileUpdateBase


class ProfileCreate(ProfileCreateBase): ...


class ProfileUpdate(ProfileUpdateBase): ...


class ProfileRead(ProfileReadBase): ...
