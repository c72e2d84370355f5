"""DTOs for project resources.

Yours: persistgen created this file once and never rewrites it. Add validators or fields here;
the generated fields come from the base classes, which follow persistgen.yaml.
"""

from tracker.schemas.generated.project import (
    ProjectCreateBase,
    ProjectReadBase,
    ProjectUpdateBase,
)


class ProjectCreate(ProjectCreateBase):
    pass


class ProjectUpdate(ProjectUpdateBase):
    pass


class ProjectRead(ProjectReadBase):
    pass
