"""DTOs for project resources, yours to extend: persistgen never rewrites this file."""

from tracker.schemas.generated.project import ProjectCreateBase, ProjectReadBase, ProjectUpdateBase


class ProjectCreate(ProjectCreateBase): ...


class ProjectUpdate(ProjectUpdateBase): ...


class ProjectRead(ProjectReadBase): ...
