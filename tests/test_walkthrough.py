"""The README's walkthrough, run line by line as a user would type it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def walkthrough() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- walkthrough -->\n```bash\n(.*?)```", readme, re.DOTALL)
    assert match, "README.md lost its walkthrough block"
    return match.group(1)


def test_readme_walkthrough_runs(tmp_path: Path) -> None:
    script = walkthrough()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'notes.db'}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-x", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    versions = sorted(p.name for p in (tmp_path / "notes" / "migrations" / "versions").glob("*.py"))
    assert [v[:4] for v in versions] == ["0001", "0002", "0003"], versions
    rename = (tmp_path / "notes" / "migrations" / "versions" / versions[2]).read_text()
    assert "new_column_name='title'" in rename.replace('"', "'") and "drop_column" not in rename
    assert "No new upgrade operations detected" in result.stdout + result.stderr
