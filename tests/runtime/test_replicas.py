"""The replica bookkeeping that needs no server: WAL positions, lag, rotation and tokens (the
real replication is tests/generated/test_replicas.py)."""

from __future__ import annotations

import time

import pytest
from fastapi import FastAPI
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from starlette.requests import Request

from persistgen.runtime.api import crud, read_after
from persistgen.runtime.api.read_after import COOKIE, HEADER, install_read_after, token
from persistgen.runtime.db.replicas import REPLICA, Replica, Replicas, RoutingSession, lsn


@pytest.fixture
def replicas() -> Replicas:
    primary = create_async_engine("sqlite+aiosqlite://")
    standbys = [Replica(f"standby{n}", create_async_engine("sqlite+aiosqlite://")) for n in (1, 2)]
    return Replicas(primary, standbys, max_lag=30.0, interval=1.0)


def test_lsn_reads_postgresql_positions() -> None:
    assert lsn("0/0") == 0
    assert lsn("16/B374D848") == (0x16 << 32) + 0xB374D848
    assert lsn("1/0") > lsn("0/FFFFFFFF")


def test_a_caught_up_replica_is_not_behind_however_old_the_primary_s_last_write(
    replicas: Replicas,
) -> None:
    long_ago = time.monotonic() - 3600
    replicas._primary_positions.extend([(long_ago, 100), (time.monotonic(), 100)])
    assert replicas._lag(100) == 0.0


def test_lag_is_the_time_since_the_primary_passed_the_replay_position(replicas: Replicas) -> None:
    now = time.monotonic()
    replicas._primary_positions.extend([(now - 40, 100), (now - 20, 200), (now - 1, 300)])
    assert 19 < replicas._lag(150) < 21
    assert 39 < replicas._lag(50) < 41
    assert 0.9 < replicas._lag(250) < 2


def test_choose_takes_turns_among_replicas_that_replayed_far_enough(replicas: Replicas) -> None:
    first, second = replicas.replicas
    for replica, replayed in ((first, 100), (second, 200)):
        replica.in_rotation, replica.replay_lsn = True, replayed
    assert {replicas.choose() for _ in range(4)} == {first, second}
    assert {replicas.choose(150) for _ in range(4)} == {second}
    assert replicas.choose(201) is None
    second.in_rotation = False
    assert replicas.choose(150) is None


def _request(**headers: str) -> Request:
    raw = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    return Request({"type": "http", "headers": raw})


def test_a_token_is_read_back_from_the_header_or_the_cookie_and_refused_when_altered() -> None:
    signed = token(0x16B374D848)
    assert read_after.read_after(_request(**{HEADER: signed})) == 0x16B374D848
    assert read_after.read_after(_request(cookie=f"{COOKIE}={signed}")) == 0x16B374D848
    body, _, signature = signed.partition(".")
    assert read_after.read_after(_request(**{HEADER: f"{int(body, 16) + 1:x}.{signature}"})) == 0
    assert read_after.read_after(_request(**{HEADER: "garbage"})) == 0
    assert read_after.read_after(_request()) == 0


def test_the_middleware_is_added_only_with_replicas(replicas: Replicas) -> None:
    alone = FastAPI()
    install_read_after(alone, Replicas(replicas.primary))
    assert alone.user_middleware == []

    app = FastAPI()
    install_read_after(app, replicas)
    assert [m.cls for m in app.user_middleware] == [read_after.ReadAfterWrites]


class _ServerError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def test_a_read_a_replica_could_not_serve_runs_again_on_the_primary(replicas: Replicas) -> None:
    first, _ = replicas.replicas
    first.in_rotation = True
    session = AsyncSession(replicas.primary, sync_session_class=RoutingSession)
    conflict = DBAPIError("SELECT 1", {}, _ServerError("40001"))  # a recovery conflict

    session.info[REPLICA] = first
    assert crud._read_again(session, conflict)
    assert REPLICA not in session.info and first.in_rotation  # the replica stays in

    session.info[REPLICA] = first
    assert crud._read_again(session, ConnectionRefusedError())
    assert REPLICA not in session.info and not first.in_rotation  # left out till its next check

    # On the primary, neither runs again: the first is the client's to retry, the second a 503.
    assert not crud._read_again(session, conflict)
    assert not crud._read_again(session, ConnectionRefusedError())
