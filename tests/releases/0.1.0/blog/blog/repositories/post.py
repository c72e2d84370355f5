"""Data access for post resources.

Yours: persistgen created this file once and never rewrites it. Add queries as methods here;
the generated CRUD comes from the base class, which follows persistgen.yaml.
"""

from blog.repositories.generated.post import PostRepositoryBase


class PostRepository(PostRepositoryBase):
    pass
