"""Where a project keeps what persistgen records besides its spec. Constants only, so that the
up-to-date check (`up_to_date.py`) can name them without importing the generator."""

MANIFEST = ".persistgen/manifest.json"
# An interrupted run's plan: pending while files are staged, the journal once committed.
PENDING = ".persistgen/journal.pending.json"
JOURNAL = ".persistgen/journal.json"
# The migration history: Alembic's revision files, and the schema persistgen recorded after each.
VERSIONS = "migrations/versions"
SNAPSHOTS = ".persistgen/revisions"
LEGACY_STATE = ".persistgen/state.json"  # the one snapshot of projects of earlier versions
