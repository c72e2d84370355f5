"""The fast reader (libyaml) gives exactly what ruamel's round-trip reader gives, data and
positions, or leaves the spec to ruamel."""

from __future__ import annotations

import pytest

from persistgen.errors import UserError
from persistgen.spec import libyaml, load
from tests.conftest import ROOT

SPECS = sorted(
    p
    for folder in ("examples", "tests/cases", "tests/golden")
    for p in (ROOT / folder).rglob("*.yaml")
)
TRICKY = [
    "a: |\n  line1\n   more\n\n  last\nb: 1\n",
    "a: >\n  folded\n  text\n\n   kept\n  end\nb: 2\n",
    "a: |-\n  x\n\nb: >+\n  y\n\n\nc: 3\n",
    "a:\n- \n- x\n-\n  - y\n",
    "seq:\n- a\n- b: 1\n  c: 2\n-   - n\n",
    "'quoted key': \"v\"\n\"k2\": 'it''s'\n",
    "a: multi\n  line\n  plain\nb: c\n",
    "a: 1\r\nb:\r\n  c: [x, y]\r\n",
    "{a: 1, b: {c: d}}\n",
    "a: {x: , y: }\n",
    "# comment\na: 1 # c\nb:\n  # c3\n  c: 2\n",
    "a: -1\nb: +2\nc: 0\nd: -0\ne: 1.50\nf: -0.5\n",
    "a: yes\nb: no\nc: on\nd: True\ne: NULL\nf: ~\ng:\n",
    "a: 'x: y'\nb: x:y\nc: \"#not\"\nd: a#b\n",
    "a: \"multi\n  line quoted\"\nb: 'single\n\n  blank'\n",
    "? a\n: 1\n",
    "a: [\n  1,\n  2\n]\nb: {\n  c: 1\n}\n",
    "émoji: 日本語\n",
    "fields: {title: str:200, count: int?, previous: ref:R1?}\n",
]
# Read otherwise by YAML 1.1 and 1.2, refused by the spec reader, or kept for its messages.
LEFT_TO_RUAMEL = [
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "a: {<<: {b: 1}}\n",
    "a: 1\na: 2\n",
    "1: a\n",
    "a: 2020-01-01\n",
    "a: 0o17\nb: 1_000\n",
    'a: "\\u00e9"\n',
    "a:\tb\n",
    "%YAML 1.2\n---\na: 1\n",
    "a: 1\n---\nb: 2\n",
    "- a\n",
    "a: [unclosed\n",
]


def _ruamel(text: str) -> load.Document:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(libyaml, "read", lambda text, max_nodes: None)
        return load.load_text(text)


@pytest.mark.parametrize("text", [p.read_text(encoding="utf-8") for p in SPECS] + TRICKY)
def test_what_libyaml_reads_ruamel_reads_alike(text: str) -> None:
    text = text.removeprefix("\ufeff")
    fast = libyaml.read(text, load.MAX_SPEC_NODES)
    try:
        expected = _ruamel(text)
    except UserError:
        assert fast is None
        return
    if fast is not None:
        assert fast == (expected.data, expected.positions, expected.key_positions)


def test_the_examples_and_every_tricky_text_take_the_fast_path() -> None:
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "examples").glob("*.yaml")]
    assert all(libyaml.read(t, load.MAX_SPEC_NODES) is not None for t in texts + TRICKY)


@pytest.mark.parametrize("text", LEFT_TO_RUAMEL)
def test_the_rest_is_left_to_ruamel(text: str) -> None:
    assert libyaml.read(text, load.MAX_SPEC_NODES) is None


def test_too_many_values_are_left_to_ruamel_which_refuses_them() -> None:
    assert libyaml.read("a: [1, 2, 3]\n", 4) is None
    assert libyaml.read("a: [1, 2, 3]\n", 5) is not None
