"""DTOs for organisation resources, yours to extend: persistgen never rewrites this file."""

from tracker.schemas.generated.organisation import (
    OrganisationCreateBase,
    OrganisationReadBase,
    OrganisationUpdateBase,
)


class OrganisationCreate(OrganisationCreateBase): ...


class OrganisationUpdate(OrganisationUpdateBase): ...


class OrganisationRead(OrganisationReadBase): ...
