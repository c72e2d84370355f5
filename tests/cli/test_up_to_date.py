"""`persistgen generate` on a project as the last run left it: reported up to date without
rendering, while any change of what the output depends on takes the full path."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from persistgen import pipeline, up_to_date, user_cache
from persistgen.layout import JOURNAL
from tests.cli.blog_changes import KEPT, add_subtitle, remove_comment
from tests.cli.conftest import Invoke
from tests.cli.helpers import edit, files, reported, tree

UP_TO_DATE = "Up to date:"


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The cache on (tests/conftest.py switches it off for every other test), and the
    installation's digest, which a process computes once, computed again after each test."""
    monkeypatch.setenv(user_cache.ENV, str(tmp_path / "cache"))
    yield
    user_cache.installation.cache_clear()


@pytest.fixture
def full_runs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The projects `pipeline.generate` (the full path: read, render, compare) ran on."""
    runs: list[Path] = []
    generate = pipeline.generate

    def counted(project_dir: Path, **options: object) -> pipeline.Outcome:
        runs.append(project_dir)
        return generate(project_dir, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "generate", counted)
    return runs


def test_after_new_check_renders_nothing(cli: Invoke, blog: Path, full_runs: list[Path]) -> None:
    result = cli("generate", "--check", "--project", "blog")

    assert result.exit_code == 0, result.output
    assert full_runs == []
    assert result.stdout.startswith(UP_TO_DATE)
    # The counts of the full path (tests/cli/test_generate.py: the second run).
    assert result.stdout.strip().splitlines()[-1] == f"{KEPT} kept, {_generated(blog)} unchanged"


def test_the_shortcut_reports_as_the_full_path(cli: Invoke, blog: Path) -> None:
    full = cli("generate", "--check", "--full", "--project", "blog")
    short = cli("generate", "--check", "--project", "blog")

    assert UP_TO_DATE not in full.stdout
    assert short.stdout.splitlines()[1:] == full.stdout.splitlines()


def _hand_edit_and_subtitle(root: Path) -> None:
    _edit_generated(root)
    add_subtitle(root)


@pytest.mark.parametrize(
    ("change", "options"),
    [
        pytest.param(add_subtitle, (), id="field-added"),
        pytest.param(remove_comment, ("--allow-destructive",), id="resource-removed"),
        pytest.param(_hand_edit_and_subtitle, (), id="hand-edit-merged"),
        pytest.param(add_subtitle, ("--no-migration",), id="no-migration"),
    ],
)
def test_a_run_that_writes_records_what_the_next_finds(
    cli: Invoke,
    blog: Path,
    full_runs: list[Path],
    change: Callable[[Path], None],
    options: tuple[str, ...],
) -> None:
    """The stamp a writing run records says what a full run right after it reports: nothing
    to do, the same counts and the same kept edits."""
    change(blog)
    assert cli("generate", "-p", "blog", *options).exit_code == 0
    before = tree(blog)

    short = cli("generate", "-p", "blog", *options)
    full = cli("generate", "-p", "blog", "--full", *options)

    assert short.exit_code == full.exit_code == 0, short.output + full.output
    assert short.stdout.startswith(UP_TO_DATE)
    assert short.stdout.splitlines()[1:] == full.stdout.splitlines()
    assert reported(full.stdout) == {}
    assert tree(blog) == before
    assert len(full_runs) == 2  # the writing run and --full


def _edit_generated(root: Path) -> None:
    edit(root / "blog/models/post.py", "class Post(", "# a hand edit\nclass Post(")


def _remove_generated(root: Path) -> None:
    (root / "blog/schemas/generated/post.py").unlink()


def _edit_shared(root: Path) -> None:
    edit(root / "pyproject.toml", '    "asyncpg>=0.29",\n', "")


def _remove_yours(root: Path) -> None:
    (root / "blog/api/custom.py").unlink()


def _add_revision(root: Path) -> None:
    (root / "migrations/versions/0002_by_hand.py").write_text(
        'revision = "byhand"\ndown_revision = None\n', encoding="utf-8"
    )


def _interrupted(root: Path) -> None:
    (root / JOURNAL).write_text('{"write": [".persistgen/manifest.json"], "remove": []}')


@pytest.mark.parametrize(
    ("change", "exit_code", "reported"),
    [
        pytest.param(_edit_generated, 0, "your edits, kept: blog/models/post.py", id="edit"),
        pytest.param(_remove_generated, 1, "out of date", id="generated-file-removed"),
        pytest.param(_edit_shared, 1, "out of date", id="shared-file-edited"),
        pytest.param(_remove_yours, 1, "out of date", id="your-file-removed"),
        pytest.param(add_subtitle, 1, "out of date", id="spec"),
        pytest.param(_add_revision, 2, "was not written by persistgen", id="revision-file"),
        pytest.param(_interrupted, 0, "unchanged", id="interrupted-run"),
    ],
)
def test_any_change_takes_the_full_path(
    cli: Invoke,
    blog: Path,
    full_runs: list[Path],
    change: Callable[[Path], None],
    exit_code: int,
    reported: str,
) -> None:
    change(blog)

    result = cli("generate", "--check", "--project", "blog")

    assert full_runs == [Path("blog")]
    assert UP_TO_DATE not in result.stdout
    assert result.exit_code == exit_code, result.output
    assert reported in result.output


def test_another_persistgen_takes_the_full_path(
    cli: Invoke, blog: Path, full_runs: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(up_to_date.user_cache, "__version__", "0.2.0")
    user_cache.installation.cache_clear()  # as a new process of that persistgen finds it

    assert UP_TO_DATE not in cli("generate", "--check", "-p", "blog").stdout
    assert full_runs == [Path("blog")]


def test_another_dependency_takes_the_full_path(
    cli: Invoke,
    blog: Path,
    full_runs: list[Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """A distribution installed or upgraded (a ruff that formats differently, say)."""
    site = tmp_path / "site"
    (site / "ruff-99.0.0.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(site))
    user_cache.installation.cache_clear()  # as a new process finds it

    assert UP_TO_DATE not in cli("generate", "--check", "-p", "blog").stdout
    assert full_runs == [Path("blog")]


@pytest.mark.parametrize(
    "option", ["--no-migration", "--allow-destructive", "--allow-rewrite", "--force"]
)
def test_other_options_take_the_full_path(
    cli: Invoke, blog: Path, full_runs: list[Path], option: str
) -> None:
    result = cli("generate", "--check", option, "-p", "blog")

    assert result.exit_code == 0, result.output
    assert UP_TO_DATE not in result.stdout
    assert full_runs == [Path("blog")]
    # That full run found nothing to do, so it proves the next run with the same options.
    assert cli("generate", "--check", option, "-p", "blog").stdout.startswith(UP_TO_DATE)


def test_a_check_that_finds_changes_records_nothing(
    cli: Invoke, blog: Path, full_runs: list[Path]
) -> None:
    add_subtitle(blog)

    assert cli("generate", "--check", "-p", "blog").exit_code == 1
    assert cli("generate", "--check", "-p", "blog").exit_code == 1
    assert len(full_runs) == 2


def test_a_copy_elsewhere_is_checked_in_full_first(
    cli: Invoke, blog: Path, full_runs: list[Path], tmp_path: Path
) -> None:
    shutil.copytree(blog, tmp_path / "copy")

    assert UP_TO_DATE not in cli("generate", "--check", "-p", "copy").stdout
    assert cli("generate", "--check", "-p", "copy").stdout.startswith(UP_TO_DATE)
    assert full_runs == [Path("copy")]


def _generated(root: Path) -> int:
    """The files a no-op run counts as unchanged: all but yours, the spec, the manifest, the
    revision and its snapshot."""
    return len(files(root)) - KEPT - 4


def test_the_pre_commit_hook_checks_on_every_commit() -> None:
    """A hand edit of a generated file is drift as much as a spec change: the hook cannot
    list the generated files, so it runs on every commit, which the shortcut makes cheap."""
    from ruamel.yaml import YAML

    hooks = YAML(typ="safe").load(Path(__file__).parents[2] / ".pre-commit-hooks.yaml")

    (hook,) = hooks
    assert hook["entry"] == "persistgen generate --check"
    assert hook["always_run"] is True
    assert "files" not in hook
    assert hook["pass_filenames"] is False


def test_the_cache_lives_where_the_platform_keeps_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(user_cache.ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache.cache_dir() == tmp_path / "xdg" / "persistgen"
    monkeypatch.setenv(user_cache.ENV, "")
    assert user_cache.cache_dir() is None
