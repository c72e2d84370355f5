"""Regenerate tests/golden/<example>/ from examples/*.yaml, and the files each per-feature case
in tests/cases/features/ pins.

Run deliberately, then read `git diff tests/golden` before committing:
    python -m tests.refresh_goldens
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from tests.conftest import EXAMPLES
from tests.feature_cases import CASES, pinned, render_case
from tests.golden_tree import GOLDEN, generate_example


def main() -> None:
    for spec in EXAMPLES:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = generate_example(spec, Path(tmp))
            target = GOLDEN / spec.stem
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(fresh, target)
        print(f"refreshed {target.relative_to(GOLDEN.parent.parent)}")
    for case in CASES:
        rendered = render_case(case)
        for path in pinned(case):
            (case / "expected" / path).write_text(rendered[path], encoding="utf-8")
        print(f"refreshed {case.relative_to(GOLDEN.parent.parent)}")


if __name__ == "__main__":
    main()
