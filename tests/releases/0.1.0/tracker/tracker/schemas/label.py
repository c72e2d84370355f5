"""DTOs for label resources.

Yours: persistgen created this file once and never rewrites it. Add validators or fields here;
the generated fields come from the base classes, which follow persistgen.yaml.
"""

from tracker.schemas.generated.label import (
    LabelCreateBase,
    LabelReadBase,
    LabelUpdateBase,
)


class LabelCreate(LabelCreateBase):
    pass


class LabelUpdate(LabelUpdateBase):
    pass


class LabelRead(LabelReadBase):
    pass
