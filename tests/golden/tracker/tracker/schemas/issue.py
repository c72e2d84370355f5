"""DTOs for issue resources, yours to extend: persistgen never rewrites this file."""

from tracker.schemas.generated.issue import IssueCreateBase, IssueReadBase, IssueUpdateBase


class IssueCreate(IssueCreateBase): ...


class IssueUpdate(IssueUpdateBase): ...


class IssueRead(IssueReadBase): ...
