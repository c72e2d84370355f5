"""Literals from the spec reach generated code as inert data, with the same value at run time."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
from pathlib import Path

from persistgen import pipeline
from tests.generated.project import run

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


# Many values, each as long as a member the test factories name after a long class still fits.
TIERS = (
    "bronze",
    "silver",
    "golden",
    "emerald",
    "diamond",
    "ruby",
    "onyx",
    "pearl",
    "opal",
    "jade",
)
LONG = {
    "latin": (
        "A description of ordinary length, forty words or so: the assessment that decides which "
        "tier of the loyalty programme a customer qualifies for, made once a quarter from the "
        'orders, returns and complaints, with "quotes", a back\\slash, {{ x }} and """ too.'
    ),
    "cjk": "顧客ロイヤルティプログラムの会員ランク判定に関する担当者のメモです。" * 4,
    "arabic": "ملاحظات الموظف حول تقييم مستوى العضوية في برنامج الولاء للعملاء، بما في ذلك " * 3,
    "marks": "Z\u0351a\u0353l\u0354g\u0355o e\u0301 👩\u200d👩\u200d👧 🏳️\u200d🌈 😀 a\tb\nc " * 10,
    "url": "See https://example.com/" + "a/very/long/path/" * 12 + " for the policy.",
}


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar holding `text` (JSON's escapes, characters as they are)."""
    return json.dumps(text, ensure_ascii=False)


LONG_SPEC = f"""
version: 1
project: {{name: lit, package: lit, description: {_yaml(LONG["latin"])}}}
resources:
  LoyaltyProgrammeMembershipTierQualification:
    description: {_yaml(LONG["latin"] + " " + LONG["cjk"])}
    fields:
{
    "".join(
        f'''      {name}:
        type: str
        max_length: 2000
        description: {_yaml(text)}
        default: {_yaml(text)}
'''
        for name, text in LONG.items()
    )
}
      tier:
        type: enum
        native: true
        values: [{", ".join(f"{word}_tier_for_frequent_buyers" for word in TIERS)}]
"""
LONG_PROBE = """
import json
from lit.models.loyalty_programme_membership_tier_qualification import (
    LoyaltyProgrammeMembershipTierQualification as Model,
)
from lit.schemas.loyalty_programme_membership_tier_qualification import (
    LoyaltyProgrammeMembershipTierQualificationCreate as Create,
)
print(json.dumps({
    "doc": Model.__doc__,
    "fields": {
        name: [field.description, field.default, Model.__table__.c[name].comment]
        for name, field in Create.model_fields.items() if name != "tier"
    },
}))
"""


def test_long_text_fits_the_line_length_and_keeps_its_value(tmp_path: Path) -> None:
    (tmp_path / "persistgen.yaml").write_text(LONG_SPEC, encoding="utf-8")
    pipeline.generate(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", LONG_PROBE], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["fields"] == {name: [text, text, text] for name, text in LONG.items()}
    # A docstring wraps between words (and between CJK characters): the same text otherwise.
    assert "".join(values["doc"].split()) == "".join((LONG["latin"] + LONG["cjk"]).split())
    run(tmp_path, "ruff", "check", "--no-cache", ".")
    run(tmp_path, "ruff", "format", "--no-cache", "--check", ".")
