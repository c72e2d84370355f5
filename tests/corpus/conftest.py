"""The corpus takes minutes, so the default suite leaves it out: it runs when a marker
expression names it (`bash tests/run.sh -m corpus`, as .ci/run does)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "corpus" in str(config.getoption("markexpr") or ""):
        return
    left_out = [item for item in items if item.get_closest_marker("corpus")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("corpus")]
