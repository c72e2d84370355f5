"""Print the lock timeouts a generated project configures, as JSON: `[[where, seconds], ...]`.

Run in the project's directory: `python benchmarks/lock_timeout_probe.py <package>`. It looks at
every settings class of `<package>.settings` and at `<package>.db.online`, the module revisions
run their PostgreSQL steps with, for anything named like `lock_timeout`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import re
import sys
from typing import Any

from pydantic_settings import BaseSettings

# PostgreSQL's own unit for lock_timeout is the millisecond.
_UNITS = {"ms": 0.001, "s": 1.0, "min": 60.0, "": 0.001}


def seconds(name: str, value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, int | float):
        return value / 1000 if name.lower().endswith("_ms") else float(value)
    found = re.fullmatch(r"\s*([0-9.]+)\s*(ms|s|min)?\s*", str(value))
    return float(found.group(1)) * _UNITS[found.group(2) or ""] if found else None


def lock_timeouts(package: str) -> list[tuple[str, float | None]]:
    found: list[tuple[str, float | None]] = []
    for module_name in (f"{package}.settings", f"{package}.db.online"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name, value in vars(module).items():
            where = f"{module_name}.{name}"
            if isinstance(value, type) and issubclass(value, BaseSettings):
                settings = [s for s in value.model_fields if "lock_timeout" in s.lower()]
                found += [(f"{where}.{s}", seconds(s, getattr(value(), s))) for s in settings]
            elif "lock_timeout" in name.lower() and not callable(value):
                found.append((where, seconds(name, value)))
    return found


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    print(json.dumps([item for item in lock_timeouts(sys.argv[1]) if item[1]]))
