"""DTOs for issue resources.

Yours: persistgen created this file once and never rewrites it. Add validators or fields here;
the generated fields come from the base classes, which follow persistgen.yaml.
"""

from tracker.schemas.generated.issue import (
    IssueCreateBase,
    IssueReadBase,
    IssueUpdateBase,
)


class IssueCreate(IssueCreateBase):
    pass


class IssueUpdate(IssueUpdateBase):
    pass


class IssueRead(IssueReadBase):
    pass
