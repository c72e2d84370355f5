"""OpenTelemetry (the `otel` extra): a request gives a server span, and the statement it runs a
child span of it, without its bound values; scrapes of `/metrics` are not traced;
`OTEL_SDK_DISABLED` turns it off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client import CollectorRegistry
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from persistgen.runtime.api.metrics import install_metrics
from persistgen.runtime.api.tracing import install_tracing
from persistgen.runtime.db.replicas import Replicas

pytestmark = pytest.mark.anyio


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    yield exporter
    SQLAlchemyInstrumentor().uninstrument()  # it patches SQLAlchemy for the whole process


async def test_a_request_and_its_statement_are_traced(
    exporter: InMemorySpanExporter, tmp_path: Path
) -> None:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'traced.db'}")
    app = FastAPI()
    install_metrics(app, Replicas(engine), CollectorRegistry())

    @app.get("/query")
    async def query() -> str:
        async with engine.connect() as connection:
            return str(await connection.scalar(text("SELECT :n"), {"n": "s3cret-42"}))

    assert install_tracing(app, Replicas(engine), tracer_provider=provider)
    try:
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
            assert (await client.get("/query")).json() == "s3cret-42"
            assert (await client.get("/metrics")).status_code == 200
    finally:
        FastAPIInstrumentor.uninstrument_app(app)
        await engine.dispose()

    spans = exporter.get_finished_spans()
    servers = [span for span in spans if span.kind == SpanKind.SERVER]
    assert [span.name for span in servers] == ["GET /query"]  # /metrics left out
    # The pool's `connect` span, and the statement's.
    database = [span for span in spans if span.kind == SpanKind.CLIENT]
    statements = [s for s in database if (s.attributes or {}).get("db.statement") == "SELECT ?"]
    assert len(statements) == 1
    server = servers[0]
    assert server.context is not None
    for span in database:
        assert span.parent is not None and span.parent.span_id == server.context.span_id
        assert span.context is not None and span.context.trace_id == server.context.trace_id
    assert "s3cret-42" not in repr([dict(span.attributes or {}) for span in spans])


def test_otel_sdk_disabled_leaves_the_app_untraced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    engine = create_async_engine("sqlite+aiosqlite://")
    assert not install_tracing(FastAPI(), Replicas(engine))
