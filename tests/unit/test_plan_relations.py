"""Spec in, relationship facts out: references, their reverses, many-to-many links, and the
imports and tables they bring."""

from __future__ import annotations

import pytest

from persistgen.errors import UserError
from persistgen.plan.relations import type_checking_imports
from tests.unit.plan_specs import project

BLOG = """
User:
  fields:
    name: str
Post:
  soft_delete: true
  fields:
    title: str
    author: {type: ref, target: User, on_delete: cascade}
    editor: {type: ref, target: User, nullable: true, back_populates: edited}
    parent: {type: ref, target: Post, nullable: true, back_populates: children}
    tags: {type: many, target: Tag}
Tag:
  fields:
    label: {type: str, max_length: 40, unique: true}
"""


def test_dependency_order_puts_referenced_tables_first() -> None:
    # Links order nothing: association tables come after every resource's table.
    assert [r.class_name for r in project(BLOG).resources] == ["User", "Post", "Tag"]


def test_many_to_one() -> None:
    post = next(r for r in project(BLOG).resources if r.class_name == "Post")
    author, editor, parent = post.relations[:3]
    assert (author.name, author.column, author.collection) == ("author", "author_id", False)
    assert author.annotation == "Mapped[User]"
    assert author.args == "back_populates='posts', foreign_keys=[author_id], lazy=\"raise\""
    assert editor.annotation == "Mapped[User | None]"
    assert parent.remote_side == "Post.id"
    assert parent.args.endswith(', remote_side="Post.id"')
    assert parent.live == "Post.deleted_at.is_(None)"  # Post soft-deletes
    author_column = next(c for c in post.columns if c.name == "author_id")
    assert author_column.foreign_key is not None
    assert author_column.foreign_key.on_delete == "CASCADE"
    assert author_column.index  # joins need it
    assert (
        author_column.column_args
        == "BigInteger(), ForeignKey('users.id', ondelete='CASCADE'), index=True"
    )


def test_reverse_relations() -> None:
    user = next(r for r in project(BLOG).resources if r.class_name == "User")
    posts, edited = user.relations
    assert (posts.name, posts.collection, posts.referenced_by) == ("posts", True, "Post.author_id")
    assert posts.annotation == "Mapped[list[Post]]"
    assert posts.args == (
        "back_populates='author', "
        'foreign_keys="Post.author_id", lazy="raise", passive_deletes="all"'
    )
    assert edited.back_populates == "editor"
    assert posts.detail_annotation == "list[PostRead] | None"
    assert user.model_type_checking_imports == ("from shop.models.post import Post",)


def test_a_detail_leaves_out_relations_not_included() -> None:
    post = next(r for r in project(BLOG).resources if r.class_name == "Post")
    author, editor = post.relations[:2]
    tags = next(rel for rel in post.relations if rel.name == "tags")
    only = "Present only when `include` names it"
    assert author.detail_decl == f"author: UserRead | None = Field(None, description='{only}.')"
    assert editor.detail_decl == (
        f"editor: UserRead | None = Field(None, description='{only}; "
        "null when there is no related row.')"
    )
    assert tags.detail_decl == f"tags: list[TagRead] | None = Field(None, description='{only}.')"


def test_sub_list_paths_and_operation_ids() -> None:
    spec = BLOG.replace("tags: {type: many, target: Tag}", "tags_given: {type: many, target: Tag}")
    post = next(r for r in project(spec).resources if r.class_name == "Post")
    (link,) = post.links
    assert (link.name, link.path) == ("tags_given", "tags-given")
    assert post.operation_ids == (
        "list_posts",
        "get_post",
        "create_post",
        "update_post",
        "delete_post",
        "restore_post",
        "list_post_tags_given",
        "add_post_tags_given",
        "remove_post_tags_given",
    )


def test_many_to_many_link() -> None:
    shop = project(BLOG)
    post = next(r for r in shop.resources if r.class_name == "Post")
    (link,) = post.links
    assert (link.table, link.owner_column, link.item_column) == ("post_tags", "post_id", "tag_id")
    assert link.table_code == (
        "Table('post_tags', Base.metadata, "
        "Column('post_id', BigInteger(), ForeignKey('posts.id', ondelete='CASCADE'), "
        "primary_key=True), "
        "Column('tag_id', BigInteger(), ForeignKey('tags.id', ondelete='CASCADE'), "
        "primary_key=True, index=True))"
    )
    assert link.target_key_annotation == "Annotated[int, Path(ge=INT64_MIN, le=INT64_MAX)]"
    assert link.missing_key == "0"
    tags = next(rel for rel in post.relations if rel.name == "tags")
    assert tags.args.startswith("secondary=post_tags_table, back_populates='posts'")
    tag = next(r for r in shop.resources if r.class_name == "Tag")
    (reverse,) = tag.relations
    assert reverse.args.startswith("secondary='post_tags', back_populates='tags'")
    assert "from shop.models.post import Post, post_tags_table" in post.repository_imports
    assert shop.tables[-2].name == "post_tags"  # the last: idempotency keys


