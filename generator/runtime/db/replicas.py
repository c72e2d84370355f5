"""Read replicas (`DATABASE_REPLICA_URLS`): which one serves a read, and whether it may.

A background task asks each replica, every `replica_check_interval` seconds, how far it has
replayed the primary's WAL (`pg_last_wal_replay_lsn()`), and the primary how far it has written
(`pg_current_wal_lsn()`). A replica is in rotation while it answers and is less than
`replica_max_lag` seconds of replay behind; a read then costs no extra round trip to decide.

The lag is measured in LSNs, not with `pg_last_xact_replay_timestamp()`: on an idle primary that
timestamp grows old while the replica is fully caught up. A replica whose replay position is the
primary's is not behind; one behind is as many seconds behind as it is since the primary passed
its position (the task keeps the primary's recent positions, with when it saw them).

`RoutingSession` is SQLAlchemy's documented hook for this ("Custom Vertical Partitioning",
`Session.get_bind`): a session that holds a replica sends it plain SELECTs, and everything else
(a flush, INSERT, UPDATE, DELETE, a locking SELECT, text SQL) to the primary, as well as every
statement after one has gone there.
"""

import asyncio
import contextvars
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from persistgen.runtime.settings import DatabaseSettings

logger = logging.getLogger(__name__)

# A session's `info` key: the `Replica` it reads from (absent or None: the primary).
REPLICA = "replicas.replica"
_PINNED = "replicas.pinned"  # a statement went to the primary: the rest follow it
_CHECK_TIMEOUT = 2.0  # seconds a replica may take to answer its check before it is left out


def lsn(position: str) -> int:
    """PostgreSQL's `pg_lsn` text (`16/B374D848`) as a number."""
    high, _, low = position.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


@dataclass(eq=False)
class Replica:
    """One replica, its engine (the primary's pool settings), and what its last check found."""

    name: str  # host:port/database, without the password
    engine: AsyncEngine
    replay_lsn: int = -1
    lag: float | None = None  # seconds of replay behind the primary
    in_rotation: bool = False
    error: str | None = None
    reads: int = 0  # sessions handed out on it


