"""The test modules every generated project shares, run here where they need no project:
the retry tests on the stand-in engine's SQLite, the settings test as it is. (The PostgreSQL
deadlock test and the /health tests need a project's server and app: they run there.)"""

from __future__ import annotations

import pytest

from persistgen.runtime.tests.test_health import test_settings_never_show_the_password
from persistgen.runtime.tests.test_retry import (
    test_conflicts_are_retried,
    test_other_errors_are_not_retried,
    test_retries_stop_after_the_last_attempt,
)

pytestmark = pytest.mark.anyio

__all__ = [
    "test_conflicts_are_retried",
    "test_other_errors_are_not_retried",
    "test_retries_stop_after_the_last_attempt",
    "test_settings_never_show_the_password",
]
