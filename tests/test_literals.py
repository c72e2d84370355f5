"""Literals from the spec reach generated code as inert data, with the same value at run time."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
from pathlib import Path

from persistgen import pipeline

NASTY = 'He said "hi" \\ then """left""" {{ x }} {% if %} \' #'
SPEC = f"""
version: 1
project: {{name: lit, package: lit}}
resources:
  Thing:
    description: {json.dumps(NASTY)}
    fields:
      label:
        type: str
        max_length: 200
        default: {json.dumps(NASTY)}
        description: {json.dumps(NASTY + chr(10) + "second line")}
      rating: {{type: enum, values: ["PG-13", "it's", "a\\\\b", "{{{{x}}}}"], default: "it's"}}
      note: {{type: str, max_length: 200, server_default: {json.dumps(NASTY)}}}
"""

PROBE = """
import json
from lit.enums import ThingRating
from lit.models.thing import Thing
from lit.schemas.thing import ThingCreate
label = ThingCreate.model_fields["label"]
print(json.dumps({
    "default": label.default,
    "description": label.description,
    "doc": Thing.__doc__,
    "enum": [m.value for m in ThingRating],
    "rating_default": ThingCreate.model_fields["rating"].default.value,
    "server_default": Thing.__table__.c.note.server_default.arg,
}))
"""


def test_literals_are_inert_and_exact(tmp_path: Path) -> None:
    (tmp_path / "persistgen.yaml").write_text(SPEC, encoding="utf-8")
    outcome = pipeline.generate(tmp_path)
    assert all(c.status == "created" for c in outcome.changes)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "default": NASTY,
        "description": NASTY + "\nsecond line",
        "doc": NASTY,
        "enum": ["PG-13", "it's", "a\\b", "{{x}}"],
        "rating_default": "it's",
        "server_default": NASTY,
    }
    # Nothing from the spec became a statement: imports, then one class of plain assignments.
    model = ast.parse((tmp_path / "lit" / "models" / "thing.py").read_text(encoding="utf-8"))
    *head, cls = model.body
    assert all(isinstance(node, ast.Import | ast.ImportFrom | ast.Expr) for node in head)
    assert isinstance(cls, ast.ClassDef)
    assert all(isinstance(node, ast.Expr | ast.Assign | ast.AnnAssign) for node in cls.body)


def test_project_text_reaches_pyproject_exactly(tmp_path: Path) -> None:
    # TOML escapes DEL and the other control characters; JSON, which it mostly resembles, not DEL.
    description = 'tabs\tquotes " \\ controls \x01\x7f and 😀'
    quoted = json.dumps(description, ensure_ascii=False).replace("\x7f", "\\x7f")
    spec = f"version: 1\nproject: {{name: lit, description: {quoted}}}\n"
    (tmp_path / "persistgen.yaml").write_text(spec, encoding="utf-8")
    pipeline.generate(tmp_path)
    pyproject = tomllib.loads((tmp_path / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["description"] == description
