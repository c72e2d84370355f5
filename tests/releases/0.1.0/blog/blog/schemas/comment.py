"""DTOs for comment resources.

Yours: persistgen created this file once and never rewrites it. Add validators or fields here;
the generated fields come from the base classes, which follow persistgen.yaml.
"""

from blog.schemas.generated.comment import (
    CommentCreateBase,
    CommentReadBase,
    CommentUpdateBase,
)


class CommentCreate(CommentCreateBase):
    pass


class CommentUpdate(CommentUpdateBase):
    pass


class CommentRead(CommentReadBase):
    pass