@dataclass(eq=False)
class Replicas:
    """The primary's engine and its replicas' (none: every read on the primary, no task)."""

    primary: AsyncEngine
    replicas: Sequence[Replica] = ()
    max_lag: float = 30.0
    interval: float = 1.0
    _turn: int = 0
    _primary_positions: deque[tuple[float, int]] = field(default_factory=deque)

    def __post_init__(self) -> None:
        if self.replicas:
            event.listen(self.primary.sync_engine, "commit", _note_write)

    @classmethod
    def configured(
        cls,
        primary: AsyncEngine,
        settings: DatabaseSettings,
        build: Callable[[DatabaseSettings, str], AsyncEngine],
    ) -> "Replicas":
        """The replicas `settings.replica_urls` lists, each engine built by `build` from the
        same settings as the primary's."""
        urls = [u.strip() for u in settings.replica_urls.get_secret_value().split(",")]
        engines = [build(settings, url) for url in urls if url]
        replicas = [Replica(_name(engine), engine) for engine in engines]
        return cls(primary, replicas, settings.replica_max_lag, settings.replica_check_interval)

    def __bool__(self) -> bool:
        return bool(self.replicas)

    def choose(self, after: int = 0) -> Replica | None:
        """A replica in rotation that has replayed the WAL up to `after` (a client's last
        write), in turn; None when there is none: the read goes to the primary."""
        ready = [r for r in self.replicas if r.in_rotation and r.replay_lsn >= after]
        if not ready:
            return None
        self._turn += 1
        replica = ready[self._turn % len(ready)]
        replica.reads += 1
        return replica

    def leave_out(self, replica: Replica, error: BaseException) -> None:
        """Out of rotation until its next check passes: a read on it failed."""
        replica.in_rotation = False
        replica.error = _describe(error)
        logger.warning("replica %s left out: %s", replica.name, replica.error)

    async def primary_lsn(self) -> int:
        """How far the primary has written its WAL: past every commit made so far."""
        async with self.primary.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            position = await autocommit.scalar(text("SELECT pg_current_wal_lsn()::text"))
        return lsn(str(position))

    async def check(self) -> None:
        """One round of checks: the primary's position, then each replica's."""
        try:
            current = await asyncio.wait_for(self.primary_lsn(), _CHECK_TIMEOUT)
        except Exception as exc:  # the primary down: judge the replicas by what was known
            logger.warning("reading the primary's WAL position failed: %s", _describe(exc))
        else:
            now = time.monotonic()
            self._primary_positions.append((now, current))
            while self._primary_positions[0][0] < now - 2 * self.max_lag - self.interval:
                self._primary_positions.popleft()
        await asyncio.gather(*(self._check(replica) for replica in self.replicas))

    async def _check(self, replica: Replica) -> None:
        try:
            replica.replay_lsn = await asyncio.wait_for(_replay_lsn(replica), _CHECK_TIMEOUT)
        except Exception as exc:
            replica.in_rotation, replica.lag, replica.error = False, None, _describe(exc)
            return
        replica.lag = self._lag(replica.replay_lsn)
        replica.in_rotation = replica.lag <= self.max_lag
        replica.error = None if replica.in_rotation else f"{replica.lag:.1f} s behind"

    def _lag(self, replayed: int) -> float:
        """Seconds since the primary first passed `replayed`, as far as its known positions
        tell (0: the replica has replayed all the primary had written at its last check)."""
        now = time.monotonic()
        for seen, position in self._primary_positions:
            if position > replayed:
                return now - seen
        return 0.0

    async def watch(self) -> None:
        """Check every `interval` seconds, until cancelled."""
        while True:
            try:
                await self.check()
            except Exception:
                logger.exception("checking the replicas failed")
            await asyncio.sleep(self.interval)

    @asynccontextmanager
    async def watched(self) -> AsyncIterator[None]:
        """The checks run in the background while the app serves; the replicas' engines are
        disposed after. The first round is done before the app serves its first read."""
        if not self.replicas:
            yield
            return
        await self.check()
        task = asyncio.create_task(self.watch())
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            for replica in self.replicas:
                await replica.engine.dispose()


class RoutingSession(Session):
    """A session that sends plain SELECTs to its `info[REPLICA]` (if any), the rest to the
    primary (its bind); once a statement went to the primary, all later ones do too, so that
    a session reads what it wrote."""

    def get_bind(self, mapper: Any = None, clause: Any = None, **kw: Any) -> Engine | Connection:
        replica: Replica | None = self.info.get(REPLICA)
        if replica is None or self.info.get(_PINNED):
            return super().get_bind(mapper, clause=clause, **kw)
        if clause is None and not self._flushing:  # asked what the bind is: the primary
            return super().get_bind(mapper, clause=clause, **kw)
        if self._flushing or not _plain_select(clause):
            self.info[_PINNED] = True
            return super().get_bind(mapper, clause=clause, **kw)
        return replica.engine.sync_engine


def read_elsewhere(session: AsyncSession) -> Replica | None:
    """The replica `session` reads from, now taken from it: its next statements go to the
    primary. For a read that failed on the replica; None if it read from the primary."""
    replica: Replica | None = session.info.pop(REPLICA, None)
    return replica


def _plain_select(clause: Any) -> bool:
    return isinstance(clause, Select) and clause._for_update_arg is None


async def _replay_lsn(replica: Replica) -> int:
    async with replica.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        position = await autocommit.scalar(text("SELECT pg_last_wal_replay_lsn()::text"))
    if position is None:
        raise RuntimeError("not a standby: pg_last_wal_replay_lsn() is null")
    return lsn(str(position))


def _name(engine: AsyncEngine) -> str:
    url = engine.url
    return f"{url.host}:{url.port or 5432}/{url.database}"


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}".splitlines()[0][:200]


# Whether the request being served committed on the primary: set by the primary engine's
# `commit` event, read by the middleware that gives the client its read-after token.
WROTE: contextvars.ContextVar[list[bool] | None] = contextvars.ContextVar(
    "replicas.wrote", default=None
)


def _note_write(_connection: Connection) -> None:
    wrote = WROTE.get()
    if wrote is not None:
        wrote[0] = True
