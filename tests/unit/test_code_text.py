"""Spec text shaped as code: the same value back, every line within the line length once ruff
has formatted it where it lands (and no other lint finding), and ruff format leaves it as it is."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest
from ruff.__main__ import find_ruff_bin

from persistgen.code_text import (
    LINE_LENGTH,
    display_width,
    docstring,
    markdown_paragraph,
    string_literal,
)

SENTENCE = (
    "The assessment that decides which tier of the loyalty programme a customer qualifies for, "
    "made once a quarter from the orders of the previous twelve months, the returns and the "
    "complaints, with any manual adjustment the staff recorded with a reason and a date."
)
TEXTS = [
    SENTENCE,
    "顧客ロイヤルティプログラムの会員ランク判定に関する担当者のメモです。" * 4,
    "ملاحظات الموظف حول تقييم مستوى العضوية في برنامج الولاء للعملاء، بما في ذلك الطلبات " * 3,
    "Z\u0351\u0352a\u0353l\u0354g\u0355o e\u0301 👩\u200d👩\u200d👧 🏳️\u200d🌈 😀 " * 12,
    "See https://example.com/" + "a/very/long/path/" * 12 + " for the policy.",
    "quotes \" ' \"\"\" ''' a back\\slash\\ {{ x }} {% if %} \t tab \r\n" * 6 + '"',
    "x" * 500,
    '日本"語\\と「引用」' * 30,  # CJK cut between characters, never inside an escape
    "\x01\x7f\u202e\u200b\u3000" * 40,
    "short",
    "",
]


def _formatted(source: str, tmp_path: Path) -> str:
    """`source` after ruff format at the project's line length; it must be stable."""
    (tmp_path / "pyproject.toml").write_text(f"[tool.ruff]\nline-length = {LINE_LENGTH}\n")
    module = tmp_path / "module.py"
    module.write_text(source, encoding="utf-8")
    ruff = find_ruff_bin()
    subprocess.run([ruff, "format", "--no-cache", "--quiet", str(module)], cwd=tmp_path, check=True)
    formatted = module.read_text(encoding="utf-8")
    check = [ruff, "format", "--no-cache", "--check", str(module)]
    assert subprocess.run(check, cwd=tmp_path, capture_output=True).returncode == 0
    lint = [ruff, "check", "--no-cache", "--select", "E,UP,B,SIM", "--output-format", "concise"]
    result = subprocess.run([*lint, str(module)], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + formatted
    return formatted


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_literals_keep_their_value_and_fit_where_they_land(text: str, tmp_path: Path) -> None:
    source = (
        "class Model:\n"
        f"    a = mapped_column(String(400), comment={string_literal(text, 8, 'comment=')})\n"
        f"    b = Field(default=None, description={string_literal(text, 8, 'description=')})\n"
        "\n\ndef upgrade() -> None:\n"
        '    if op.get_bind().dialect.name == "postgresql":\n'
        f"        op.execute({string_literal(text, 12, sole=True)})\n"
    )
    tree = ast.parse(_formatted(source, tmp_path))
    values = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)]
    assert values.count(text) == 3


@pytest.mark.parametrize("indent", [0, 4, 8])
@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_docstrings_keep_every_word_and_fit(text: str, indent: int, tmp_path: Path) -> None:
    if not text:
        return
    pad = " " * indent
    source = "".join(f"{' ' * i}def f{i}():\n" for i in range(0, indent, 4))
    source += f"{pad}{docstring(text, indent)}\n{pad}x = 1\n"
    tree = ast.parse(_formatted(source, tmp_path))
    doc = next(
        node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    )
    # Wrapping moves line breaks, and CJK runs break between characters: the text is the same.
    assert "".join(doc.split()) == "".join(text.split())


def test_a_short_docstring_is_one_exact_line() -> None:
    assert docstring('He said "hi" \\ then left', 4) == '"""He said \\"hi\\" \\\\ then left"""'
    assert ast.literal_eval(docstring('ends with a quote "')) == 'ends with a quote "'


@pytest.mark.parametrize("spare", [0, 1, 2])
def test_a_docstring_a_little_too_long_for_one_line_fits(spare: int, tmp_path: Path) -> None:
    """ruff format joins a one-line docstring's closing quotes to it: wrapping leaves them room."""
    text = ("ab " * 40)[: LINE_LENGTH - 10 + spare] + "."  # at 4 columns, 1 to 3 too long
    _formatted(f"def f():\n    {docstring(text, 4)}\n    x = 1\n", tmp_path)


def test_a_long_docstring_wraps_at_the_indent() -> None:
    lines = docstring(SENTENCE, 8).split("\n")
    assert len(lines) == 4 and lines[-1] == '        """'
    assert all(8 + display_width(line.strip()) <= LINE_LENGTH for line in lines)


def test_a_literal_is_one_part_while_it_fits() -> None:
    assert string_literal("it's", 8, "comment=") == '"it\'s"'
    assert string_literal("a" * 90, 8, "comment=").startswith("(")
    assert string_literal("a" * 80, 0) == repr("a" * 80)
    assert string_literal("a " * 60, 8, sole=True).startswith('"a a')


def test_wide_characters_take_two_columns() -> None:
    assert display_width("ab") == 2
    assert display_width("日本") == 4
    assert display_width("😀") == 2


@pytest.mark.parametrize(
    "text",
    [
        "1. not a list",
        "- nor this",
        "# nor a heading\n```\nnor a fence",
        "a *b* _c_ <script>x</script> `code` [link](u) &amp; | ~~s~~ ![i](u) \\ end",
        *filter(str.strip, TEXTS),
    ],
)
def test_markdown_paragraph_renders_as_written(text: str) -> None:
    # rich, a dependency, brings markdown-it: a CommonMark parser.
    from markdown_it import MarkdownIt

    tokens = MarkdownIt().parse(f"# Title\n\n{markdown_paragraph(text)}\n\nMore.\n")
    kinds = [t.type for t in tokens if t.nesting == 1]
    assert kinds == ["heading_open", "paragraph_open", "paragraph_open"]
    (inline,) = [t for t in tokens if t.type == "inline"][1:2]
    children = inline.children or []
    assert {c.type for c in children} <= {"text", "softbreak"}
    assert "".join(c.content for c in children) == " ".join(text.split())
