"""`/metrics`: the pools, the read replicas and the problems answered, in Prometheus' text format.

Nothing is counted per request for this: the figures are read when Prometheus scrapes, from the
pools themselves (`db/pool.py`), the replicas' last checks (`db/replicas.py`) and the tally the
error handlers keep (`api/errors.py`). They are this process's: with several workers, each
serves its own (see the README's "Operating it").
"""

from collections.abc import Iterable, Iterator

from fastapi import FastAPI, Response
from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine

from persistgen.runtime.api.errors import ANSWERED
from persistgen.runtime.db.pool import MeteredPool, pool_status
from persistgen.runtime.db.replicas import Replicas

PRIMARY = "primary"  # the `engine` label of the primary's pool; a replica's is its name
# The collector each registry holds: an app built again in the same process (tests) replaces it.
_INSTALLED: dict[int, Collector] = {}


class DatabaseCollector(Collector):
    """The figures of the primary's and each replica's pool, and of the replicas' checks."""

    def __init__(self, replicas: Replicas) -> None:
        self.replicas = replicas

    def engines(self) -> Iterable[tuple[str, AsyncEngine]]:
        yield PRIMARY, self.replicas.primary
        for replica in self.replicas.replicas:
            yield replica.name, replica.engine

    def collect(self) -> Iterator[Metric]:
        yield from self._pools()
        yield from self._checkouts()
        if self.replicas:
            yield from self._replicas()
        yield _problems()

    def _pools(self) -> Iterator[Metric]:
        labels = ["engine"]
        size = GaugeMetricFamily("db_pool_size", "Connections the pool keeps open.", labels=labels)
        out = GaugeMetricFamily(
            "db_pool_checked_out", "Connections lent to requests now.", labels=labels
        )
        overflow = GaugeMetricFamily(
            "db_pool_overflow", "Connections open beyond the pool's size now.", labels=labels
        )
        limit = GaugeMetricFamily(
            "db_pool_max_overflow",
            "Connections the pool may open beyond its size (-1: no limit).",
            labels=labels,
        )
        for name, engine in self.engines():
            status = pool_status(engine)
            for family, value in (
                (size, status.size),
                (out, status.checked_out),
                (overflow, status.overflow),
                (limit, status.max_overflow),
            ):
                if value is not None:  # SQLite's in-memory pool keeps no figures
                    family.add_metric([name], value)
        yield from (size, out, overflow, limit)

    def _checkouts(self) -> Iterator[Metric]:
        labels = ["engine"]
        waits = CounterMetricFamily(
            "db_pool_checkout_waits",
            "Checkouts that found every connection lent and waited for one.",
            labels=labels,
        )
        seconds = CounterMetricFamily(
            "db_pool_checkout_wait_seconds", "Time checkouts spent waiting.", labels=labels
        )
        timeouts = CounterMetricFamily(
            "db_pool_checkout_timeouts",
            "Checkouts that waited `pool_timeout` in vain (answered 503).",
            labels=labels,
        )
        for name, engine in self.engines():
            pool = engine.pool
            if isinstance(pool, MeteredPool):
                waits.add_metric([name], pool.tally.waits)
                seconds.add_metric([name], pool.tally.wait_seconds)
                timeouts.add_metric([name], pool.tally.timeouts)
        yield from (waits, seconds, timeouts)

    def _replicas(self) -> Iterator[Metric]:
        labels = ["replica"]
        lag = GaugeMetricFamily(
            "db_replica_lag_seconds",
            "Seconds of replay behind the primary at the last check (absent: unreachable).",
            labels=labels,
        )
        rotation = GaugeMetricFamily(
            "db_replica_in_rotation", "1 while the replica serves reads, else 0.", labels=labels
        )
        reads = CounterMetricFamily(
            "db_replica_reads", "Sessions that read from the replica.", labels=labels
        )
        for replica in self.replicas.replicas:
            if replica.lag is not None:
                lag.add_metric([replica.name], replica.lag)
            rotation.add_metric([replica.name], float(replica.in_rotation))
            reads.add_metric([replica.name], replica.reads)
        yield from (lag, rotation, reads)


def _problems() -> Metric:
    problems = CounterMetricFamily(
        "http_problems",
        "Error answers by status and kind (the problem's type, /problems/<kind>).",
        labels=["status", "kind"],
    )
    for (status, kind), count in sorted(ANSWERED.items()):
        problems.add_metric([str(status), kind], count)
    return problems


def install_metrics(
    app: FastAPI, replicas: Replicas, registry: CollectorRegistry = REGISTRY
) -> None:
    """Serve `registry` at `/metrics` (not in the OpenAPI document), the database's figures
    added to it. The default registry also holds the process's own figures and any metric the
    project defines with `prometheus_client`."""
    earlier = _INSTALLED.pop(id(registry), None)
    if earlier is not None:
        registry.unregister(earlier)
    collector = _INSTALLED[id(registry)] = DatabaseCollector(replicas)
    registry.register(collector)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
