"""The common mistakes behind a YAML syntax error, told in the spec's words: a key without its
`:`, a line indented to no level of the lines above, a `key: value` line indented under a line
that has its value, and a value holding `: `. The parser notices the first only later (a
missing `:` makes the line the start of a text running on to the next key), so its own message
names the wrong line, and for none says anything a spec's author can act on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    message: str
    hint: str
    line: int  # 1-based
    column: int


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based
    indent: int
    text: str  # without the indentation

    @property
    def opens_block(self) -> bool:
        """`fields:`: what follows, more indented, is its value."""
        return self.text.endswith(":")


def diagnose(text: str, problem_line: int) -> Mistake | None:
    """The mistake that made the parser stop at `problem_line` (1-based), if it is one of the
    common ones."""
    lines = _content(text)
    before = [line for line in lines if line.number <= problem_line]
    raw = text.splitlines()[problem_line - 1] if problem_line <= len(text.splitlines()) else ""
    return (
        _deeper_than_a_value(raw, problem_line, before)
        or _colon_in_value(raw, problem_line)
        or _missing_colon(before, lines)
        or _misindented(before)
    )


def _deeper_than_a_value(raw: str, number: int, before: list[_Line]) -> Mistake | None:
    """A `key: value` line indented under one that has its value already: YAML reads it as
    more of that value's text, and stops at its `:`."""
    if not before or before[-1].number == number or ": " not in raw:
        return None
    owner = before[-1]
    return Mistake(
        f"`{raw.strip()}` is indented deeper than `{owner.text}` on line {owner.number}, which "
        "has its value already",
        f"indent it {_spaces(owner.indent)}, like line {owner.number}; or, if it goes on with "
        "that line's text, quote the text",
        number,
        len(raw) - len(raw.lstrip(" ")) + 1,
    )


def _colon_in_value(raw: str, number: int) -> Mistake | None:
    """`description: a note: more`: YAML reads the second `: ` as a key's."""
    key, colon, value = raw.strip().partition(": ")
    if not colon or ": " not in value or value.startswith(("'", '"', "{", "[", "-")):
        return None
    return Mistake(
        f"the value of `{key}` holds `: `, which YAML reads as the start of another key",
        f'quote the value: `{key}: "{value}"`',
        number,
        len(raw) - len(raw.lstrip(" ")) + len(key) + 3,
    )


def _content(text: str) -> list[_Line]:
    """The lines that hold something besides comments and do not go on with the text before
    them (a block text after `|` or `>`, or a plain one running over several lines)."""
    found: list[_Line] = []
    text_owner: int | None = None  # the indent a line must exceed to go on with a text
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if text_owner is not None and indent > text_owner:
            continue
        found.append(_Line(number, indent, stripped))
        text_owner = indent if _starts_text(stripped) else None
    return found


def _starts_text(text: str) -> bool:
    """A line whose value is a text that more indented lines may go on with: `key: words`,
    `key: |`, `- words`."""
    item = text.removeprefix("- ") if text.startswith("- ") else None
    if item is not None and ":" not in item:
        return not item.startswith(("{", "[", "'", '"'))
    _, colon, value = (item or text).partition(": ")
    value = value.strip()
    return bool(colon) and bool(value) and not value.startswith(("{", "[", "'", '"', "#"))


def _missing_colon(before: list[_Line], lines: list[_Line]) -> Mistake | None:
    """The last line before the error that is a key without `:`, where a key goes: the first
    line under one that opens a block, or a line no deeper than the one before it (a more
    indented one may continue a text)."""
    for at in range(len(before) - 1, 0, -1):
        line, previous = before[at], before[at - 1]
        if not _bare_word(line.text):
            continue
        first_child = previous.opens_block and line.indent > previous.indent
        if not first_child and line.indent > previous.indent:
            continue
        following = next((n for n in lines if n.number > line.number), None)
        parent = following is not None and following.indent > line.indent
        key, _, rest = line.text.partition(" ")
        fixed = f"{line.text}:" if parent or not rest else f"{key}: {rest.strip()}"
        return Mistake(
            f"`{line.text}` has no `:` after its key",
            f"write `{fixed}`",
            line.number,
            line.indent + len(key) + 1,
        )
    return None


def _bare_word(text: str) -> bool:
    """A line that could be a key but has no `:`: no list item, flow collection or quote."""
    return ":" not in text and not text.startswith(("-", "{", "[", "'", '"', "&", "*", "!", "?"))


def _misindented(before: list[_Line]) -> Mistake | None:
    """The line the error is on, when its indentation lines up with no enclosing line."""
    if len(before) < 2:
        return None
    line = before[-1]
    levels: list[_Line] = []  # the line before, then each enclosing one out to the top
    for candidate in reversed(before[:-1]):
        if not levels or candidate.indent < levels[-1].indent:
            levels.append(candidate)
    if any(level.indent == line.indent for level in levels) or line.indent > levels[0].indent:
        return None
    # `levels` go outwards, each less indented than the one before: the two around the line
    deeper = [level for level in levels if level.indent > line.indent]
    around = [deeper[-1], *levels[len(deeper) : len(deeper) + 1]]
    choices = [f"{_spaces(lv.indent)}, like `{lv.text}` on line {lv.number}" for lv in around]
    return Mistake(
        f"`{line.text}` is indented {_spaces(line.indent)}, which lines up with no line above it",
        f"indent it {', or '.join(choices)}",
        line.number,
        line.indent + 1,
    )


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"
