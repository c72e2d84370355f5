"""The bad-spec corpus: each `tests/cases/bad/<case>/` holds a spec and how its error must read."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from persistgen.errors import Problem, UserError
from persistgen.spec.validate import read_spec, read_spec_text

ROOT = Path(__file__).resolve().parents[2]
CASES_DIR = ROOT / "tests" / "cases" / "bad"
CASES = sorted(path for path in CASES_DIR.iterdir() if path.is_dir())
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@dataclass(frozen=True)
class Expected:
    """One `expected.txt`: position, spec path (`-` for none), message and hint fragments."""

    line: int
    column: int
    spec_path: str
    message: str
    hint: str

    @classmethod
    def read(cls, case: Path) -> Expected:
        lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
        assert 3 <= len(lines) <= 4, f"{case.name}/expected.txt needs 3 or 4 lines"
        line, _, column = lines[0].partition(":")
        spec_path = "" if lines[1] == "-" else lines[1]
        hint = lines[3] if len(lines) == 4 else ""
        return cls(int(line), int(column), spec_path, lines[2], hint)


def only_problem(spec_file: Path) -> Problem:
    with pytest.raises(UserError) as info:
        read_spec(spec_file)
    problems = info.value.problems
    assert len(problems) == 1, f"expected one problem, got:\n{info.value}"
    return problems[0]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_spec(case: Path) -> None:
    expected = Expected.read(case)
    spec_file = case / "persistgen.yaml"

    problem = only_problem(spec_file)

    assert problem.file == str(spec_file)
    assert (problem.line, problem.column) == (expected.line, expected.column), problem
    assert problem.spec_path == expected.spec_path
    assert expected.message in problem.message
    assert expected.hint in problem.hint
    assert problem.hint, "every problem says how to fix it"
    assert "\n" not in problem.message + problem.hint, "messages and hints are one line each"
    assert problem.location == f"{spec_file}:{expected.line}:{expected.column}"


def test_corpus_is_well_formed() -> None:
    assert len(CASES) >= 22
    for case in CASES:
        assert (case / "persistgen.yaml").is_file(), case.name
        assert (case / "expected.txt").is_file(), case.name


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_examples_are_valid(example: Path) -> None:
    assert read_spec(example).resources


CLI_CASES = ["quoted-number", "duplicate-yaml-key", "invalid-yaml-syntax", "empty-file"]


@pytest.mark.parametrize("name", CLI_CASES)
def test_cli_reports_bad_spec_without_traceback(name: str) -> None:
    case = CASES_DIR / name
    expected = Expected.read(case)
    result = subprocess.run(
        [sys.executable, "-m", "persistgen", "validate", "persistgen.yaml"],
        cwd=case,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert f"persistgen.yaml:{expected.line}:{expected.column}:" in result.stderr
    assert expected.message in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_cli_accepts_a_valid_spec() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "persistgen", "validate", str(EXAMPLES[0])],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stdout


def test_every_problem_is_reported_in_one_pass() -> None:
    text = """version: 1
project:
  name: blog
resources:
  Post:
    fields:
      class: str:20
      views: {type: int, max_length: 3}
      status: {type: enum, values: [a, a]}
"""
    with pytest.raises(UserError) as info:
        read_spec_text(text, "spec.yaml")
    paths = [p.spec_path for p in info.value.problems]
    assert paths == [
        "resources.Post.fields.class",
        "resources.Post.fields.views.max_length",
        "resources.Post.fields.status.values.1",
    ]
    assert str(info.value).splitlines()[0].startswith("spec.yaml:7:7: resources.Post.fields.class")


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["version: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(UserError, match="expands to more than"):
        read_spec_text("\n".join(lines))


def test_deep_nesting_is_a_clean_error() -> None:
    with pytest.raises(UserError, match="nests too deeply"):
        read_spec_text("version: 1\nx: " + "[" * 5000 + "]" * 5000)


def test_non_utf8_file(tmp_path: Path) -> None:
    spec_file = tmp_path / "persistgen.yaml"
    spec_file.write_bytes(b"version: 1\nproject: {name: caf\xe9}\n")
    with pytest.raises(UserError, match="not UTF-8"):
        read_spec(spec_file)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read the spec"):
        read_spec(tmp_path / "persistgen.yaml")


@pytest.mark.parametrize(
    "field",
    [
        "{type: decimal, precision: 1, scale: 0}",  # scale 0 is a scale, not "unset"
        "{type: decimal, precision: 30, scale: 12}",
        "{type: enum, values: [draft, published], default: draft}",
        "{type: datetime, server_default: now, read_only: true}",
        "{type: int, read_only: true, nullable: true}",
        "!!str str:20",
    ],
)
def test_edge_fields_are_valid(field: str) -> None:
    head = "version: 1\nproject: {name: blog}\nresources:\n  Post:\n    fields:\n"
    text = f"{head}      f: {field}\n"
    assert "f" in read_spec_text(text).resources["Post"].fields


def test_author_id_column_clash_does_not_depend_on_order() -> None:
    template = """version: 1
project: {{name: blog}}
resources:
  User:
    fields: {{email: str}}
  Post:
    fields:
      {first}
      {second}
"""
    ref, column = "author: ref:User", "author_id: int"
    for first, second in [(ref, column), (column, ref)]:
        with pytest.raises(UserError, match="needs the column `author_id`"):
            read_spec_text(template.format(first=first, second=second))


def test_self_reference_reverse_collection_clash() -> None:
    text = """version: 1
project: {name: blog}
resources:
  Category:
    fields:
      parent: {type: ref, target: Category, nullable: true, on_delete: set null}
      categories: json?
"""
    with pytest.raises(UserError) as info:
        read_spec_text(text)
    (problem,) = info.value.problems
    assert problem.spec_path == "resources.Category.fields.parent.back_populates"
    assert "`Category.categories`" in problem.message


def test_mapping_used_as_key_is_a_clean_error() -> None:
    text = "version: 1\nproject: {name: blog}\nresources:\n  ? {Post: 1}\n  : fields: {}\n"
    with pytest.raises(UserError) as info:
        read_spec_text(text, "spec.yaml")
    (problem,) = info.value.problems
    assert "a key is a list or mapping" in problem.message
    assert (problem.line, problem.column) == (4, 5)


def test_reused_anchor_is_silent(capsys: pytest.CaptureFixture[str]) -> None:
    text = "version: 1\nproject: &a {name: blog}\nresources: &a {}\n"
    assert read_spec_text(text).project.name == "blog"
    assert capsys.readouterr().err == ""


def test_user_text_cannot_break_a_message_over_lines() -> None:
    text = 'version: 1\nproject: {name: blog}\nresources:\n  Post: "first\\nsecond"\n'
    with pytest.raises(UserError) as info:
        read_spec_text(text)
    (problem,) = info.value.problems
    assert problem.message == '`Post` must be a mapping, not the text "first\\nsecond"'
    assert len(str(info.value).splitlines()) == 1


def test_merged_keys_are_located_where_they_are_written() -> None:
    text = """version: 1
project: {name: blog}
resources:
  Post:
    fields:
      a: &base {type: str, max_lenght: 3}
      b: {<<: *base, nullable: true}
"""
    with pytest.raises(UserError) as info:
        read_spec_text(text)
    located = {(p.spec_path, p.line, p.column) for p in info.value.problems}
    assert ("resources.Post.fields.a.max_lenght", 6, 28) in located
    assert ("resources.Post.fields.b.max_lenght", 6, 28) in located  # inherited via `<<`
