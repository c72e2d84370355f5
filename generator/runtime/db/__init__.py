"""The generated project's `db` modules."""
