"""DTOs for label resources, yours to extend: persistgen never rewrites this file."""

from tracker.schemas.generated.label import LabelCreateBase, LabelReadBase, LabelUpdateBase


class LabelCreate(LabelCreateBase): ...


class LabelUpdate(LabelUpdateBase): ...


class LabelRead(LabelReadBase): ...
