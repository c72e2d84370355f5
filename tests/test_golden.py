"""Each example generates exactly the tree committed under tests/golden/<example>/.

After a deliberate change: `python -m tests.refresh_goldens`, then read `git diff tests/golden`.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

from persistgen.spec.model import json_schema
from tests.golden_tree import GOLDEN, generate_example, tree


def test_example_matches_golden(example: Path, tmp_path: Path) -> None:
    expected = tree(GOLDEN / example.stem)
    actual = tree(generate_example(example, tmp_path))
    problems = [f"missing from output: {p}" for p in sorted(expected.keys() - actual.keys())]
    problems += [f"not in golden: {p}" for p in sorted(actual.keys() - expected.keys())]
    for path in sorted(expected.keys() & actual.keys()):
        if expected[path] != actual[path]:
            diff = difflib.unified_diff(
                expected[path].decode().splitlines(keepends=True),
                actual[path].decode().splitlines(keepends=True),
                fromfile=f"golden/{example.stem}/{path}",
                tofile=f"generated/{path}",
            )
            problems.append("".join(diff))
    assert not problems, (
        "generated output differs from the golden tree; if intended, run "
        "`python -m tests.refresh_goldens` and review `git diff tests/golden`:\n"
        + "\n".join(problems)
    )


def test_generation_is_deterministic(example: Path, tmp_path: Path) -> None:
    first = tree(generate_example(example, tmp_path / "one"))
    second = tree(generate_example(example, tmp_path / "two"))
    assert first == second


def test_committed_json_schema_is_current() -> None:
    """docs/persistgen.schema.json (used by the examples' editor comment) matches the models."""
    committed = (GOLDEN.parent.parent / "docs" / "persistgen.schema.json").read_text()
    assert json.loads(committed) == json_schema(), "refresh: persistgen schema > docs/..."
