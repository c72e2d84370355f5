"""`persistgen import`: a live database in, a spec (and its project) out."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from persistgen import edit, pipeline
from persistgen.errors import Problem, UserError, fail
from persistgen.importer.to_spec import Note
from persistgen.spec import SPEC_FILE


@dataclass(frozen=True)
class ImportedProject:
    target: Path
    spec: str
    notes: tuple[Note, ...]
    outcome: pipeline.Outcome
    package: str


def import_spec(
    url: str, schema: str | None = None, tables: Sequence[str] = (), exclude: Sequence[str] = ()
) -> tuple[str, tuple[Note, ...], str]:
    """The spec text for the database at `url`, its notes, and the project's name."""
    from persistgen.importer.objects import attach, carry
    from persistgen.importer.to_spec import selected, to_spec
    from persistgen.importer.write_spec import spec_text

    _require("sqlalchemy.ext.asyncio")
    from persistgen.importer.introspect import async_url, introspect

    address = async_url(url)
    _require("asyncpg" if address.get_backend_name() == "postgresql" else "aiosqlite")
    catalog = introspect(address, schema)
    if not catalog.tables:
        where = f" in schema `{catalog.schema}`" if catalog.schema else ""
        raise fail(f"the database has no tables{where}", "give --schema, or another database")
    # The spec goes into version control: never a password.
    spec_url = address._replace(password=None).render_as_string(hide_password=False)
    chosen = [
        t.name
        for t in catalog.tables
        if t.name in selected([t.name for t in catalog.tables], tables, exclude)
        and all(what != "partition" for what, _ in t.extras)
    ]
    carried = carry(catalog, chosen)  # what the spec carries verbatim: not mapped again
    imported = to_spec(carried.catalog, spec_url, tables, exclude)
    attach(imported, carried, catalog.dialect)
    if address.password:
        imported.note(
            (), "the URL's password is not written here: give it in DATABASE_URL (or .env)"
        )
    if not imported.document["resources"]:
        raise fail("no table matches --tables and --exclude", "loosen the patterns")
    return spec_text(imported), tuple(imported.notes), imported.document["project"]["name"]


def _require(module: str) -> None:
    """Import `module`, or say how to install what `import` needs."""
    try:
        importlib.import_module(module)
    except ImportError as exc:  # SQLAlchemy and the drivers come with the `import` extra
        raise fail(
            f"importing a database needs {module.partition('.')[0]}, which is not installed "
            f"({exc})",
            "pip install 'persistgen[import]'",
        ) from None


def import_project(
    url: str,
    parent: Path,
    schema: str | None = None,
    tables: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> ImportedProject:
    """Write PARENT/<database name>: the imported spec and everything generated from it, all
    at once (nothing is left behind on failure)."""
    from persistgen.spec.validate import read_spec_text

    text, notes, name = import_spec(url, schema, tables, exclude)
    target = parent / name
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise fail(
            f"{target} already exists and is not an empty directory",
            "remove it, or choose another --dir",
            file=str(target),
        )
    text = edit.with_schema_comment(text)
    try:
        spec = read_spec_text(text, SPEC_FILE)
    except UserError as exc:
        hint = (
            "run again with --spec-only to write the spec, edit it, then "
            f"`persistgen new project {name} --spec {name}.yaml`"
        )
        raise UserError([*exc.problems, Problem("the imported spec is refused", hint)]) from None
    outcome = pipeline.new_project(target, text, baseline=True, spec=spec)
    return ImportedProject(target, text, notes, outcome, spec.project.python_package)
