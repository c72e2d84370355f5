"""The generated project's `schemas` modules."""
