"""What a team meets around a git merge: the files git leaves with its conflict markers, and
the revisions Alembic's own commands write (`alembic revision`, `alembic merge heads`)."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Invoke
from tests.cli.helpers import edit
from tests.cli.test_branches import commit, git
from tests.generated.project import run

SLUG = "      slug: str:220:unique\n"


def _merge_with_conflicts(cli: Invoke, root: Path) -> list[str]:
    """Branches a and b each add a field after `slug`; main merges them: git stops with
    conflicts in the spec, the manifest and the post's generated files. The spec is resolved
    (both fields); the conflicting files it returns still hold git's markers."""
    git(root, "init", "-q", "-b", "main")
    commit(root, "A blog")
    for branch, field in (("a", "subtitle: str:120?"), ("b", "summary: text?")):
        git(root, "checkout", "-q", "-b", branch, "main")
        edit(root / "persistgen.yaml", SLUG, f"{SLUG}      {field}\n")
        assert cli("generate", "-p", "blog").exit_code == 0
        commit(root, field)
    git(root, "checkout", "-q", "a")
    git(root, "merge", "-q", "b", check=False)
    spec = root / "persistgen.yaml"
    text = spec.read_text(encoding="utf-8")
    start, end = text.index("<<<<<<<"), text.index(">>>>>>> b\n") + len(">>>>>>> b\n")
    both = "      subtitle: str:120?\n      summary: text?\n"
    spec.write_text(text[:start] + both + text[end:], encoding="utf-8")
    conflicted = git(root, "diff", "--name-only", "--diff-filter=U").split()
    return [path for path in conflicted if path != "persistgen.yaml"]


def test_a_spec_with_git_markers_says_so(cli: Invoke, blog: Path) -> None:
    git(blog, "init", "-q", "-b", "main")
    commit(blog, "A blog")
    for branch, field in (("a", "subtitle: str:120?"), ("b", "summary: text?")):
        git(blog, "checkout", "-q", "-b", branch, "main")
        edit(blog / "persistgen.yaml", SLUG, f"{SLUG}      {field}\n")
        assert cli("generate", "-p", "blog").exit_code == 0
        commit(blog, field)
    git(blog, "merge", "-q", "a", check=False)
    line = (blog / "persistgen.yaml").read_text(encoding="utf-8").splitlines().index("<<<<<<< HEAD")

    for args in (["generate"], ["generate", "--check"], ["validate", "blog/persistgen.yaml"]):
        result = cli(*args, *(["-p", "blog"] if args[0] == "generate" else []))
        assert result.exit_code == 2, args
        assert f"persistgen.yaml:{line + 1}:1" in result.stderr, args
        assert "the spec holds git's conflict markers" in result.stderr, args
        assert "invalid YAML" not in result.stderr, args


def test_a_manifest_with_git_markers_says_to_take_a_side(cli: Invoke, blog: Path) -> None:
    conflicted = _merge_with_conflicts(cli, blog)
    assert ".persistgen/manifest.json" in conflicted

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 2
    assert ".persistgen/manifest.json holds git's conflict markers" in result.stderr
    assert "git checkout --ours -- .persistgen/manifest.json" in result.stderr
    assert "delete it" not in result.stderr  # --force would drop every hand edit


def test_a_generated_file_with_git_markers_is_named_as_such(cli: Invoke, blog: Path) -> None:
    conflicted = _merge_with_conflicts(cli, blog)
    git(blog, "checkout", "--ours", "--", ".persistgen/manifest.json")
    model = "blog/models/post.py"
    assert model in conflicted

    for args in ([], ["--conflicts=markers"]):
        result = cli("generate", "-p", "blog", *args)
        assert result.exit_code == 1, args
        assert f"{model}: it holds git's conflict markers" in result.stderr, args
        assert f"git checkout --ours -- {model}" in result.stderr, args
        # Never markers nested in git's, whatever was asked.
        assert (blog / model).read_text(encoding="utf-8").count("<<<<<<<") == 1, args

    for path in conflicted:
        git(blog, "checkout", "--ours", "--", path)
    assert cli("generate", "-p", "blog").exit_code == 0
    assert "summary: Mapped[str | None]" in (blog / model).read_text(encoding="utf-8")


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


def test_a_revision_says_where_it_comes_from(cli: Invoke, blog: Path) -> None:
    """Not "from the change to persistgen.yaml" on a revision with no change in it."""
    conflicted = _merge_with_conflicts(cli, blog)
    for path in conflicted:
        git(blog, "checkout", "--ours", "--", path)
    assert cli("generate", "-p", "blog").exit_code == 0
    assert cli("migration", "-m", "seed roles", "-p", "blog").exit_code == 0
    versions = blog / "migrations" / "versions"

    def docstring(pattern: str) -> str:
        (path,) = versions.glob(pattern)
        text = path.read_text(encoding="utf-8")
        return text[: text.index('"""', 3)]

    assert "Written by persistgen from the change to persistgen.yaml." in docstring(
        "0002_*_add_column_posts_subtitle.py"
    )
    assert "Written by persistgen to merge the heads." in docstring("0003_*_merge_*.py")
    seed = docstring("0004_*_seed_roles.py")
    assert "Written by persistgen for your own code (data, grants, functions), empty." in seed
    assert "change to persistgen.yaml" not in seed
