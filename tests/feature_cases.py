"""Per-feature golden cases: `tests/cases/features/<case>/` holds a small spec that shows one
feature (`persistgen.yaml`; for a migration, also the spec before the change, `before.yaml`)
and `expected/`, the generated files that feature shapes, byte for byte.

To add a case, add a folder with its spec and an empty file in `expected/` at each path to pin,
then run `python -m tests.refresh_goldens` and read the diff.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from persistgen import pipeline
from persistgen.migrate.schema import SchemaState, state_from_json
from persistgen.migrate.state import SNAPSHOTS
from persistgen.spec.validate import read_spec

FEATURES = Path(__file__).resolve().parent / "cases" / "features"
CASES = sorted(p for p in FEATURES.iterdir() if p.is_dir())
# A revision file's id, left out of the paths cases pin (it is in the file, and changes with it).
_REVISION_ID = re.compile(r"^(migrations/versions/\d{4}_)[0-9a-f]{12}_")


def render_case(case: Path) -> dict[str, str]:
    """Every file the case's spec generates; after `before.yaml`'s schema when there is one."""
    state = SchemaState()
    if (case / "before.yaml").exists():
        before = pipeline.render_spec(read_spec(case / "before.yaml"))
        (snapshot,) = (f for f in before.files if f.path.startswith(f"{SNAPSHOTS}/"))
        state = state_from_json(json.loads(snapshot.content))
    # A type change that rewrites a table shows the revision `--allow-rewrite` accepts (the
    # refusal without it is tests/cli/test_migrations.py's).
    options = pipeline.MigrationOptions(allow_rewrite=True)
    rendering = pipeline.render_spec(read_spec(case / "persistgen.yaml"), state, options)
    return {_REVISION_ID.sub(r"\1", file.path): file.content for file in rendering.files}


def pinned(case: Path) -> list[str]:
    expected = case / "expected"
    return sorted(p.relative_to(expected).as_posix() for p in expected.rglob("*") if p.is_file())
