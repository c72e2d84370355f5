"""Each per-feature case generates exactly its pinned files (see tests/feature_cases.py)."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from tests.feature_cases import CASES, pinned, render_case


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_feature_case(case: Path) -> None:
    rendered = render_case(case)
    paths = pinned(case)
    assert paths, f"{case.name} pins no file: add some under expected/"
    for path in paths:
        assert path in rendered, f"{case.name} does not generate {path}"
        expected = (case / "expected" / path).read_text(encoding="utf-8")
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            rendered[path].splitlines(keepends=True),
            f"expected/{path}",
            "generated",
        )
        assert rendered[path] == expected, f"{case.name}: {path}\n{''.join(diff)}"
