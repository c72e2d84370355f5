"""The generated project's `repositories` modules."""
