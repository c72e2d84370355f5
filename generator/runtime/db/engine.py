"""Stand-in for a generated project's `db/engine.py`, which is rendered from a template (its
options depend on the spec). It gives the runtime modules the `engine` they import, so that
persistgen's mypy and tests can check them; it is never copied."""

from sqlalchemy.ext.asyncio import create_async_engine

from persistgen.runtime.db.replicas import Replicas
from persistgen.runtime.settings import get_settings

engine = create_async_engine(get_settings().url.get_secret_value())
replicas = Replicas(engine)
