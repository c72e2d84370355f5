"""Running a generated project: its tools in a subprocess, and its app served by uvicorn."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from persistgen import edit, pipeline


def generated(target: Path, spec: str) -> Path:
    """`persistgen new project` at `target` from the YAML text `spec`."""
    pipeline.new_project(target, edit.with_schema_comment(spec))
    return target


def regenerated(target: Path, case: Path) -> Path:
    """The project of a feature case's `before.yaml`, regenerated from its `persistgen.yaml`:
    two revisions."""
    generated(target, (case / "before.yaml").read_text(encoding="utf-8"))
    after = (case / "persistgen.yaml").read_text(encoding="utf-8")
    (target / "persistgen.yaml").write_text(edit.with_schema_comment(after), encoding="utf-8")
    pipeline.generate(target)
    return target


def run(project: Path, *args: str, database_url: str | None = None) -> str:
    """`python -m <args>` in the project; it must succeed. Its output."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, "-m", *args], cwd=project, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


# What a generated project imports from its libraries, for mypy_strict's shared cache.
_LIBRARIES = """\
import alembic.command
import alembic.context
import alembic.op
import fastapi
import fastapi.testclient
import httpx
import prometheus_client
import pydantic
import pydantic_core
import pydantic_settings
import pytest
import sqlalchemy
import sqlalchemy.dialects.postgresql
import sqlalchemy.dialects.sqlite
import sqlalchemy.ext.asyncio
import sqlalchemy.orm
import starlette.requests
import starlette.responses
"""


@functools.cache
def _library_cache(mypy_config: str) -> Path:
    """A mypy cache of the libraries' modules alone, checked once a session under a project's
    `pyproject.toml` (`mypy_config`): no project's own module is ever in it. Its result is not
    judged here; each project's check is."""
    root = Path(tempfile.mkdtemp(prefix="persistgen-mypy-libraries-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    (root / "pyproject.toml").write_text(mypy_config, encoding="utf-8")
    (root / "libraries.py").write_text(_LIBRARIES, encoding="utf-8")
    command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", "cache", "libraries.py"]
    subprocess.run(command, cwd=root, capture_output=True, check=False)
    return root / "cache"


def _mypy_sections(pyproject: str) -> str:
    """The `[tool.mypy]` tables of a `pyproject.toml`, as written there."""
    kept: list[str] = []
    keep = False
    for line in pyproject.splitlines(keepends=True):
        if line.startswith("["):
            keep = line.strip("[] \n").startswith("tool.mypy")
        if keep:
            kept.append(line)
    return "".join(kept)


def mypy_strict(project: Path, *targets: str) -> str:
    """`mypy --strict TARGETS` in the project; it must succeed. Its output. It starts from a
    copy of a cache of the libraries' modules (the same configuration's, once a session), so
    each run checks all of the project's own modules afresh but not SQLAlchemy, FastAPI and
    Pydantic again; the copy is the run's alone."""
    config = _mypy_sections((project / "pyproject.toml").read_text(encoding="utf-8"))
    cache = Path(tempfile.mkdtemp(prefix="mypy-cache-", dir=project.parent))
    shutil.copytree(_library_cache(config), cache, dirs_exist_ok=True)
    try:
        return run(project, "mypy", "--strict", "--cache-dir", str(cache), *targets)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def run_script(project: Path, script: str, *, database_url: str) -> list[str]:
    """`python -c <script>` in the project on `database_url`; it must succeed. Its output lines."""
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=project,
        env=database_env(database_url),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"the script failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout.splitlines()


def database_env(database_url: str, **settings: str) -> dict[str, str]:
    """This environment with the project's database settings: `settings` become
    `DATABASE_<NAME>` variables."""
    env = {**os.environ, "DATABASE_URL": database_url}
    env.update({f"DATABASE_{name.upper()}": value for name, value in settings.items()})
    return env


def package_of(project: Path) -> str:
    return next(p.name for p in project.iterdir() if (p / "db" / "session.py").exists())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def served(project: Path, database_url: str, **settings: str) -> Iterator[str]:
    """The project's app served by uvicorn on a free port; yields its base URL once it answers.
    `settings` become `DATABASE_<NAME>` variables."""
    port = free_port()
    env = database_env(database_url, **settings)
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                f"{package_of(project)}.main:app",
                "--port",
                str(port),
            ],
            cwd=project,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_serving(base, process, log)
            yield base
        finally:
            _stop(process, log)


def _stop(process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    """SIGTERM, and the graceful shutdown Kubernetes allows by default (30 s): past it, the
    process is killed and the failure shows uvicorn's log, which names the phase it hung in."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        log.seek(0)
        raise AssertionError(
            f"uvicorn did not stop within 30 s of SIGTERM:\n{log.read().decode(errors='replace')}"
        ) from None


def _wait_until_serving(base: str, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(f"{base}/health/db", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    log.seek(0)
    raise AssertionError(f"uvicorn did not serve {base}:\n{log.read().decode(errors='replace')}")
