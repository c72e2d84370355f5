"""DTOs for comment resources, yours to extend: persistgen never rewrites this file."""

from tracker.schemas.generated.comment import CommentCreateBase, CommentReadBase, CommentUpdateBase


class CommentCreate(CommentCreateBase): ...


class CommentUpdate(CommentUpdateBase): ...


class CommentRead(CommentReadBase): ...
