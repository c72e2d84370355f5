"""DTOs for post resources.

Yours: persistgen created this file once and never rewrites it. Add validators or fields here;
the generated fields come from the base classes, which follow persistgen.yaml.
"""

from blog.schemas.generated.post import (
    PostCreateBase,
    PostReadBase,
    PostUpdateBase,
)


class PostCreate(PostCreateBase):
    pass


class PostUpdate(PostUpdateBase):
    pass


class PostRead(PostReadBase):
    pass
