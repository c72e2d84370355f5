"""The live migration load test takes minutes, so the default suite leaves it out: it runs when
a marker expression names it (`pytest -m live tests/online`; tests/run.sh runs it at a million
rows after the suite, as CI does)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "live" in str(config.getoption("markexpr") or ""):
        return
    left_out = [item for item in items if item.get_closest_marker("live")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("live")]
