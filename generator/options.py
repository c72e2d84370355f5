"""How a run writes its migration: the command line's choices, for the pipeline."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MigrationOptions:
    enabled: bool = True  # False: `--no-migration`; the schema change waits for the next run
    message: str | None = None  # set: write a revision even if nothing changed
    allow_destructive: bool = False
    # Type changes PostgreSQL makes by rewriting the table, under its lock (migrate/types.py).
    allow_rewrite: bool = False
    adopt: str | None = None  # a revision file persistgen did not write, to record as its own
    # A new project over an existing database (`import`): its first revision is a baseline of
    # what the database holds, persistgen's own tables come in a second.
    baseline: bool = False
    # `--contract`: drop the columns retired for rolling deploys (migrate/rolling.py).
    contract: bool = False
