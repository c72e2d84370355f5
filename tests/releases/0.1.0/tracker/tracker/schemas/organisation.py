"""DTOs for organisation resources.

Yours: persistgen created this file once and never rewrites it. Add validators or fields here;
the generated fields come from the base classes, which follow persistgen.yaml.
"""

from tracker.schemas.generated.organisation import (
    OrganisationCreateBase,
    OrganisationReadBase,
    OrganisationUpdateBase,
)


class OrganisationCreate(OrganisationCreateBase):
    pass


class OrganisationUpdate(OrganisationUpdateBase):
    pass


class OrganisationRead(OrganisationReadBase):
    pass