def test_link_in_a_schema_qualifies_the_table() -> None:
    shop = project(BLOG, schema="blog")
    tag = next(r for r in shop.resources if r.class_name == "Tag")
    assert tag.relations[0].link_table == "blog.post_tags"
    post = next(r for r in shop.resources if r.class_name == "Post")
    assert post.links[0].table_code.endswith(", schema='blog')")
    assert post.table_args[-1] == "{'schema': 'blog', 'sqlite_autoincrement': True}"


def test_refs_for_the_factories() -> None:
    post = next(r for r in project(BLOG).resources if r.class_name == "Post")
    assert [(ref.column, ref.on_delete, ref.self_reference) for ref in post.refs] == [
        ("author_id", "cascade", False),
        ("editor_id", "refuse", False),
        ("parent_id", "keep", True),  # Post soft-deletes: the row stays
    ]
    assert [ref.column for ref in post.external_refs] == ["author_id", "editor_id"]


def test_a_chain_longer_than_the_stack_is_ordered_and_its_cycle_found() -> None:
    # Each resource references the next, so the spec lists them referenced-last: ordering,
    # the cycles' components and the cycle check walk the whole chain (deeper than Python's
    # recursion limit).
    count = 1_500
    chain = "".join(f"R{n}: {{fields: {{next: ref:R{n + 1}?}}}}\n" for n in range(count))
    last = f"R{count}: {{fields: {{name: str}}}}\n"
    ordered = [r.class_name for r in project(chain + last).resources]
    assert ordered == [f"R{n}" for n in range(count, -1, -1)]
    # A cycle of nullable references: each foreign key comes after the tables.
    looped = f"R{count}: {{fields: {{back: ref:R0?}}}}\n"
    cyclic = project(chain + looped).resources
    assert all(c.orm.use_alter for r in cyclic for c in r.columns if c.foreign_key)
    required = chain.replace("?", "") + looped.replace("?", "")
    with pytest.raises(UserError, match=r"references form a cycle \(R0 -> R1 -> .* -> R0\)"):
        project(required)


SOCIAL = """
User:
  fields:
    name: str
    follows: {type: many, target: User}
    blocks:
      {type: many, target: User, link_columns: [blocker_id, blocked_id], back_populates: blocked_by}
Group:
  fields:
    members: {type: many, target: User, link_columns: [group, member]}
"""


def test_a_link_to_the_same_resource_has_two_columns_and_says_which_leads_where() -> None:
    user = next(r for r in project(SOCIAL).resources if r.class_name == "User")
    follows, blocks = user.links
    assert (follows.table, follows.owner_column, follows.item_column) == (
        "user_follows",
        "user_id",
        "follows_user_id",
    )
    assert (blocks.owner_column, blocks.item_column) == ("blocker_id", "blocked_id")
    relations = {rel.name: rel for rel in user.relations}
    assert relations["follows"].args == (
        "secondary=user_follows_table, "
        "primaryjoin=lambda: User.id == user_follows_table.c.user_id, "
        "secondaryjoin=lambda: User.id == user_follows_table.c.follows_user_id, "
        "back_populates='follows_of', lazy=\"raise\", passive_deletes=True"
    )
    reverse = relations["follows_of"]  # on the same class, the same table, the joins swapped
    assert reverse.link_variable == "user_follows_table" and reverse.back_populates == "follows"
    assert reverse.joins == tuple(reversed(relations["follows"].joins or ()))
    assert relations["blocked_by"].back_populates == "blocks"
    # The model imports the other classes it names, never its own.
    assert type_checking_imports("User", user.relations) == {"{package}.models.group:Group"}


def test_link_columns_name_any_link_tables_columns() -> None:
    group = next(r for r in project(SOCIAL).resources if r.class_name == "Group")
    (members,) = group.links
    assert (members.owner_column, members.item_column) == ("group", "member")
    assert members.columns_code == "group_members_table.c.group, group_members_table.c.member"
    assert [fk.constraint_name for fk in members.db.foreign_keys] == [
        "fk_group_members_group_groups",
        "fk_group_members_member_users",
    ]
