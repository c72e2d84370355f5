"""The site's tutorial (docs/tutorial.md), run step by step as a reader would type it, on
PostgreSQL: every command of its code blocks runs, in order, and what the tutorial shows a
command printing must be what it prints (`...` stands for lines or text left out; run times
and timestamps may differ).

What the test does in the reader's stead: the installs (persistgen and the project's
dependencies are this environment's), the database's creation (a fresh one on the test
server, whose URL replaces the tutorial's) and uvicorn (served on a free port, which replaces
the tutorial's 8000)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.generated.project import served
from tests.postgres import fresh_database

pytestmark = pytest.mark.postgres

TUTORIAL = ROOT / "docs" / "tutorial.md"
TUTORIAL_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/bookshop"
DONE_BY_THE_TEST = ("python3 -m venv", "pip install", "psql ")
# Values that differ from run to run, left out of the comparison of JSON answers.
VOLATILE = {"created_at", "updated_at"}


@dataclass(frozen=True)
class Step:
    command: str
    shown: list[str]  # what the tutorial shows it printing


@dataclass(frozen=True)
class Saved:
    path: str  # where the tutorial has you save it, relative to where you are
    text: str


def _commands(markdown: str) -> list[Step | Saved]:
    """The tutorial's commands in order, each with what it is shown printing, and the files it
    has you save: YAML blocks, the spec (`bookshop.yaml`) or one that names itself on its first
    line (`# seed.yaml`)."""
    result: list[Step | Saved] = []
    for kind, body in re.findall(r"```(\w+)\n(.*?)```", markdown, re.S):
        if kind == "yaml":
            named = re.match(r"# (\S+\.yaml)\n", body)
            result.append(Saved(named.group(1) if named else "bookshop.yaml", body))
            continue
        for line in body.replace("\\\n", "").splitlines():
            if kind == "bash":
                result.append(Step(line.split("  #")[0].strip(), []))
            elif line.startswith("$ "):  # console: `$ command`, then what it prints
                result.append(Step(line[2:].strip(), []))
            elif line.strip():
                last = result[-1]
                assert isinstance(last, Step), f"output with no command before it: {line}"
                last.shown.append(line)
    return result


def _pattern(line: str) -> re.Pattern[str]:
    """A shown line as a pattern: `...` is anything, a run time (15.23s) any run time, and
    runs of spaces (table columns) any run of spaces."""
    text = re.escape(" ".join(line.split()))
    text = text.replace(re.escape("..."), ".*")
    text = re.sub(r"\d+\\\.\d+s", r"[\\d.]+s", text)
    return re.compile(text)


def _check_printed(step: Step, printed: str) -> None:
    lines = [" ".join(line.split()) for line in printed.splitlines()]
    for shown in step.shown:
        if shown.strip() == "...":
            continue
        try:  # a JSON answer is compared as data; a line of text (a number too) as text
            expected = json.loads(shown) if shown.startswith("{") else None
        except ValueError:
            expected = None
        if expected is None:
            pattern = _pattern(shown)
            assert any(pattern.search(line) for line in lines), (
                f"`{step.command}` did not print {shown!r}:\n{printed[-3000:]}"
            )
            continue
        answers = [_without_volatile(json.loads(line)) for line in lines if line.startswith("{")]
        assert _without_volatile(expected) in answers, (step.command, printed)


def _without_volatile(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_volatile(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_without_volatile(v) for v in value]
    return value


def test_the_tutorial_runs_as_written(tmp_path: Path) -> None:
    steps = _commands(TUTORIAL.read_text(encoding="utf-8"))
    assert sum(isinstance(s, Step) and s.shown != [] for s in steps) >= 10, "the parse lost steps"
    here = tmp_path
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONDONTWRITEBYTECODE": "1",
        # persistgen's cache on, as a reader has it (the suite switches it off).
        "PERSISTGEN_CACHE_DIR": str(tmp_path / "cache"),
    }
    env.pop("DATABASE_URL", None)
    with ExitStack() as stack:
        database = stack.enter_context(fresh_database(f"docs_tutorial_{os.getpid()}"))
        server = stack.enter_context(ExitStack())
        base = None
        for step in steps:
            if isinstance(step, Saved):
                (here / step.path).write_text(step.text.replace(TUTORIAL_URL, database))
                continue
            if step.command.startswith(DONE_BY_THE_TEST) or not step.command:
                continue
            if step.command.startswith("cd "):
                here = here / step.command[3:]
                env["PYTHONPATH"] = str(here)
                continue
            if step.command.startswith("uvicorn "):  # a server started again stops the last
                server.close()
                base = server.enter_context(served(here, database))
                continue
            command = step.command
            if base is not None:
                command = command.replace("localhost:8000", base.removeprefix("http://"))
            done = subprocess.run(
                ["bash", "-c", command], cwd=here, env=env, capture_output=True, text=True
            )
            assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
            printed = done.stdout + "\n" + done.stderr
            if base is not None:  # the tutorial's address where the server's own is printed
                printed = printed.replace(base.removeprefix("http://"), "localhost:8000")
            _check_printed(step, printed)
        assert base is not None, "the tutorial serves the API"


def test_the_shown_lines_are_checked() -> None:
    """The comparison can fail: a count, a revision or an answer that differs is caught."""
    step = Step("x", ["81 created", '{"id":1,"name":"A"}', "Running upgrade -> 3a9c", "302"])
    _check_printed(step, '81 created\n{"id":1,"name":"A"}\nRunning upgrade -> 3a9c\n302')
    for printed in ('80 created\n{"id":1,"name":"A"}\n302', '81 created\n{"id":2,"name":"A"}\n302'):
        with pytest.raises(AssertionError):
            _check_printed(step, printed + "\nRunning upgrade -> 3a9c")
    with pytest.raises(AssertionError):
        _check_printed(step, '81 created\n{"id":1,"name":"A"}\nRunning upgrade -> 3a9c\n200')
