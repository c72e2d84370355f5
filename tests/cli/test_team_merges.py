"""What a team meets around a git merge: the files git leaves with its conflict markers, and
the revisions Alembic's own commands write (`alembic revision`, `alembic merge heads`)."""

from __future__ import annotations

from pathlib import Path

from tests.generated.project import run


def test_revisions_alembic_writes_are_lint_and_type_clean(blog: Path) -> None:
    """`alembic revision` (the mistake the README's adopt fixes) and `alembic merge heads` (its
    way for branches that disagree) write files from the project's script.py.mako: they pass
    the project's ruff, ruff format and mypy --strict as they are."""
    (head,) = run(blog, "alembic", "heads").split()[:1]
    run(blog, "alembic", "revision", "-m", "seed data", "--rev-id", "aaaa")
    run(blog, "alembic", "revision", "-m", "grants", "--rev-id", "bbbb", "--splice", "--head", head)
    run(blog, "alembic", "merge", "heads", "-m", "merge", "--rev-id", "cccc")
    versions = blog / "migrations" / "versions"
    (merge,) = versions.glob("*_cccc_merge.py")
    assert 'down_revision: str | Sequence[str] | None = ("aaaa", "bbbb")' in merge.read_text(
        encoding="utf-8"
    )
    files = [str(p.relative_to(blog)) for p in versions.glob("*_[abc][abc][abc][abc]_*.py")]
    assert len(files) == 3
    run(blog, "ruff", "check", *files)
    run(blog, "ruff", "format", "--check", *files)
    run(blog, "mypy", "--strict", "--no-incremental", *files)


def test_a_revision_alembic_autogenerates_imports_what_it_uses(blog: Path) -> None:
    from alembic.util import format_as_comma
    from mako.template import Template

    template = Template(filename=str(blog / "migrations" / "script.py.mako"))
    text = template.render(
        comma=format_as_comma,
        message="add x",
        up_revision="dddd",
        down_revision="aaaa",
        create_date="2026-01-01",
        branch_labels=None,
        depends_on=None,
        imports="",
        upgrades='op.add_column("posts", sa.Column("x", sa.Integer()))',
        downgrades='op.drop_column("posts", "x")',
    )
    path = blog / "migrations" / "versions" / "0099_dddd_add_x.py"
    path.write_text(text, encoding="utf-8")
    assert "import sqlalchemy as sa\nfrom alembic import op\n" in text
    run(blog, "ruff", "check", str(path.relative_to(blog)))
    run(blog, "ruff", "format", "--check", str(path.relative_to(blog)))
