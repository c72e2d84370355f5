"""Every revision of the evolution test's project passes squawk, the PostgreSQL migration linter,
with its default rules but those left out in EXCLUDED (README: "Migrating a live database").

Each revision is applied on PostgreSQL, with rows in every table, by Alembic run under
tests/migrations/capture.py, which records every statement the driver ran and whether it ran
inside a transaction. squawk reads exactly that: the revision's statements, with BEGIN and
COMMIT (or ROLLBACK) around those that ran in a transaction and none around those that ran
outside one (`autocommit_block`). Alembic's own bookkeeping is left out: its version table, and
its reads of the catalog.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from persistgen import pipeline
from tests.migrations.steps import STEPS, Step
from tests.migrations.test_evolution import step_process
from tests.postgres import fresh_database, sql

pytestmark = pytest.mark.postgres

# squawk's default rules this test leaves out, each with why (README: "Migrating a live database",
# "squawk"). Every other default rule must find nothing.
EXCLUDED = {
    # What the spec chose for a column.
    "prefer-bigint-over-int": "an `int` field asks for 32 bits (`bigint` is a field type)",
    "prefer-text-field": "a `str:N` field's VARCHAR(N) is the bound the spec states",
    "prefer-timestamp-tz": "a `timezone: false` field asks for a timestamp without zone",
    # Changes the spec asked for that a client of the old schema may notice.
    "ban-drop-column": "a column is dropped only under --allow-destructive",
    "ban-drop-table": "a table is dropped only under --allow-destructive",
    "ban-drop-type": "an enum type persistgen made, dropped once no column uses it",
    "ban-drop-constraint": "a constraint the spec removed, or one the revision itself makes",
    "renaming-column": "a rename the spec declares (`renamed_from`, `column:`)",
    "renaming-table": "a rename the spec declares (`renamed_from`)",
    "renaming-object": "a name following a declared rename, or an enum type set aside",
    "ban-set-schema": "the spec's `schema:` moves the project's tables",
    # Left open, each named in the README.
    "changing-column-type": "catalog-only ones, under lock_timeout; rewrites need --allow-rewrite",
    "require-statement-timeout": "what runs long blocks nothing; what blocks waits lock_timeout",
}


@dataclass(frozen=True)
class Violation:
    revision: str
    rule: str
    message: str
    statement: str


def write_revision(project: Path, step: Step) -> str:
    """The step's spec generated; the file name of its revision, without `.py`."""
    (project / "persistgen.yaml").write_text(step.spec, encoding="utf-8")
    options = pipeline.MigrationOptions(
        allow_destructive=step.destructive, allow_rewrite=step.rewrites
    )
    revision = pipeline.generate(project, migration=options).revision
    assert revision is not None, f"{step.summary}: no revision"
    return Path(revision.path).stem


_CATALOG_READ = re.compile(r"\s*SELECT\b.*\bFROM\s+(pg_catalog|information_schema)\.", re.I | re.S)


def bookkeeping(statement: str) -> bool:
    """Alembic's own: its version table, and its reads of the catalog (whether that exists)."""
    return "alembic_version" in statement or bool(_CATALOG_READ.match(statement))


@dataclass
class Script:
    """A revision's statements as SQL text, and which statement each line belongs to."""

    lines: list[str]
    statement_at: list[str]  # per line

    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)

    def about(self, line: int) -> str:
        """The statement at squawk's `line` (counted from 0)."""
        return self.statement_at[min(line, len(self.statement_at) - 1)] if self.lines else ""

    def add(self, statement: str) -> None:
        text = statement.strip().rstrip(";").strip() + ";"
        for line in text.splitlines():
            self.lines.append(line)
            self.statement_at.append(text)


def script(entries: list[dict[str, Any]]) -> Script:
    """BEGIN before the first statement of each transaction, its end after its last."""
    result = Script([], [])
    begun = False
    for entry in entries:
        if "end" in entry:
            if begun:
                result.add(entry["end"])
            begun = False
        elif not bookkeeping(entry["statement"]):
            if entry["in_transaction"] and not begun:
                result.add("BEGIN")
                begun = True
            result.add(entry["statement"])
    return result


def squawk_binary() -> str:
    found = shutil.which("squawk", path=str(Path(sys.executable).parent)) or shutil.which("squawk")
    if found is None:
        pytest.fail("squawk is not installed: pip install -e '.[dev]' (squawk-cli)")
    return found


def lint(path: Path, statements: Script, pg_version: str) -> list[Violation]:
    """squawk's findings on a revision's SQL, written to `path` (named after the revision), each
    with the statement it is about."""
    path.write_text(statements.text(), encoding="utf-8")
    command = [squawk_binary(), "--reporter", "json", "--pg-version", pg_version, str(path)]
    # Run beside the file: no .squawk.toml of this repository's changes the rules.
    result = subprocess.run(command, capture_output=True, text=True, cwd=path.parent)
    try:
        findings: list[dict[str, Any]] = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        pytest.fail(f"squawk on {path}: {result.stdout}\n{result.stderr}")
    assert result.returncode in (0, 1) and (result.returncode == 1) == bool(findings), (
        f"squawk on {path} exited {result.returncode}: {result.stderr}"
    )
    return [
        Violation(path.stem, f["rule_name"], f["message"], statements.about(f["line"]))
        for f in findings
    ]


def report(violations: list[Violation], directory: Path) -> str:
    """Each rule's count, then each revision's statements with the rules they break."""
    counts = Counter(v.rule for v in violations)
    lines = [f"{len(violations)} squawk violations (each revision's SQL in {directory}):"]
    lines += [
        f"  {rule}: {n}" + (" (left out)" if rule in EXCLUDED else "")
        for rule, n in counts.most_common()
    ]
    by_statement: dict[tuple[str, str], list[Violation]] = {}
    for violation in violations:
        by_statement.setdefault((violation.revision, violation.statement), []).append(violation)
    revision = ""
    for (name, statement), found in by_statement.items():
        if name != revision:
            lines.append(name)
            revision = name
        lines.append("    " + (statement if len(statement) < 300 else statement[:300] + " ..."))
        lines += [f"      {v.rule}: {v.message}" for v in found]
    return "\n".join(lines)


def test_every_revision_passes_squawk(tmp_path: Path) -> None:
    project = tmp_path / "library"
    project.mkdir()
    directory = tmp_path / "sql"
    directory.mkdir()
    violations: list[Violation] = []
    with fresh_database(f"pgsq_squawk_{os.getpid()}") as url:
        # squawk judges the statements for the server that ran them.
        version = int(str(sql(url, "SHOW server_version_num")[0][0]))
        pg_version = f"{version // 10000}.{version % 10000}"
        for number, step in enumerate(STEPS, start=1):
            revision = write_revision(project, step)
            # One process for the step: the upgrade, recorded, then the rows of this step.
            with step_process(project, url) as child:
                out = directory / f"{revision}.json"
                entries = child.record(out, "upgrade", "head")
                violations += lint(directory / f"{revision}.sql", script(entries), pg_version)

                resources = [p.stem for p in (project / "library" / "models").glob("*.py")]
                child.seed(number * 1000, sorted(r for r in resources if r != "__init__"))
    print(report(violations, directory))  # every rule's count, the excluded ones too
    unexcused = [v for v in violations if v.rule not in EXCLUDED]
    assert not unexcused, report(unexcused, directory)
