"""Build an example's project tree exactly as `persistgen new project` would, for goldens."""

from __future__ import annotations

from pathlib import Path

from persistgen import edit, pipeline

GOLDEN = Path(__file__).resolve().parent / "golden"


def generate_example(spec_path: Path, parent: Path) -> Path:
    """Generate the example into `parent/<example stem>` and return that directory."""
    target = parent / spec_path.stem
    pipeline.new_project(target, edit.with_schema_comment(spec_path.read_text(encoding="utf-8")))
    return target


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root`, by POSIX relative path (caches and databases left out)."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".db"
    }
