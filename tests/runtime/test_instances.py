"""When several processes would each invent their own `CURSOR_SECRET`, startup is refused (the
served processes: tests/generated/test_instances.py)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import create_async_engine

from persistgen.runtime.api import instances
from persistgen.runtime.api.instances import STARTUP_FAILURE, shared_secret_reasons
from persistgen.runtime.db.replicas import Replica, Replicas
from persistgen.runtime.settings import CursorSettings

UVICORN = ["/venv/bin/uvicorn", "blog.main:app"]


@pytest.fixture
def none() -> Replicas:
    return Replicas(create_async_engine("sqlite+aiosqlite://"))


@pytest.fixture
def two() -> Replicas:
    standbys = [Replica(f"standby{n}", create_async_engine("sqlite+aiosqlite://")) for n in (1, 2)]
    return Replicas(create_async_engine("sqlite+aiosqlite://"), standbys, max_lag=30, interval=1)


def test_one_process_needs_no_shared_secret(none: Replicas) -> None:
    assert shared_secret_reasons(None, [*UVICORN, "--reload"], none) == []
    assert shared_secret_reasons("1", [*UVICORN, "--workers", "1"], none) == []
    assert shared_secret_reasons("many", UVICORN, none) == []  # not a number: not a signal


@pytest.mark.parametrize(
    ("web_concurrency", "argv", "reason"),
    [
        ("3", UVICORN, "WEB_CONCURRENCY=3"),
        (None, [*UVICORN, "--workers", "4"], "--workers 4"),
        (None, [*UVICORN, "--workers=2"], "--workers 2"),
        (None, ["/venv/bin/gunicorn", "-w", "4", "blog.main:app"], "--workers 4"),
        (None, ["/venv/bin/gunicorn", "-w2", "blog.main:app"], "--workers 2"),
    ],
)
def test_several_workers_need_a_shared_secret(
    none: Replicas, web_concurrency: str | None, argv: list[str], reason: str
) -> None:
    [found] = shared_secret_reasons(web_concurrency, argv, none)
    assert found.startswith(reason)


def test_uvicorn_has_no_short_workers_option(none: Replicas) -> None:
    assert shared_secret_reasons(None, [*UVICORN, "-w", "4"], none) == []


def test_replicas_need_a_shared_secret_even_in_one_process(two: Replicas) -> None:
    [found] = shared_secret_reasons(None, UVICORN, two)
    assert "DATABASE_REPLICA_URLS" in found


def test_startup_is_refused_with_the_setting_and_how_to_make_one(
    two: Replicas, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(instances, "get_cursor_settings", lambda: CursorSettings())
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    with pytest.raises(SystemExit) as stopped:
        instances.require_shared_secret(two)
    assert stopped.value.code == STARTUP_FAILURE
    message = capsys.readouterr().err
    assert message.startswith("Startup refused: CURSOR_SECRET is not set")
    assert "WEB_CONCURRENCY=2" in message and "DATABASE_REPLICA_URLS" in message
    assert "secrets.token_urlsafe(32)" in message
    assert len(message.splitlines()) < 15


def test_a_shared_secret_lets_any_number_of_processes_start(
    two: Replicas, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = CursorSettings(secret=SecretStr("shared by every process"))
    monkeypatch.setattr(instances, "get_cursor_settings", lambda: shared)
    monkeypatch.setenv("WEB_CONCURRENCY", "8")
    instances.require_shared_secret(two)
