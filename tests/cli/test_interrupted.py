"""Runs cut short (killed with kill -9, interrupted with Ctrl-C) or run without a terminal,
and a directory that links out of the project.

A killed process runs no cleanup, so these runs happen in a subprocess that `os._exit`s at a
chosen point of the write: while files are staged, or after the journal while they are moved
into place."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from persistgen import pipeline, write
from persistgen.write import JOURNAL, PENDING
from tests.cli.conftest import Invoke
from tests.cli.helpers import BLOG, edit, path_of, reported, tree
from tests.cli.test_generate import SUBTITLE_REVISION, add_subtitle

KILLED = 9
# Dies (no cleanup, like kill -9) on the Nth call of `persistgen.write.<function>`; or first
# says "paused" and waits there to be killed. Runs `generate -p blog`, or the command given
# after `die` or `pause`.
KILL_ON_CALL = """
import os, sys, time
from persistgen import cli, write

function, number, pause = sys.argv[1], int(sys.argv[2]), sys.argv[3:4] == ["pause"]
command = sys.argv[4:] or ["generate", "-p", "blog"]
owner = os if function == "replace" else write
original, calls = getattr(owner, function), 0

def dying(*args):
    global calls
    calls += 1
    if calls == number:
        if pause:
            print("paused", flush=True)
            time.sleep(600)
        os._exit(9)
    return original(*args)

