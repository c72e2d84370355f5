"""The generated project's `api` modules."""
