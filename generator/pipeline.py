"""The whole pipeline: read spec -> validate -> plan -> render -> format -> compare with disk."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from persistgen import plan
from persistgen.format import format_files
from persistgen.render import RenderedFile, render_project
from persistgen.spec.model import Spec, json_schema
from persistgen.spec.validate import read_spec
from persistgen.write import (
    DIR_MODE,
    Change,
    apply,
    manifest_after,
    plan_changes,
    read_manifest,
)

SPEC_FILE = "persistgen.yaml"


def render_spec(spec: Spec) -> list[RenderedFile]:
    """Spec in, every project file out (formatted), without touching the disk."""
    return format_files(render_project(plan.build(spec), json_schema()))


def generate(project_dir: Path, *, force: bool = False, dry_run: bool = False) -> list[Change]:
    """Regenerate a project from its `persistgen.yaml`; writes nothing when `dry_run`."""
    spec = read_spec(project_dir / SPEC_FILE)
    rendered = render_spec(spec)
    changes = plan_changes(project_dir, rendered, force=force)
    # A missing or stale manifest is rewritten even when every file is already up to date.
    if not dry_run and (
        any(change.writes for change in changes)
        or read_manifest(project_dir) != manifest_after(project_dir, changes, rendered)
    ):
        apply(project_dir, changes, rendered)
    return changes


def new_project(target: Path, spec_text: str) -> list[Change]:
    """Build a project in a sibling temporary directory, then move it into place at once."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        staging.chmod(DIR_MODE)
        (staging / SPEC_FILE).write_text(spec_text, encoding="utf-8")
        changes = generate(staging)
        if target.exists():
            target.rmdir()  # only an empty directory may be replaced
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return changes
