"""DTOs for post resources, yours to extend: persistgen never rewrites this file."""

from blog.schemas.generated.post import PostCreateBase, PostReadBase, PostUpdateBase


class PostCreate(PostCreateBase): ...


class PostUpdate(PostUpdateBase): ...


class PostRead(PostReadBase): ...
