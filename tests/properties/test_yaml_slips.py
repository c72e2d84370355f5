"""Any text of spec-like lines, however broken, is read or refused with a located problem:
the search for the mistake behind a YAML error never fails itself."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from persistgen.errors import UserError
from persistgen.spec import load

_LINE = st.tuples(
    st.integers(0, 8),
    st.sampled_from(["name", "fields", "- a", "Item", "x y", "'q", "{a: 1", "|", "#c", ""]),
    st.sampled_from(["", ":", ": str", ": a: b", ": |", ": [1, 2", ": 'x"]),
).map(lambda parts: " " * parts[0] + parts[1] + parts[2])


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=12))
def test_a_broken_spec_is_refused_with_a_place(lines: list[str]) -> None:
    text = "\n".join(["version: 1", *lines])
    try:
        load.load_text(text, "spec.yaml")
    except UserError as error:
        (problem,) = error.problems
        assert problem.file == "spec.yaml"
        assert problem.hint
        assert problem.line is None or 1 <= problem.line <= len(lines) + 2
