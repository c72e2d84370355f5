"""Text from the spec shaped into Python source that fits the generated project's line length.

Descriptions, messages and names may be of any length and script. Where they land in code they
become a docstring, wrapped at spaces, or a string literal, split into implicitly concatenated
parts: the value is the same, and every line stays within `LINE_LENGTH` where ruff format lays
it out (the caller says at which indent). Widths are counted as ruff counts them: East Asian
wide characters take two columns. Anything unprintable is escaped, so the source holds no
control or bidirectional characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

LINE_LENGTH = 100  # the generated project's ruff setting (templates/project/pyproject.toml)
_MARKDOWN = re.compile(r"[\\`*_\[\]<>#|~&!]")  # inline markup, HTML, entities, headings
_BLOCK_START = re.compile(r"^([-+=]|\d+(?=[.)]))")  # a list item, or a setext underline
_WORDS = re.compile(r"[^ ]+ *| +")  # a word with the spaces after it: where a part may end


def display_width(text: str) -> int:
    """Columns `text` takes in an editor and for ruff: wide and full-width characters take two."""
    if text.isascii():  # nearly always: one column each, without a look-up per character
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def string_literal(text: str, indent: int, prefix: str = "", *, sole: bool = False) -> str:
    """`text` as a Python expression, laid out where the line starts at `indent` with `prefix`
    (e.g. `comment=`) before it and a `,` or `)` after it: one literal when that fits, else
    literals that together make `text`, one a line: in parentheses at `indent + 4`, or, as a
    call's `sole` argument, in the call's own parentheses at `indent`."""
    single = repr(text)  # as persistgen always spelled it: recorded schema states hold it
    if indent + display_width(prefix + single) + 1 <= LINE_LENGTH:
        return single
    room = LINE_LENGTH - indent - (0 if sole else 4) - 3  # the quotes, a `,` after the last
    parts = " ".join(f'"{part}"' for part in _fill(_pieces(text, room), room))
    return parts if sole else f"({parts})"


def value_literal(text: str) -> str:
    """`text` as a literal spelled once and used at several depths (a default in a model, its
    DTOs, its revisions): laid out for the deepest, a keyword argument under a dialect test."""
    return string_literal(text, 20, "server_default=")


def docstring(text: str, indent: int = 0) -> str:
    """A docstring saying `text`, for a body at `indent`: one line when it fits, else wrapped
    at spaces with the closing quotes on their own line. The user's line breaks stay; a word
    wider than a line keeps a line of its own (ruff lets a line of one word run long, and a
    URL stays whole) unless it holds wide characters, as CJK text without spaces does."""
    lines = text.split("\n")
    if len(lines) == 1 and indent + display_width(_escape(text)) + 6 <= LINE_LENGTH:
        return f'"""{_escape(text)}"""'
    width = LINE_LENGTH - indent
    wrapped = _wrap_lines(lines, width - 3, width)
    if len(wrapped) == 1:  # ruff format would join the closing quotes back: leave them room
        wrapped = _wrap_lines(lines, width - 6, width)
    margin = " " * indent
    rest = [f"{margin}{line}" if line else "" for line in wrapped[1:]]
    return "\n".join([f'"""{wrapped[0]}', *rest, f'{margin}"""'])


def markdown_paragraph(text: str) -> str:
    """`text` as one Markdown paragraph that renders as written: its line breaks become spaces
    (a line of its own could start a heading, list or fence) and the characters that mark up
    inline text or open a block are escaped."""
    flat = " ".join(text.split())
    escaped = _MARKDOWN.sub(r"\\\g<0>", flat)
    return _BLOCK_START.sub(lambda m: f"{m[0]}\\" if m[0][0].isdigit() else f"\\{m[0]}", escaped)


def _wrap_lines(lines: list[str], first: int, rest: int) -> list[str]:
    """A docstring's lines wrapped: the first in `first` columns, the others in `rest`."""
    wrapped: list[str] = []
    for line in lines:
        wrapped += _wrap_line(line, first if not wrapped else rest, rest)
    return wrapped


def _wrap_line(line: str, first: int, rest: int) -> list[str]:
    """One line of a docstring, escaped, in lines of at most `first`, then `rest`, columns; a
    bullet's (`- `, `* `) continuation lines are indented under its text."""
    lead = re.match(r" *(?:[-*] )?", line)
    hang = " " * (lead.end() if lead else 0)
    if display_width(_escape(line)) <= first:
        return [_escape(line).rstrip()]
    lines: list[str] = []
    current = ""
    for piece in _pieces(line, min(first, rest - len(hang)), cut=_is_wide):
        room = first if not lines else rest
        if current.strip() and display_width(current + piece.rstrip()) > room:
            lines.append(current.rstrip())
            current = hang
        current += piece
    lines.append(current.rstrip())
    return lines


def _pieces(text: str, room: int, cut: Callable[[str], bool] = bool) -> list[str]:
    """Escaped words of `text` (with their trailing spaces); a word wider than `room` is cut
    between characters, never inside an escape, if `cut` says so of it (by default, any)."""
    pieces: list[str] = []
    for word in _WORDS.findall(text):
        escaped = _escape(word)
        if display_width(escaped) <= room or not cut(word):
            pieces.append(escaped)
        else:
            pieces += _cut(word, room)
    return pieces


def _is_wide(word: str) -> bool:
    """Whether `word` holds wide characters: CJK text, which may break between characters."""
    return any(unicodedata.east_asian_width(c) in "WF" for c in word)


def _cut(word: str, room: int) -> list[str]:
    """`word` in pieces of at most `room` columns once escaped; combining marks stay with the
    character they modify."""
    pieces = [""]
    for cluster in re.findall(r".[\u0300-\u036f\u200c\u200d\ufe0e\ufe0f]*", word, re.DOTALL):
        shown = _escape(cluster)
        if pieces[-1] and display_width(pieces[-1] + shown) > room:
            pieces.append("")
        pieces[-1] += shown
    return pieces


def _fill(pieces: list[str], room: int) -> list[str]:
    """Pieces joined greedily into parts of at most `room` columns."""
    parts = [""]
    for piece in pieces:
        if parts[-1] and display_width(parts[-1] + piece) > room:
            parts.append("")
        parts[-1] += piece
    return parts


def _escape(text: str) -> str:
    """`text` as the body of a double-quoted string or docstring: backslashes, quotes (so no
    run of them closes a docstring) and anything unprintable escaped as `repr` would."""
    out = []
    for c in text:
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif c.isprintable():
            out.append(c)
        else:
            out.append(repr(c)[1:-1])
    return "".join(out)
