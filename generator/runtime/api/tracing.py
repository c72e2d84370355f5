"""OpenTelemetry traces of requests and of the statements they run, when the project's `otel`
extra is installed (`pip install '.[otel]'`): a server span per request, with a child span per
SQL statement on the primary or a replica.

The spans go to the tracer provider OpenTelemetry is given: `opentelemetry-instrument uvicorn
...` sets one up from the standard `OTEL_*` variables, or `app_setup.configure` may set its own.
`OTEL_SDK_DISABLED=true` (OpenTelemetry's own switch) leaves the app uninstrumented. Without
the extra nothing is imported and nothing is traced.
"""

import os
from typing import Any

from fastapi import FastAPI

from persistgen.runtime.db.replicas import Replicas

# Scrapes and probes would be most of the spans, and tell nothing about the service's work.
UNTRACED = "/metrics,/health"


def install_tracing(app: FastAPI, replicas: Replicas, tracer_provider: Any = None) -> bool:
    """Trace `app`'s requests and the statements of the primary's and replicas' engines;
    False when the instrumentation is not installed or is disabled."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    try:
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
    except ImportError:  # the `otel` extra is not installed
        return False
    engines = [replicas.primary, *(replica.engine for replica in replicas.replicas)]
    # A no-op when `opentelemetry-instrument` has instrumented SQLAlchemy already. Its declared
    # range stops short of SQLAlchemy 2.1, whose engine events it uses are unchanged (the test
    # of this module checks the spans on the installed version): the check is skipped.
    SQLAlchemyInstrumentor().instrument(
        engines=[engine.sync_engine for engine in engines],
        tracer_provider=tracer_provider,
        skip_dep_check=True,
    )
    FastAPIInstrumentor.instrument_app(app, tracer_provider=tracer_provider, excluded_urls=UNTRACED)
    return True
