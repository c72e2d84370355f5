"""The three-way merge of a hand-edited generated file with persistgen's new output."""

from __future__ import annotations

from persistgen.merge import END, MIDDLE, START, has_markers, merge

BASE = "import a\n\nclass A:\n    x: int\n    y: int\n"


def test_an_edit_that_does_not_overlap_survives() -> None:
    yours = BASE + "\n    def hello(self) -> str:\n        return 'hi'\n"
    theirs = BASE.replace("    x: int\n", "    x: int\n    z: str\n")

    merged = merge(BASE, yours, theirs)

    assert merged.conflicts == 0
    assert merged.text == theirs + "\n    def hello(self) -> str:\n        return 'hi'\n"


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    theirs = BASE.replace("import a\n", "import a\nimport b\n")

    assert merge(BASE, theirs, theirs) == merge(BASE, theirs, theirs)
    assert merge(BASE, theirs, theirs).text == theirs
    assert merge(BASE, theirs, theirs).conflicts == 0


def test_overlapping_edits_conflict_with_markers() -> None:
    yours = BASE.replace("    x: int\n", "    x: int  # mine\n")
    theirs = BASE.replace("    x: int\n", "    x: int\n    z: str\n")

    merged = merge(BASE, yours, theirs)

    assert merged.conflicts == 1
    assert merged.text == (
        "import a\n\nclass A:\n"
        f"{START}    x: int  # mine\n{MIDDLE}    x: int\n    z: str\n{END}"
        "    y: int\n"
    )
    assert has_markers(merged.text)
    # The two sides differ only at the conflict, so their diff is the conflicting hunk.
    assert merged.yours == yours
    assert merged.theirs == theirs


def test_only_the_overlapping_part_conflicts() -> None:
    yours = BASE.replace("import a\n", "import a  # mine\n") + "# end\n"
    theirs = BASE.replace("import a\n", "import c\n")

    merged = merge(BASE, yours, theirs)

    assert merged.conflicts == 1
    assert merged.text.endswith("    y: int\n# end\n")
    assert merged.yours == yours
    assert merged.theirs == theirs + "# end\n"


def test_without_a_base_every_difference_conflicts() -> None:
    yours = BASE + "# mine\n"
    theirs = BASE.replace("    y: int\n", "    y: str\n")

    merged = merge(None, yours, theirs)

    assert merged.conflicts == 1
    assert merged.text == (
        f"import a\n\nclass A:\n    x: int\n{START}    y: int\n# mine\n{MIDDLE}    y: str\n{END}"
    )


def test_a_conflict_on_a_last_line_without_newline_keeps_markers_on_their_lines() -> None:
    merged = merge("a\nb", "a\nmine", "a\ntheirs")

    assert merged.text == f"a\n{START}mine\n{MIDDLE}theirs\n{END}"


def test_markers_are_found_only_as_whole_lines() -> None:
    assert not has_markers("x = '<<<<<<< yours'\n")
    assert not has_markers(START)
