"""Alembic revisions computed from spec changes, with no database needed."""