setattr(owner, function, dying)
sys.argv = ["persistgen", *command]
cli.main()
"""


def killed_run(root: Path, function: str, number: int, *command: str) -> None:
    """`command` (`generate -p blog` if none) killed on a call, in the directory above `root`."""
    result = subprocess.run(
        [sys.executable, "-c", KILL_ON_CALL, function, str(number), "die", *command],
        cwd=root.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == KILLED, result.stderr


def staged(files: dict[str, bytes]) -> set[str]:
    """What an interrupted run left: its pending journal and its staged files."""
    return {p for p in files if p == PENDING or p.endswith(".persistgen-tmp")}


def test_killed_while_staging_leaves_the_project_as_it_was(blog: Path, cli: Invoke) -> None:
    add_subtitle(blog)
    before = tree(blog)

    killed_run(blog, "_stage", 4)  # the pending journal, two files, then dead before the third

    left = tree(blog)
    assert len(staged(left)) == 3, "the kill left the journal and two staged files behind"
    assert {p: t for p, t in left.items() if p not in staged(left)} == before
    assert cli("generate", "-p", "blog").exit_code == 0
    assert not staged(tree(blog))
    assert cli("generate", "-p", "blog", "--check").exit_code == 0


def test_killed_while_moving_files_is_finished_by_the_next_run(blog: Path, cli: Invoke) -> None:
    add_subtitle(blog)

    killed_run(blog, "replace", 4)  # the journal, two files, then dead before the third

    assert (blog / JOURNAL).is_file()
    result = cli("generate", "-p", "blog")
    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == {}, "the journal was finished, nothing left to do"
    assert not staged(tree(blog)) and not (blog / JOURNAL).exists()
    assert "subtitle" in (blog / "blog/models/post.py").read_text(encoding="utf-8")
    assert path_of(blog, SUBTITLE_REVISION).is_file()
    assert cli("generate", "-p", "blog", "--check").exit_code == 0


def test_a_second_run_leaves_a_running_one_alone(blog: Path, cli: Invoke) -> None:
    add_subtitle(blog)
    first = subprocess.Popen(
        [sys.executable, "-c", KILL_ON_CALL, "_stage", "3", "pause"],
        cwd=blog.parent,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert first.stdout is not None and first.stdout.readline() == "paused\n"
        during = tree(blog)
        assert len(staged(during)) == 2, "the first run has staged the journal and a file"

        second = cli("generate", "-p", "blog")

        assert second.exit_code == 2
        assert "another persistgen run is writing this project" in second.output
        assert tree(blog) == during, "the first run's staged files are still there"
    finally:
        first.kill()  # like kill -9: the OS releases its lock
        first.wait(timeout=60)
    assert cli("generate", "-p", "blog").exit_code == 0
    assert not staged(tree(blog))
    assert "subtitle" in (blog / "blog/models/post.py").read_text(encoding="utf-8")


def staging_directories(parent: Path) -> list[Path]:
    """What `new project` runs build in before they move it into place."""
    return sorted(path for path in parent.iterdir() if pipeline.STAGING in path.name)


NEW_SHOP = ("new", "project", "shop", "--spec", str(BLOG))


def test_a_killed_new_project_leaves_no_staging_directory_to_the_next(
    tmp_path: Path, cli: Invoke
) -> None:
    killed_run(tmp_path / "shop", "_stage", 3, *NEW_SHOP)  # dead while staging files
    left = staging_directories(tmp_path)
    assert len(left) == 1 and (left[0] / "persistgen.yaml").is_file()
    assert not (tmp_path / "shop").exists()

    result = cli(*NEW_SHOP)

    assert result.exit_code == 0, result.output
    assert staging_directories(tmp_path) == []
    assert cli("generate", "-p", "shop", "--check").exit_code == 0


def test_a_new_project_leaves_a_running_ones_staging_directory_alone(
    tmp_path: Path, cli: Invoke
) -> None:
    first = subprocess.Popen(
        [sys.executable, "-c", KILL_ON_CALL, "_stage", "2", "pause", *NEW_SHOP],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert first.stdout is not None and first.stdout.readline() == "paused\n"
        [running] = staging_directories(tmp_path)
        during = tree(running)

        second = cli("new", "project", "other", "--spec", str(BLOG))

        assert second.exit_code == 0, second.output
        assert staging_directories(tmp_path) == [running]
        assert tree(running) == during, "the first run's staging directory is untouched"
    finally:
        first.kill()
        first.wait(timeout=60)
    assert cli(*NEW_SHOP).exit_code == 0
    assert staging_directories(tmp_path) == []


def test_ctrl_c_while_staging_leaves_the_project_as_it_was(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage, calls = write._stage, 0

    def interrupted(path: Path, text: str) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        stage(path, text)

    monkeypatch.setattr(write, "_stage", interrupted)
    add_subtitle(blog)
    before = tree(blog)

    with pytest.raises(KeyboardInterrupt):
        pipeline.generate(blog)

    assert tree(blog) == before


def test_a_conflict_without_a_terminal_never_waits(blog: Path) -> None:
    slug = "mapped_column(String(220), unique=True)"
    edit(blog / "blog/models/post.py", slug, f"{slug}  # mine")  # where subtitle goes
    add_subtitle(blog)

    result = subprocess.run(
        [sys.executable, "-m", "persistgen", "generate", "-p", "blog"],
        cwd=blog.parent,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200"},
    )

    assert result.returncode == 1
    assert "conflict" in result.stdout + result.stderr


def test_a_directory_linking_outside_the_project_receives_nothing(
    blog: Path, tmp_path: Path, cli: Invoke
) -> None:
    outside = tmp_path / "outside"
    (blog / "blog/models").rename(outside)
    (blog / "blog/models").symlink_to(outside, target_is_directory=True)
    before = tree(outside)
    add_subtitle(blog)

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 2
    assert "would be written outside the project" in result.output
    assert "replace the link with a real directory" in result.output
    assert tree(outside) == before


@contextmanager
def read_only(directory: Path) -> Iterator[None]:
    """No file can be created in `directory`: by its mode, or for root, whom modes do not stop,
    by the immutable attribute."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(directory)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(directory)], check=True)
        return
    mode = directory.stat().st_mode
    directory.chmod(0o555)
    try:
        yield
    finally:
        directory.chmod(mode)


def test_a_read_only_directory_changes_nothing(blog: Path, cli: Invoke) -> None:
    add_subtitle(blog)
    before = tree(blog)

    with read_only(blog / "blog/models"):
        result = cli("generate", "-p", "blog")

    assert result.exit_code == 2
    assert "cannot write" in result.output and "blog/models" in result.output
    assert "Traceback" not in result.output
    assert tree(blog) == before


def test_a_damaged_journal_is_a_clear_error(blog: Path, cli: Invoke) -> None:
    (blog / JOURNAL).write_text('{"write": ["../outside"]}', encoding="utf-8")

    result = cli("generate", "-p", "blog")

    assert result.exit_code == 2
    assert "left by an interrupted run, is damaged" in result.output
    assert "Traceback" not in result.output
